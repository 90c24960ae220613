"""API of employee appraisal (issue 13 item 9): 360° campaigns and their raters, the rater's own forms and
answers, scores with their explanation, BerAKHLAK scores, disciplinary sentences, corrections, calibration
sessions (read only) and the unit recap.

Thin, like the pages (`views/`): every list is limited to what the user may see — campaigns and calibration
sessions of the units their appraisal roles reach, scores and what feeds them for the employees
`selectors.visible_employees` gives (oneself, one's direct subordinates, the units one's roles reach) — so
anything else is a 404; every write goes through the services of `campaigns.py` (a missing permission is a
403, a broken rule a 400 naming it, e.g. an answer to a closed campaign).

Anonymity (issue 13 item 3): a form exists only for its rater (`/api/appraisal-assignments/` lists the signed-in
person's own forms and nothing else, whatever the filter); no other endpoint carries an answer's values; the
managers' rater table hides the raters of the viewer's own peer and subordinate forms; a BerAKHLAK score from a
peer or subordinate names no rater to the person rated. Routes are registered in `kinerja.api.urls`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from kinerja.accounts.rules import APPRAISAL_READ_ROLES
from kinerja.accounts.scope import unit_filter
from kinerja.common.api import (
    AUTHENTICATION,
    ID_MAX,
    IdFilter,
    Pagination,
    RulesViewSet,
    documented,
    exception_handler,
    op,
    service_errors,
    validated,
)
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear

from . import behaviour, calibration, campaigns, rewards, selectors
from .campaign_workflow import CAMPAIGN_WORKFLOW
from .inputs import units_below_if_crowded
from .models import (
    BehaviourScore,
    CalibrationAdjustment,
    CalibrationSession,
    CalibrationState,
    Campaign,
    CampaignState,
    Correction,
    DisciplinarySentence,
    Nomination,
    NominationKind,
    NominationState,
    RaterAssignment,
    ScoreRecord,
)
from .serializers import (
    AnswerSerializer,
    AssignmentDetailSerializer,
    AssignmentSerializer,
    BehaviourScoreSerializer,
    CalibrationAdjustmentSerializer,
    CalibrationSessionDetailSerializer,
    CalibrationSessionSerializer,
    CampaignCreateSerializer,
    CampaignDetailSerializer,
    CampaignSerializer,
    CampaignStepResultSerializer,
    CorrectionSerializer,
    RaterAddSerializer,
    RaterRemoveSerializer,
    RaterRowSerializer,
    RatersQuerySerializer,
    RecapQuerySerializer,
    RecapRowSerializer,
    ScoreRecordDetailSerializer,
    ScoreRecordSerializer,
    SentenceSerializer,
)
from .standing import current_nkp, standings

TAG = "penilaian"
READS = frozenset({"list", "retrieve"})


# ---------------------------------------------------------------- shared


def _plan_year(year: int) -> PlanYear:
    found = PlanYear.objects.filter(year=year).first()
    if found is None:
        raise serializers.ValidationError(
            {"year": [_gettext("Tahun rencana %(year)d belum ada.") % {"year": year}]}
        )
    return found


def _unit_in_reach(user: Any, value: str) -> Unit | None:
    """A unit named by code (else by id) among those the user's appraisal roles reach."""
    units = Unit.objects.filter(unit_filter(user, "path", APPRAISAL_READ_ROLES))
    value = value.strip()
    found = units.filter(code=value).first()
    if found is None and value.isascii() and value.isdigit() and int(value) <= ID_MAX:
        found = units.filter(pk=int(value)).first()
    return found


def _subtree(queryset: QuerySet[Any], field: str, code: str) -> QuerySet[Any]:
    """Rows whose unit (the `field` lookup to a unit's path) lies in the subtree of the unit of `code`."""
    path = Unit.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{field}__startswith": path})


