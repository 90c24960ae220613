from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Role, RoleAssignment


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Nama pengguna atau NIP"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Nama pengguna/NIP atau kata sandi salah. Perhatikan huruf besar dan kecil."),
        "inactive": _("Akun ini tidak aktif."),
    }


class GrantRoleForm(forms.Form):
    """Give a user a role on a unit within the granting administrator's subtree."""

    user = forms.CharField(
        label=_("Nama pengguna atau NIP"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices)

    def __init__(self, *args: Any, by: Any, **kwargs: Any) -> None:
        from kinerja.organisations.forms import UnitChoiceField
        from kinerja.organisations.selectors import units_for

        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["unit"] = UnitChoiceField(
            units_for(by, roles=(Role.ADMIN,)),
            label=_("Unit"),
            help_text=_("Peran berlaku untuk unit ini dan seluruh unit di bawahnya."),
        )

    def clean_user(self) -> Any:
        value = self.cleaned_data["user"].strip()
        users = get_user_model()._default_manager
        found = users.filter(employee__nip=value).first() if value.isdigit() and len(value) == 18 else None
        found = found or users.filter(username=value).first()
        if found is None:
            raise forms.ValidationError(_("Pengguna dengan nama pengguna atau NIP ini tidak ditemukan."))
        if not found.is_active:
            raise forms.ValidationError(_("Akun pengguna ini tidak aktif."))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user, unit, role = data.get("user"), data.get("unit"), data.get("role")
        if user is not None and unit is not None and role:
            from .services import grant_problem

            problem = grant_problem(user=user, unit=unit, role=role, by=self.by)
            if problem is not None:
                raise forms.ValidationError(problem[1], code=problem[0])
        return data

    def save(self) -> RoleAssignment:
        from .services import grant_role

        data = self.cleaned_data
        return grant_role(user=data["user"], unit=data["unit"], role=data["role"], by=self.by)
