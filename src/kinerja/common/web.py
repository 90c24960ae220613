"""The page kernel every app's views build on: one object-lookup policy, htmx detection, service errors onto forms.

The lookup policy, the same for every page and the API (`common/api.py`):

- an object outside the user's scope does not exist for them → 404 (its existence is not disclosed);
- an object in scope that the user may not act on → 403 (`PermissionDenied`).

"In scope" is what the caller's queryset (or loader) already limits to, through a selector;
the permission is asked of the one permission layer (`accounts/rules.py`) with the object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=Model)


def get_visible_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """The object of `lookup` in a queryset already limited to the user's scope, else 404."""
    return get_object_or_404(queryset, **lookup)


def require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """403 unless the user holds `perm` (on `obj`, or anywhere when `obj` is None)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def object_for(request: HttpRequest, queryset: QuerySet[M], perm: str | None, **lookup: Any) -> M:
    """The object from a queryset in the user's scope (else 404), if the user holds `perm` on it (else 403)."""
    obj = get_visible_or_404(queryset, **lookup)
    if perm:
        require(request, perm, obj)
    return obj


def visible_or_404(
    request: HttpRequest,
    source: QuerySet[M] | Callable[[Any], M],
    perm: str,
    *,
    of: Callable[[M], Any] | None = None,
    **lookup: Any,
) -> M:
    """The object of `lookup` if it exists and the user may see it, else 404.

    For objects whose scope is their view permission (a map the user may not read does not
    exist for them), so a refusal of `perm` is a 404, not a 403. `source` is a queryset, or a
    selector called with the lookup's one value (`selectors.map_for_page(pk)`); `of` names the
    object `perm` is asked on when it is not the object itself (a link → its map).
    """
    try:
        if isinstance(source, QuerySet):
            obj = source.get(**lookup)
        else:
            (key,) = lookup.values()
            obj = source(key)
    except ObjectDoesNotExist:
        raise Http404 from None
    if not request.user.has_perm(perm, of(obj) if of else obj):
        raise Http404
    return obj


def is_htmx(request: HttpRequest, target: str | None = None) -> bool:
    """Whether htmx sent the request (and, given `target`, aims its answer at the element with that id)."""
    if request.headers.get("HX-Request") != "true":
        return False
    return target is None or request.headers.get("HX-Target") == target


def form_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field when the form has the field, else on top.

    A field that already failed its own validation keeps only that message.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        if name in form.fields:
            if name not in form.errors:
                form.add_error(name, messages)
        else:
            form.add_error(None, messages)


@contextmanager
def service_errors_on(form: forms.BaseForm) -> Iterator[None]:
    """A service's ValidationError inside the block goes onto the form (`form_errors`) and ends the block.

    The pages' counterpart of `common.api.service_errors`: the block writes through the service and
    answers (message, redirect); after a refusal the view goes on to show the form with its errors.
    """
    try:
        yield
    except ValidationError as exc:
        form_errors(form, exc)
