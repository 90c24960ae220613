"""What the contracts API reads and writes (`contracts/api.py`): contracts, their KPIs, cascades and links.

Read serializers show a row as the pages do; write serializers only read a request's body (the services
decide and save). A related object a body names — an employee, a position, a contract, a KPI — is looked
up among those the requesting user may see, so anything else is a 400 naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kinerja.accounts.scope import READ_ROLES, unit_filter
from kinerja.common.api import HumanDecimalField, HumanDecimalsMixin
from kinerja.organisations.models import Employee
from kinerja.planning.kpi_services import MANUAL_FIELDS
from kinerja.planning.models import Kpi, Objective, StrategyMap
from kinerja.planning.selectors import visible_maps_filter

from .models import (
    Cascade,
    CascadeLink,
    CascadeMode,
    Contract,
    ContractEvent,
    ContractKind,
    ContractKpi,
    ContractKpiSource,
    KpiKind,
)
from .selectors import contracts_readable_by

# The manual of an individual or cascaded-indirect KPI as the API takes it: the planning manual without the
# owner (the contract's position) and without the map weight (a contract KPI's weight is the contract's).
MANUAL = [name for name in MANUAL_FIELDS if name not in ("owner_position", "weight")]
TRAJECTORY_HELP = _("Target per periode pelaporan, berurutan; kosong: sama dengan target untuk IKU tahunan.")


def _decimal(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=24, decimal_places=6, read_only=True, allow_null=True, **kwargs
    )


def _trajectory_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=HumanDecimalField(max_digits=24, decimal_places=6),
        required=False,
        allow_null=True,
        help_text=TRAJECTORY_HELP,
        **kwargs,
    )


# ---------------------------------------------------------------- what a body may name


def employees_nameable_by(user: Any) -> QuerySet[Employee]:
    """The employees a contract may be created for in a request: those the user's roles reach, and themself."""
    condition = unit_filter(user, "unit__path", READ_ROLES)
    employee_id = getattr(user, "employee_id", None)
    if employee_id is not None:
        condition |= Q(pk=employee_id)
    return Employee.objects.filter(condition).select_related("position", "unit")


def objectives_nameable_by(user: Any) -> QuerySet[Objective]:
    """The SS an individual KPI may support: those on the maps the user may read."""
    return Objective.objects.filter(
        map__in=StrategyMap.objects.filter(visible_maps_filter(user))
    ).select_related("map")


def kpis_nameable_by(user: Any) -> QuerySet[Kpi]:
    """The KPIs a request may name (a map KPI to add, a parent to cascade from): map KPIs on the maps the
    user may read, and every KPI held by a contract the user may read."""
    held = ContractKpi.objects.filter(contract__in=contracts_readable_by(user)).values("kpi_id")
    return Kpi.all_kpis.filter(
        Q(holder__isnull=True, objective__map__in=StrategyMap.objects.filter(visible_maps_filter(user)))
        | Q(pk__in=held)
    ).select_related("objective__map", "holder__unit")


class ScopedFieldsMixin(serializers.Serializer):
    # A write serializer whose related fields offer only what the requesting user may see: `scoped` maps a
    # field name to `scope(user) -> queryset`. (Comments, not a docstring: the schema would take it.)

    scoped: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            for name, scope in self.scoped.items():
                if name in self.fields:
                    self.fields[name].queryset = scope(request.user)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- contracts: reading


class ContractFindingSerializer(serializers.Serializer):
    rule = serializers.IntegerField(help_text=_("Nomor aturan validasi (domain.md §5)."))
    severity = serializers.ChoiceField(
        choices=[("block", "block"), ("warn", "warn")],
        help_text=_("block menghalangi pengajuan; warn peringatan."),
    )
    code = serializers.CharField()
    message = serializers.CharField()
    contract_kpi = serializers.IntegerField(
        allow_null=True, help_text=_("Id IKU kontrak yang dimaksud temuan; null untuk kontrak.")
    )


class TargetOptionSerializer(serializers.Serializer):
    condition = serializers.CharField(help_text=_('Rentang target tahun ini, mis. "T > 94".'))
    q_target = serializers.DecimalField(max_digits=8, decimal_places=4)
    k3 = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)


