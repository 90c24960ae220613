"""API of KPIs (IKU): the manual, the yearly target and the trajectory, through `kpis.services`.

Lists come from `selectors.kpis_visible_to` (anything else is a 404); writes
go through `save_kpi` / `delete_kpi`, which check the same rules as the pages
(rule 11 polarity fits target, rule 12 trajectory reaches it). Registered in
`kinerja.api.urls`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from kinerja.common.api import (
    HumanDecimalField,
    HumanDecimalsMixin,
    documented,
    op,
    service_errors,
)
from kinerja.planning.models import Objective

from .. import kpi_selectors as selectors
from .. import kpi_services as services
from ..models import Kpi, PeriodTarget
from .base import (
    TAG,
    ServiceModelViewSet,
    VisibleChoicesMixin,
    code_of,
    position_in,
    visible_objectives,
)

MANUAL = [name for name in services.MANUAL_FIELDS if name != "owner_position"]


class KpiSerializer(serializers.ModelSerializer):
    map = serializers.IntegerField(source="objective.map_id", read_only=True)
    objective_code = serializers.CharField(source="objective.code", read_only=True)
    owner_position = serializers.CharField(
        source="owner_position.code", read_only=True, allow_null=True, default=None
    )
    trajectory = serializers.SerializerMethodField(help_text=_("Target per periode pelaporan, berurutan."))

    class Meta:
        model = Kpi
        fields = ["id", "map", "objective", "objective_code", "code", *MANUAL, "owner_position", "trajectory"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.DecimalField(max_digits=24, decimal_places=6))
    )
    def get_trajectory(self, kpi: Kpi) -> list[str]:
        targets = getattr(kpi, "trajectory", None)
        if targets is None:
            targets = list(kpi.period_targets.order_by("period"))
        return [str(t.target) for t in targets]


class KpiWriteSerializer(HumanDecimalsMixin, VisibleChoicesMixin, serializers.ModelSerializer):
    visible = {"objective": visible_objectives}
    objective = serializers.PrimaryKeyRelatedField(queryset=Objective.objects.none(), help_text=_("Id SS."))
    owner_position = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Kode jabatan penanggung jawab.")
    )
    trajectory = serializers.ListField(
        child=HumanDecimalField(max_digits=24, decimal_places=6),
        required=False,
        allow_null=True,
        help_text=_("Target per periode pelaporan, berurutan; kosong: sama dengan target untuk IKU tahunan."),
    )

    class Meta:
        model = Kpi
        fields = ["objective", "code", *MANUAL, "owner_position", "trajectory"]
        validators: list[Any] = []


class KpiUpdateSerializer(KpiWriteSerializer):
    class Meta(KpiWriteSerializer.Meta):
        fields = [f for f in KpiWriteSerializer.Meta.fields if f != "objective"]


@documented(
    TAG,
    list=op(
        _("Daftar IKU pada peta yang dapat dilihat"),
        parameters=[
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                description=_("Cari kode atau nama IKU (bahasa Indonesia atau Inggris)."),
            )
        ],
    ),
    retrieve=_("Satu IKU dengan manual dan trajectory"),
    create=op(
        _("Menambah IKU"),
        description=_("Oleh pengelola kinerja unit selama peta berstatus konsep atau revisi."),
        request=KpiWriteSerializer,
        responses={201: KpiSerializer},
    ),
    update=op(_("Mengubah IKU"), request=KpiUpdateSerializer, responses=KpiSerializer),
    partial_update=op(_("Mengubah sebagian IKU"), request=KpiUpdateSerializer, responses=KpiSerializer),
    destroy=_("Menghapus IKU"),
)
class KpiViewSet(ServiceModelViewSet):
    # KPIs with their manual, yearly target and trajectory.

    rules_model = Kpi
    serializer_class = KpiSerializer
    write_serializer_class = KpiWriteSerializer
    update_serializer_class = KpiUpdateSerializer
    parent_field = "objective"

    def get_queryset(self) -> QuerySet[Kpi]:
        kpis = selectors.kpis_visible_to(self.request.user)
        if self.action == "list":
            kpis = selectors.search_kpis(kpis, self.request.query_params.get("search", ""))
        return kpis.select_related("owner_position").prefetch_related(
            Prefetch("period_targets", queryset=PeriodTarget.objects.order_by("period"), to_attr="trajectory")
        )

    def _respond(self, kpi: Kpi, code: int = status.HTTP_200_OK) -> Response:
        return Response(KpiSerializer(self.get_queryset().get(pk=kpi.pk)).data, status=code)

    def _save(self, objective: Objective, data: dict[str, Any], kpi: Kpi | None) -> Kpi:
        fields = {name: data[name] for name in MANUAL if name in data}
        fields["owner_position"] = position_in(objective.map, data.get("owner_position"), "owner_position")
        with service_errors():
            return services.save_kpi(
                objective=objective,
                kpi=kpi,
                code=data["code"],
                fields=fields,
                trajectory=data.get("trajectory"),
                by=self.request.user,
            )

    def _current(self, kpi: Kpi) -> dict[str, Any]:
        data = {name: getattr(kpi, name) for name in ["code", *MANUAL]}
        data["owner_position"] = code_of(kpi.owner_position)
        data["trajectory"] = None
        return data

    def _delete(self, kpi: Kpi) -> None:
        services.delete_kpi(kpi=kpi, by=self.request.user)
