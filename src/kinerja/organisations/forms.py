"""Forms for units, positions and employees.

The rules themselves live in `services.check_*`; `clean()` calls them so every
problem shows next to its input at once. Choices are limited to what the user
may use: units where the user holds the needed role, employees the user reaches.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kinerja.accounts.backends import nip_of
from kinerja.accounts.models import Role, RoleAssignment
from kinerja.accounts.rules import EDIT_ORG_ROLES, EDIT_PEOPLE_ROLES
from kinerja.accounts.services import grant_problem, grant_role
from kinerja.common.web import service_errors_on

from . import selectors, services
from .models import LEVEL_ORDER, AssignmentKind, Employee, Position, Unit

# Up to this many units a unit field is a drop-down list; beyond it the user types the unit code
# (a list of the whole ministry would be megabytes of HTML).
UNIT_SELECT_LIMIT = 300

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picked by its code: a drop-down for a short list, a text box for a long one."""

    def __init__(self, queryset: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Unit dengan kode ini tidak ditemukan atau di luar wewenang Anda.")},
        )
        super().__init__(queryset, **kwargs)
        count = queryset.count()
        self._base_depth = 0
        if count <= UNIT_SELECT_LIMIT:
            first = queryset.order_by("depth").values_list("depth", flat=True).first()
            self._base_depth = first or 0
            self.widget = forms.Select()
            self.widget.choices = self.choices
        else:
            self.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
            if not self.help_text:
                self.help_text = _("Ketik kode unit, misalnya KPP-001.")

    def label_from_instance(self, obj: Unit) -> str:
        indent = "\u00a0\u00a0" * max(obj.depth - self._base_depth, 0)
        return f"{indent}{obj.code} — {obj.name}"


class NoUniqueCheckMixin:
    """Uniqueness is a business rule with its own message in services; skip Django's generic one."""

    def validate_unique(self) -> None:
        return None


# ---------------------------------------------------------------- units


