"""Forms of the reorganisation pages: each builds a plan (`reorganisation.py`'s JSON, by unit codes).

The forms check what a form can (fields filled, units within the administrator's reach); the rules of the
structure (levels, cycles, dates, map owners) are the preview's, shown on the preview page before applying.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kinerja.accounts.rules import EDIT_ORG_ROLES

from . import selectors
from .forms import DATE_WIDGET, UnitChoiceField
from .models import Employee, Position, ReorganisationKind, Unit, UnitKind, UnitLevel
from .reorganisation import MAX_NEW_UNITS

# the kinds as they appear in URLs (Indonesian, like every path)
KIND_SLUGS = {
    "pindah": ReorganisationKind.MOVE,
    "gabung": ReorganisationKind.MERGE,
    "pecah": ReorganisationKind.SPLIT,
}
SLUG_OF = {kind: slug for slug, kind in KIND_SLUGS.items()}


def editable_units(user: Any) -> QuerySet[Unit]:
    """Active units in the subtrees the user administers."""
    return selectors.units_for(user, roles=EDIT_ORG_ROLES).filter(is_active=True)


class ReorganisationForm(forms.Form):
    effective_date = forms.DateField(label=_("Tanggal berlaku"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Misalnya nomor dan tanggal PMK/KMK penataan organisasi."),
    )

    field_order = ["effective_date", "reason"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound and "effective_date" not in self.initial:
            self.initial["effective_date"] = dt.date.today()

    def plan(self) -> dict[str, Any]:
        raise NotImplementedError


class NewUnitForm(forms.Form):
    """A unit the reorganisation creates (merge into a new unit; each part of a split)."""

    code = forms.CharField(label=_("Kode"), max_length=64)
    name_id = forms.CharField(label=_("Nama (Indonesia)"), max_length=255)
    name_en = forms.CharField(label=_("Nama (Inggris)"), max_length=255, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=UnitLevel.choices)
    kind = forms.ChoiceField(label=_("Jenis"), choices=UnitKind.choices)
    owns_map = forms.BooleanField(label=_("Pemilik peta strategi"), required=False)

    def __init__(
        self, *args: Any, parents: QuerySet[Unit], parent: Unit | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitChoiceField(parents, label=_("Unit induk"))
        if parent is not None and not self.is_bound:
            self.initial.setdefault("parent", parent.code)

    def data_for_plan(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"].strip(),
            "name_id": data["name_id"].strip(),
            "name_en": data["name_en"].strip(),
            "level": data["level"],
            "kind": data["kind"],
            "owns_map": bool(data["owns_map"]),
            "parent": data["parent"].code,
        }


class MoveForm(ReorganisationForm):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        units = editable_units(user)
        self.fields["unit"] = UnitChoiceField(units, label=_("Unit yang dipindahkan"))
        self.fields["new_parent"] = UnitChoiceField(units, label=_("Unit induk baru"))
        self.order_fields(["unit", "new_parent", "effective_date", "reason"])

    def plan(self) -> dict[str, Any]:
        return {"unit": self.cleaned_data["unit"].code, "new_parent": self.cleaned_data["new_parent"].code}


class UnitCodesField(forms.CharField):
    """Several unit codes, separated by commas, spaces or new lines; each must be in `queryset`."""

    def __init__(self, queryset: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.queryset = queryset

    def clean(self, value: Any) -> list[Unit]:
        text = super().clean(value)
        codes = list(dict.fromkeys(c for c in re.split(r"[\s,;]+", text or "") if c))
        found = {u.code: u for u in self.queryset.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("Unit dengan kode berikut tidak ditemukan atau di luar wewenang Anda: %(codes)s.")
                % {"codes": ", ".join(missing)}
            )
        if len(codes) < 2:
            raise forms.ValidationError(_("Isi paling sedikit dua kode unit."))
        return [found[c] for c in codes]


class MergeForm(ReorganisationForm):
    INTO_NEW = "__baru__"

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        units = editable_units(user)
        self.fields["sources"] = UnitCodesField(
            units,
            label=_("Unit yang digabung"),
            help_text=_("Kode unit, dipisahkan koma; misalnya KPP-001, KPP-002."),
        )
        self.fields["into"] = forms.CharField(
            label=_("Digabung ke"),
            required=False,
            help_text=_(
                "Kode salah satu unit di atas; kosongkan untuk menggabungkan ke unit baru (isian di bawah)."
            ),
        )
        self.fields["head"] = forms.CharField(
            label=_("Jabatan kepala unit baru"),
            required=False,
            help_text=_(
                "Kode jabatan kepala salah satu unit yang digabung yang menjadi kepala unit baru (boleh kosong)."
            ),
        )
        self.order_fields(["sources", "into", "effective_date", "reason", "head"])
        # the new unit's fields count only when the units are not merged into one of them
        into_given = bool(str(self.data.get("into", "")).strip()) if self.is_bound else False
        self.new_unit = NewUnitForm(
            None if into_given or not self.is_bound else self.data,
            prefix="baru",
            parents=units,
            initial={k[len("baru-") :]: v for k, v in self.data.items() if k.startswith("baru-")},
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if valid and not self.cleaned_data.get("into"):
            return self.new_unit.is_valid()
        return valid

    def plan(self) -> dict[str, Any]:
        data = self.cleaned_data
        into = (data.get("into") or "").strip()
        return {
            "sources": [u.code for u in data["sources"]],
            "into": into or None,
            "new_unit": None if into else self.new_unit.data_for_plan(),
            "head": (data.get("head") or "").strip() or None,
        }


class SplitForm(ReorganisationForm):
    """The split of `source` into `parts` new units; every position, child unit and employee without a
    position of the source is given one of the parts."""

    def __init__(self, *args: Any, user: Any, source: Unit, parts: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.source = source
        self.parts = max(2, min(parts, MAX_NEW_UNITS))
        parents = editable_units(user)
        parent = selectors.parent_of(source)
        self.new_units = [
            NewUnitForm(self.data or None, prefix=f"unit{i + 1}", parents=parents, parent=parent)
            for i in range(self.parts)
        ]
        choices = [(str(i), _("Unit baru %(n)d") % {"n": i + 1}) for i in range(self.parts)]
        self.positions = list(
            Position.objects.filter(unit=source, is_active=True).order_by("-is_head", "code")
        )
        self.children = list(selectors.unit_children(source))
        self.loose = list(
            Employee.objects.filter(unit=source, is_active=True, position__isnull=True).order_by("name")
        )
        for position in self.positions:
            self.fields[f"pos_{position.code}"] = forms.ChoiceField(
                label=f"{position.code} — {position.title}", choices=choices, initial="0"
            )
        for child in self.children:
            self.fields[f"child_{child.code}"] = forms.ChoiceField(
                label=f"{child.code} — {child.name}", choices=choices, initial="0"
            )
        for employee in self.loose:
            self.fields[f"emp_{employee.nip}"] = forms.ChoiceField(
                label=f"{employee.name} ({employee.nip})", choices=choices, initial="0"
            )

    def assignment_fields(self, prefix: str) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(prefix)]

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return all([valid, *(f.is_valid() for f in self.new_units)])

    def plan(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "source": self.source.code,
            "new_units": [f.data_for_plan() for f in self.new_units],
            "positions": {p.code: int(data[f"pos_{p.code}"]) for p in self.positions},
            "children": {c.code: int(data[f"child_{c.code}"]) for c in self.children},
            "employees": {e.nip: int(data[f"emp_{e.nip}"]) for e in self.loose},
        }


class SplitSourceForm(forms.Form):
    """The first step of a split: which unit, into how many."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(editable_units(user), label=_("Unit yang dipecah"))
        self.fields["jumlah"] = forms.IntegerField(
            label=_("Dipecah menjadi"), min_value=2, max_value=MAX_NEW_UNITS, initial=2
        )