@contextmanager
def _renamed(**names: str) -> Iterator[None]:
    """A service's ValidationError keyed by its own field names, answered with the request's names."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise DjangoValidationError(
                {names.get(field, field): errors for field, errors in exc.error_dict.items()}
            ) from exc
        raise


# ---------------------------------------------------------------- filters


class CampaignFilter(django_filters.FilterSet):
    year = IdFilter(field_name="plan_year__year", label=_("Tahun"))
    semester = IdFilter(field_name="semester", label=_("Semester"))
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Kode unit"))
    state = django_filters.ChoiceFilter(choices=CampaignState.choices, label=_("Status"))

    class Meta:
        model = Campaign
        fields = ["year", "semester", "unit", "state"]


class AssignmentFilter(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign", label=_("Id penilaian 360°"))
    state = django_filters.ChoiceFilter(
        field_name="campaign__state", choices=CampaignState.choices, label=_("Status penilaian")
    )
    answered = django_filters.BooleanFilter(
        field_name="submitted_at", lookup_expr="isnull", exclude=True, label=_("Sudah dijawab")
    )

    class Meta:
        model = RaterAssignment
        fields = ["campaign", "state", "answered"]


class EmployeeYearFilter(django_filters.FilterSet):
    # The filters of every list about employees: NIP, the unit's subtree (by code), the plan year.

    employee = django_filters.CharFilter(field_name="employee__nip", label=_("NIP pegawai"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("Kode unit (beserta subpohonnya)"))
    year = IdFilter(field_name="plan_year__year", label=_("Tahun"))

    def filter_unit(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _subtree(queryset, "employee__unit__path", value)


class ScoreRecordFilter(EmployeeYearFilter):
    class Meta:
        model = ScoreRecord
        fields = ["employee", "unit", "year"]


class BehaviourScoreFilter(EmployeeYearFilter):
    year = IdFilter(field_name="period__plan_year__year", label=_("Tahun"))
    period = IdFilter(field_name="period", label=_("Id periode"))

    class Meta:
        model = BehaviourScore
        fields = ["employee", "unit", "year", "period"]


class SentenceFilter(EmployeeYearFilter):
    year = IdFilter(field_name="start_year", label=_("Tahun mulai"))

    class Meta:
        model = DisciplinarySentence
        fields = ["employee", "unit", "year"]


class CorrectionFilter(EmployeeYearFilter):
    class Meta:
        model = Correction
        fields = ["employee", "unit", "year"]


class CalibrationSessionFilter(django_filters.FilterSet):
    year = IdFilter(field_name="plan_year__year", label=_("Tahun"))
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Kode unit"))
    state = django_filters.ChoiceFilter(choices=CalibrationState.choices, label=_("Status"))

    class Meta:
        model = CalibrationSession
        fields = ["year", "unit", "state"]


class CalibrationAdjustmentFilter(django_filters.FilterSet):
    session = IdFilter(field_name="session", label=_("Id sidang kalibrasi"))
    employee = django_filters.CharFilter(field_name="employee__nip", label=_("NIP pegawai"))
    year = IdFilter(field_name="session__plan_year__year", label=_("Tahun"))

    class Meta:
        model = CalibrationAdjustment
        fields = ["session", "employee", "year"]


# ---------------------------------------------------------------- 360° campaigns


def _campaign_detail(campaign: Campaign, user: Any) -> dict[str, Any]:
    campaign.api_units = campaigns.progress_by_unit(campaign)  # type: ignore[attr-defined]
    campaign.api_allowed = CAMPAIGN_WORKFLOW.allowed(campaign, user)  # type: ignore[attr-defined]
    return dict(CampaignDetailSerializer(campaign).data)


STEP_MESSAGES = {
    "generate": _("%(n)d penilai ditambahkan dari struktur organisasi."),
    "launch": _("Penilaian dimulai: para penilai dapat mengisi formulirnya."),
    "remind": _("%(n)d pengingat dikirim kepada penilai yang belum mengisi."),
    "close": _("Penilaian ditutup; jawaban tidak dapat diubah lagi."),
}


def _step_schema(summary: Any, description: Any) -> Any:
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        responses=CampaignStepResultSerializer,
        tags=[TAG],
    )


@documented(
    TAG,
    list=op(
        _("Daftar penilaian perilaku 360° yang dapat dilihat pengguna"),
        description=_(
            "Penilaian unit dalam jangkauan peran pengelola kinerja, pimpinan, auditor, atau administrator, "
            "dengan kemajuannya (formulir dijawab dari yang ditugaskan). Nilai jawaban tidak pernah ditampilkan."
        ),
    ),
    retrieve=op(
        _("Satu penilaian 360° dengan kemajuan per unit"),
        responses=CampaignDetailSerializer,
    ),
    create=op(
        _("Membuat penilaian 360° (konsep)"),
        description=_(
            "Oleh pengelola kinerja unit untuk satu semester tahun rencana yang menilai perilaku dengan penilaian "
            "360° (aturan 25); satu per unit, tahun, dan semester."
        ),
        request=CampaignCreateSerializer,
        responses={201: CampaignDetailSerializer},
    ),
)
class CampaignViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, RulesViewSet
):
    # 360° behaviour assessments of units: the raters, the workflow (POST actions) and the progress.

    rules_model = Campaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    # writes: the campaign's service asks appraisals.manage_campaign (403), after the queryset's 404
    service_checked_actions = frozenset(
        {"create", "generate", "launch", "remind", "close", "add_rater", "remove_rater"}
    )

    def get_queryset(self) -> QuerySet[Campaign]:
        return (
            campaigns.campaigns_readable_by(self.request.user)
            .select_related("created_by")
            .annotate(
                n_assigned=Count("assignments"),
                n_answered=Count("assignments", filter=Q(assignments__submitted_at__isnull=False)),
            )
            .order_by("-plan_year__year", "-semester", "unit__path", "pk")
        )

    def get_serializer_class(self) -> Any:
        return CampaignDetailSerializer if self.action == "retrieve" else CampaignSerializer

    def _fresh(self, campaign: Campaign) -> Campaign:
        return self.get_queryset().get(pk=campaign.pk)

    def _managed(self) -> Campaign:
        campaign = self.get_object()
        if not self.request.user.has_perm("appraisals.manage_campaign", campaign):
            raise PermissionDenied
        return campaign

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(_campaign_detail(self.get_object(), request.user))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(CampaignCreateSerializer, request)
        unit = _unit_in_reach(request.user, data["unit"])
        if unit is None:
            raise serializers.ValidationError(
                {"unit": [_gettext("Unit %(code)s tidak ditemukan.") % {"code": data["unit"]}]}
            )
        plan_year = _plan_year(data["year"])
        with service_errors():
            campaign = campaigns.create_campaign(
                unit=unit,
                plan_year=plan_year,
                semester=data["semester"],
                allow_self=data["allow_self"],
                due_date=data.get("due_date"),
                by=request.user,
            )
        return Response(_campaign_detail(self._fresh(campaign), request.user), status=status.HTTP_201_CREATED)

    def _step(self, name: str) -> Response:
        campaign = self._managed()
        count: int | None = None
        with service_errors():
            if name == "generate":
                count = campaigns.generate_raters(campaign, self.request.user)
            elif name == "launch":
                campaigns.launch(campaign=campaign, by=self.request.user)
            elif name == "remind":
                count = campaigns.send_reminders(campaign, by=self.request.user)
            else:
                campaigns.close(campaign=campaign, by=self.request.user)
        message = str(STEP_MESSAGES[name])
        if count is not None:
            message = message % {"n": count}
        detail = _campaign_detail(self._fresh(campaign), self.request.user)
        return Response({"message": message, "count": count, "campaign": detail})

    @_step_schema(
        _("Menyusun penilai dari struktur organisasi"),
        _(
            "Atasan langsung, rekan kerja sejenjang di unit yang sama (sampai batas aturan), bawahan langsung, dan "
            "diri sendiri bila diizinkan; pasangan yang sudah ada tetap. Hanya selama konsep."
        ),
    )
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: str | None = None) -> Response:
        return self._step("generate")

    @_step_schema(
        _("Memulai penilaian"),
        _("Konsep → berjalan: para penilai dapat mengisi formulirnya. Ditolak bila belum ada penilai."),
    )
    @action(detail=True, methods=["post"])
    def launch(self, request: Request, pk: str | None = None) -> Response:
        return self._step("launch")

    @_step_schema(
        _("Mengirim pengingat kepada penilai yang belum mengisi"),
        _("Satu surel per penilai yang belum menjawab semua formulirnya; hanya selama penilaian berjalan."),
    )
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str | None = None) -> Response:
        return self._step("remind")

    @_step_schema(
        _("Menutup penilaian"),
        _("Berjalan → ditutup: jawaban tidak dapat diisi atau diubah lagi (aturan 25)."),
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._step("close")

    @extend_schema(
        summary=_("Daftar penilai penilaian 360° dan apakah sudah menjawab"),
        description=_(
            "Siapa menilai siapa dan apakah formulirnya sudah dijawab, untuk kemajuan dan pengingat; tidak pernah "
            "nilai jawabannya. Penilai rekan kerja dan bawahan dari pengguna sendiri dirahasiakan (null)."
        ),
        parameters=[RatersQuerySerializer],
        responses=RaterRowSerializer(many=True),
        tags=[TAG],
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def raters(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        query = RatersQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = campaigns.rater_rows(campaign, request.user)
        answered = query.validated_data.get("answered")
        if answered is not None:
            rows = [r for r in rows if r.answered == answered]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RaterRowSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Menambah penilai"),
        description=_("Oleh pengelola kinerja unit, selama penilaian masih konsep."),
        request=RaterAddSerializer,
        responses={201: RaterRowSerializer},
        tags=[TAG],
    )
    @action(detail=True, methods=["post"], url_path="add-rater", url_name="add-rater")
    def add_rater(self, request: Request, pk: str | None = None) -> Response:
        campaign = self._managed()
        data = validated(RaterAddSerializer, request)
        people = campaigns.candidate_raters(campaign)
        found: dict[str, Employee] = {}
        errors: dict[str, list[str]] = {}
        for field in ("employee", "rater"):
            person = people.filter(nip=data[field]).first()
            if person is None:
                errors[field] = [
                    _gettext("Pegawai dengan NIP %(nip)s tidak ditemukan.") % {"nip": data[field]}
                ]
            else:
                found[field] = person
        if errors:
            raise serializers.ValidationError(errors)
        with service_errors(), _renamed(group="rater_group"):
            added = campaigns.add_rater(
                campaign=campaign,
                employee=found["employee"],
                rater=found["rater"],
                group=data["rater_group"],
                by=request.user,
            )
        row = next(r for r in campaigns.rater_rows(campaign, request.user) if r.pk == added.pk)
        return Response(RaterRowSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Menghapus penilai"),
        description=_("Oleh pengelola kinerja unit, selama penilaian masih konsep."),
        request=RaterRemoveSerializer,
        responses={204: None},
        tags=[TAG],
    )
    @action(detail=True, methods=["post"], url_path="remove-rater", url_name="remove-rater")
    def remove_rater(self, request: Request, pk: str | None = None) -> Response:
        campaign = self._managed()
        data = validated(RaterRemoveSerializer, request)
        assignment = (
            campaign.assignments.filter(pk=data["assignment"]).select_related("campaign__unit").first()
        )
        if assignment is None:
            raise serializers.ValidationError(
                {
                    "assignment": [
                        _gettext("Penugasan penilai %(id)s tidak ada pada penilaian ini.")
                        % {"id": data["assignment"]}
                    ]
                }
            )
        with service_errors():
            campaigns.remove_rater(assignment=assignment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- the rater's own forms


def _decorated(assignments: Iterable[RaterAssignment], user: Any) -> list[RaterAssignment]:
    """The forms with what their serializer shows beyond the row: the aspects asked and why no answer now."""
    out = list(assignments)
    for a in out:
        a.api_aspects = campaigns.aspects_for(a.employee)  # type: ignore[attr-defined]
        a.api_problem = CAMPAIGN_WORKFLOW.problem(a.campaign, "answer", user)  # type: ignore[attr-defined]
    return out


def _assignment_detail(assignment: RaterAssignment, user: Any) -> dict[str, Any]:
    (assignment,) = _decorated([assignment], user)
    labels = {
        f.name: f.verbose_name for f in RaterAssignment._meta.get_fields() if hasattr(f, "verbose_name")
    }
    assignment.api_bands = campaigns.score_bands(assignment.campaign.plan_year)  # type: ignore[attr-defined]
    assignment.api_meanings = [  # type: ignore[attr-defined]
        {"aspect": name, "label": str(labels[name]), "meaning": str(campaigns.ASPECT_MEANINGS[name])}
        for name in assignment.api_aspects  # type: ignore[attr-defined]
    ]
    return dict(AssignmentDetailSerializer(assignment).data)


@documented(
    TAG,
    list=op(
        _("Formulir penilaian 360° milik pengguna sebagai penilai"),
        description=_(
            "Hanya formulir yang harus (atau sudah) diisi pengguna sendiri pada penilaian yang sudah dimulai; "
            "formulir penilai lain tidak pernah tampil, apa pun saringannya."
        ),
    ),
    retrieve=op(
        _("Satu formulir milik pengguna, dengan rentang nilai dan artinya"),
        description=_("Formulir penilai lain: 404."),
        responses=AssignmentDetailSerializer,
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # The signed-in person's own 360° forms (as rater) and their answers: nobody else's, ever.

    rules_model = RaterAssignment
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    # the queryset is the rater's own forms; the answer's service asks appraisals.answer_raterassignment
    service_checked_actions = READS | {"answer"}

    def get_queryset(self) -> QuerySet[RaterAssignment]:
        return (
            campaigns.assignments_of_rater(self.request.user)
            .select_related("employee__unit")
            .order_by(
                "-campaign__plan_year__year",
                "-campaign__semester",
                "submitted_at",
                "group",
                "employee__name",
                "pk",
            )
        )

    def get_serializer_class(self) -> Any:
        return AssignmentDetailSerializer if self.action == "retrieve" else AssignmentSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = _decorated(page or [], request.user)
        return self.get_paginated_response(AssignmentSerializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(_assignment_detail(self.get_object(), request.user))

    @extend_schema(
        summary=_("Menyimpan jawaban formulir"),
        description=_(
            "Oleh penilai formulir itu, selama penilaian berjalan; menjawab lagi menggantikan jawaban sebelumnya. "
            "Setiap aspek yang dinilai wajib, 0–100 dengan paling banyak dua desimal (aturan 25). Penilaian yang "
            "sudah ditutup menolak jawaban (400)."
        ),
        request=AnswerSerializer,
        responses=AssignmentDetailSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        data = validated(AnswerSerializer, request)
        with service_errors():
            campaigns.save_answer(assignment=assignment, scores=dict(data), by=request.user)
        return Response(_assignment_detail(self.get_queryset().get(pk=assignment.pk), request.user))


# ---------------------------------------------------------------- scores


def _with_calibration(records: Iterable[ScoreRecord]) -> list[ScoreRecord]:
    """The records with their NKP after calibration (`standing`'s reading), one query for the page."""
    out = list(records)
    adjustments: dict[tuple[int, int], CalibrationAdjustment] = {}
    if out:
        for a in (
            CalibrationAdjustment.objects.filter(
                employee_id__in={r.employee_id for r in out},
                session__plan_year_id__in={r.plan_year_id for r in out},
            )
            .select_related("session")
            .order_by("at", "pk")
        ):
            adjustments[(a.employee_id, a.session.plan_year_id)] = a
    for r in out:
        found = adjustments.get((r.employee_id, r.plan_year_id))
        r.api_current = current_nkp(r, found)  # type: ignore[attr-defined]
        r.api_calibrated = found is not None and r.api_current != r.nkp  # type: ignore[attr-defined]
    return out


@documented(
    TAG,
    list=op(
        _("Nilai kinerja pegawai yang dapat dilihat pengguna, yang terkini per tahun"),
        description=_(
            "Nilai sendiri, nilai bawahan langsung, dan nilai pegawai unit dalam jangkauan peran pengelola kinerja, "
            "pimpinan, auditor, atau administrator; untuk setiap pegawai dan tahun hanya perhitungan terakhir, "
            "dengan NKP setelah kalibrasi."
        ),
    ),
    retrieve=op(
        _("Satu nilai kinerja pegawai dengan penjelasan perhitungannya"),
        responses=ScoreRecordDetailSerializer,
    ),
)
class ScoreRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # Employees' computed scores (never changed: a recompute adds one; the latest of a year is current).

    rules_model = ScoreRecord
    serializer_class = ScoreRecordSerializer
    filterset_class = ScoreRecordFilter
    # the list: the queryset decides (a person without any role still sees their own scores)
    service_checked_actions = frozenset({"list"})

    def get_queryset(self) -> QuerySet[ScoreRecord]:
        return (
            selectors.current_records()
            .filter(employee__in=selectors.visible_employees(self.request.user))
            .select_related("employee__unit", "plan_year")
            .order_by("-plan_year__year", "employee__unit__path", "employee__nip", "pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = _with_calibration(page or [])
        return self.get_paginated_response(
            ScoreRecordSerializer(rows, many=True, context=self._viewer()).data
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        (record,) = _with_calibration([self.get_object()])
        return Response(ScoreRecordDetailSerializer(record, context=self._viewer()).data)

    def _viewer(self) -> dict[str, Any]:
        return {"viewer_employee_id": getattr(self.request.user, "employee_id", None)}


# ---------------------------------------------------------------- BerAKHLAK, sentences, corrections


class _AboutEmployees(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # A read-only list of rows about employees: those `selectors.visible_employees` gives (oneself, one's
    # direct subordinates, the units one's appraisal roles reach); one object is asked of the rules too.

    service_checked_actions = frozenset({"list"})

    def visible(self, model: Any) -> QuerySet[Any]:
        return model.objects.filter(employee__in=selectors.visible_employees(self.request.user))


@documented(
    TAG,
    list=op(
        _("Nilai perilaku BerAKHLAK yang dapat dilihat pengguna"),
        description=_(
            "Nilai tujuh nilai inti per periode (aturan 2026) dengan penilainya; penilai rekan kerja atau bawahan "
            "tidak disebutkan kepada pegawai yang dinilai."
        ),
    ),
    retrieve=_("Satu nilai perilaku BerAKHLAK"),
)
class BehaviourScoreViewSet(_AboutEmployees):
    rules_model = BehaviourScore
    serializer_class = BehaviourScoreSerializer
    filterset_class = BehaviourScoreFilter

    def get_queryset(self) -> QuerySet[BehaviourScore]:
        return (
            self.visible(BehaviourScore)
            .select_related("employee__unit", "period__plan_year", "rater")
            .order_by("-period__end", "employee__nip", "group", "pk")
        )

    def _data(self, scores: list[BehaviourScore], many: bool) -> Any:
        for score in scores:
            score.api_mean = behaviour.mean_of(score)  # type: ignore[attr-defined]
        viewer = getattr(self.request.user, "employee_id", None)
        context = {**self.get_serializer_context(), "viewer_employee_id": viewer}
        return BehaviourScoreSerializer(scores if many else scores[0], many=many, context=context).data

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._data(list(page or []), many=True))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._data([self.get_object()], many=False))


@documented(
    TAG,
    list=op(
        _("Hukuman disiplin yang dapat dilihat pengguna"),
        description=_(
            "Dengan triwulan terakhir berlaku, apakah berlaku sekarang, dan pengurangnya (aturan 2026)."
        ),
    ),
    retrieve=_("Satu hukuman disiplin"),
)
class SentenceViewSet(_AboutEmployees):
    rules_model = DisciplinarySentence
    serializer_class = SentenceSerializer
    filterset_class = SentenceFilter

    def get_queryset(self) -> QuerySet[DisciplinarySentence]:
        return (
            self.visible(DisciplinarySentence)
            .select_related("employee__unit")
            .order_by("-start_year", "-start_quarter", "employee__nip", "pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = behaviour.sentence_rows(page or [])
        return self.get_paginated_response(SentenceSerializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        (row,) = behaviour.sentence_rows([self.get_object()])
        return Response(SentenceSerializer(row).data)


@documented(
    TAG,
    list=_("Koreksi pimpinan yang dapat dilihat pengguna"),
    retrieve=_("Satu koreksi pimpinan"),
)
class CorrectionViewSet(_AboutEmployees):
    rules_model = Correction
    serializer_class = CorrectionSerializer
    filterset_class = CorrectionFilter

    def get_queryset(self) -> QuerySet[Correction]:
        return (
            self.visible(Correction)
            .select_related("employee__unit", "plan_year", "by")
            .order_by("-plan_year__year", "employee__nip", "pk")
        )


# ---------------------------------------------------------------- calibration (read only)


@documented(
    TAG,
    list=op(
        _("Sidang kalibrasi yang dapat dilihat pengguna"),
        description=_(
            "Sidang unit dalam jangkauan peran pengelola kinerja, pimpinan, auditor, atau administrator."
        ),
    ),
    retrieve=op(
        _("Satu sidang kalibrasi dengan penyesuaiannya"),
        description=_("Setiap penyesuaian dengan NKP semula di sampingnya, alasan, oleh siapa, dan kapan."),
        responses=CalibrationSessionDetailSerializer,
    ),
)
class CalibrationSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    rules_model = CalibrationSession
    serializer_class = CalibrationSessionSerializer
    filterset_class = CalibrationSessionFilter

    def get_queryset(self) -> QuerySet[CalibrationSession]:
        queryset = (
            calibration.sessions_readable_by(self.request.user)
            .annotate(n_adjustments=Count("adjustments"))
            .order_by("-plan_year__year", "unit__path", "pk")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "adjustments",
                    queryset=CalibrationAdjustment.objects.select_related("employee", "by").order_by(
                        "employee__nip", "pk"
                    ),
                )
            )
        return queryset

    def get_serializer_class(self) -> Any:
        return (
            CalibrationSessionDetailSerializer if self.action == "retrieve" else CalibrationSessionSerializer
        )


@documented(
    TAG,
    list=_("Penyesuaian kalibrasi yang dapat dilihat pengguna"),
    retrieve=_("Satu penyesuaian kalibrasi"),
)
class CalibrationAdjustmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    rules_model = CalibrationSession  # an adjustment is read as its session is
    serializer_class = CalibrationAdjustmentSerializer
    filterset_class = CalibrationAdjustmentFilter

    def get_queryset(self) -> QuerySet[CalibrationAdjustment]:
        return (
            CalibrationAdjustment.objects.filter(
                session__in=calibration.sessions_readable_by(self.request.user)
            )
            .select_related("session__unit", "employee", "by")
            .order_by("session_id", "employee__nip", "pk")
        )


# ---------------------------------------------------------------- the unit recap


@extend_schema(
    summary=_("Rekap nilai unit untuk satu tahun"),
    description=_(
        "Setiap pegawai subpohon unit dengan nilai terkininya: hasil kerja, perilaku, NKP semula dan setelah "
        "kalibrasi, predikat, dan letaknya pada kurva distribusi; urut pohon unit. Untuk pengelola kinerja, "
        "pimpinan, auditor, dan administrator unit; unit di luar jangkauan atau tahun yang tidak ada: 404; unit "
        "dengan lebih dari KINERJA_STANDINGS_MAX_PEOPLE pegawai aktif (kementerian, eselon I): 400 yang menyebut "
        "unit di bawahnya."
    ),
    parameters=[RecapQuerySerializer],
    responses=RecapRowSerializer(many=True),
    tags=[TAG],
)
class RecapViewSet(GenericViewSet):
    # The unit recap: a unit's year, per employee (standing.standings: four queries for any unit).

    authentication_classes = AUTHENTICATION
    pagination_class = Pagination
    serializer_class = RecapRowSerializer
    queryset = ScoreRecord.objects.none()  # for the schema: the rows come from `standings`

    def get_exception_handler(self) -> Any:
        return exception_handler

    def list(self, request: Request) -> Response:
        query = RecapQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = _unit_in_reach(request.user, query.validated_data["unit"])
        if unit is None or not request.user.has_perm("appraisals.view_recap", unit):
            raise Http404
        plan_year = PlanYear.objects.filter(year=query.validated_data["year"]).first()
        if plan_year is None:
            raise Http404
        below = units_below_if_crowded(unit, settings.KINERJA_STANDINGS_MAX_PEOPLE)
        if below is not None:  # every current score of a ministry is read a unit below at a time
            raise serializers.ValidationError(
                {
                    "unit": [
                        _(
                            "Unit %(unit)s memiliki lebih dari %(n)s pegawai aktif: rekap dibaca per unit di "
                            "bawahnya (%(children)s)."
                        )
                        % {
                            "unit": unit.code,
                            "n": settings.KINERJA_STANDINGS_MAX_PEOPLE,
                            "children": ", ".join(child.code for child in below) or "—",
                        }
                    ]
                },
                code="subtree_too_large",
            )
        page = self.paginate_queryset(standings(unit, plan_year).rows)
        return self.get_paginated_response(RecapRowSerializer(page, many=True).data)


# ---------------------------------------------------------------- rewards inputs (issue 14 item 8)


class NominationSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    month = serializers.CharField(source="period.label", read_only=True, default=None)
    employee_nip = serializers.CharField(source="employee.nip", read_only=True)
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    nominated_by = serializers.CharField(source="nominated_by.username", read_only=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "kind",
            "unit",
            "year",
            "month",
            "employee",
            "employee_nip",
            "employee_name",
            "score_record",
            "figure_kind",
            "figure",
            "as_of",
            "rank",
            "reason",
            "state",
            "nominated_by",
            "nominated_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class NominationCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=64, help_text=_("Kode unit."))
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    kind = serializers.ChoiceField(choices=NominationKind.choices)
    employee = serializers.CharField(max_length=32, help_text=_("NIP pegawai."))
    month = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=12, help_text=_("Bulan 1–12.")
    )
    reason = serializers.CharField(allow_blank=True)


class NominationDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NominationFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code")
    year = django_filters.NumberFilter(field_name="plan_year__year")
    kind = django_filters.ChoiceFilter(field_name="kind", choices=NominationKind.choices)
    state = django_filters.ChoiceFilter(field_name="state", choices=NominationState.choices)

    class Meta:
        model = Nomination
        fields = ["unit", "year", "kind", "state"]


def _nomination_schema(summary: Any, request: Any) -> Any:
    return extend_schema(summary=summary, request=request, responses=NominationSerializer, tags=[TAG])


@documented(
    TAG,
    list=op(
        _("Usulan penghargaan yang dapat dilihat pengguna"),
        description=_(
            "Pegawai terbaik bulan ini dan pegawai teladan unit dalam jangkauan peran pengelola kinerja, "
            "pimpinan, auditor, atau administrator, dengan nilai yang dirujuk."
        ),
    ),
    retrieve=_("Satu usulan penghargaan"),
    create=op(
        _("Mengusulkan pegawai (pimpinan)"),
        description=_(
            "Pegawai harus memiliki nilai untuk periode itu (NKP tahun ini, atau hasil kerja sampai bulan itu); "
            "nilai yang dirujuk disalin. Alasan wajib."
        ),
        request=NominationCreateSerializer,
        responses={201: NominationSerializer},
    ),
)
class NominationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, RulesViewSet
):
    rules_model = Nomination
    serializer_class = NominationSerializer
    filterset_class = NominationFilter
    service_checked_actions = frozenset({"create", "accept", "reject"})

    def get_queryset(self) -> QuerySet[Nomination]:
        return rewards.nominations_visible(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(NominationCreateSerializer, request)
        unit = _unit_in_reach(request.user, data["unit"])
        if unit is None:
            raise serializers.ValidationError(
                {"unit": [_gettext("Unit %(code)s tidak ditemukan.") % {"code": data["unit"]}]}
            )
        plan_year = _plan_year(data["year"])
        employee = (
            Employee.objects.select_related("unit")
            .filter(nip=data["employee"], unit__path__startswith=unit.path)
            .first()
        )
        if employee is None:
            raise serializers.ValidationError(
                {"employee": [_gettext("Pegawai tidak ditemukan di unit ini.")]}
            )
        month = None
        if data["month"] is not None:
            month = next((m for m in rewards.months_of(plan_year) if m.number == data["month"]), None)
        with service_errors():
            found = rewards.nominate(
                unit=unit,
                plan_year=plan_year,
                kind=data["kind"],
                employee=employee,
                reason=data["reason"],
                month=month,
                by=request.user,
            )
        fresh = self.get_queryset().get(pk=found.pk)
        return Response(NominationSerializer(fresh).data, status=status.HTTP_201_CREATED)

    def _decide(self, accept: bool) -> Response:
        nomination = self.get_object()
        data = validated(NominationDecisionSerializer, self.request)
        with service_errors():
            rewards.decide(nomination=nomination, accept=accept, note=data["note"], by=self.request.user)
        return Response(NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)

    @_nomination_schema(_("Menerima usulan"), NominationDecisionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(True)

    @_nomination_schema(_("Menolak usulan (alasan wajib)"), NominationDecisionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(False)
