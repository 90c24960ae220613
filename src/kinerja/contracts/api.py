"""API of performance contracts: contracts and their workflow, contract KPIs, cascades and cascade links.

Thin, like the pages: every list comes from `selectors.contracts_readable_by` (a person sees their own
contract, the contracts they agree — their subordinates' — and every contract of the units their roles
reach; anything else is a 404), and every write goes through `services` (a missing permission is a 403, a
broken rule a 400 naming it). A contract changes only while it is a draft: once proposed, agreed or signed,
every write answers 400 with the workflow's message, and a signed one changes only through `revise` (a
recorded revision with a reason, rule 19). Routes are registered in `kinerja.api.urls`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.accounts.scope import reaches_everything, unit_filter
from kinerja.common.api import ID_MAX, IdFilter, RulesViewSet, documented, op, service_errors, validated
from kinerja.organisations.models import Employee, Position, Unit
from kinerja.planning.models import PeriodTarget, PlanYear

from . import services
from .alignment import build_panel, oversize, oversize_message
from .checks import findings, k3_rows
from .matrix import build_matrix
from .models import (
    Cascade,
    CascadeLink,
    Contract,
    ContractKpi,
    ContractKpiSource,
    ContractState,
)
from .selectors import contracts_readable_by
from .serializers import (
    AlignmentSerializer,
    CascadeLinkSerializer,
    CascadeScopeSerializer,
    CascadeSerializer,
    CascadeUpdateSerializer,
    ContractCreateSerializer,
    ContractDetailSerializer,
    ContractKpiCreateSerializer,
    ContractKpiSerializer,
    ContractKpiUpdateSerializer,
    ContractReasonSerializer,
    ContractSerializer,
    ContractUpdateSerializer,
    MatrixSerializer,
    ReplaceSerializer,
    ShareSerializer,
)
from .workflow import CONTRACT_WORKFLOW

TAG = "kontrak"
# Reads whose scope is the queryset: a holder or a superior without any role still sees their own and their
# subordinates' contracts (the rules without an object ask for a role somewhere).
READS = frozenset({"list", "retrieve"})


# ---------------------------------------------------------------- scopes


def cascades_readable_by(user: Any) -> QuerySet[Cascade]:
    """The cascades a user may read: those of a KPI held by, or handed down to, a contract the user may read,
    and those of a KPI of a unit the user's roles reach (a map KPI or an individual KPI)."""
    if reaches_everything(user):
        return Cascade.objects.all()
    held = ContractKpi.objects.filter(contract__in=contracts_readable_by(user)).values("kpi_id")
    condition = (
        Q(parent_id__in=held)
        | Q(links__child_id__in=held)
        | unit_filter(user, "parent__objective__map__unit__path") & Q(parent__holder__isnull=True)
        | unit_filter(user, "parent__holder__unit__path")
    )
    return Cascade.objects.filter(pk__in=Cascade.objects.filter(condition).values("pk"))


# ---------------------------------------------------------------- filters


class ContractFilter(django_filters.FilterSet):
    year = IdFilter(field_name="plan_year__year", label=_("Tahun"))
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Kode unit"))
    state = django_filters.ChoiceFilter(choices=ContractState.choices, label=_("Status"))
    employee = django_filters.CharFilter(field_name="employee__nip", label=_("NIP pemegang kontrak"))

    class Meta:
        model = Contract
        fields = ["year", "unit", "state", "employee"]


class ContractKpiFilter(django_filters.FilterSet):
    contract = IdFilter(field_name="contract", label=_("Id kontrak"))
    source = django_filters.ChoiceFilter(choices=ContractKpiSource.choices, label=_("Asal"))

    class Meta:
        model = ContractKpi
        fields = ["contract", "source"]


class CascadeFilter(django_filters.FilterSet):
    parent = IdFilter(field_name="parent", label=_("Id IKU induk"))

    class Meta:
        model = Cascade
        fields = ["parent", "mode"]


