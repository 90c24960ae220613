"""API of the reporting cycle: realizations and their evidence, the workflow, periods, score snapshots.

Thin, like the pages: lists come from `selectors` (limited to the units the
user's roles reach, so anything else is a 404), writes go through `services`
(a missing permission is a 403, a broken rule a 400 naming it). Routes are
registered in `kinerja.api.urls`.
"""

from __future__ import annotations

import io
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.accounts.scope import unit_filter
from kinerja.common.api import (
    ID_MAX,
    BoundedIntegerField,
    HumanDecimalField,
    IdFilter,
    RulesViewSet,
    SafeJSONParser,
    documented,
    op,
    service_errors,
    validated,
)
from kinerja.common.races import Conflict
from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.sources import detect_format, open_workbook
from kinerja.planning.models import Frequency, Kpi, StrategyMap

from . import selectors, services
from .models import Evidence, ImportJob, Realization, RealizationState, ReportingPeriod, ScoreSnapshot
from .scorecard import shown

TAG = "capaian"


# ---------------------------------------------------------------- serializers


class ReportingPeriodSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    label = serializers.CharField(  # type: ignore[assignment]
        read_only=True, help_text=_("Periode dalam format tabel: 2026-03, 2026-Q1, 2026-S1, 2026.")
    )
    name = serializers.CharField(source="display_name", read_only=True)
    period_state = serializers.CharField(
        source="state", read_only=True, help_text=_("open (terbuka) atau closed (ditutup).")
    )
    closed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)  # type: ignore[var-annotated]

    class Meta:
        model = ReportingPeriod
        fields = [
            "id",
            "year",
            "frequency",
            "number",
            "label",
            "name",
            "start",
            "end",
            "due_date",
            "closes_on",
            "period_state",
            "closed_at",
            "closed_by",
        ]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Alasan (wajib)."))


class PeriodReopenSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    period = serializers.IntegerField(source="period_id", read_only=True)
    reason = serializers.CharField(read_only=True)
    by = serializers.CharField(source="by.username", read_only=True, allow_null=True)
    at = serializers.DateTimeField(read_only=True)


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    file_type = serializers.CharField(
        source="kind", read_only=True, help_text=_("pdf, png, jpeg, xlsx, docx, csv, text")
    )
    current = serializers.BooleanField(source="is_current", read_only=True)
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "name",
            "file_type",
            "size",
            "sha256",
            "description",
            "uploaded_by",
            "uploaded_at",
            "current",
            "superseded_by",
            "superseded_at",
            "download",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, item: Evidence) -> str:
        path = reverse("reporting:evidence", args=[item.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("PDF, PNG, JPEG, XLSX, DOCX, CSV atau TXT; diperiksa menurut isinya.")
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)
    replaces = BoundedIntegerField(
        required=False,
        allow_null=True,
        help_text=_("Id data dukung terkini yang digantikan (tetap disimpan)."),
    )


class RealizationSerializer(serializers.ModelSerializer):
    kpi_code = serializers.CharField(source="kpi.code", read_only=True)
    map = serializers.IntegerField(source="kpi.objective.map_id", read_only=True)
    unit = serializers.CharField(source="kpi.objective.map.unit.code", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    value = serializers.DecimalField(max_digits=24, decimal_places=6, read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)  # type: ignore[var-annotated]

    class Meta:
        model = Realization
        fields = [
            "id",
            "kpi",
            "kpi_code",
            "map",
            "unit",
            "period",
            "period_label",
            "value",
            "analysis",
            "state",
            "return_reason",
            "submitted_by",
            "submitted_at",
            "verified_by",
            "verified_at",
            "approved_by",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RealizationCreateSerializer(serializers.Serializer):
    kpi = serializers.PrimaryKeyRelatedField(queryset=Kpi.objects.none(), help_text=_("Id IKU."))
    period = serializers.PrimaryKeyRelatedField(
        queryset=ReportingPeriod.objects.all(), help_text=_("Id periode pelaporan dengan frekuensi IKU.")
    )
    value = HumanDecimalField(max_digits=24, decimal_places=6)
    analysis = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            field = self.fields["kpi"]
            # map KPIs and individual KPIs (IKI) alike, each in the unit it answers to
            field.queryset = Kpi.all_kpis.filter(  # type: ignore[attr-defined]
                selectors.kpi_scope(request.user)
            ).select_related("objective__map__unit", "objective__map__plan_year", "holder__unit")


class RealizationUpdateSerializer(serializers.Serializer):
    value = HumanDecimalField(max_digits=24, decimal_places=6, required=False)
    analysis = serializers.CharField(required=False, allow_blank=True)


class BulkSerializer(serializers.Serializer):
    ids = serializers.ListField(child=BoundedIntegerField(), allow_empty=False)


class BulkResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="realization_id")
    ok = serializers.BooleanField()
    message = serializers.CharField()


class ScoreSnapshotSerializer(serializers.ModelSerializer):
    map = serializers.IntegerField(source="strategy_map_id", read_only=True)
    unit = serializers.CharField(source="strategy_map.unit.code", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    nko = serializers.DecimalField(max_digits=16, decimal_places=6, read_only=True, allow_null=True)
    nko_display = serializers.SerializerMethodField(
        help_text=_("NKO dibulatkan 2 desimal; null = belum dapat dihitung (N/A).")
    )
    result = serializers.JSONField(
        read_only=True,
        help_text=_(
            "Hasil inti penilaian: indeks IKU, SS, perspektif, NKO, predikat, kelengkapan, penjelasan."
        ),
    )

    class Meta:
        model = ScoreSnapshot
        fields = [
            "id",
            "map",
            "unit",
            "period",
            "period_label",
            "rule_set",
            "computed_at",
            "trigger",
            "final",
            "nko",
            "nko_display",
            "predicate",
            "complete",
            "result",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True))
    def get_nko_display(self, snapshot: ScoreSnapshot) -> str | None:
        value = shown(snapshot.result.get("nko"))
        return None if value is None else str(value)


# ---------------------------------------------------------------- filters


class PeriodFilter(django_filters.FilterSet):
    year = IdFilter(field_name="plan_year__year", label=_("Tahun"))
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, label=_("Periode pelaporan"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Hanya yang terbuka"))

    class Meta:
        model = ReportingPeriod
        fields = ["year", "frequency", "open"]

    def filter_open(
        self, queryset: QuerySet[ReportingPeriod], name: str, value: bool
    ) -> QuerySet[ReportingPeriod]:
        return queryset.filter(state="open") if value else queryset.filter(state="closed")


class RealizationFilter(django_filters.FilterSet):
    map = IdFilter(field_name="kpi__objective__map", label=_("Id peta strategi"))
    kpi = IdFilter(field_name="kpi", label=_("Id IKU"))
    period = IdFilter(field_name="period", label=_("Id periode"))
    state = django_filters.ChoiceFilter(choices=RealizationState.choices, label=_("Status"))

    class Meta:
        model = Realization
        fields = ["map", "kpi", "period", "state"]


class SnapshotFilter(django_filters.FilterSet):
    map = IdFilter(field_name="strategy_map", label=_("Id peta strategi"))
    period = IdFilter(field_name="period", label=_("Id periode"))
    final = django_filters.BooleanFilter(label=_("Hanya potret final"))

    class Meta:
        model = ScoreSnapshot
        fields = ["map", "period", "final"]


# ---------------------------------------------------------------- periods


@documented(
    TAG,
    list=_("Daftar periode pelaporan"),
    retrieve=_("Satu periode pelaporan"),
)
class ReportingPeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # Reporting periods of the plan years (month, quarter, semester, year), open or closed.

    rules_model = ReportingPeriod
    serializer_class = ReportingPeriodSerializer
    filterset_class = PeriodFilter

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        return selectors.all_periods()

    service_checked_actions = frozenset({"close", "reopen"})

    @extend_schema(
        summary=_("Menutup (mengunci) periode"),
        description=_(
            "Periode yang ditutup tidak menerima perubahan maupun impor; potret skor final setiap peta disimpan."
        ),
        request=None,
        responses=ReportingPeriodSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        period = self.get_object()
        with service_errors():
            services.close_period(period=period, by=request.user)
        return Response(ReportingPeriodSerializer(period).data)

    @extend_schema(
        summary=_("Membuka kembali periode"),
        description=_("Alasan wajib; potret skor final yang lama tetap tersimpan, skor dihitung ulang."),
        request=ReasonSerializer,
        responses=PeriodReopenSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        period = self.get_object()
        data = validated(ReasonSerializer, request)
        with service_errors():
            record = services.reopen_period(period=period, reason=data["reason"], by=request.user)
        return Response(PeriodReopenSerializer(record).data)


# ---------------------------------------------------------------- realizations


def _realization_response(
    realization: Realization, request: Request, code: int = status.HTTP_200_OK
) -> Response:
    fresh = selectors.realization_for(request.user, realization.pk) or realization
    return Response(RealizationSerializer(fresh).data, status=code)


@documented(
    TAG,
    list=_("Daftar realisasi dalam jangkauan pengguna"),
    retrieve=_("Satu realisasi"),
    create=op(
        _("Mengisi realisasi (konsep)"),
        description=_(
            "Untuk pegawai dan pengelola kinerja unit. Realisasi konsep yang sudah ada diperbarui; "
            "periode harus terbuka dan sesuai frekuensi IKU, peta harus sudah disetujui."
        ),
        request=RealizationCreateSerializer,
        responses={201: RealizationSerializer},
    ),
    update=op(
        _("Mengubah realisasi konsep"), request=RealizationUpdateSerializer, responses=RealizationSerializer
    ),
    partial_update=op(
        _("Mengubah sebagian realisasi konsep"),
        request=RealizationUpdateSerializer,
        responses=RealizationSerializer,
    ),
)
class RealizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RulesViewSet,
):
    # Realizations of KPIs per reporting period, with evidence and the workflow steps.

    rules_model = Realization
    serializer_class = RealizationSerializer
    filterset_class = RealizationFilter
    parser_classes = [SafeJSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> QuerySet[Realization]:
        return selectors.realizations_visible_to(self.request.user).order_by("period__end", "kpi__code", "pk")

    service_checked_actions = frozenset(
        {"submit", "verify", "approve", "return_", "evidence", "bulk_submit", "bulk_verify", "bulk_approve"}
    )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(RealizationCreateSerializer, request, context=self.get_serializer_context())
        with service_errors():
            realization = services.save_realization(
                kpi=data["kpi"],
                period=data["period"],
                value=data["value"],
                analysis=data.get("analysis"),
                by=request.user,
            )
        return _realization_response(realization, request, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        realization = self.get_object()
        data = validated(RealizationUpdateSerializer, request, partial=partial)
        with service_errors():
            realization = services.save_realization(
                kpi=realization.kpi,
                period=realization.period,
                value=data.get("value", realization.value),
                analysis=data.get("analysis"),
                by=request.user,
            )
        return _realization_response(realization, request)

    def _step(self, request: Request, name: str, **kwargs: Any) -> Response:
        realization = self.get_object()
        with service_errors():
            getattr(services, f"{name}_realization")(realization=realization, by=request.user, **kwargs)
        return _realization_response(realization, request)

    @extend_schema(
        summary=_("Mengajukan realisasi"), request=None, responses=RealizationSerializer, tags=[TAG]
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "submit")

    @extend_schema(
        summary=_("Memverifikasi realisasi"),
        description=_("Oleh pengelola kinerja unit; verifikator tidak boleh pengaju."),
        request=None,
        responses=RealizationSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "verify")

    @extend_schema(
        summary=_("Menyetujui realisasi"),
        description=_("Oleh pimpinan unit."),
        request=None,
        responses=RealizationSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "approve")

    @extend_schema(
        summary=_("Mengembalikan realisasi ke konsep"),
        description=_("Alasan wajib; ditampilkan kepada pengaju."),
        request=ReasonSerializer,
        responses=RealizationSerializer,
        tags=[TAG],
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        data = validated(ReasonSerializer, request)
        return self._step(request, "return", reason=data["reason"])

    @extend_schema(
        methods=["GET"],
        summary=_("Data dukung realisasi (terkini dan yang digantikan)"),
        responses=EvidenceSerializer(many=True),
        tags=[TAG],
    )
    @extend_schema(
        methods=["POST"],
        summary=_("Mengunggah data dukung (multipart)"),
        description=_(
            "Jenis berkas diperiksa menurut isinya; batas ukuran diatur; SHA-256 disimpan. "
            "Berkas tidak pernah ditimpa: penggantian membuat data dukung baru."
        ),
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
        tags=[TAG],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
    )
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        realization = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(
                EvidenceSerializer(selectors.evidence_of(realization), many=True, context=context).data
            )
        data = validated(EvidenceUploadSerializer, request)
        replaces = None
        if data.get("replaces"):
            replaces = realization.evidence.filter(pk=data["replaces"]).first()
            if replaces is None:
                raise serializers.ValidationError(
                    {"replaces": [_("Data dukung tidak ditemukan pada realisasi ini.")]}
                )
        with service_errors():
            item = services.add_evidence(
                realization=realization,
                upload=data["file"],
                description=data.get("description", ""),
                replaces=replaces,
                by=request.user,
            )
        return Response(EvidenceSerializer(item, context=context).data, status=status.HTTP_201_CREATED)

    def _bulk(self, request: Request, action_name: str) -> Response:
        data = validated(BulkSerializer, request)
        ids = data["ids"]
        found = selectors.realizations_by_ids(request.user, ids)
        with service_errors():
            results = services.bulk_step(realizations=found, action=action_name, by=request.user)
        missing = [i for i in ids if i not in {r.pk for r in found}]
        rows = [*results, *(services.BulkResult(i, False, str(_("Tidak ditemukan."))) for i in missing)]
        return Response(BulkResultSerializer(rows, many=True).data)

    @extend_schema(
        summary=_("Pengajuan massal"),
        description=_(
            "Satu transaksi; hasil per butir. Setiap realisasi konsep diperiksa seperti pengajuan satu per "
            "satu: kewenangan, periode terbuka, dan data dukung sebelum pengajuan."
        ),
        request=BulkSerializer,
        responses=BulkResultSerializer(many=True),
        tags=[TAG],
    )
    @action(detail=False, methods=["post"], url_path="bulk-submit", pagination_class=None, filter_backends=[])
    def bulk_submit(self, request: Request) -> Response:
        return self._bulk(request, "submit")

    @extend_schema(
        summary=_("Verifikasi massal"),
        description=_(
            "Satu transaksi; hasil per butir (yang tidak dapat diverifikasi dilewati dengan pesannya)."
        ),
        request=BulkSerializer,
        responses=BulkResultSerializer(many=True),
        tags=[TAG],
    )
    @action(detail=False, methods=["post"], url_path="bulk-verify", pagination_class=None, filter_backends=[])
    def bulk_verify(self, request: Request) -> Response:
        return self._bulk(request, "verify")

    @extend_schema(
        summary=_("Persetujuan massal"),
        description=_("Satu transaksi; hasil per butir."),
        request=BulkSerializer,
        responses=BulkResultSerializer(many=True),
        tags=[TAG],
    )
    @action(
        detail=False, methods=["post"], url_path="bulk-approve", pagination_class=None, filter_backends=[]
    )
    def bulk_approve(self, request: Request) -> Response:
        return self._bulk(request, "approve")


# ---------------------------------------------------------------- importing realizations


class RealizationImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_(
            "Berkas .xlsx (lembar pertama) atau .csv dalam format tabel kartu skor: kolom kpi_code (kode_iku), "
            "period (periode) dan realization (realisasi); unit dan analysis (analisis) boleh ditambahkan."
        )
    )
    map = BoundedIntegerField(help_text=_("Id peta strategi yang realisasinya diimpor."))
    dry_run = serializers.BooleanField(
        default=True, help_text=_("Uji coba saja: periksa tanpa menyimpan (bawaan: true).")
    )


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField(
        allow_null=True, help_text=_("Lembar kerja .xlsx yang dibaca; null untuk .csv atau kesalahan berkas.")
    )
    row = serializers.IntegerField(
        allow_null=True, help_text=_("Baris seperti penomoran lembar kerja (judul kolom = baris 1).")
    )
    column = serializers.CharField(allow_null=True, help_text=_("Kolom seperti tertulis pada judulnya."))
    message = serializers.CharField()


class ImportSummarySerializer(serializers.Serializer):
    map = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text=_("true bila realisasi telah disimpan."))
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text=_("Baris dengan realisasi kosong (tidak dilaporkan)."))


class ImportFailureSerializer(ImportSummarySerializer):
    # a declared field: the metaclass moves it off the class, so `Serializer.errors` is not shadowed
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]


def _sheet_name(content: bytes, name: str) -> str | None:
    """The title of the sheet an .xlsx import reads (the first); None for a CSV or an unreadable file."""
    stream = io.BytesIO(content)
    try:
        if detect_format(stream, name) != "xlsx":
            return None
        stream.seek(0)
        workbook = open_workbook(stream, name)
        try:
            return str(workbook.worksheets[0].title) if workbook.worksheets else None
        finally:
            workbook.close()
    except (InvalidFileError, OSError, ValueError, KeyError):
        return None


@documented(
    TAG,
    create=op(
        _("Mengimpor realisasi dari berkas (multipart)"),
        description=_(
            "Sama dengan impor pada halaman: semua atau tidak sama sekali. Setiap baris diperiksa lebih "
            "dahulu; bila ada satu kesalahan saja, jawabannya 400 dengan semua kesalahan (lembar, baris, "
            "kolom, pesan) dan tidak ada yang disimpan. Periode yang sudah ditutup ditolak. `dry_run` "
            "(bawaan true) hanya memeriksa; kirim false untuk menyimpan realisasi sebagai konsep."
        ),
        request={"multipart/form-data": RealizationImportSerializer},
        responses={200: ImportSummarySerializer, 400: ImportFailureSerializer},
    ),
)
class RealizationImportViewSet(RulesViewSet):
    # Importing realizations for many KPIs and periods of a map at once, from a file.

    rules_model = Realization
    serializer_class = RealizationImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list[Any] = []
    # The map's unit decides (reporting.import_realizations), asked with the map below.
    service_checked_actions = frozenset({"create"})

    def get_queryset(self) -> QuerySet[Realization]:
        return selectors.realizations_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(RealizationImportSerializer, request)
        strategy_map = selectors.visible_map(request.user, data["map"])
        if strategy_map is None:
            raise NotFound(_("Peta strategi tidak ditemukan."))
        if not request.user.has_perm("reporting.import_realizations", strategy_map):
            raise PermissionDenied("reporting.import_realizations")
        upload = data["file"]
        # Read once: the reader owns (and may close) the stream it is given, and a failed import reads
        # the file again for its sheet's name; each reading gets its own stream over the same bytes.
        upload.seek(0)
        content = upload.read()
        try:
            started = services.start_import(
                source=io.BytesIO(content),
                name=upload.name,
                strategy_map=strategy_map,
                dry_run=data["dry_run"],
                by=request.user,
            )
        except Conflict as conflict:  # a lost race: nothing written, the client may send it again
            return Response({"detail": " ".join(conflict.messages)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            with service_errors():
                raise error
        if isinstance(started, ImportJob):  # a large file: 202 and the job to poll
            return Response(ImportJobSerializer(started).data, status=status.HTTP_202_ACCEPTED)
        result = started
        summary = {
            "map": strategy_map.pk,
            "dry_run": result.dry_run,
            "written": result.written,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "skipped": result.skipped,
        }
        if result.ok:
            return Response(ImportSummarySerializer(summary).data)
        sheet = _sheet_name(content, upload.name)
        errors = [
            {
                "sheet": sheet if problem.row is not None or problem.column else None,
                "row": problem.row,
                "column": problem.column,
                "message": problem.message,
            }
            for problem in result.problems
        ]
        return Response(
            ImportFailureSerializer({**summary, "errors": errors}).data, status=status.HTTP_400_BAD_REQUEST
        )


class ImportJobSerializer(serializers.ModelSerializer):
    map = serializers.IntegerField(source="strategy_map_id")
    # declared: a model's PositiveIntegerField would give a schema that differs between SQLite and PostgreSQL
    total = serializers.IntegerField(help_text=_("Perkiraan jumlah baris berkas."))
    processed = serializers.IntegerField(help_text=_("Baris yang sudah dibaca."))
    percent = serializers.IntegerField()

    class Meta:
        model = ImportJob
        fields = ["id", "map", "file_name", "dry_run", "state", "total", "processed", "percent", "result"]


@documented(TAG, retrieve=_("Kemajuan sebuah impor realisasi yang berjalan di latar belakang"))
class ImportJobViewSet(mixins.RetrieveModelMixin, RulesViewSet):
    # A large realization import (above KINERJA_IMPORT_BACKGROUND_ROWS rows) runs as a job: its progress.

    rules_model = ImportJob
    serializer_class = ImportJobSerializer
    filter_backends: list[Any] = []
    # who may read a job is decided with the job (its starter, or who may import into its map)
    service_checked_actions = frozenset({"retrieve"})

    def get_queryset(self) -> QuerySet[ImportJob]:
        return ImportJob.objects.none()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raw = str(kwargs.get("pk", ""))
        job = selectors.import_job_for(request.user, int(raw)) if raw.isdigit() and len(raw) < 12 else None
        if job is None:
            raise NotFound(_("Impor tidak ditemukan."))
        return Response(ImportJobSerializer(job).data)


# ---------------------------------------------------------------- score snapshots


class LatestQuerySerializer(serializers.Serializer):
    map = BoundedIntegerField()
    period = serializers.CharField()


@documented(
    TAG,
    list=_("Daftar potret skor (tidak pernah diubah)"),
    retrieve=_("Satu potret skor"),
)
class ScoreSnapshotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RulesViewSet):
    # Score snapshots of strategy maps per period: what the scoring core computed, kept as it was.

    rules_model = ScoreSnapshot
    serializer_class = ScoreSnapshotSerializer
    filterset_class = SnapshotFilter

    def get_queryset(self) -> QuerySet[ScoreSnapshot]:
        return (
            ScoreSnapshot.objects.filter(unit_filter(self.request.user, "strategy_map__unit__path"))
            .select_related("strategy_map__unit", "period")
            .order_by("strategy_map_id", "period__end", "-computed_at", "-pk")
        )

    @extend_schema(
        summary=_("Skor terbaru sebuah peta pada suatu periode"),
        description=_(
            "Potret terbaru (404 bila belum dihitung; GET tidak menghitung). `period` adalah id periode atau labelnya (2026-03, 2026-Q1)."
        ),
        parameters=[
            OpenApiParameter("map", OpenApiTypes.INT, required=True, description=_("Id peta strategi.")),
            OpenApiParameter(
                "period", OpenApiTypes.STR, required=True, description=_("Id atau label periode.")
            ),
        ],
        responses=ScoreSnapshotSerializer,
        tags=[TAG],
    )
    @action(detail=False, filter_backends=[], pagination_class=None)
    def latest(self, request: Request) -> Response:
        query = LatestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        strategy_map = selectors.visible_map(request.user, query.validated_data["map"])
        if strategy_map is None or not request.user.has_perm("reporting.view_scoresnapshot", strategy_map):
            return Response({"detail": _("Tidak ditemukan.")}, status=status.HTTP_404_NOT_FOUND)
        period = _period_of(strategy_map, query.validated_data["period"])
        if period is None:
            return Response({"detail": _("Periode tidak ditemukan.")}, status=status.HTTP_404_NOT_FOUND)
        snapshot = selectors.latest_snapshot(strategy_map, period)
        if snapshot is None:  # a GET computes nothing: the recompute task and "Hitung ulang" do
            return Response(
                {"detail": _("Skor peta ini untuk periode ini belum dihitung.")},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(ScoreSnapshotSerializer(snapshot).data)


def _period_of(strategy_map: StrategyMap, value: str) -> ReportingPeriod | None:
    """A period of the map's plan year named by its label (2026-03, 2026-Q1, 2026) or, failing that, its id."""
    text = value.strip().upper()
    found = selectors.period_by_label(strategy_map.plan_year, text)
    if found is None and text.isdigit() and int(text) <= ID_MAX:
        found = ReportingPeriod.objects.filter(pk=int(text), plan_year_id=strategy_map.plan_year_id).first()
    return found
