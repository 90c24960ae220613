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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.viewsets import GenericViewSet

from kinerja.common.forms import read_number
from kinerja.common.parsers import SafeJSONParser as SafeJSONParser  # re-exported: the API's JSON parser
from kinerja.common.races import CONFLICT_CODE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
# Named in settings (REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]): expiring API tokens first
# (accounts/tokens.py, a layer above), then the browser's session.
AUTHENTICATION: list[type[BaseAuthentication]] = list(api_settings.DEFAULT_AUTHENTICATION_CLASSES)  # type: ignore[arg-type]


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

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return exception_handler


def service_error_detail(exc: DjangoValidationError) -> dict[str, Any]:
    """A service's ValidationError as an API error body: keyed by field, `non_field_errors` for the rest."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


class ConflictError(exceptions.APIException):
    """409: another writer changed the same data at the same moment; nothing was written, send it again."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _api_error(exc: DjangoValidationError) -> exceptions.APIException:
    """A service's ValidationError as the API error it is: a lost race (code `conflict`, see
    `common/races.py`) is a 409, anything else a 400 keyed by field."""
    if getattr(exc, "code", None) == CONFLICT_CODE:
        return ConflictError(" ".join(exc.messages))
    return serializers.ValidationError(service_error_detail(exc))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The one mapping of service errors to responses: PermissionDenied → 403, ValidationError → 400,
    a lost race → 409.

    DRF already answers Django's `PermissionDenied` (403) and `Http404` (404); a service's
    ValidationError that no `service_errors` block caught becomes a 400 here instead of a 500.
    """
    if isinstance(exc, DjangoValidationError):
        exc = _api_error(exc)
    return drf_exception_handler(exc, context)


def validated(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> Any:
    """The request's body read by `serializer_class` (a 400 when invalid): its validated data.

    `kwargs` go to the serializer (`partial=`, `context=`).
    """
    payload = serializer_class(data=request.data, **kwargs)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's ValidationError (keyed by field) becomes a 400 naming the same fields."""
    try:
        yield
    except DjangoValidationError as exc:
        raise _api_error(exc) from exc


# ---------------------------------------------------------------- bodies and ids

# The widest integer a database column holds (PostgreSQL bigint, SQLite INTEGER): an id beyond it names
# nothing, and handed to the database driver it is an OverflowError, not an empty answer.
ID_MIN = -(2**63)
ID_MAX = 2**63 - 1


class BoundedIntegerField(serializers.IntegerField):
    """An integer (an id) within what a database column holds: beyond it a 400 naming the limit."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class BoundedIntegerFormField(forms.IntegerField):
    """`BoundedIntegerField` for a form or a filter: a whole number a database column holds."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", ID_MIN)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """A filter by id (or any whole number): a bounded integer, so a 30-digit value is a 400, not a 500."""

    field_class = BoundedIntegerFormField


# For a ModelSerializer: the bounds of an integer column as the SQL standard sizes give them (a small integer
# is 0–32,767 on every database), not as the connection reports them — SQLite reports 64 bits for every
# integer column, so the schema generated on SQLite and on PostgreSQL would differ. (A comment, not a
# docstring: the schema would take a docstring as the description of every serializer using the mixin.)
class PortableRangesMixin:
    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[Any, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)  # type: ignore[misc]
        internal = model_field.get_internal_type()
        portable = BaseDatabaseOperations.integer_field_ranges.get(internal)
        if portable is not None:
            low, high = connection.ops.integer_field_range(internal)
            if kwargs.get("min_value") == low:
                kwargs["min_value"] = portable[0]
            if kwargs.get("max_value") == high:
                kwargs["max_value"] = portable[1]
        return field_class, kwargs


# ---------------------------------------------------------------- numbers


