import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.config.settings.production")

# How often a thread holding the GIL is asked to let another run (Python's default: 5 ms). With a worker's
# threads busy on heavy pages, a light request (/healthz, a small page) waits for the GIL in steps of this
# interval; 0.5 ms lets it through sooner (docs/decisions/0014-app-server.md). An empty value keeps Python's.
_interval = os.environ.get("KINERJA_SWITCH_INTERVAL", "0.0005")
if _interval:
    sys.setswitchinterval(float(_interval))

from kinerja.config import gate  # noqa: E402  (after the interval: nothing of Django imported before it needs it)

# heavy pages take turns, light requests go straight through (kinerja.config.gate, decision 0014)
application = gate.from_environment(get_wsgi_application())
