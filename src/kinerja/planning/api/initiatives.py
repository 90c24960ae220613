"""Strategic initiatives with their milestones and progress reports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.common.api import documented, op, service_errors, validated

from .. import selectors, services
from ..models import (
    Initiative,
    Objective,
    StrategyMap,
)
from .base import TAG, ServiceModelViewSet, code_of, position_in
from .serializers import (
    INITIATIVE_FIELDS,
    InitiativeSerializer,
    InitiativeUpdateSerializer,
    InitiativeWriteSerializer,
    MilestoneSerializer,
    ProgressReportSerializer,
)

# ---------------------------------------------------------------- initiatives


@documented(
    TAG,
    list=_("Daftar inisiatif strategis"),
    retrieve=_("Satu inisiatif strategis dengan tonggak dan laporan kemajuan"),
    create=op(
        _("Menambah inisiatif strategis"),
        description=_("Oleh pengelola kinerja unit selama peta berstatus konsep atau revisi."),
        request=InitiativeWriteSerializer,
        responses={201: InitiativeSerializer},
    ),
    update=op(
        _("Mengubah inisiatif strategis"), request=InitiativeUpdateSerializer, responses=InitiativeSerializer
    ),
    partial_update=op(
        _("Mengubah sebagian inisiatif strategis"),
        request=InitiativeUpdateSerializer,
        responses=InitiativeSerializer,
    ),
    destroy=_("Menghapus inisiatif strategis"),
)
class InitiativeViewSet(ServiceModelViewSet):
    # Strategic initiatives with milestones and progress reports; the status is derived from the milestones.

    rules_model = Initiative
    serializer_class = InitiativeSerializer
    write_serializer_class = InitiativeWriteSerializer
    update_serializer_class = InitiativeUpdateSerializer
    parent_field = "map"

    def get_queryset(self) -> QuerySet[Initiative]:
        return selectors.initiatives_visible_to(self.request.user).order_by("map", "code")

    service_checked_actions = frozenset({"progress", "milestones"})

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        for initiative in page or []:
            selectors._annotate_initiative(initiative)
        return self.get_paginated_response(InitiativeSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    def _save(
        self, strategy_map: StrategyMap, data: dict[str, Any], initiative: Initiative | None
    ) -> Initiative:
        codes = data.get("objectives") or []
        supported = list(Objective.objects.filter(map=strategy_map, code__in=codes))
        missing = sorted(set(codes) - {o.code for o in supported})
        if missing:
            raise serializers.ValidationError(
                {
                    "objectives": [
                        _gettext("SS tidak ada pada peta ini: %(codes)s") % {"codes": ", ".join(missing)}
                    ]
                }
            )
        with service_errors():
            return services.save_initiative(
                strategy_map=strategy_map,
                initiative=initiative,
                code=data["code"],
                name_id=data["name_id"],
                name_en=data.get("name_en") or "",
                description=data.get("description") or "",
                owner_position=position_in(strategy_map, data.get("owner_position"), "owner_position"),
                owner_text=data.get("owner_text") or "",
                budget=data.get("budget"),
                start=data.get("start"),
                end=data.get("end"),
                objectives=supported,
                by=self.request.user,
            )

    def _current(self, initiative: Initiative) -> dict[str, Any]:
        current = {name: getattr(initiative, name) for name in INITIATIVE_FIELDS}
        current["objectives"] = [o.code for o in initiative.objectives.all()]
        current["owner_position"] = code_of(initiative.owner_position)
        return current

    def _respond(self, initiative: Initiative, code: int = status.HTTP_200_OK) -> Response:
        return Response(InitiativeSerializer(selectors.initiative_for_page(initiative.pk)).data, status=code)

    def _delete(self, initiative: Initiative) -> None:
        services.delete_initiative(initiative=initiative, by=self.request.user)

    @extend_schema(
        summary=_("Mencatat laporan kemajuan"),
        description=_("Pemantauan: pengelola kinerja unit dapat mencatatnya juga setelah peta disetujui."),
        request=ProgressReportSerializer,
        responses={201: ProgressReportSerializer},
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        initiative = self.get_object()
        data = validated(ProgressReportSerializer, request)
        with service_errors():
            report = services.add_progress_report(
                initiative=initiative,
                date=data["date"],
                percent=data["percent"],
                note=data.get("note", ""),
                by=request.user,
            )
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Menambah tonggak capaian"),
        description=_("Perencanaan: hanya selama peta berstatus konsep atau revisi."),
        request=MilestoneSerializer,
        responses={201: MilestoneSerializer},
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def milestones(self, request: Request, pk: str | None = None) -> Response:
        initiative = self.get_object()
        data = validated(MilestoneSerializer, request)
        with service_errors():
            milestone = services.save_milestone(
                initiative=initiative,
                name=data["name"],
                due_date=data["due_date"],
                done=data.get("done", False),
                done_on=data.get("done_on"),
                by=request.user,
            )
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)
