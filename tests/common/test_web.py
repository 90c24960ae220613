"""The page kernel: one lookup policy (out of scope → 404, in scope but refused → 403), htmx, service errors on forms."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from kinerja.common.web import form_errors, is_htmx, object_for, visible_or_404
from kinerja.organisations.models import Unit

pytestmark = pytest.mark.django_db


class FakeUser(AnonymousUser):
    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed

    def has_perm(self, perm: str, obj: object = None) -> bool:  # type: ignore[override]
        return perm in self.allowed


def request_for(*allowed: str, **headers: str):
    request = RequestFactory().get("/", headers=headers)
    request.user = FakeUser(set(allowed))
    return request


def test_object_for_is_404_out_of_scope_and_403_when_refused(org):
    in_scope = Unit.objects.filter(pk=org.kpp_a.pk)
    assert object_for(
        request_for("organisations.change_unit"), in_scope, "organisations.change_unit", code="KPP-A"
    )
    with pytest.raises(Http404):
        object_for(
            request_for("organisations.change_unit"), in_scope, "organisations.change_unit", code="KPP-B"
        )
    with pytest.raises(PermissionDenied):
        object_for(request_for(), in_scope, "organisations.change_unit", code="KPP-A")


def test_visible_or_404_hides_what_the_view_permission_refuses(org):
    units = Unit.objects.all()
    assert visible_or_404(
        request_for("organisations.view_unit"), units, "organisations.view_unit", pk=org.kpp_a.pk
    )
    with pytest.raises(Http404):
        visible_or_404(request_for(), units, "organisations.view_unit", pk=org.kpp_a.pk)
    with pytest.raises(Http404):
        visible_or_404(
            request_for("organisations.view_unit"),
            lambda pk: units.get(pk=pk),
            "organisations.view_unit",
            pk=0,
        )


def test_is_htmx_and_its_target():
    assert not is_htmx(request_for())
    assert is_htmx(request_for(HX_Request="true"))
    assert is_htmx(request_for(HX_Request="true", HX_Target="rows"), "rows")
    assert not is_htmx(request_for(HX_Request="true", HX_Target="other"), "rows")


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def test_form_errors_put_keyed_errors_on_fields_and_the_rest_on_top():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    form_errors(form, ValidationError({"name": "taken", "other": "broken", "__all__": "whole"}))
    assert form.errors["name"] == ["taken"]
    assert sorted(form.non_field_errors()) == ["broken", "whole"]
    listed = NameForm({"name": "x"})
    listed.is_valid()
    form_errors(listed, ValidationError(["one", "two"]))
    assert listed.non_field_errors() == ["one", "two"]
