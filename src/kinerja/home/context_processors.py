from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kinerja import __version__

from .navigation import NAVIGATION


def navigation(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    current = {"reporting": "realizations"}.get(namespace, namespace)
    if match is not None and match.url_name == "rule-sets":
        current = ""  # its own entry below the menu, not the home page's
    items = [
        {
            "key": item.key,
            "label": item.label,
            "url": item.url(),
            "icon": item.icon,
            "active": item.key == current,
        }
        for item in NAVIGATION
    ]
    return {"nav_items": items, "KINERJA_VERSION": __version__}
