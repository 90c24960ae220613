"""Errors under /api/ answered in JSON, like the rest of the API, even when Django (not DRF) answers them.

An address the router does not know (`/api/kpis/0.5/`), a method the URL conf refuses before a view, a
CSRF refusal or a server error would otherwise come back as the site's HTML error page; a script reading
the API, and the schema's promise of `application/json`, get `{"detail": "…"}` with the same status.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
_DOCUMENTATION = ("/api/docs/",)  # HTML pages by design


class ApiErrorsAsJsonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(API_PREFIX)
            and not request.path.startswith(_DOCUMENTATION)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail = _("Tidak ditemukan.") if response.status_code == 404 else _phrase(response.status_code)
            response.content = json.dumps({"detail": str(detail)}).encode()
            response["Content-Type"] = "application/json"
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return str(code)