class K3RowSerializer(serializers.Serializer):
    contract_kpi = serializers.IntegerField(source="entry.pk")
    code = serializers.CharField(source="entry.kpi.code")
    q_kpi = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    q_target = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    k3 = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    case = serializers.CharField(help_text=_("Kasus tabel Q_target yang berlaku."))
    problem = serializers.CharField(help_text=_("Mengapa faktor belum dapat dihitung (kosong bila dapat)."))
    options = TargetOptionSerializer(many=True, help_text=_("Target yang menghasilkan setiap faktor."))


class ContractEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, allow_null=True, default=None)
    revision = serializers.IntegerField(read_only=True)
    from_state = serializers.CharField(read_only=True, help_text=_("Status sebelum langkah (kosong: baru)."))
    to_state = serializers.CharField(read_only=True, help_text=_("Status sesudah langkah."))

    class Meta:
        model = ContractEvent
        fields = ["revision", "from_state", "to_state", "by", "at", "reason"]
        read_only_fields = fields


class ContractSerializer(serializers.ModelSerializer):
    employee = serializers.CharField(
        source="employee.nip", read_only=True, help_text=_("NIP pemegang kontrak.")
    )
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    position = serializers.CharField(source="position.code", read_only=True)
    position_title = serializers.CharField(source="position.title", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    superior = serializers.CharField(
        source="superior.nip",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("NIP atasan yang menyetujui (atau Plt./Plh.)."),
    )
    superior_name = serializers.CharField(
        source="superior.name", read_only=True, allow_null=True, default=None
    )
    contract_state = serializers.ChoiceField(
        source="state",
        choices=Contract._meta.get_field("state").choices,  # type: ignore[arg-type]
        read_only=True,
        help_text=_("draft (konsep), proposed, agreed, signed, ended."),
    )
    contract_kind = serializers.ChoiceField(
        source="kind",
        choices=ContractKind.choices,
        read_only=True,
        help_text=_("initial (kontrak awal) atau replacement (kontrak pengganti, aturan 16)."),
    )
    revision = serializers.IntegerField(read_only=True)
    days = serializers.IntegerField(
        read_only=True, help_text=_("Hari yang dicakup kontrak (untuk bobot NHK).")
    )
    agreed_by = serializers.CharField(
        source="agreed_by.username", read_only=True, allow_null=True, default=None
    )
    signed_by = serializers.CharField(
        source="signed_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "employee",
            "employee_name",
            "position",
            "position_title",
            "unit",
            "year",
            "superior",
            "superior_name",
            "contract_kind",
            "replaces",
            "start",
            "end",
            "days",
            "change_date",
            "deadline",
            "contract_state",
            "revision",
            "commitment",
            "proposed_at",
            "agreed_at",
            "agreed_by",
            "signed_at",
            "signed_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ContractKpiSerializer(serializers.ModelSerializer):
    kpi_code = serializers.CharField(source="kpi.code", read_only=True)
    name = serializers.CharField(source="kpi.name_id", read_only=True)
    objective = serializers.IntegerField(source="kpi.objective_id", read_only=True)
    holder_position = serializers.CharField(
        source="kpi.holder.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("Kode jabatan pemegang IKI/IKU turunan; null untuk IKU peta."),
    )
    polarity = serializers.CharField(source="kpi.polarity", read_only=True)
    validity = serializers.CharField(source="kpi.validity", read_only=True)
    controllability = serializers.CharField(source="kpi.controllability", read_only=True)
    frequency = serializers.CharField(source="kpi.frequency", read_only=True)
    consolidation = serializers.CharField(source="kpi.consolidation", read_only=True)
    unit_of_measure = serializers.CharField(source="kpi.unit_of_measure", read_only=True)
    order = serializers.IntegerField(read_only=True)
    kpi_kind = serializers.ChoiceField(
        source="kind", choices=KpiKind.choices, read_only=True, help_text=_("Riwayat IKU untuk faktor K3.")
    )
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True)
    target = _decimal()
    target_prev = _decimal()
    realization_prev = _decimal()
    trajectory = serializers.SerializerMethodField(
        help_text=_("Target per periode: yang dibekukan saat penandatanganan, atau yang berlaku sekarang.")
    )
    cascaded_from = serializers.SerializerMethodField(
        help_text=_("Id IKU induk bila IKU ini turunan; null bila bukan.")
    )
    cascade_link = serializers.SerializerMethodField(
        help_text=_("Id turunan (cascade-links); null bila bukan.")
    )

    class Meta:
        model = ContractKpi
        fields = [
            "id",
            "contract",
            "kpi",
            "kpi_code",
            "name",
            "objective",
            "holder_position",
            "source",
            "order",
            "weight",
            "target",
            "trajectory",
            "kpi_kind",
            "fixed_target",
            "target_prev",
            "realization_prev",
            "polarity",
            "validity",
            "controllability",
            "frequency",
            "consolidation",
            "unit_of_measure",
            "cascaded_from",
            "cascade_link",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.DecimalField(max_digits=24, decimal_places=6))
    )
    def get_trajectory(self, entry: ContractKpi) -> list[str]:
        if entry.trajectory:
            return [str(entry.trajectory[k]) for k in sorted(entry.trajectory, key=int)]
        targets = getattr(entry.kpi, "api_periods", None)
        if targets is None:
            targets = list(entry.kpi.period_targets.order_by("period"))
        return [str(t.target) for t in targets]

    def _link(self, entry: ContractKpi) -> CascadeLink | None:
        try:
            return entry.kpi.cascaded_from
        except CascadeLink.DoesNotExist:
            return None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_cascaded_from(self, entry: ContractKpi) -> int | None:
        link = self._link(entry)
        return link.cascade.parent_id if link is not None else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_cascade_link(self, entry: ContractKpi) -> int | None:
        link = self._link(entry)
        return link.pk if link is not None else None


