"""gunicorn's configuration for production: `gunicorn kinerja.config.wsgi -c python:kinerja.config.gunicorn`.

Threaded workers (gthread): a heavy page keeps one thread busy, not a whole worker, so `/healthz` and
light pages keep answering while reports run (docs/decisions/0014-app-server.md has the measurements).
Each setting can be changed from the environment: WEB_BIND, WEB_WORKERS (default 2, about one per CPU
core), WEB_THREADS (8 per worker), WEB_TIMEOUT (seconds a request may take before its worker is restarted).
"""

from __future__ import annotations

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection from the reverse proxy stays open
max_requests = 5000  # recycle a worker now and then (fragmented memory), staggered by the jitter
max_requests_jitter = 500
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeats off the disk