class CascadeLinkFilter(django_filters.FilterSet):
    cascade = IdFilter(field_name="cascade", label=_("Id cascading"))
    parent = IdFilter(field_name="cascade__parent", label=_("Id IKU induk"))
    child = IdFilter(field_name="child", label=_("Id IKU turunan"))

    class Meta:
        model = CascadeLink
        fields = ["cascade", "parent", "child"]


# ---------------------------------------------------------------- contracts


def _entries(contract: Contract) -> list[ContractKpi]:
    return list(
        contract.kpis.select_related("kpi__objective", "kpi__holder", "kpi__cascaded_from__cascade")
        .prefetch_related(
            Prefetch(
                "kpi__period_targets", queryset=PeriodTarget.objects.order_by("period"), to_attr="api_periods"
            )
        )
        .order_by("order", "pk")
    )


def _detail(contract: Contract, user: Any) -> dict[str, Any]:
    """A contract with its KPIs, findings (blocks first), K3 preview, the steps the user may take, its events."""
    entries = _entries(contract)
    contract.api_entries = entries  # type: ignore[attr-defined]
    contract.weight_total = sum((e.weight or Decimal(0) for e in entries), Decimal(0))  # type: ignore[attr-defined]
    contract.api_findings = [  # type: ignore[attr-defined]
        {
            "rule": f.rule,
            "severity": f.severity,
            "code": f.code,
            "message": f.message,
            "contract_kpi": f.object.pk if isinstance(f.object, ContractKpi) else None,
        }
        for f in findings(contract)
    ]
    contract.api_k3 = k3_rows(contract)  # type: ignore[attr-defined]
    contract.api_allowed = CONTRACT_WORKFLOW.allowed(contract, user)  # type: ignore[attr-defined]
    contract.api_events = list(contract.events.select_related("by").order_by("at", "pk"))  # type: ignore[attr-defined]
    return dict(ContractDetailSerializer(contract).data)


def _plan_year(year: int) -> PlanYear:
    found = PlanYear.objects.filter(year=year).first()
    if found is None:
        raise serializers.ValidationError(
            {"year": [_gettext("Tahun rencana %(year)d belum ada.") % {"year": year}]}
        )
    return found


def _position(code: str | None, employee: Employee, user: Any, field: str = "position") -> Position | None:
    """A position a request names by code: the holder's own, or one in a unit the user's roles reach."""
    if not code:
        return None
    found = (
        Position.objects.filter(Q(code=code) & (unit_filter(user, "unit__path") | Q(pk=employee.position_id)))
        .select_related("unit")
        .first()
    )
    if found is None:
        raise serializers.ValidationError(
            {field: [_gettext("Jabatan %(code)s tidak ditemukan.") % {"code": code}]}
        )
    return found


def _superior(nip: str | None) -> Employee | None:
    if not nip:
        return None
    found = Employee.objects.filter(nip=nip).first()
    if found is None:
        raise serializers.ValidationError(
            {"superior": [_gettext("Pegawai dengan NIP %(nip)s tidak ditemukan.") % {"nip": nip}]}
        )
    return found


CONTRACT_RELATED = ("employee", "position", "unit", "plan_year", "superior", "agreed_by", "signed_by")


def cascade_scope(request: Request, *, map_owner: bool) -> tuple[Unit, PlanYear]:
    """The unit and plan year of a matrix or alignment request, as their pages decide them: a unit of the
    user's reach (by code, else by id) on which they may read cascades (`contracts.view_cascade`), a map owner
    for the matrix, and an existing plan year; anything else is a 404 (a malformed query is a 400)."""
    query = CascadeScopeSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    value: str = query.validated_data["unit"].strip()
    units = Unit.objects.filter(unit_filter(request.user, "path"))
    unit = units.filter(code=value).first()
    if unit is None and value.isascii() and value.isdigit() and int(value) <= ID_MAX:
        unit = units.filter(pk=int(value)).first()
    if unit is None or not request.user.has_perm("contracts.view_cascade", unit):
        raise Http404
    if map_owner and not unit.owns_map:
        raise Http404
    plan_year = PlanYear.objects.filter(year=query.validated_data["year"]).first()
    if plan_year is None:
        raise Http404
    return unit, plan_year


