"""API of the yearly evaluation of performance management (issue 14 items 7 and 10): the questionnaires (read),
the rounds (read, open, close) and the units' evaluations with their scores (read, submit, return, review).

Thin, like the pages: lists are limited to what the user may read (anything else is a 404); every write goes
through `evaluation.py` (a missing permission is a 403, a broken rule a 400 naming the field). Individual SFO
answers are never returned: only the unit's averages and the number of respondents. Routes are registered in
`kinerja.api.urls`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Prefetch, QuerySet
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.accounts.rules import EVALUATION_MANAGE_ROLES
from kinerja.accounts.scope import unit_filter
from kinerja.common.api import (
    IdFilter,
    PortableRangesMixin,
    RulesViewSet,
    documented,
    op,
    service_errors,
    validated,
)
from kinerja.organisations.models import Unit

from . import evaluation as ev
from .evaluation_models import (
    EvaluationRound,
    EvaluationState,
    Questionnaire,
    QuestionnaireAspect,
    QuestionnaireItem,
    QuestionnaireKind,
    RoundState,
    ScoreBand,
    UnitEvaluation,
)

TAG = "evaluasi"


# ---------------------------------------------------------------- serializers


class EvaluationAspectSerializer(PortableRangesMixin, serializers.ModelSerializer):
    class Meta:
        model = QuestionnaireAspect
        fields = ["id", "code", "name", "description", "weight", "order"]


class EvaluationItemSerializer(PortableRangesMixin, serializers.ModelSerializer):
    aspect: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = QuestionnaireItem
        fields = ["id", "aspect", "code", "text", "guide", "weight", "order"]


class EvaluationBandSerializer(PortableRangesMixin, serializers.ModelSerializer):
    class Meta:
        model = ScoreBand
        fields = ["minimum", "label", "meaning", "tone"]


class QuestionnaireSerializer(PortableRangesMixin, serializers.ModelSerializer):
    locked = serializers.BooleanField(read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "kind", "year", "version", "title", "scale_min", "scale_max", "locked"]


class QuestionnaireDetailSerializer(QuestionnaireSerializer):
    aspects = EvaluationAspectSerializer(many=True, read_only=True)
    items = EvaluationItemSerializer(many=True, read_only=True)
    bands = EvaluationBandSerializer(many=True, read_only=True)

    class Meta(QuestionnaireSerializer.Meta):
        fields = [
            *QuestionnaireSerializer.Meta.fields,
            "instructions",
            "scale_labels",
            "aspects",
            "items",
            "bands",
        ]


class EvaluationRoundSerializer(PortableRangesMixin, serializers.ModelSerializer):
    unit: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state = serializers.CharField(read_only=True, help_text=_("open (berjalan) atau closed (ditutup)"))
    units = serializers.IntegerField(source="n_units", read_only=True)
    reviewed = serializers.IntegerField(source="n_reviewed", read_only=True)

    class Meta:
        model = EvaluationRound
        fields = [
            "id",
            "unit",
            "year",
            "title",
            "opens_on",
            "closes_on",
            "state",
            "self_assessment",
            "readiness",
            "survey",
            "units",
            "reviewed",
            "closed_at",
        ]


class EvaluationRoundCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text=_("Kode unit penyelenggara"))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)
    units = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("Kode unit yang dievaluasi; bawaan: unit pemilik peta dalam jangkauan"),
    )


class EvaluationCriterionScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    aspect = serializers.CharField()
    effective_weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    explanation = serializers.CharField()
    has_evidence = serializers.BooleanField()
    self_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    review_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    review_note = serializers.CharField()


class EvaluationReadinessScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)


class EvaluationSerializer(PortableRangesMixin, serializers.ModelSerializer):
    unit: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    year = serializers.IntegerField(source="round.year", read_only=True)
    readiness_band = serializers.SerializerMethodField()
    sfo_average = serializers.SerializerMethodField()
    sfo_respondents = serializers.IntegerField(source="respondents", read_only=True)

    class Meta:
        model = UnitEvaluation
        fields = [
            "id",
            "round",
            "year",
            "unit",
            "state",
            "total_score",
            "readiness_total",
            "readiness_band",
            "sfo_average",
            "sfo_respondents",
            "submitted_at",
            "reviewed_at",
        ]

    def get_readiness_band(self, obj: UnitEvaluation) -> str | None:
        band = ev.band_for(obj.readiness_total, list(obj.round.readiness.bands.all()))
        return band.label if band else None

    def get_sfo_average(self, obj: UnitEvaluation) -> Decimal | None:
        value = getattr(obj, "sfo_average", None)
        return None if value is None else ev._q(Decimal(str(value)))


class EvaluationDetailSerializer(EvaluationSerializer):
    findings = serializers.CharField(read_only=True)
    recommendations = serializers.CharField(read_only=True)
    return_reason = serializers.CharField(read_only=True)
    criteria = serializers.SerializerMethodField()
    readiness = serializers.SerializerMethodField()

    class Meta(EvaluationSerializer.Meta):
        fields = [
            *EvaluationSerializer.Meta.fields,
            "findings",
            "recommendations",
            "return_reason",
            "criteria",
            "readiness",
        ]

    def _view(self, obj: UnitEvaluation) -> ev.EvaluationView:
        cached = getattr(obj, "_api_view", None)
        if cached is None:
            cached = ev.evaluation_view(obj)
            obj._api_view = cached  # type: ignore[attr-defined]
        return cached

    @staticmethod
    def _criteria(view: ev.EvaluationView) -> list[dict[str, Any]]:
        return [
            {
                "code": row.item.code,
                "aspect": block.aspect.code,
                "effective_weight": row.effective_weight,
                "explanation": row.answer.explanation if row.answer else "",
                "has_evidence": bool(row.answer and row.answer.evidence),
                "self_score": row.answer.self_score if row.answer else None,
                "review_score": row.answer.review_score if row.answer else None,
                "review_note": row.answer.review_note if row.answer else "",
            }
            for block in view.aspects
            for row in block.rows
        ]

    @extend_schema_field(EvaluationCriterionScoreSerializer(many=True))
    def get_criteria(self, obj: UnitEvaluation) -> Any:
        return EvaluationCriterionScoreSerializer(self._criteria(self._view(obj)), many=True).data

    @extend_schema_field(EvaluationReadinessScoreSerializer(many=True))
    def get_readiness(self, obj: UnitEvaluation) -> list[dict[str, Any]]:
        return [{"code": item.code, "score": score} for item, score in self._view(obj).readiness_items]


class EvaluationReviewSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        help_text=_("Nilai reviu 0–100 per kode kriteria"),
    )
    notes = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    findings = serializers.CharField(allow_blank=True)
    recommendations = serializers.CharField(allow_blank=True)


class EvaluationReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


# ---------------------------------------------------------------- filters


class QuestionnaireFilter(django_filters.FilterSet):
    year = IdFilter(field_name="year", label=_("Tahun"))
    kind = django_filters.ChoiceFilter(choices=QuestionnaireKind.choices, label=_("Jenis"))

    class Meta:
        model = Questionnaire
        fields = ["year", "kind"]


class RoundFilter(django_filters.FilterSet):
    year = IdFilter(field_name="year", label=_("Tahun"))
    state = django_filters.ChoiceFilter(choices=RoundState.choices, label=_("Status"))

    class Meta:
        model = EvaluationRound
        fields = ["year", "state"]


class EvaluationFilter(django_filters.FilterSet):
    round = IdFilter(field_name="round", label=_("Id putaran"))
    year = IdFilter(field_name="round__year", label=_("Tahun"))
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Kode unit"))
    state = django_filters.ChoiceFilter(choices=EvaluationState.choices, label=_("Status"))

    class Meta:
        model = UnitEvaluation
        fields = ["round", "year", "unit", "state"]


# ---------------------------------------------------------------- viewsets


@documented(
    TAG,
    list=_("Kuesioner evaluasi (penilaian mandiri, kesiapan strategi, survei SFO) per tahun dan versi"),
    retrieve=_("Satu kuesioner dengan aspek, butir, bobot, panduan penilaian dan klasifikasi nilai"),
)
class QuestionnaireViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    rules_model = Questionnaire
    serializer_class = QuestionnaireSerializer
    filterset_class = QuestionnaireFilter

    def get_queryset(self) -> QuerySet[Questionnaire]:
        queryset = Questionnaire.objects.order_by("-year", "kind", "-version")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("aspects", queryset=QuestionnaireAspect.objects.order_by("order", "pk")),
                Prefetch("items", queryset=QuestionnaireItem.objects.select_related("aspect")),
                Prefetch("bands", queryset=ScoreBand.objects.order_by("minimum")),
            )
        return queryset

    def get_serializer_class(self) -> Any:
        return QuestionnaireDetailSerializer if self.action == "retrieve" else QuestionnaireSerializer


@documented(
    TAG,
    list=_("Putaran evaluasi pengelolaan kinerja yang dapat dilihat pengguna"),
    retrieve=_("Satu putaran evaluasi"),
    create=op(
        _("Membuka putaran evaluasi"),
        description=_(
            "Untuk pengelola kinerja atau administrator unit penyelenggara; jadwal dalam triwulan II–III tahunnya."
        ),
        request=EvaluationRoundCreateSerializer,
        responses={201: EvaluationRoundSerializer},
    ),
    close=op(_("Menutup putaran evaluasi (seluruh isinya menjadi hanya baca)"), request=None),
)
class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, RulesViewSet):
    rules_model = EvaluationRound
    serializer_class = EvaluationRoundSerializer
    filterset_class = RoundFilter
    service_checked_actions = frozenset({"create", "close"})

    def get_queryset(self) -> QuerySet[EvaluationRound]:
        return (
            ev.rounds_readable_by(self.request.user)
            .annotate(
                n_units=Count("evaluations", distinct=True),
            )
            .order_by("-year", "unit__path", "pk")
        )

    def _reviewed(self, rounds: list[EvaluationRound]) -> None:
        counts = dict(
            UnitEvaluation.objects.filter(round__in=rounds, state=EvaluationState.REVIEWED)
            .order_by()
            .values_list("round_id")
            .annotate(n=Count("pk"))
        )
        for r in rounds:
            r.n_reviewed = counts.get(r.pk, 0)  # type: ignore[attr-defined]

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._reviewed(page)
        return page

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        self._reviewed([obj])
        return Response(EvaluationRoundSerializer(obj).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(EvaluationRoundCreateSerializer, request)
        reach = Unit.objects.filter(unit_filter(request.user, "path", EVALUATION_MANAGE_ROLES))
        organiser = reach.filter(code=data["unit"].strip()).first()
        if organiser is None:
            raise serializers.ValidationError(
                {"unit": [_gettext("Unit %(code)s tidak ditemukan.") % {"code": data["unit"]}]}
            )
        codes = data.get("units")
        if codes is None:
            units = list(ev.default_units(request.user, organiser))
        else:
            found = {u.code: u for u in reach.filter(code__in=codes)}
            missing = [c for c in codes if c not in found]
            if missing:
                raise serializers.ValidationError(
                    {"units": [_gettext("Unit %(codes)s tidak ditemukan.") % {"codes": ", ".join(missing)}]}
                )
            units = [found[c] for c in codes]
        with service_errors():
            round_ = ev.open_round(
                unit=organiser,
                year=data["year"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                units=units,
                title=data.get("title", ""),
                by=request.user,
            )
        fresh = self.get_queryset().get(pk=round_.pk)
        self._reviewed([fresh])
        return Response(EvaluationRoundSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        round_ = self.get_object()
        if not request.user.has_perm("meetings.change_evaluationround", round_):
            raise PermissionDenied
        with service_errors():
            ev.close_round(round_=round_, by=request.user)
        fresh = self.get_queryset().get(pk=round_.pk)
        self._reviewed([fresh])
        return Response(EvaluationRoundSerializer(fresh).data)


@documented(
    TAG,
    list=_("Evaluasi unit dengan nilai reviu, kesiapan strategi dan rata-rata SFO"),
    retrieve=_("Satu evaluasi unit: nilai per kriteria, kesiapan strategi, temuan dan rekomendasi"),
    submit=op(
        _("Mengajukan evaluasi unit untuk direviu"), request=None, responses=EvaluationDetailSerializer
    ),
    return_=op(_("Mengembalikan evaluasi kepada unit, dengan alasan"), request=EvaluationReturnSerializer),
    review=op(
        _("Mereviu evaluasi unit: nilai 0–100 per kriteria, temuan dan rekomendasi"),
        request=EvaluationReviewSerializer,
        responses=EvaluationDetailSerializer,
    ),
)
class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    rules_model = UnitEvaluation
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter
    service_checked_actions = frozenset({"submit", "return_", "review"})

    def get_queryset(self) -> QuerySet[UnitEvaluation]:
        return (
            ev.evaluations_readable_by(self.request.user)
            .prefetch_related(
                Prefetch("round__readiness__bands", queryset=ScoreBand.objects.order_by("minimum"))
            )
            .annotate(
                sfo_average=Avg("survey_responses__answers__value"),
                respondents=Count("survey_responses", distinct=True),
            )
            .order_by("-round__year", "round_id", "unit__path")
        )

    def get_serializer_class(self) -> Any:
        return EvaluationDetailSerializer if self.action != "list" else EvaluationSerializer

    def _detail(self, evaluation: UnitEvaluation) -> Response:
        return Response(EvaluationDetailSerializer(self.get_queryset().get(pk=evaluation.pk)).data)

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        evaluation = self.get_object()
        with service_errors():
            ev.submit(evaluation=evaluation, by=request.user)
        return self._detail(evaluation)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        evaluation = self.get_object()
        data = validated(EvaluationReturnSerializer, request)
        with service_errors():
            ev.return_evaluation(evaluation=evaluation, reason=data["reason"], by=request.user)
        return self._detail(evaluation)

    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        evaluation = self.get_object()
        data = validated(EvaluationReviewSerializer, request)
        items = {i.code: i.pk for i in evaluation.round.self_assessment.items.all()}
        unknown = [c for c in data["scores"] if c not in items]
        if unknown:
            raise serializers.ValidationError(
                {"scores": [_gettext("Kriteria %(codes)s tidak ada.") % {"codes": ", ".join(unknown)}]}
            )
        names = {f"review_score_{pk}": f"scores.{code}" for code, pk in items.items()}
        try:
            with service_errors():
                ev.review(
                    evaluation=evaluation,
                    scores={items[c]: v for c, v in data["scores"].items()},
                    notes={items[c]: v for c, v in data.get("notes", {}).items() if c in items},
                    findings=data["findings"],
                    recommendations=data["recommendations"],
                    by=request.user,
                )
        except serializers.ValidationError as exc:
            detail = exc.detail
            if isinstance(detail, dict):
                raise serializers.ValidationError({names.get(k, k): v for k, v in detail.items()}) from None
            raise
        return self._detail(evaluation)
