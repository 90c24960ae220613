"""Strategy maps: read (nested), the workflow as POST actions, health findings, the SVG picture."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.common.api import RulesViewSet, documented, op, service_errors, validated

from .. import drawing, selectors, services
from ..models import (
    StrategyMap,
)
from ..validation import validate_map
from .base import TAG, visible_maps
from .serializers import (
    FindingSerializer,
    LinkSerializer,
    MapDetailSerializer,
    MapReasonSerializer,
    MapSerializer,
    ObjectiveSerializer,
    PerspectiveSerializer,
    ThemeSerializer,
)

# ---------------------------------------------------------------- maps


@documented(
    TAG,
    list=_("Daftar peta strategi yang dapat dilihat pengguna"),
    retrieve=op(
        _("Satu peta strategi dengan perspektif, tema, SS, dan hubungan"), responses=MapDetailSerializer
    ),
)
class StrategyMapViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # Strategy maps: read (nested), the workflow as POST actions, health findings, the SVG picture.

    rules_model = StrategyMap
    serializer_class = MapSerializer

    def get_queryset(self) -> QuerySet[StrategyMap]:
        return visible_maps(self.request.user).order_by("-plan_year__year", "unit__path")

    def get_serializer_class(self) -> Any:
        return MapDetailSerializer if self.action == "retrieve" else MapSerializer

    service_checked_actions = frozenset({"submit", "approve", "return_", "revise"})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        strategy_map = self.get_object()
        data = selectors.load_map_data(strategy_map)
        strategy_map_data = MapSerializer(strategy_map).data
        return Response(
            {
                **strategy_map_data,
                "perspectives": PerspectiveSerializer(data.perspectives, many=True).data,
                "themes": ThemeSerializer(strategy_map.themes.order_by("code"), many=True).data,
                "objectives": ObjectiveSerializer(data.objectives, many=True).data,
                "links": LinkSerializer(data.links, many=True).data,
            }
        )

    def _step(self, request: Request, name: str, **kwargs: Any) -> Response:
        strategy_map = self.get_object()
        with service_errors():
            getattr(services, f"{name}_map")(strategy_map=strategy_map, by=request.user, **kwargs)
        return Response(MapSerializer(selectors.map_for_page(strategy_map.pk)).data)

    @extend_schema(
        summary=_("Mengajukan peta untuk persetujuan"),
        description=_("Oleh pengelola kinerja unit; ditolak selama ada temuan yang memblokir."),
        request=None,
        responses=MapSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "submit")

    @extend_schema(
        summary=_("Menyetujui peta"),
        description=_("Oleh pimpinan unit."),
        request=None,
        responses=MapSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "approve")

    @extend_schema(
        summary=_("Mengembalikan peta untuk diperbaiki"),
        description=_("Oleh pimpinan unit; alasan wajib."),
        request=MapReasonSerializer,
        responses=MapSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        data = validated(MapReasonSerializer, request)
        return self._step(request, "return", reason=data["reason"])

    @extend_schema(
        summary=_("Membuka revisi peta yang disetujui"),
        description=_("Alasan wajib; nomor revisi bertambah dan peta dapat diubah kembali."),
        request=MapReasonSerializer,
        responses=MapSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        data = validated(MapReasonSerializer, request)
        return self._step(request, "revise", reason=data["reason"])

    @extend_schema(
        summary=_("Temuan kesehatan peta"),
        description=_("Temuan aturan validasi: block menghalangi pengajuan, warn hanya peringatan."),
        responses=FindingSerializer(many=True),
        tags=[TAG],
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def findings(self, request: Request, pk: str | None = None) -> Response:
        strategy_map = self.get_object()
        found = validate_map(selectors.load_map_data(strategy_map))
        rows = [{"rule": f.rule, "severity": f.severity, "code": f.code, "message": f.message} for f in found]
        return Response(FindingSerializer(rows, many=True).data)

    @extend_schema(
        summary=_("Gambar peta strategi (SVG)"),
        responses={
            (200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.BINARY, description=_("Berkas SVG."))
        },
        tags=[TAG],
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def svg(self, request: Request, pk: str | None = None) -> HttpResponse:
        strategy_map = self.get_object()
        picture = drawing.draw_map(selectors.load_map_data(strategy_map))
        response = HttpResponse(picture.encode("utf-8"), content_type="image/svg+xml")
        name = f"peta-strategi-{strategy_map.unit.code.lower()}-{strategy_map.plan_year.year}.svg"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