class ContractDetailSerializer(ContractSerializer):
    kpis = ContractKpiSerializer(many=True, read_only=True, source="api_entries")
    weight_total = serializers.DecimalField(
        max_digits=8, decimal_places=2, read_only=True, help_text=_("Jumlah bobot IKU kontrak (harus 100).")
    )
    findings = ContractFindingSerializer(many=True, read_only=True, source="api_findings")
    k3 = K3RowSerializer(
        many=True,
        read_only=True,
        allow_null=True,
        source="api_k3",
        help_text=_("Faktor K3 per IKU dan target untuk setiap faktor; null bila aturan tahun ini tanpa K3."),
    )
    allowed = serializers.DictField(
        child=serializers.BooleanField(),
        read_only=True,
        source="api_allowed",
        help_text=_(
            "Langkah alur kerja yang boleh diambil pengguna sekarang (propose, agree, return, sign, …)."
        ),
    )
    events = ContractEventSerializer(many=True, read_only=True, source="api_events")

    class Meta(ContractSerializer.Meta):
        fields = [
            *ContractSerializer.Meta.fields,
            "weight_total",
            "kpis",
            "findings",
            "k3",
            "allowed",
            "events",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------- contracts: writing


class ContractCreateSerializer(ScopedFieldsMixin, serializers.Serializer):
    scoped = {"employee": employees_nameable_by}
    employee = serializers.SlugRelatedField(
        slug_field="nip", queryset=Employee.objects.none(), help_text=_("NIP pemegang kontrak.")
    )
    year = serializers.IntegerField(min_value=1900, max_value=9999, help_text=_("Tahun rencana."))
    position = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Kode jabatan; bawaan: jabatan pegawai sekarang.")
    )
    superior = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("NIP atasan yang menyetujui; bawaan: atasan langsung atau Plt./Plh. (aturan 18)."),
    )
    start = serializers.DateField(required=False, help_text=_("Bawaan: 1 Januari."))
    end = serializers.DateField(required=False, help_text=_("Bawaan: 31 Desember."))
    deadline = serializers.DateField(required=False, help_text=_("Batas waktu penandatanganan."))
    commitment = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Pernyataan kesanggupan; bawaan: teks baku.")
    )
    with_map_kpis = serializers.BooleanField(
        default=True, help_text=_("Kepala unit pemilik peta: muat seluruh IKU peta tahun ini.")
    )


class ContractUpdateSerializer(serializers.Serializer):
    commitment = serializers.CharField(allow_blank=False, help_text=_("Pernyataan kesanggupan."))


class ContractReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Alasan (wajib)."))


class ReplaceSerializer(serializers.Serializer):
    change_date = serializers.DateField(help_text=_("Tanggal perpindahan jabatan: awal kontrak pengganti."))
    position = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Kode jabatan baru; bawaan: jabatan pegawai sekarang.")
    )
    superior = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("NIP atasan kontrak pengganti; bawaan: atasan langsung."),
    )
    copy_kpis = serializers.BooleanField(
        default=False, help_text=_("Jabatan sama (mis. atasan baru): IKU, bobot, dan target ikut disalin.")
    )


# ---------------------------------------------------------------- contract KPIs: writing


class ManualSerializer(HumanDecimalsMixin, serializers.ModelSerializer):
    # The manual of an individual KPI (or an indirect child) as a request names it.

    class Meta:
        model = Kpi
        fields = MANUAL
        validators: list[Any] = []


class ContractKpiCreateSerializer(HumanDecimalsMixin, ScopedFieldsMixin, serializers.Serializer):
    scoped = {"contract": contracts_readable_by, "kpi": kpis_nameable_by, "parent": kpis_nameable_by}
    contract = serializers.PrimaryKeyRelatedField(
        queryset=Contract.objects.none(), help_text=_("Id kontrak.")
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=ContractKpiSource.choices,
        help_text=_(
            "map: IKU peta pemegang (`kpi`); individual: IKI sendiri (`objective`, `code`, `manual`, "
            "`trajectory`); cascaded: turunan dari IKU atasan (`parent`, `mode`, `share` untuk berbagi target; "
            "`code`, `manual`, `trajectory` untuk tidak langsung)."
        ),
    )
    kpi = serializers.PrimaryKeyRelatedField(
        queryset=Kpi.all_kpis.none(), required=False, help_text=_("Id IKU peta (source map).")
    )
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Kpi.all_kpis.none(), required=False, help_text=_("Id IKU induk (source cascaded).")
    )
    mode = serializers.ChoiceField(
        choices=CascadeMode.choices,
        required=False,
        help_text=_("Jenis cascading (source cascaded); none ditolak."),
    )
    share = HumanDecimalField(
        max_digits=24,
        decimal_places=6,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("Porsi target (cascading berbagi target)."),
    )
    objective = serializers.PrimaryKeyRelatedField(
        queryset=Objective.objects.none(),
        required=False,
        help_text=_("Id SS yang didukung IKI (source individual)."),
    )
    code = serializers.CharField(required=False, max_length=24, help_text=_("Kode IKI."))
    manual = ManualSerializer(
        required=False, help_text=_("Manual IKI (source individual, atau tidak langsung).")
    )
    trajectory = _trajectory_field()
    weight = HumanDecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    kpi_kind = serializers.ChoiceField(
        source="kind", choices=KpiKind.choices, required=False, help_text=_("Riwayat IKU untuk faktor K3.")
    )
    fixed_target = serializers.BooleanField(required=False)
    target_prev = HumanDecimalField(max_digits=24, decimal_places=6, required=False, allow_null=True)
    realization_prev = HumanDecimalField(max_digits=24, decimal_places=6, required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["objective"].queryset = objectives_nameable_by(request.user)  # type: ignore[attr-defined]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        source = attrs["source"]
        needed = {
            ContractKpiSource.MAP: ["kpi"],
            ContractKpiSource.INDIVIDUAL: ["objective", "code", "manual"],
            ContractKpiSource.CASCADED: ["parent", "mode"],
        }[source]
        if source == ContractKpiSource.CASCADED and attrs.get("mode") == CascadeMode.INDIRECT:
            needed = [*needed, "code", "manual"]
        if source == ContractKpiSource.CASCADED and attrs.get("mode") == CascadeMode.DIRECT_SHARED:
            needed = [*needed, "share"]
        missing = {
            name: [_("Wajib diisi untuk asal ini.")] for name in needed if attrs.get(name) in (None, "")
        }
        if missing:
            raise serializers.ValidationError(missing)
        objective = attrs.get("objective")
        if objective is not None and objective.map.plan_year_id != attrs["contract"].plan_year_id:
            raise serializers.ValidationError({"objective": [_("SS ini bukan SS tahun kontrak.")]})
        return attrs


class ContractKpiUpdateSerializer(HumanDecimalsMixin, serializers.Serializer):
    weight = HumanDecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    target = HumanDecimalField(
        max_digits=24,
        decimal_places=6,
        required=False,
        allow_null=True,
        help_text=_("Target tahunan; untuk IKI ubah `manual.target` agar target per periode ikut diperiksa."),
    )
    kpi_kind = serializers.ChoiceField(
        source="kind", choices=KpiKind.choices, required=False, help_text=_("Riwayat IKU untuk faktor K3.")
    )
    fixed_target = serializers.BooleanField(required=False)
    target_prev = HumanDecimalField(max_digits=24, decimal_places=6, required=False, allow_null=True)
    realization_prev = HumanDecimalField(max_digits=24, decimal_places=6, required=False, allow_null=True)
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    manual = ManualSerializer(
        required=False, partial=True, help_text=_("Perubahan manual IKI/IKU turunan (bukan IKU peta).")
    )
    trajectory = _trajectory_field()


# ---------------------------------------------------------------- cascades


class CascadeLinkSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="cascade.parent_id", read_only=True)  # type: ignore[assignment]
    parent_code = serializers.CharField(source="cascade.parent.code", read_only=True)
    mode = serializers.CharField(source="cascade.mode", read_only=True)
    child_code = serializers.CharField(source="child.code", read_only=True)
    child_position = serializers.CharField(
        source="child.holder.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("Kode jabatan."),
    )
    child_target = _decimal(source="child.target")
    share = _decimal(help_text=_("Porsi target anak (berbagi target)."))

    class Meta:
        model = CascadeLink
        fields = [
            "id",
            "cascade",
            "parent",
            "parent_code",
            "mode",
            "child",
            "child_code",
            "child_position",
            "child_target",
            "share",
        ]
        read_only_fields = fields


class CascadeSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True)
    parent_target = _decimal(source="parent.target")
    links = CascadeLinkSerializer(many=True, read_only=True)
    shares_total = serializers.SerializerMethodField(
        help_text=_("Jumlah porsi target anak (berbagi target); null untuk jenis lain.")
    )

    class Meta:
        model = Cascade
        fields = [
            "id",
            "parent",
            "parent_code",
            "parent_target",
            "mode",
            "aggregation",
            "shares_total",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=24, decimal_places=6, allow_null=True))
    def get_shares_total(self, cascade: Cascade) -> str | None:
        if cascade.mode != CascadeMode.DIRECT_SHARED:
            return None
        return str(sum((link.share or 0 for link in cascade.links.all()), 0))


class CascadeUpdateSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=CascadeMode.choices)
    aggregation = serializers.ChoiceField(
        choices=Cascade._meta.get_field("aggregation").choices,  # type: ignore[arg-type]
        required=False,
        help_text=_("Agregasi roll-up; bawaan menurut konsolidasi IKU induk."),
    )


class ShareSerializer(serializers.Serializer):
    share = HumanDecimalField(max_digits=24, decimal_places=6, min_value=0, help_text=_("Porsi target anak."))


# ---------------------------------------------------------------- the cascading matrix and the alignment panel


class CascadeScopeSerializer(serializers.Serializer):
    # The query of the matrix and the alignment panel: a unit and a plan year.
    unit = serializers.CharField(
        max_length=64, help_text=_("Kode unit (mis. KPP-A) atau id unit, dalam jangkauan pengguna.")
    )
    year = serializers.IntegerField(min_value=1900, max_value=9999, help_text=_("Tahun rencana."))


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()


class CodeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()


class ShareCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text=_("Porsi turunan sesuai target induk."))
    how = serializers.ChoiceField(
        choices=[("sum", "sum"), ("average", "average"), ("each", "each")],
        help_text=_("Menurut konsolidasi IKU induk: jumlah, rata-rata, atau setiap porsi (nilai terakhir)."),
    )
    value = serializers.DecimalField(
        max_digits=40,
        decimal_places=6,
        allow_null=True,
        help_text=_("Jumlah atau rata-rata porsi; null untuk setiap porsi."),
    )
    target = serializers.DecimalField(max_digits=40, decimal_places=6, help_text=_("Target IKU induk."))
    missing = serializers.IntegerField(help_text=_("Porsi yang belum diisi."))
    text = serializers.CharField(help_text=_("Hasil cek seperti tampil pada halaman."))


