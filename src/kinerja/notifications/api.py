"""The notifications API: my notifications (list, one, unread count, mark read, mark all read) and my
preferences (read, replace). A user reaches only their own: another's notification is a 404."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kinerja.accounts.models import User
from kinerja.common.api import (
    AUTHENTICATION,
    RulesViewSet,
    documented,
    exception_handler,
    service_errors,
    validated,
)

from . import selectors, services
from .models import Notification
from .serializers import (
    MarkedSerializer,
    NotificationSerializer,
    PreferencesSerializer,
    UnreadCountSerializer,
)

TAG = "pemberitahuan"


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("Hanya yang belum dibaca")
    )
    kind = django_filters.CharFilter(field_name="kind", label=_("Jenis"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


@documented(
    TAG,
    list=_("Pemberitahuan saya (yang belum dibaca lebih dahulu)"),
    retrieve=_("Satu pemberitahuan saya"),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # My notifications shown in the application; another user's do not exist for me (404).

    rules_model = Notification
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    service_checked_actions = frozenset({"read", "read_all", "unread_count"})

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.inbox(self.request.user)

    @extend_schema(
        summary=_("Jumlah pemberitahuan saya yang belum dibaca"), responses=UnreadCountSerializer, tags=[TAG]
    )
    @action(
        detail=False, methods=["get"], url_path="unread-count", filterset_class=None, pagination_class=None
    )
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(request.user)})

    @extend_schema(
        summary=_("Menandai satu pemberitahuan sudah dibaca"),
        request=None,
        responses=NotificationSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        with service_errors():
            services.mark_read(notification=notification, by=cast(User, request.user))
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary=_("Menandai semua pemberitahuan saya sudah dibaca"),
        request=None,
        responses=MarkedSerializer,
        tags=[TAG],
    )
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None, pagination_class=None)
    def read_all(self, request: Request) -> Response:
        with service_errors():
            marked = services.mark_all_read(by=cast(User, request.user))
        return Response({"marked": marked})


class PreferencesView(APIView):
    # My choice per kind of notification (in the application, by e-mail) and the language of my e-mails.

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    def get_exception_handler(self) -> Any:
        return exception_handler

    def _answer(self, user: User) -> Response:
        data = {"kinds": selectors.preferences_of(user), "language": selectors.email_language_of(user)}
        return Response(PreferencesSerializer(data).data)

    @extend_schema(summary=_("Pilihan pemberitahuan saya"), responses=PreferencesSerializer, tags=[TAG])
    def get(self, request: Request) -> Response:
        return self._answer(cast(User, request.user))

    @extend_schema(
        summary=_("Mengubah pilihan pemberitahuan saya"),
        description=_(
            "Jenis yang tidak disebut tetap seperti sebelumnya; `language` yang tidak dikirim tidak berubah."
        ),
        request=PreferencesSerializer,
        responses=PreferencesSerializer,
        tags=[TAG],
    )
    def put(self, request: Request) -> Response:
        user = cast(User, request.user)
        data = validated(PreferencesSerializer, request)
        choices = {row["kind"]: (row["in_app"], row["email"]) for row in data["kinds"]}
        with service_errors():
            services.save_preferences(by=user, choices=choices, language=data.get("language"))
        return self._answer(user)