class UnitForm(NoUniqueCheckMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "code",
            "name_id",
            "name_en",
            "level",
            "kind",
            "owns_map",
            "valid_from",
            "valid_to",
            "is_active",
        ]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET}
        help_texts = {
            "code": _("Kode unik, tanpa spasi, misalnya KPP-001."),
            "owns_map": _(
                "Hanya untuk unit level Kemenkeu-Wide sampai Kemenkeu-Three yang memiliki visi, "
                "misi, dan rangkaian input–proses–outcome sendiri."
            ),
        }

    def __init__(self, *args: Any, parent: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent = parent
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        if parent is not None and not self.instance.pk and not self.is_bound:
            # a new unit usually sits one level below its parent
            rank = LEVEL_ORDER.index(parent.level) if parent.level in LEVEL_ORDER else -1
            if rank + 1 < len(LEVEL_ORDER):
                self.initial.setdefault("level", LEVEL_ORDER[rank + 1])

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip()
        if any(c.isspace() for c in code) or "/" in code:
            raise ValidationError(_("Kode unit tidak boleh memuat spasi atau garis miring."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("level"):
            with service_errors_on(self):
                services.check_unit(
                    code=data.get("code") or "",
                    level=data["level"],
                    owns_map=bool(data.get("owns_map")),
                    parent=self.parent,
                    unit=self.instance if self.instance.pk else None,
                    valid_from=data.get("valid_from"),
                    valid_to=data.get("valid_to"),
                )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class UnitMoveForm(forms.Form):
    new_parent = UnitChoiceField(Unit.objects.none(), label=_("Unit induk baru"))

    def __init__(self, *args: Any, unit: Unit, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        # every unit where the user may add units; descendants stay in the list so that choosing one
        # gets a clear message rather than "not a valid choice"
        self.fields["new_parent"] = UnitChoiceField(
            selectors.units_for(user, roles=EDIT_ORG_ROLES).exclude(pk=unit.pk),
            label=_("Unit induk baru"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_parent") is not None:
            with service_errors_on(self):
                services.check_unit_move(unit=self.unit, new_parent=data["new_parent"])
        return data


# ---------------------------------------------------------------- positions


class PositionForm(NoUniqueCheckMixin, forms.ModelForm):
    class Meta:
        model = Position
        fields = ["code", "title_id", "title_en", "type", "echelon", "job_grade", "superior", "is_head"]

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        # a superior position sits in the same unit or in one of its ancestors
        paths = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
        superiors = (
            Position.objects.filter(unit__path__in=paths)
            .select_related("unit")
            .order_by("unit__path", "-is_head", "code")
        )
        if self.instance.pk:
            superiors = superiors.exclude(pk=self.instance.pk)
        superior = self.fields["superior"]
        assert isinstance(superior, forms.ModelChoiceField)  # the form field of a foreign key

        def superior_label(p: Position) -> str:
            return f"{p.unit.code} — {p.title}"

        superior.queryset = superiors
        # Django allows replacing label_from_instance on the instance (an instance attribute, called
        # without self); mypy only accepts overriding a method in a subclass.
        superior.label_from_instance = superior_label  # type: ignore[method-assign,assignment]
        self.fields["echelon"].widget.attrs.update({"min": 1, "max": 5})
        self.fields["job_grade"].widget.attrs.update({"min": 1, "max": 27})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type"):
            with service_errors_on(self):
                services.check_position(
                    unit=self.unit,
                    code=data.get("code") or "",
                    type=data["type"],
                    echelon=data.get("echelon"),
                    superior=data.get("superior"),
                    is_head=bool(data.get("is_head")),
                    position=self.instance if self.instance.pk else None,
                )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# ---------------------------------------------------------------- employees


class EmployeeForm(NoUniqueCheckMixin, forms.ModelForm):
    """Create or edit an employee. A new unit or position on edit is a move, dated by `start`."""

    unit = UnitChoiceField(Unit.objects.none(), label=_("Unit"))
    superior = forms.ModelChoiceField(
        Employee.objects.none(),
        required=False,
        to_field_name="nip",
        label=_("NIP atasan langsung"),
        help_text=_("Kosongkan bila tidak ada. Atasan harus pegawai dalam jangkauan Anda."),
        error_messages={"invalid_choice": _("Pegawai dengan NIP ini tidak ditemukan dalam jangkauan Anda.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 18}),
    )
    start = forms.DateField(label=_("Tanggal mulai penugasan"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(
        label=_("Jenis penugasan"), choices=AssignmentKind.choices, initial=AssignmentKind.DEFINITIVE
    )

    class Meta:
        model = Employee
        fields = ["nip", "name", "email", "unit", "position", "superior", "is_active"]
        help_texts = {
            "nip": _("18 angka: tanggal lahir, tahun-bulan pengangkatan, jenis kelamin, nomor urut.")
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        editing = bool(self.instance.pk)
        if editing and not self.is_bound:
            # the unit and superior fields are keyed by code and NIP, not by primary key
            self.initial["unit"] = self.instance.unit
            self.initial["superior"] = self.instance.superior
        self.fields["nip"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "maxlength": 18}
        )
        self.fields["unit"] = UnitChoiceField(
            selectors.units_for(user, roles=EDIT_PEOPLE_ROLES),
            label=_("Unit"),
        )
        self.fields["unit"].widget.attrs.update(
            {
                "hx-get": reverse("organisations:position-options"),
                "hx-target": "#id_position",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        superior = self.fields["superior"]
        assert isinstance(superior, forms.ModelChoiceField)  # declared above
        superior.queryset = selectors.scoped_employees(user)
        unit = self._chosen_unit()
        position = self.fields["position"]
        assert isinstance(position, forms.ModelChoiceField)  # the form field of a foreign key
        position.queryset = selectors.positions_in(unit) if unit is not None else Position.objects.none()
        position.help_text = _("Daftar jabatan mengikuti unit yang dipilih.")
        position.error_messages["invalid_choice"] = _("Pilih jabatan yang ada di unit yang dipilih.")
        if editing:
            self.fields["start"].label = _("Tanggal mulai penugasan baru")
            self.fields["start"].required = False
            self.fields["start"].help_text = _("Diisi bila unit atau jabatan berubah; bawaannya hari ini.")
            self.fields["kind"].label = _("Jenis penugasan baru")
        else:
            del self.fields["is_active"]
            self.fields["start"].initial = dt.date.today()
        self.order_fields(
            ["nip", "name", "email", "unit", "position", "superior", "start", "kind", "is_active"]
        )

    def _unit_choices(self) -> QuerySet[Unit]:
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField) and unit_field.queryset is not None  # set in __init__
        return unit_field.queryset

    def _chosen_unit(self) -> Unit | None:
        if self.is_bound:
            code = self.data.get(self.add_prefix("unit"))
            return self._unit_choices().filter(code=code).first() if code else None
        initial = self.initial.get("unit")
        if isinstance(initial, Unit):
            return initial
        if initial:
            return self._unit_choices().filter(pk=initial).first()
        return None

    def clean_nip(self) -> str:
        return (self.cleaned_data.get("nip") or "").strip()

    @property
    def moves(self) -> bool:
        data = self.cleaned_data
        if not self.instance.pk or data.get("unit") is None:
            return False
        position = data.get("position")
        return (
            data["unit"].pk != self.instance.unit_id
            or (position.pk if position else None) != self.instance.position_id
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("unit") is None:
            return data
        with service_errors_on(self):
            services.check_employee(
                nip=data.get("nip") or "",
                unit=data["unit"],
                position=data.get("position"),
                superior=data.get("superior"),
                employee=self.instance if self.instance.pk else None,
            )
        if self.moves:
            with service_errors_on(self):
                services.check_move(employee=self.instance, start=data.get("start") or dt.date.today())
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        common = {k: data.get(k) for k in ("nip", "name", "email", "unit", "position", "superior")}
        common["email"] = common["email"] or ""
        if self.instance.pk:
            return {
                **common,
                "is_active": data.get("is_active", True),
                "move_start": data.get("start"),
                "move_kind": data.get("kind") or AssignmentKind.DEFINITIVE,
            }
        return {**common, "start": data["start"], "kind": data.get("kind") or AssignmentKind.DEFINITIVE}


class GrantRoleForm(forms.Form):
    """Give a user a role on a unit within the granting administrator's subtree."""

    user = forms.CharField(
        label=_("Nama pengguna atau NIP"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label=_("Peran"), choices=Role.choices)

    def __init__(self, *args: Any, by: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["unit"] = UnitChoiceField(
            selectors.units_for(by, roles=(Role.ADMIN,)),
            label=_("Unit"),
            help_text=_("Peran berlaku untuk unit ini dan seluruh unit di bawahnya."),
        )

    def clean_user(self) -> Any:
        value = self.cleaned_data["user"].strip()
        users = get_user_model()._default_manager
        nip = nip_of(value)
        found = users.filter(employee__nip=nip).first() if nip is not None else None
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
            problem = grant_problem(user=user, unit=unit, role=role, by=self.by)
            if problem is not None:
                raise forms.ValidationError(problem[1], code=problem[0])
        return data

    def save(self) -> RoleAssignment:
        data = self.cleaned_data
        return grant_role(user=data["user"], unit=data["unit"], role=data["role"], by=self.by)
