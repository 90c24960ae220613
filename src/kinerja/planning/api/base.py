"""What every planning viewset shares: the tag, the visible maps and SS, the service-backed writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _gettext
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from kinerja.common.api import RulesViewSet, service_errors, validated
from kinerja.organisations.models import Position

from .. import selectors
from ..models import (
    Objective,
    StrategyMap,
)

TAG = "strategi"


def visible_maps(user: Any) -> QuerySet[StrategyMap]:
    return StrategyMap.objects.filter(selectors.visible_maps_filter(user)).select_related("unit", "plan_year")


def visible_objectives(user: Any) -> QuerySet[Objective]:
    """The SS on the maps the user may see: what a write may name as its SS."""
    return Objective.objects.filter(map__in=visible_maps(user)).select_related("map__unit", "map__plan_year")


def position_in(strategy_map: StrategyMap, code: str | None, field: str) -> Position | None:
    if not code:
        return None
    found = Position.objects.filter(unit=strategy_map.unit_id, code=code).first()
    if found is None:
        raise serializers.ValidationError(
            {field: [_gettext("Jabatan %(code)s tidak ada pada unit pemilik peta.") % {"code": code}]}
        )
    return found


def code_of(related: Any) -> str | None:
    """The code of a related object (an owner position, a theme) as a write names it, or None."""
    return related.code if related is not None else None


class VisibleChoicesMixin(serializers.Serializer):
    # A write serializer whose related fields offer only what the requesting user may see: `visible`
    # maps a field name to `scope(user) -> queryset`; a field the serializer lacks is skipped.
    # (Comments, not a docstring: the schema would take a docstring as the description of every subclass.)

    visible: ClassVar[dict[str, Callable[[Any], QuerySet[Any]]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            for name, scope in self.visible.items():
                if name in self.fields:
                    self.fields[name].queryset = scope(request.user)  # type: ignore[attr-defined]


class ServiceWritesMixin(GenericViewSet):
    # `create` and `update` of a viewset whose writes go through a service. The write serializer names
    # the parent (`parent_field`: the map or the SS) a new object goes to; an update starts from
    # `_current(instance)`, the instance's values shaped as a write, overlaid with what the (partial)
    # request sends. `_save(parent, data, instance)` calls the service, `_respond` answers, `_delete`
    # calls the delete service (its errors become a 400 naming the same fields).
    # (Comments, not a docstring: the schema would take a docstring as the description of every subclass.)

    write_serializer_class: type[serializers.Serializer]
    update_serializer_class: type[serializers.Serializer]
    parent_field: str

    def _current(self, instance: Any) -> dict[str, Any]:
        raise NotImplementedError

    def _save(self, parent: Any, data: dict[str, Any], instance: Any) -> Any:
        raise NotImplementedError

    def _respond(self, instance: Any, code: int = status.HTTP_200_OK) -> Response:
        raise NotImplementedError

    def _delete(self, instance: Any) -> None:
        raise NotImplementedError

    def perform_destroy(self, instance: Any) -> None:
        with service_errors():
            self._delete(instance)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(self.write_serializer_class, request, context=self.get_serializer_context())
        return self._respond(self._save(data[self.parent_field], data, None), status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        changes = validated(
            self.update_serializer_class, request, partial=partial, context=self.get_serializer_context()
        )
        data = self._current(instance)
        data.update(changes)
        return self._respond(self._save(getattr(instance, self.parent_field), data, instance))


class ServiceModelViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RulesViewSet,
):
    # List, read, create, update and delete, the writes through the service (`ServiceWritesMixin`).
    # (Comments, not a docstring: the schema would take a docstring as the description of every subclass.)
    pass