@documented(
    TAG,
    list=op(
        _("Daftar kontrak kinerja yang dapat dilihat pengguna"),
        description=_(
            "Kontrak sendiri, kontrak bawahan (yang disetujui pengguna), dan kontrak unit dalam jangkauan peran."
        ),
    ),
    retrieve=op(
        _("Satu kontrak dengan IKU, temuan, dan faktor K3"),
        description=_(
            "Temuan block menghalangi pengajuan; `k3` memperlihatkan faktor mutu kontrak tiap IKU dan target untuk "
            "setiap faktor (null bila aturan tahun ini tanpa K3)."
        ),
        responses=ContractDetailSerializer,
    ),
    create=op(
        _("Membuat kontrak (konsep)"),
        description=_(
            "Oleh pengelola kinerja unit (atau pegawai untuk dirinya sendiri). Kepala unit pemilik peta mendapat "
            "seluruh IKU peta tahun itu. Ditolak bila bertumpang tindih dengan kontrak lain pegawai (aturan 16)."
        ),
        request=ContractCreateSerializer,
        responses={201: ContractDetailSerializer},
    ),
    partial_update=op(
        _("Mengubah pernyataan kesanggupan"),
        description=_(
            "Hanya selama kontrak berstatus konsep; kontrak yang ditandatangani diubah melalui revisi."
        ),
        request=ContractUpdateSerializer,
        responses=ContractDetailSerializer,
    ),
    matrix=op(
        _("Matriks cascading unit pemilik peta untuk satu tahun"),
        description=_(
            "Seperti halaman matriks: baris SS peta dan IKU-nya beserta turunan yang diturunkan lagi dalam "
            "wilayah unit, kolom unit anak pemilik peta dan jabatan dalam wilayah unit, sel jenis cascading "
            "(DF, DS dengan porsi, I dengan IKU turunan) atau dukungan SS (L, TL), serta cek porsi setiap baris "
            "berbagi target (aturan 5, 14, 15). Unit di luar jangkauan pengguna atau bukan pemilik peta: 404."
        ),
        parameters=[CascadeScopeSerializer],
        responses=MatrixSerializer,
    ),
    alignment=op(
        _("Temuan penyelarasan cascading dan kontrak pada subtree unit untuk satu tahun"),
        description=_(
            "Seperti panel penyelarasan: jumlah setiap jenis temuan, setiap temuan dengan tautan perbaikannya "
            "(aturan 5, 10, 13–17), dan peta bawahan dengan halaman dukungan SS-nya. Unit di luar jangkauan "
            "pengguna: 404."
        ),
        parameters=[CascadeScopeSerializer],
        responses=AlignmentSerializer,
    ),
)
class ContractViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    RulesViewSet,
):
    # Performance contracts, their workflow (POST actions) and their replacement after a job change.

    rules_model = Contract
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    # matrix, alignment: the unit of the query decides (contracts.view_cascade on it, else 404)
    service_checked_actions = frozenset(
        {
            "list",
            "create",
            "partial_update",
            "propose",
            "agree",
            "return_",
            "sign",
            "revise",
            "replace",
            "matrix",
            "alignment",
        }
    )

    def get_queryset(self) -> QuerySet[Contract]:
        return (
            contracts_readable_by(self.request.user)
            .select_related(*CONTRACT_RELATED)
            .order_by("-plan_year__year", "unit__path", "employee__name", "start", "pk")
        )

    def get_serializer_class(self) -> Any:
        return ContractDetailSerializer if self.action == "retrieve" else ContractSerializer

    def _respond(self, contract: Contract, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=contract.pk).first()
        if fresh is None:  # created for someone the creator may not read afterwards
            fresh = Contract.objects.select_related(*CONTRACT_RELATED).get(pk=contract.pk)
        return Response(_detail(fresh, self.request.user), status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(_detail(self.get_object(), request.user))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(ContractCreateSerializer, request, context=self.get_serializer_context())
        employee = data["employee"]
        plan_year = _plan_year(data["year"])
        position = _position(data.get("position"), employee, request.user)
        superior = _superior(data.get("superior"))
        with service_errors():
            contract = services.create_contract(
                employee=employee,
                plan_year=plan_year,
                by=request.user,
                position=position,
                start=data.get("start"),
                end=data.get("end"),
                superior=superior,
                commitment=data.get("commitment", ""),
                deadline=data.get("deadline"),
                with_map_kpis=data["with_map_kpis"],
            )
        return self._respond(contract, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contract = self.get_object()
        data = validated(ContractUpdateSerializer, request)
        with service_errors():
            contract = services.update_contract(
                contract=contract, commitment=data["commitment"], by=request.user
            )
        return self._respond(contract)

    def _step(self, request: Request, name: str, **kwargs: Any) -> Response:
        contract = self.get_object()
        with service_errors():
            getattr(services, name)(contract=contract, by=request.user, **kwargs)
        return self._respond(contract)

    @extend_schema(
        summary=_("Mengajukan kontrak kepada atasan"),
        description=_(
            "Oleh pemegang kontrak atau pengelola kinerja unit; ditolak selama ada temuan block (aturan 6, 13, "
            "18, pasangan K3)."
        ),
        request=None,
        responses=ContractDetailSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "propose")

    @extend_schema(
        summary=_("Menyetujui kontrak"),
        description=_("Oleh atasan yang tercantum pada kontrak (atau Plt./Plh., aturan 18)."),
        request=None,
        responses=ContractDetailSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def agree(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "agree")

    @extend_schema(
        summary=_("Mengembalikan kontrak ke konsep"),
        description=_("Oleh atasan yang menyetujui; alasan wajib."),
        request=ContractReasonSerializer,
        responses=ContractDetailSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        data = validated(ContractReasonSerializer, request)
        return self._step(request, "return_to_draft", reason=data["reason"])

    @extend_schema(
        summary=_("Menandatangani kontrak"),
        description=_(
            "Oleh pemegang kontrak, setelah disetujui atasan; target dan target per periode dibekukan dan IKU kontrak "
            "dapat menerima realisasi (aturan 20)."
        ),
        request=None,
        responses=ContractDetailSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "sign")

    @extend_schema(
        summary=_("Membuka revisi kontrak yang ditandatangani"),
        description=_(
            "Oleh atasan atau pengelola kinerja unit; alasan wajib. Kontrak kembali menjadi konsep dengan nomor "
            "revisi bertambah (aturan 19)."
        ),
        request=ContractReasonSerializer,
        responses=ContractDetailSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        data = validated(ContractReasonSerializer, request)
        return self._step(request, "revise", reason=data["reason"])

    @extend_schema(
        summary=_("Membuat kontrak pengganti setelah perpindahan jabatan"),
        description=_(
            "Kontrak ini berakhir sehari sebelum tanggal perpindahan; kontrak pengganti berlaku sampai akhir tahun "
            "(aturan 16). Oleh atasan atau pengelola kinerja unit."
        ),
        request=ReplaceSerializer,
        responses={201: ContractDetailSerializer},
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def replace(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()
        data = validated(ReplaceSerializer, request)
        position = _position(data.get("position"), contract.employee, request.user)
        superior = _superior(data.get("superior"))
        with service_errors():
            new = services.replace_contract(
                contract=contract,
                change_date=data["change_date"],
                by=request.user,
                position=position,
                superior=superior,
                copy_kpis=data["copy_kpis"],
            )
        return self._respond(new, status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def matrix(self, request: Request) -> Response:
        unit, plan_year = cascade_scope(request, map_owner=True)
        return Response(MatrixSerializer(build_matrix(unit, plan_year)).data)

    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def alignment(self, request: Request) -> Response:
        unit, plan_year = cascade_scope(request, map_owner=False)
        too_large = oversize(unit, plan_year)
        if too_large is not None:
            raise serializers.ValidationError(
                {"unit": [oversize_message(too_large)]}, code="subtree_too_large"
            )
        return Response(AlignmentSerializer(build_panel(unit, plan_year)).data)


# ---------------------------------------------------------------- contract KPIs


@documented(
    TAG,
    list=_("Daftar IKU kontrak yang dapat dilihat (saring menurut kontrak)"),
    retrieve=_("Satu IKU kontrak"),
    create=op(
        _("Menambah IKU ke kontrak (konsep)"),
        description=_(
            "Menurut `source`: map (IKU peta pemegang), individual (IKI dengan manual dan target per periode sendiri), "
            "cascaded (turunan dari IKU atasan: langsung penuh, berbagi target dengan `share`, atau tidak "
            "langsung dengan manual sendiri; aturan 14)."
        ),
        request=ContractKpiCreateSerializer,
        responses={201: ContractKpiSerializer},
    ),
    partial_update=op(
        _("Mengubah bobot, target, masukan K3, atau manual IKU kontrak"),
        description=_(
            "Hanya selama kontrak berstatus konsep. Turunan langsung penuh tidak dapat mengubah manual dan "
            "targetnya (aturan 14); IKU peta diubah melalui peta strateginya."
        ),
        request=ContractKpiUpdateSerializer,
        responses=ContractKpiSerializer,
    ),
    destroy=op(
        _("Menghapus IKU dari kontrak (konsep)"),
        description=_(
            "IKI atau IKU turunan ikut terhapus bila tidak dipakai kontrak lain dan belum ada realisasi."
        ),
    ),
)
class ContractKpiViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    RulesViewSet,
):
    # The KPIs of contracts: map KPIs, individual KPIs (IKI) and KPIs cascaded from the superior's contract.

    rules_model = Contract  # a contract KPI is read as its contract is
    serializer_class = ContractKpiSerializer
    filterset_class = ContractKpiFilter
    service_checked_actions = frozenset({"list", "create", "partial_update", "destroy"})

    def get_queryset(self) -> QuerySet[ContractKpi]:
        return (
            ContractKpi.objects.filter(contract__in=contracts_readable_by(self.request.user))
            .select_related("contract", "kpi__objective", "kpi__holder", "kpi__cascaded_from__cascade")
            .prefetch_related(
                Prefetch(
                    "kpi__period_targets",
                    queryset=PeriodTarget.objects.order_by("period"),
                    to_attr="api_periods",
                )
            )
            .order_by("contract_id", "order", "pk")
        )

    def _respond(self, entry: ContractKpi, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=entry.pk).first() or entry
        return Response(ContractKpiSerializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(ContractKpiCreateSerializer, request, context=self.get_serializer_context())
        contract: Contract = data["contract"]
        entry_fields = {name: data[name] for name in services.CONTRACT_KPI_FIELDS if name in data}
        source = data["source"]
        with service_errors(), transaction.atomic():
            if source == ContractKpiSource.MAP:
                entry = services.add_map_kpi(contract=contract, kpi=data["kpi"], by=request.user)
                if entry_fields:
                    services.update_contract_kpi(entry=entry, fields=entry_fields, by=request.user)
            elif source == ContractKpiSource.INDIVIDUAL:
                entry = services.add_individual_kpi(
                    contract=contract,
                    objective=data["objective"],
                    code=data["code"],
                    fields=dict(data["manual"]),
                    trajectory=data.get("trajectory"),
                    by=request.user,
                    entry_fields=entry_fields,
                )
            else:
                entry = services.cascade_to(
                    parent=data["parent"],
                    contract=contract,
                    mode=data["mode"],
                    by=request.user,
                    share=data.get("share"),
                    code=data.get("code"),
                    fields=dict(data["manual"]) if data.get("manual") else None,
                    trajectory=data.get("trajectory"),
                    entry_fields=entry_fields,
                )
        return self._respond(entry, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.get_object()
        data = validated(ContractKpiUpdateSerializer, request, partial=True)
        manual = dict(data.pop("manual", None) or {})
        trajectory = data.pop("trajectory", None)
        with service_errors(), transaction.atomic():
            if manual or trajectory is not None:
                services.update_individual_kpi(
                    entry=entry, fields=manual, trajectory=trajectory, by=request.user
                )
                entry.refresh_from_db()
            # the entry's own fields; with none, the workflow gate still answers (a signed contract: 400)
            services.update_contract_kpi(entry=entry, fields=data, by=request.user)
        return self._respond(entry)

    def perform_destroy(self, instance: ContractKpi) -> None:
        with service_errors():
            services.remove_contract_kpi(entry=instance, by=self.request.user)


# ---------------------------------------------------------------- cascades and their links


@documented(
    TAG,
    list=_("Daftar cascading IKU yang dapat dilihat"),
    retrieve=_("Satu cascading IKU dengan turunannya"),
    partial_update=op(
        _("Menetapkan jenis cascading IKU"),
        description=_(
            "Oleh pengelola kinerja unit IKU atau pemegang IKU. Jenis tidak dapat diubah selama masih ada "
            "turunan; kontrak yang memuat IKU induk harus berstatus konsep (aturan 14, 19)."
        ),
        request=CascadeUpdateSerializer,
        responses=CascadeSerializer,
    ),
)
class CascadeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # How each KPI goes down (direct full, direct shared, indirect, not cascaded), with its child KPIs.

    rules_model = Cascade
    serializer_class = CascadeSerializer
    filterset_class = CascadeFilter
    # reads: the queryset decides (a holder sees the cascades of the KPIs of the contracts they read)
    service_checked_actions = READS | {"partial_update"}

    def get_queryset(self) -> QuerySet[Cascade]:
        return (
            cascades_readable_by(self.request.user)
            .select_related("parent")
            .prefetch_related(
                Prefetch(
                    "links",
                    queryset=CascadeLink.objects.select_related("child__holder", "cascade").order_by("pk"),
                )
            )
            .order_by("pk")
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cascade = self.get_object()
        data = validated(CascadeUpdateSerializer, request, partial=True)
        with service_errors():
            services.set_cascade_mode(
                parent=cascade.parent,
                mode=data.get("mode", cascade.mode),
                aggregation=data.get("aggregation"),
                by=request.user,
            )
        return Response(CascadeSerializer(self.get_queryset().get(pk=cascade.pk)).data)


@documented(
    TAG,
    list=_("Daftar turunan IKU yang dapat dilihat"),
    retrieve=_("Satu turunan IKU"),
    partial_update=op(
        _("Mengubah porsi target turunan (berbagi target)"),
        description=_(
            "Target dan target per periode IKU turunan mengikuti porsinya; kontrak pemegang turunan harus berstatus konsep."
        ),
        request=ShareSerializer,
        responses=CascadeLinkSerializer,
    ),
    destroy=op(
        _("Melepas turunan dari IKU induk"),
        description=_(
            "Oleh pengelola kinerja unit IKU induk atau pemegangnya; kontrak pemegang turunan harus konsep."
        ),
    ),
)
class CascadeLinkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    RulesViewSet,
):
    # The child KPIs of cascades, with each child's share of the parent's target.

    rules_model = CascadeLink
    serializer_class = CascadeLinkSerializer
    filterset_class = CascadeLinkFilter
    service_checked_actions = READS | {"partial_update", "destroy"}

    def get_queryset(self) -> QuerySet[CascadeLink]:
        return (
            CascadeLink.objects.filter(cascade__in=cascades_readable_by(self.request.user))
            .select_related("cascade__parent", "child__holder")
            .order_by("cascade_id", "pk")
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        link = self.get_object()
        data = validated(ShareSerializer, request)
        with service_errors():
            services.set_share(link=link, share=data["share"], by=request.user)
        return Response(CascadeLinkSerializer(self.get_queryset().get(pk=link.pk)).data)

    def perform_destroy(self, instance: CascadeLink) -> None:
        with service_errors():
            services.unlink_child(link=instance, by=self.request.user)
