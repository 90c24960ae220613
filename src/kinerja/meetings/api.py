"""API of the dialogues (issue 14 item 10, meetings): list and read the meetings the user sees (with participants
and agenda), schedule one, change it while it is open, close it, and download its minutes as PDF.

Thin, like the pages: the list is limited to what the user sees (`selectors.meetings_visible_to`); every write
goes through `services.py`, which asks the permission and the state (a closed meeting refuses every change).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.common.api import RulesViewSet, documented, op, service_errors, validated
from kinerja.organisations.models import Employee, Unit
from kinerja.reporting.models import ReportingPeriod

from . import minutes, selectors, services
from .models import Action, AgendaItem, Meeting, Participant
from .serializers import MeetingDetailSerializer, MeetingSerializer, MeetingWriteSerializer

TAG = "dialog kinerja"


def _employee(nip: str | None, field: str) -> Employee | None:
    if not nip:
        return None
    found = Employee.objects.select_related("unit").filter(nip=nip.strip()).first()
    if found is None:
        raise serializers.ValidationError(
            {field: [_gettext("Pegawai dengan NIP %(nip)s tidak ada.") % {"nip": nip}]}
        )
    return found


def _period(label: str | None) -> ReportingPeriod:
    label = (label or "").strip()
    for period in ReportingPeriod.objects.filter(
        plan_year__year=int(label[:4]) if label[:4].isdigit() else 0
    ):
        if period.label == label:
            return period
    raise serializers.ValidationError(
        {"period": [_gettext("Periode %(label)s tidak ada.") % {"label": label or "—"}]}
    )


def _people(data: dict[str, Any]) -> dict[str, Any]:
    participants = [p for p in (_employee(n, "participants") for n in data.get("participants") or []) if p]
    return {
        "starts_at": data["starts_at"],
        "place": data.get("place") or "",
        "title": data.get("title") or "",
        "chair": _employee(data.get("chair"), "chair"),
        "secretary": _employee(data.get("secretary"), "secretary"),
        "participants": participants,
    }


@documented(
    TAG,
    list=op(
        _("Dialog kinerja yang dapat dilihat pengguna"),
        description=_("Dialog unit dalam jangkauan peran pengguna dan dialog yang diikutinya."),
    ),
    retrieve=op(_("Satu dialog kinerja dengan peserta dan agenda"), responses=MeetingDetailSerializer),
    create=op(
        _("Menjadwalkan dialog kinerja"),
        description=_("Agenda diusulkan dari data periode dan undangan dikirim kepada peserta."),
        request=MeetingWriteSerializer,
        responses={201: MeetingDetailSerializer},
    ),
    update=op(
        _("Mengubah dialog yang belum ditutup"),
        request=MeetingWriteSerializer,
        responses=MeetingDetailSerializer,
    ),
    partial_update=op(
        _("Mengubah sebagian dialog yang belum ditutup"),
        request=MeetingWriteSerializer,
        responses=MeetingDetailSerializer,
    ),
    close=op(
        _("Menutup dialog (pimpinan rapat); setelah itu hanya dapat dibaca"),
        request=None,
        responses=MeetingDetailSerializer,
    ),
    minutes=op(
        _("Notula dialog (PDF A4)"),
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("Notula untuk ditandatangani.")
            )
        },
    ),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    rules_model = Meeting
    serializer_class = MeetingSerializer
    service_checked_actions = frozenset({"create", "update", "partial_update", "close"})

    def get_queryset(self) -> QuerySet[Meeting]:
        queryset = selectors.meetings_visible_to(self.request.user).order_by("-starts_at", "-pk")
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "participants",
                    queryset=Participant.objects.select_related("employee").order_by(
                        "role", "employee__name"
                    ),
                ),
                Prefetch(
                    "agenda_items",
                    queryset=AgendaItem.objects.select_related("kpi", "initiative", "risk")
                    .prefetch_related(
                        Prefetch("decided_actions", queryset=Action.objects.select_related("owner"))
                    )
                    .order_by("order", "pk"),
                ),
            )
        return queryset

    def get_serializer_class(self) -> Any:
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    def _answer(self, meeting: Meeting, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=meeting.pk)
        return Response(MeetingDetailSerializer(fresh).data, status=code)

    def create(self, request: Request) -> Response:
        data = validated(MeetingWriteSerializer, request)
        unit = Unit.objects.filter(code=(data.get("unit") or "").strip()).first()
        if unit is None:
            raise serializers.ValidationError(
                {"unit": [_gettext("Unit %(code)s tidak ada.") % {"code": data.get("unit") or "—"}]}
            )
        period = _period(data.get("period"))
        with service_errors():
            meeting = services.schedule_meeting(unit=unit, period=period, by=request.user, **_people(data))
        return self._answer(meeting, status.HTTP_201_CREATED)

    def update(self, request: Request, pk: Any = None, partial: bool = False) -> Response:
        meeting = self.get_object()
        data = validated(MeetingWriteSerializer, request, partial=partial)
        current = {
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "title": meeting.title,
            "chair": meeting.chair.nip,
            "secretary": meeting.secretary.nip if meeting.secretary_id else None,
            "participants": [
                p.employee.nip for p in meeting.participants.all() if p.role in ("member", "guest")
            ],
        }
        merged = {**current, **{k: v for k, v in data.items() if k in request.data}}
        with service_errors():
            services.update_meeting(meeting=meeting, by=request.user, **_people(merged))
        return self._answer(meeting)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self.update(request, pk, partial=True)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        meeting = self.get_object()
        with service_errors():
            services.close_meeting(meeting=meeting, by=request.user)
        return self._answer(meeting)

    @action(detail=True, methods=["get"])
    def minutes(self, request: Request, pk: Any = None) -> HttpResponse:
        meeting = self.get_object()
        response = HttpResponse(minutes.render_pdf(meeting), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{minutes.filename(meeting)}"'
        return response
