"""SS (strategic objectives) and their cause-effect links."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.common.api import RulesViewSet, documented, op, service_errors, validated

from .. import services
from ..models import (
    Objective,
    ObjectiveLink,
    StrategyMap,
)
from .base import TAG, ServiceModelViewSet, code_of, position_in, visible_maps
from .serializers import (
    LinkSerializer,
    LinkWriteSerializer,
    ObjectiveSerializer,
    ObjectiveUpdateSerializer,
    ObjectiveWriteSerializer,
)

# ---------------------------------------------------------------- objectives


@documented(
    TAG,
    list=_("Daftar SS pada peta yang dapat dilihat"),
    retrieve=_("Satu SS"),
    create=op(
        _("Menambah SS"),
        description=_("Oleh pengelola kinerja unit selama peta berstatus konsep atau revisi."),
        request=ObjectiveWriteSerializer,
        responses={201: ObjectiveSerializer},
    ),
    update=op(_("Mengubah SS"), request=ObjectiveUpdateSerializer, responses=ObjectiveSerializer),
    partial_update=op(
        _("Mengubah sebagian SS"), request=ObjectiveUpdateSerializer, responses=ObjectiveSerializer
    ),
    destroy=_("Menghapus SS"),
)
class ObjectiveViewSet(ServiceModelViewSet):
    # Strategic objectives (SS). Writes go through strategy.services.save_objective / delete_objective.

    rules_model = Objective
    serializer_class = ObjectiveSerializer
    write_serializer_class = ObjectiveWriteSerializer
    update_serializer_class = ObjectiveUpdateSerializer
    parent_field = "map"

    def get_queryset(self) -> QuerySet[Objective]:
        return (
            Objective.objects.filter(map__in=visible_maps(self.request.user))
            .select_related("map__unit", "map__plan_year", "perspective", "theme", "owner_position")
            .order_by("map", "perspective__order", "code")
        )

    def _save(
        self, strategy_map: StrategyMap, data: dict[str, Any], objective: Objective | None
    ) -> Objective:
        perspective = strategy_map.perspectives.get(code=data["perspective"])
        theme = None
        if data.get("theme"):
            theme = strategy_map.themes.filter(code=data["theme"]).first()
            if theme is None:
                raise serializers.ValidationError({"theme": [_gettext("Tema tidak ada pada peta ini.")]})
        with service_errors():
            return services.save_objective(
                strategy_map=strategy_map,
                objective=objective,
                perspective=perspective,
                code=data["code"],
                name_id=data["name_id"],
                name_en=data.get("name_en") or "",
                description=data.get("description") or "",
                theme=theme,
                owner_position=position_in(strategy_map, data.get("owner_position"), "owner_position"),
                weight=data.get("weight"),
                by=self.request.user,
            )

    def _current(self, objective: Objective) -> dict[str, Any]:
        return {
            "code": objective.code,
            "perspective": objective.perspective.code,
            "name_id": objective.name_id,
            "name_en": objective.name_en,
            "description": objective.description,
            "theme": code_of(objective.theme),
            "owner_position": code_of(objective.owner_position),
            "weight": objective.weight,
        }

    def _respond(self, objective: Objective, code: int = status.HTTP_200_OK) -> Response:
        fresh = Objective.objects.select_related("perspective", "theme", "owner_position").get(
            pk=objective.pk
        )
        return Response(ObjectiveSerializer(fresh).data, status=code)

    def _delete(self, objective: Objective) -> None:
        services.delete_objective(objective=objective, by=self.request.user)


# ---------------------------------------------------------------- links


@documented(
    TAG,
    list=_("Daftar hubungan sebab-akibat"),
    retrieve=_("Satu hubungan sebab-akibat"),
    create=op(
        _("Menambah hubungan sebab-akibat"),
        description=_("Kedua SS harus berada pada satu peta; hubungan ke bawah dan siklus hanya peringatan."),
        request=LinkWriteSerializer,
        responses={201: LinkSerializer},
    ),
    destroy=_("Menghapus hubungan sebab-akibat"),
)
class ObjectiveLinkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    RulesViewSet,
):
    # Cause-effect links between SS of one map.

    rules_model = ObjectiveLink
    serializer_class = LinkSerializer

    def get_queryset(self) -> QuerySet[ObjectiveLink]:
        return (
            ObjectiveLink.objects.filter(map__in=visible_maps(self.request.user))
            .select_related("map__unit", "map__plan_year", "cause", "effect")
            .order_by("map", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(LinkWriteSerializer, request, context=self.get_serializer_context())
        with service_errors():
            link = services.add_link(
                cause=data["cause"],
                effect=data["effect"],
                by=request.user,
            )
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ObjectiveLink) -> None:
        with service_errors():
            services.delete_link(link=instance, by=self.request.user)
