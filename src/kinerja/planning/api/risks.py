"""Risks of an SS and their monitoring."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.common.api import documented, op, service_errors, validated

from .. import selectors, services
from ..models import (
    Objective,
    Risk,
)
from .base import TAG, ServiceModelViewSet, code_of, position_in
from .serializers import (
    RISK_FIELDS,
    MonitoringSerializer,
    RiskSerializer,
    RiskUpdateSerializer,
    RiskWriteSerializer,
)

# ---------------------------------------------------------------- risks


@documented(
    TAG,
    list=_("Daftar risiko"),
    retrieve=_("Satu risiko dengan catatan pemantauannya"),
    create=op(
        _("Menambah risiko pada SS"),
        description=_("Oleh pengelola kinerja unit selama peta berstatus konsep atau revisi."),
        request=RiskWriteSerializer,
        responses={201: RiskSerializer},
    ),
    update=op(_("Mengubah risiko"), request=RiskUpdateSerializer, responses=RiskSerializer),
    partial_update=op(_("Mengubah sebagian risiko"), request=RiskUpdateSerializer, responses=RiskSerializer),
    destroy=_("Menghapus risiko"),
)
class RiskViewSet(ServiceModelViewSet):
    # Risks of SS: likelihood × impact gives the level and its band; monitoring entries as a POST action.

    rules_model = Risk
    serializer_class = RiskSerializer
    write_serializer_class = RiskWriteSerializer
    update_serializer_class = RiskUpdateSerializer
    parent_field = "objective"

    def get_queryset(self) -> QuerySet[Risk]:
        return selectors.risks_visible_to(self.request.user).order_by(
            "objective__map", "objective__code", "code"
        )

    service_checked_actions = frozenset({"monitoring"})

    def _save(self, objective: Objective, data: dict[str, Any], risk: Risk | None) -> Risk:
        with service_errors():
            return services.save_risk(
                objective=objective,
                risk=risk,
                code=data["code"],
                description=data["description"],
                likelihood=data["likelihood"],
                impact=data["impact"],
                mitigation=data.get("mitigation") or "",
                owner_position=position_in(objective.map, data.get("owner_position"), "owner_position"),
                owner_text=data.get("owner_text") or "",
                by=self.request.user,
            )

    def _current(self, risk: Risk) -> dict[str, Any]:
        current = {name: getattr(risk, name) for name in RISK_FIELDS}
        current["owner_position"] = code_of(risk.owner_position)
        return current

    def _respond(self, risk: Risk, code: int = status.HTTP_200_OK) -> Response:
        return Response(RiskSerializer(selectors.risk_for_page(risk.pk)).data, status=code)

    def _delete(self, risk: Risk) -> None:
        services.delete_risk(risk=risk, by=self.request.user)

    @extend_schema(
        summary=_("Mencatat pemantauan risiko"),
        description=_("Pemantauan: pengelola kinerja unit dapat mencatatnya juga setelah peta disetujui."),
        request=MonitoringSerializer,
        responses={201: MonitoringSerializer},
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def monitoring(self, request: Request, pk: str | None = None) -> Response:
        risk = self.get_object()
        data = validated(MonitoringSerializer, request)
        with service_errors():
            entry = services.add_risk_monitoring(
                risk=risk, date=data["date"], note=data["note"], by=request.user
            )
        return Response(MonitoringSerializer(entry).data, status=status.HTTP_201_CREATED)
