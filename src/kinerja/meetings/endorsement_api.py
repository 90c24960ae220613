"""API of the NKO endorsement (issue 14 items 6 and 10): the endorsements the user reaches (list, retrieve),
and the writes of `kinerja.meetings.endorsement` — prepare, endorse (rule 26: `acknowledge` on incomplete
data), reopen with a reason, enter a past year's figure. Thin: a unit outside the reach is a 400 naming the
field (a create names its unit in the body), an endorsement outside it a 404, a missing permission a 403, a
broken rule a 400 naming the field. Registered in `kinerja.api.urls`.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.accounts.scope import unit_filter
from kinerja.common.api import RulesViewSet, documented, op, service_errors, validated
from kinerja.organisations.models import Unit

from . import endorsement as service
from .models import EndorsementState, NkoEndorsement

TAG = "endorsements"


class EndorsementSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    endorsed_by = serializers.CharField(source="endorsed_by.username", read_only=True, default=None)
    prepared_by = serializers.CharField(source="prepared_by.username", read_only=True, default=None)
    reopened_by = serializers.CharField(source="reopened_by.username", read_only=True, default=None)
    period = serializers.CharField(source="period.label", read_only=True, default=None)

    class Meta:
        model = NkoEndorsement
        fields = [
            "id",
            "unit",
            "unit_name",
            "year",
            "strategy_map",
            "period",
            "snapshot",
            "source",
            "state",
            "nko",
            "predicate",
            "complete",
            "rule_set",
            "incomplete",
            "acknowledged",
            "note",
            "reason",
            "prepared_by",
            "prepared_at",
            "endorsed_by",
            "endorsed_at",
            "endorser_name",
            "endorser_title",
            "reopen_reason",
            "reopened_by",
            "reopened_at",
            "supersedes",
        ]
        read_only_fields = fields


class UnitYearSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=64, help_text=_("Kode unit."))
    year = serializers.IntegerField(min_value=1990, max_value=2100)


class PrepareSerializer(UnitYearSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EndorseSerializer(UnitYearSerializer):
    acknowledge = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Wajib true bila data belum lengkap (aturan 26)."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EnterSerializer(UnitYearSerializer):
    nko = serializers.CharField(max_length=32)
    reason = serializers.CharField(allow_blank=True)
    rule_set = serializers.CharField(required=False, allow_blank=True, default="")
    predicate = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    endorser_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    endorser_title = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    endorsed_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class EndorsementFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year")
    unit = django_filters.CharFilter(field_name="unit__code")
    state = django_filters.ChoiceFilter(field_name="state", choices=EndorsementState.choices)

    class Meta:
        model = NkoEndorsement
        fields = ["year", "unit", "state"]


def _unit(request: Request, code: str) -> Unit:
    unit = Unit.objects.filter(unit_filter(request.user, "path"), code=code).first()
    if unit is None:
        raise serializers.ValidationError(
            {"unit": [_gettext("Unit %(code)s tidak ditemukan.") % {"code": code}]}
        )
    return unit


def _write(summary: Any, request: Any) -> Any:
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: EndorsementSerializer, 201: EndorsementSerializer},
        tags=[TAG],
    )


@documented(
    TAG,
    list=op(
        _("Pengesahan NKO yang dapat dilihat pengguna"),
        description=_(
            "Setiap pengesahan (berlaku, disiapkan, atau dibuka kembali) unit dalam jangkauan peran."
        ),
    ),
    retrieve=_("Satu pengesahan NKO"),
)
class EndorsementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    rules_model = NkoEndorsement
    serializer_class = EndorsementSerializer
    filterset_class = EndorsementFilter
    # writes: the service asks the rules with the unit (403), after the unit's or endorsement's 404
    service_checked_actions = frozenset({"prepare", "endorse", "enter", "reopen"})

    def get_queryset(self) -> QuerySet[NkoEndorsement]:
        return service.endorsements_visible(self.request.user)

    def _answer(self, endorsement: NkoEndorsement, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=endorsement.pk)
        return Response(EndorsementSerializer(fresh).data, status=code)

    @_write(_("Menyiapkan pengesahan NKO (pengelola kinerja)"), PrepareSerializer)
    @action(detail=False, methods=["post"])
    def prepare(self, request: Request) -> Response:
        data = validated(PrepareSerializer, request)
        unit = _unit(request, data["unit"])
        with service_errors():
            found = service.prepare(unit=unit, year=data["year"], by=request.user, note=data["note"])
        return self._answer(found, status.HTTP_201_CREATED)

    @_write(
        _("Mengesahkan NKO akhir tahun (pimpinan satu tingkat di atas)"),
        EndorseSerializer,
    )
    @action(detail=False, methods=["post"])
    def endorse(self, request: Request) -> Response:
        data = validated(EndorseSerializer, request)
        unit = _unit(request, data["unit"])
        with service_errors():
            found = service.endorse(
                unit=unit,
                year=data["year"],
                by=request.user,
                acknowledge=data["acknowledge"],
                note=data["note"],
            )
        return self._answer(found, status.HTTP_201_CREATED)

    @_write(_("Memasukkan NKO yang disahkan untuk tahun lalu (administrator)"), EnterSerializer)
    @action(detail=False, methods=["post"])
    def enter(self, request: Request) -> Response:
        data = validated(EnterSerializer, request)
        unit = _unit(request, data["unit"])
        with service_errors():
            found = service.enter(
                unit=unit,
                year=data["year"],
                nko=data["nko"],
                reason=data["reason"],
                rule_set=data["rule_set"],
                predicate=data["predicate"],
                endorser_name=data["endorser_name"],
                endorser_title=data["endorser_title"],
                endorsed_on=data["endorsed_on"],
                by=request.user,
            )
        return self._answer(found, status.HTTP_201_CREATED)

    @_write(_("Membuka kembali NKO yang disahkan (revisi dengan alasan)"), ReopenSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        endorsement = self.get_object()
        data = validated(ReopenSerializer, request)
        with service_errors():
            found = service.reopen(endorsement=endorsement, by=request.user, reason=data["reason"])
        return self._answer(found)