class HumanDecimalField(serializers.DecimalField):
    """A number as JSON or as people write it (`85.5`, `"85,5"`, `"1.234,5"`, `"85%"`).

    Read by `common.forms.read_number`, the reading of the pages, so a page and the API give the
    same answer; a value beyond the field's digits is a 400 naming the limit. Written out, and
    described in the schema, exactly as DRF's `DecimalField`.
    """

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, str) and not data.strip():
            raise serializers.ValidationError(forms.Field.default_error_messages["required"], code="required")
        try:
            value = read_number(
                data,
                max_digits=self.max_digits,
                decimal_places=self.decimal_places,
                min_value=None if self.min_value is None else Decimal(str(self.min_value)),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from None
        assert value is not None  # blank refused above
        return self.quantize(value)


class HumanDecimalsMixin:
    # For a ModelSerializer: every model DecimalField is read as a `HumanDecimalField`.
    # (A comment, not a docstring: drf-spectacular would take a docstring as each serializer's description.)

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: HumanDecimalField,
    }


# ---------------------------------------------------------------- schema

V = TypeVar("V")


def op(summary: StrOrPromise, **extend: Any) -> dict[str, Any]:
    """One operation's schema for `documented`: its summary and any other `extend_schema` argument."""
    return {"summary": summary, **extend}


def _with_tag(tag: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"tags": [tag], **spec}


def documented(tag: str, **operations: StrOrPromise | dict[str, Any]) -> Callable[[V], V]:
    """`extend_schema_view` for a viewset whose operations all carry `tag`.

    Each keyword is an action (`list`, `retrieve`, `create`, `update`, `partial_update`,
    `destroy`, or a custom action): a string is its summary, `op(summary, request=..., ...)`
    adds any other `extend_schema` argument.

        @documented(TAG, list=_("Daftar SS"), create=op(_("Menambah SS"), request=ObjectiveWriteSerializer))
    """
    specs = {
        action: spec if isinstance(spec, dict) else {"summary": spec} for action, spec in operations.items()
    }
    return extend_schema_view(  # type: ignore[return-value]
        **{action: extend_schema(**_with_tag(tag, spec)) for action, spec in specs.items()}
    )


# ---------------------------------------------------------------- schema: the error answers every operation may give

ERROR_SCHEMA = {
    "type": "object",
    "description": "Satu pesan kesalahan.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Masukan ditolak: setiap kunci adalah nama isian (atau `non_field_errors`, `detail`) "
        "dengan pesan-pesannya."
    ),
    "additionalProperties": {},
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_VALIDATION_REF = {"$ref": "#/components/schemas/ValidationError"}
_UNSAFE = {"post", "put", "patch", "delete"}


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _blank_emails(component: dict[str, Any]) -> None:
    # Every e-mail address in Kinerja may be blank (a user or an employee without one): `format: email`
    # alone refuses "", which the API sends and accepts.
    for prop in component.get("properties", {}).values():
        if prop.get("format") == "email":
            del prop["format"]
            prop["anyOf"] = [{"format": "email"}, {"maxLength": 0}]


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: document the errors every operation may answer, in one place.

    400 (a body or a query the API refuses; an operation's own 400 stays and the plain validation
    answer is added beside it), 401 (no or a wrong credential), 403 (not allowed), 404 (outside the
    user's reach, or a page beyond the last), 409 on writes (a concurrent write won), 429 (throttled).
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for component in schemas.values():
        _blank_emails(component)
    schemas.setdefault("Error", ERROR_SCHEMA)
    schemas.setdefault("ValidationError", VALIDATION_ERROR_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            own = responses.get("400")
            if own is None:
                responses["400"] = _answer("Masukan ditolak.", _VALIDATION_REF)
            else:
                for media in own.get("content", {}).values():
                    if "schema" in media and media["schema"] != _VALIDATION_REF:
                        media["schema"] = {"anyOf": [media["schema"], _VALIDATION_REF]}
            responses.setdefault("401", _answer("Belum masuk atau kredensial salah.", _ERROR_REF))
            responses.setdefault("403", _answer("Tidak berwenang.", _ERROR_REF))
            responses.setdefault(
                "404", _answer("Tidak ditemukan atau di luar jangkauan pengguna.", _ERROR_REF)
            )
            if method in _UNSAFE:
                responses.setdefault("409", _answer("Bertabrakan dengan perubahan lain; ulangi.", _ERROR_REF))
            responses.setdefault("429", _answer("Terlalu banyak permintaan; coba lagi nanti.", _ERROR_REF))
    return result