@dataclass(frozen=True)
class PlacedCell:
    """A matrix cell with the key of the column it sits in."""

    column: str
    cell: Any


class MatrixCellSerializer(serializers.Serializer):
    column = serializers.CharField(help_text=_("Kunci kolom (`columns[].key`)."))
    abbr = serializers.ChoiceField(
        source="cell.abbr",
        choices=[(a, a) for a in ("DF", "DS", "I", "L", "TL")],
        help_text=_(
            "Baris IKU: DF langsung penuh, DS langsung berbagi target, I tidak langsung. Baris SS: L didukung "
            "langsung, TL didukung tidak langsung (aturan 5)."
        ),
    )
    text = serializers.CharField(source="cell.text", help_text=_("Isi sel seperti tampil pada halaman."))
    share = serializers.DecimalField(
        source="cell.share",
        max_digits=24,
        decimal_places=6,
        allow_null=True,
        help_text=_("Porsi target (DS); null bila belum diisi atau jenis lain."),
    )
    kpis = CodeRefSerializer(source="cell.kpis", many=True, help_text=_("IKU turunan pada kolom ini."))
    objectives = CodeRefSerializer(
        source="cell.objectives", many=True, help_text=_("SS kolom ini yang mendukung SS baris (baris SS).")
    )


class MatrixColumnSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("u<id unit> untuk unit anak, p<id jabatan> untuk orang."))
    kind = serializers.ChoiceField(
        choices=[("unit", "unit"), ("person", "person")],
        help_text=_("unit: unit pemilik peta terdekat di bawah; person: jabatan dalam wilayah unit sendiri."),
    )
    label = serializers.CharField(help_text=_("Kode unit, atau nama jabatan."))  # type: ignore[assignment]
    sublabel = serializers.CharField(help_text=_("Nama unit, atau nama pemegang kontrak jabatan."))
    group = serializers.CharField(help_text=_("Unit kolom, disingkat untuk judul kelompok."))
    unit = serializers.CharField(
        source="unit.code", help_text=_("Kode unit kolom (unit jabatan untuk orang).")
    )
    position = serializers.CharField(
        source="position.code", allow_null=True, default=None, help_text=_("Kode jabatan; null untuk unit.")
    )
    map = serializers.IntegerField(
        source="strategy_map.pk",
        allow_null=True,
        default=None,
        help_text=_("Id peta strategi unit anak tahun ini; null bila tidak ada atau untuk orang."),
    )
    contracts = serializers.SerializerMethodField(help_text=_("Id kontrak jabatan tahun ini."))

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_contracts(self, column: Any) -> list[int]:
        return [c.pk for c in column.contracts]


class MatrixRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[("objective", "objective"), ("kpi", "kpi"), ("heading", "heading")],
        help_text=_(
            "objective: SS peta; kpi: IKU (depth > 1: turunan yang diturunkan lagi); heading: judul."
        ),
    )
    depth = serializers.IntegerField(help_text=_("Kedalaman indentasi."))
    code = serializers.CharField()
    name = serializers.CharField()
    objective = serializers.IntegerField(source="objective.pk", allow_null=True, default=None)
    kpi = serializers.IntegerField(source="kpi.pk", allow_null=True, default=None)
    holder = serializers.CharField(
        source="kpi.holder.code",
        allow_null=True,
        default=None,
        help_text=_("Kode jabatan pemegang IKU turunan; null untuk IKU peta dan SS."),
    )
    holder_label = serializers.CharField(help_text=_("Nama jabatan pemegang (kosong untuk IKU peta)."))
    mode = serializers.ChoiceField(
        source="cascade.mode",
        choices=CascadeMode.choices,
        allow_null=True,
        default=None,
        help_text=_("Jenis cascading IKU; null bila belum ditetapkan atau bukan IKU."),
    )
    mode_label = serializers.CharField()
    target = serializers.DecimalField(
        source="kpi.target", max_digits=24, decimal_places=6, allow_null=True, default=None
    )
    check = ShareCheckSerializer(
        allow_null=True, help_text=_("Cek porsi berbagi target (aturan 15); null bila tidak ada yang dicek.")
    )
    cells = serializers.SerializerMethodField(help_text=_("Sel yang terisi, menurut urutan kolom."))

    @extend_schema_field(MatrixCellSerializer(many=True))
    def get_cells(self, row: Any) -> list[Any]:
        keys = [c.key for c in getattr(self.root.instance, "columns", [])]  # the matrix's column order
        placed = [PlacedCell(key, cell) for key in keys for cell in row.cells.get(key, [])]
        return list(MatrixCellSerializer(placed, many=True).data)


