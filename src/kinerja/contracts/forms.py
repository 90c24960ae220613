"""Forms of the contract pages. They collect input; the services (`services.py`) decide.

Every number a person types is read by `common.forms.DecimalInputField` (`85,5`, `1.234,5`, `85%`), as on the
planning pages; the individual KPI (IKI) form is the planning KPI form with the SS it supports and the contract
weight instead of the map weight.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kinerja.common import picker
from kinerja.common.forms import DecimalInputField
from kinerja.organisations import position_picker
from kinerja.organisations.models import Employee, Position
from kinerja.planning.forms import DATE, KpiForm, limit
from kinerja.planning.models import Kpi, Objective, PlanYear

from .models import CascadeLink, CascadeMode, Contract, ContractKpi, ContractState, KpiKind

_WEIGHT = ContractKpi._meta.get_field("weight")
_TARGET = ContractKpi._meta.get_field("target")
_SHARE = CascadeLink._meta.get_field("share")


def weight_field(**kwargs: Any) -> DecimalInputField:
    return DecimalInputField(
        label=_("Bobot (%)"),
        required=False,
        max_digits=_WEIGHT.max_digits,
        decimal_places=_WEIGHT.decimal_places,
        min_value=0,
        max_value=100,
        **kwargs,
    )


def value_field(label: Any, **kwargs: Any) -> DecimalInputField:
    return DecimalInputField(
        label=label,
        required=False,
        max_digits=_TARGET.max_digits,
        decimal_places=_TARGET.decimal_places,
        **kwargs,
    )


class ContractFilterForm(forms.Form):
    """The index's filters: year, unit, state, a name or NIP."""

    q = forms.CharField(
        label=_("Cari nama atau NIP"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    year: forms.ModelChoiceField[PlanYear] = forms.ModelChoiceField(
        queryset=PlanYear.objects.order_by("-year"),
        label=_("Tahun"),
        required=False,
        empty_label=_("Semua tahun"),
        to_field_name="year",
    )
    unit = forms.CharField(
        label=_("Kode unit (termasuk unit di bawahnya)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    state = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua status")), *ContractState.choices]
    )


