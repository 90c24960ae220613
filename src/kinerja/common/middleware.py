"""Indonesian is the interface's default language, whatever the browser prefers.

Django's LocaleMiddleware would follow a browser's Accept-Language header, so a
civil servant on an English-configured laptop would get English unasked. Pages
ignore that header: a user who wants English picks it in the header (a cookie).
The API keeps honouring Accept-Language, which is how scripts ask for a language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class DefaultLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