class LegendSerializer(serializers.Serializer):
    code = serializers.CharField()
    meaning = serializers.CharField()


class MatrixSerializer(serializers.Serializer):
    unit = UnitRefSerializer(help_text=_("Unit pemilik peta."))
    year = serializers.IntegerField(source="plan_year.year")
    map = serializers.IntegerField(
        source="strategy_map.pk",
        allow_null=True,
        default=None,
        help_text=_("Id peta strategi unit tahun ini."),
    )
    years = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Tahun yang memiliki peta strategi unit ini.")
    )
    problems = serializers.IntegerField(help_text=_("Baris yang porsinya tidak sesuai target induk."))
    columns = MatrixColumnSerializer(many=True)
    rows = MatrixRowSerializer(many=True)
    legend = serializers.SerializerMethodField(help_text=_("Arti singkatan sel."))

    @extend_schema_field(LegendSerializer(many=True))
    def get_legend(self, matrix: Any) -> list[dict[str, str]]:
        from .matrix import legend

        return [{"code": code, "meaning": meaning} for code, meaning in legend()]


class FixLinkSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    url = serializers.CharField(help_text=_("Alamat halaman (relatif terhadap situs)."))


class AlignmentFindingSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("Jenis temuan (`counts[].kind`)."))
    rule = serializers.IntegerField(source="finding.rule", help_text=_("Nomor aturan (domain.md §5)."))
    severity = serializers.ChoiceField(
        source="finding.severity", choices=[("block", "block"), ("warn", "warn")]
    )
    code = serializers.CharField(source="finding.code")
    message = serializers.CharField(source="finding.message")
    unit = serializers.CharField(
        source="unit.code", allow_null=True, default=None, help_text=_("Kode unit tempat temuan.")
    )
    fix_url = serializers.CharField(
        source="finding.fix_url", allow_null=True, help_text=_("Halaman utama untuk memperbaiki.")
    )
    links = serializers.SerializerMethodField(
        help_text=_("Halaman untuk memperbaiki, yang utama lebih dulu.")
    )

    @extend_schema_field(FixLinkSerializer(many=True))
    def get_links(self, item: Any) -> list[dict[str, str]]:
        return [{"label": str(label), "url": url} for label, url in item.links]


class AlignmentCountSerializer(serializers.Serializer):
    kind = serializers.CharField()
    rule = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class SupportMapSerializer(serializers.Serializer):
    map = serializers.IntegerField(source="strategy_map.pk", help_text=_("Id peta strategi."))
    unit = serializers.CharField(source="strategy_map.unit.code")
    unit_name = serializers.CharField(source="strategy_map.unit.name")
    idle = serializers.IntegerField(help_text=_("SS peta ini yang belum mendukung SS mana pun (aturan 5)."))
    url = serializers.CharField(help_text=_("Halaman dukungan SS peta ini."))


class AlignmentSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    year = serializers.IntegerField(source="plan_year.year")
    years = serializers.ListField(child=serializers.IntegerField(), help_text=_("Tahun yang dapat dipilih."))
    counts = AlignmentCountSerializer(
        many=True, help_text=_("Setiap jenis temuan dengan jumlahnya (juga nol).")
    )
    findings = AlignmentFindingSerializer(many=True, source="items")
    supports = SupportMapSerializer(
        many=True,
        help_text=_(
            "Peta bawahan dalam subtree (ada peta di atasnya tahun ini) dan halaman dukungan SS-nya."
        ),
    )
