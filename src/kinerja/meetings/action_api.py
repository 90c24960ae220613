"""API of the follow-up matrix (issue 14 items 2, 10): the actions a user may read — those of the units their
leader, performance manager, auditor or administrator roles reach, and their own — filtered by unit subtree,
state, owner and overdue; one action; and the change of its state (`POST /api/actions/{id}/state/`, JSON or
multipart with the evidence file), through `follow_ups.change_action_state` (a missing permission is a 403, a
broken rule a 400 naming the field: done without evidence, dropped without a reason, a closed action).
Routes are registered in `kinerja.api.urls`.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.common.api import RulesViewSet, SafeJSONParser, documented, op, service_errors, validated
from kinerja.organisations.models import Unit

from . import follow_ups
from .action_serializers import ActionSerializer, ActionStateSerializer
from .models import Action, ActionState

TAG = "tindak-lanjut"


class ActionFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(method="filter_unit", label=_("Kode unit (beserta unit di bawahnya)"))
    state = django_filters.ChoiceFilter(choices=ActionState.choices, label=_("Status"))
    owner = django_filters.CharFilter(field_name="owner__nip", label=_("NIP penanggung jawab"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Terlambat (aturan 24)"))

    class Meta:
        model = Action
        fields = ["unit", "state", "owner", "overdue"]

    def filter_unit(self, queryset: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        path = Unit.objects.filter(code=value.strip()).values_list("path", flat=True).first()
        return queryset.none() if path is None else queryset.filter(unit__path__startswith=path)

    def filter_overdue(self, queryset: QuerySet[Action], name: str, value: bool | None) -> QuerySet[Action]:
        if value is None:
            return queryset
        late = follow_ups.overdue_q(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


@documented(
    TAG,
    list=op(
        _("Daftar tindak lanjut (matriks tindak lanjut)"),
        description=_(
            "Tindak lanjut unit dalam jangkauan peran pimpinan, pengelola kinerja, auditor, atau administrator, "
            "dan tindak lanjut milik pengguna sendiri; terbuka lebih dulu, lalu menurut batas waktu."
        ),
    ),
    retrieve=_("Satu tindak lanjut"),
)
class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # The follow-up matrix's actions, read; the change of state through the service.

    rules_model = Action
    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    service_checked_actions = frozenset({"state"})  # change_action_state asks meetings.change_action (403)
    parser_classes = [SafeJSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> QuerySet[Action]:
        return follow_ups.matrix(follow_ups.visible_actions(self.request.user))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        summary=_("Mengubah status tindak lanjut"),
        description=_(
            "Terbuka ⇄ dalam proses → selesai (dengan bukti penyelesaian) atau dibatalkan (dengan alasan). "
            "Tindak lanjut yang selesai atau dibatalkan tidak dapat diubah lagi. Oleh penanggung jawabnya, atau "
            "pimpinan, pengelola kinerja, atau administrator unit; tercatat dalam riwayat."
        ),
        request={"application/json": ActionStateSerializer, "multipart/form-data": ActionStateSerializer},
        responses=ActionSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def state(self, request: Request, pk: str | None = None) -> Response:
        found = self.get_object()
        data = validated(ActionStateSerializer, request)
        with service_errors():
            follow_ups.change_action_state(
                action=found,
                state=data["state"],
                reason=data.get("reason", ""),
                note=data.get("note", ""),
                evidence=data.get("evidence"),
                by=request.user,
            )
        fresh = self.get_queryset().get(pk=found.pk)
        return Response(self.get_serializer(fresh).data)