class ContractCreateForm(forms.Form):
    """Who and which year; the employee is typed by NIP and looked up among those the user may create for."""

    nip = forms.CharField(
        label=_("NIP pegawai pemegang kontrak"),
        max_length=18,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    plan_year: forms.ModelChoiceField[PlanYear] = forms.ModelChoiceField(
        queryset=PlanYear.objects.order_by("-year"), label=_("Tahun rencana")
    )

    def __init__(self, *args: Any, employees: QuerySet[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.employees = employees

    def clean_nip(self) -> Employee:
        nip = "".join(str(self.cleaned_data["nip"]).split())
        employee = self.employees.filter(nip=nip).select_related("position", "unit").first()
        if employee is None:
            raise forms.ValidationError(
                _(
                    "Pegawai dengan NIP %(nip)s tidak ditemukan di antara pegawai yang dapat Anda buatkan kontrak."
                )
                % {"nip": nip},
                code="unknown_employee",
            )
        return employee


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["commitment"]
        widgets = {"commitment": forms.Textarea(attrs={"rows": 5})}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), required=True, max_length=2000
    )


class MapKpiForm(forms.Form):
    kpi: forms.ModelChoiceField[Kpi] = forms.ModelChoiceField(
        queryset=Kpi.objects.none(), label=_("IKU peta strategi")
    )
    weight = weight_field()

    def __init__(self, *args: Any, kpis: QuerySet[Kpi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self.fields["kpi"], kpis)
        field = self.fields["kpi"]
        assert isinstance(field, forms.ModelChoiceField)
        field.label_from_instance = lambda k: f"{k.code} — {k.name}"  # type: ignore[method-assign,assignment]


class EntryForm(forms.ModelForm):
    """Weight, the contract's year target (when the holder sets it) and the K3 inputs of one contract KPI."""

    class Meta:
        model = ContractKpi
        fields = ["weight", "target", "kind", "fixed_target", "target_prev", "realization_prev"]

    weight = weight_field()
    target = value_field(_("Target tahunan"))
    target_prev = value_field(_("Target tahun lalu"))
    realization_prev = value_field(_("Realisasi tahun lalu"))
    kind = forms.ChoiceField(label=_("Riwayat IKU (K3)"), choices=KpiKind.choices)

    def __init__(self, *args: Any, target_editable: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not target_editable:
            del self.fields["target"]


class WeightForm(forms.Form):
    """The weight alone, typed in the KPI table."""

    weight = weight_field()


class IndividualKpiForm(KpiForm):
    """An individual KPI (IKI): the planning KPI manual and trajectory, the SS it supports, the contract weight."""

    supports: forms.ModelChoiceField[Objective] = forms.ModelChoiceField(
        queryset=Objective.objects.none(),
        label=_("Mendukung SS"),
        help_text=_("Sasaran strategis peta unit sendiri atau unit di atasnya yang didukung IKI ini."),
    )
    contract_weight = weight_field()

    def __init__(
        self,
        *args: Any,
        contract: Contract,
        objectives: QuerySet[Objective],
        objective: Objective | None = None,
        **kwargs: Any,
    ) -> None:
        anchor = objective or objectives.select_related("map").first()
        if anchor is None:
            raise ValueError("an individual KPI supports an SS: no SS to choose from")
        super().__init__(*args, objective=anchor, **kwargs)
        limit(self.fields["supports"], objectives)
        field = self.fields["supports"]
        assert isinstance(field, forms.ModelChoiceField)
        field.label_from_instance = lambda o: f"{o.map.unit.code} {o.code} — {o.name}"  # type: ignore[method-assign,assignment]
        if objective is not None:
            self.initial.setdefault("supports", objective.pk)
        limit(self.fields["owner_position"], Position.objects.filter(unit=contract.unit_id))
        del self.fields["weight"]  # an IKI's weight is the contract's, not a map's
        (identity, _names), manual, (target_legend, target_names) = KpiForm.GROUPS
        self.layout: list[tuple[Any, tuple[str, ...]]] = [
            (identity, ("supports", "code", "name_id", "name_en", "contract_weight")),
            manual,
            (target_legend, tuple(n for n in target_names if n != "weight")),
        ]

    def groups(self) -> list[tuple[Any, list[Any]]]:
        return [
            (legend, [self[name] for name in names if name in self.fields]) for legend, names in self.layout
        ]

    def manual_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in self.fields if name in _MANUAL}
        fields["weight"] = None
        return fields


_MANUAL = frozenset(
    name
    for name in KpiForm.Meta.fields
    if name not in ("code",)  # the code is its own argument
)


class EditManualForm(IndividualKpiForm):
    """The manual of an IKI or an indirect child already in the contract (the SS stays)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["supports"]
        del self.fields["contract_weight"]
        self.fields["code"].disabled = True
        self.layout[0] = (self.layout[0][0], ("code", "name_id", "name_en"))


class CascadeForm(forms.Form):
    """One parent KPI down to several subordinates' contracts: the mode, then per subordinate the choice and
    its share (direct shared) or its own code, name and target (indirect)."""

    mode = forms.ChoiceField(
        label=_("Jenis cascading"),
        choices=[(m.value, m.label) for m in CascadeMode if m != CascadeMode.NONE],
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        children: list[Contract],
        parent: Kpi,
        holding: frozenset[int] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        self.parent = parent
        self.holding = holding  # contracts that already hold a child of `parent`
        for child in children:
            self.fields[f"to_{child.pk}"] = forms.BooleanField(label=str(child.employee.name), required=False)
            self.fields[f"share_{child.pk}"] = DecimalInputField(
                label=_("Porsi target"),
                required=False,
                max_digits=_SHARE.max_digits,
                decimal_places=_SHARE.decimal_places,
                min_value=0,
            )
            self.fields[f"code_{child.pk}"] = forms.CharField(
                label=_("Kode IKU turunan"), required=False, max_length=20
            )
            self.fields[f"name_{child.pk}"] = forms.CharField(
                label=_("Nama IKU turunan"), required=False, max_length=500
            )
            self.fields[f"target_{child.pk}"] = value_field(_("Target IKU turunan"))

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "contract": child,
                "to": self[f"to_{child.pk}"],
                "share": self[f"share_{child.pk}"],
                "code": self[f"code_{child.pk}"],
                "name": self[f"name_{child.pk}"],
                "target": self[f"target_{child.pk}"],
                "editable": child.state == ContractState.DRAFT and child.pk not in self.holding,
                "holds": child.pk in self.holding,
            }
            for child in self.children
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode = data.get("mode")
        chosen = [c for c in self.children if data.get(f"to_{c.pk}")]
        if not chosen:
            raise forms.ValidationError(_("Pilih paling sedikit satu kontrak bawahan."), code="no_child")
        for child in chosen:
            if mode == CascadeMode.DIRECT_SHARED and data.get(f"share_{child.pk}") is None:
                self.add_error(
                    f"share_{child.pk}",
                    _("Porsi target untuk %(name)s wajib diisi pada cascading berbagi target.")
                    % {"name": child.employee.name},
                )
            if mode == CascadeMode.INDIRECT:
                for name, label in (
                    ("code", _("kode")),
                    ("name", _("nama")),
                    ("target", _("target")),
                ):
                    if data.get(f"{name}_{child.pk}") in (None, ""):
                        self.add_error(
                            f"{name}_{child.pk}",
                            _("Isi %(field)s IKU turunan tidak langsung untuk %(name)s.")
                            % {"field": label, "name": child.employee.name},
                        )
        data["chosen"] = chosen
        return data


class ShareForm(forms.Form):
    share = DecimalInputField(
        label=_("Porsi target"),
        max_digits=_SHARE.max_digits,
        decimal_places=_SHARE.decimal_places,
        min_value=0,
    )


REPLACE_POSITION_PICKER = "contracts.replace.position"


def replacement_positions(user: Any, scope: str) -> QuerySet[Position]:
    """The positions a contract's replacement may move its holder to: the holder's current position (set by the
    personnel records) and the positions of the contract's unit subtree — for a contract the user may revise
    (`scope`: its pk), else none."""
    from .selectors import contracts_readable_by

    pk = picker.scope_pk(scope)
    contract = (
        contracts_readable_by(user).select_related("unit", "employee", "plan_year").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if contract is None or not user.has_perm("contracts.revise_contract", contract):
        return Position.objects.none()
    return Position.objects.filter(
        Q(pk=contract.employee.position_id or 0) | Q(unit__path__startswith=contract.unit.path)
    )


position_picker.register(REPLACE_POSITION_PICKER, replacement_positions)


class ReplaceForm(forms.Form):
    change_date = forms.DateField(
        label=_("Tanggal perpindahan jabatan"),
        widget=DATE,
        help_text=_("Kontrak ini berakhir sehari sebelumnya; kontrak pengganti berlaku sampai akhir tahun."),
    )
    position: forms.ModelChoiceField[Position] = forms.ModelChoiceField(
        queryset=Position.objects.none(), label=_("Jabatan baru"), required=False
    )
    copy_kpis = forms.BooleanField(
        label=_("Salin IKU, bobot, dan target ke kontrak pengganti (hanya bila jabatan tetap)"),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a search-as-you-type picker over the contract's unit subtree: the page holds the chosen position only
        self.fields["position"] = position_picker.position_field(
            REPLACE_POSITION_PICKER,
            user,
            contract.pk,
            label=_("Jabatan baru"),
            required=False,
            help_text=_("Kosongkan bila jabatan tetap (misalnya hanya atasan yang berganti)."),
        )


__all__ = [
    "CascadeForm",
    "CommitmentForm",
    "ContractCreateForm",
    "ContractFilterForm",
    "EditManualForm",
    "EntryForm",
    "IndividualKpiForm",
    "MapKpiForm",
    "ReasonForm",
    "ReplaceForm",
    "ShareForm",
    "WeightForm",
]
