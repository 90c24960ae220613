"""The API kernel every app's `api.py` builds on: authentication, the permission check, paging, errors.

The API asks the one permission layer (django-rules, accounts/rules.py) and nothing else.
An HTTP method maps to an action (GET → view, POST → add, PUT/PATCH → change,
DELETE → delete) on the view's model, giving a permission name such as
`organisations.change_employee`. Lists and creation ask it without an object
("does the user hold a suitable role anywhere?"); one object asks it with the
object (`user.has_perm(perm, obj)`: "does a role reach this object's unit?").

Querysets are already limited to the user's reach, so an object outside it is
a 404 before any rule runs; a visible object the user may not change is a 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.viewsets import GenericViewSet

ACTION_BY_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def permission_name(model: Any, method: str) -> str:
    """`<app_label>.<action>_<model_name>` for the model and HTTP method."""
    action = ACTION_BY_METHOD.get(method.upper())
    if action is None:
        return ""
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


class RulesPermission(BasePermission):
    """Map the HTTP method to a rules permission on the view's model and check it through `user.has_perm`."""

    def _perm(self, request: Request, view: Any) -> str:
        model = getattr(view, "rules_model", None) or view.get_queryset().model
        return permission_name(model, request.method or "")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        perm = self._perm(request, view)
        if not perm:
            return False
        if getattr(view, "detail", False):
            return True  # one object: decided with the object in has_object_permission
        return bool(user.has_perm(perm))

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        perm = self._perm(request, view)
        if perm and request.user.has_perm(perm, obj):
            return True
        if request.method in SAFE_METHODS:
            raise Http404  # what the user may not read does not exist for them
        return False


# Token first: a request without credentials gets 401 with `WWW-Authenticate: Token`,
# which tells a script what to send; the browser's session works as before.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class RulesViewSet(GenericViewSet):
    """The base of every API viewset: token or session, the rules layer per method, paged lists."""

    authentication_classes = AUTHENTICATION
    permission_classes = [RulesPermission]
    pagination_class = Pagination
    # Actions whose service asks the rules with the object, after the queryset's 404: here only sign-in.
    service_checked_actions: frozenset[str] = frozenset()

    def get_permissions(self) -> Any:
        if self.action in self.service_checked_actions:
            return [IsAuthenticated()]
        return super().get_permissions()


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's ValidationError (keyed by field) becomes a 400 naming the same fields."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            detail: Any = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        raise serializers.ValidationError(detail) from exc
