"""`/api/organisation-imports/`: the organisation file through the API (interchange.md, "The organisation file").

`POST` (multipart: `file`, `apply` false by default, `partial`) answers the JSON of `kinerja
import-organisation --format json` with the import's `id` and `state`: a dry run 200 (its `errors` inside,
like the command), an apply 200 when written and 400 with every error when the file has one (nothing
written). A file of more than `KINERJA_IMPORT_BACKGROUND_ROWS` employee rows runs in the background: 202
with the import to poll at `GET /api/organisation-imports/{id}/` (its progress, then the same JSON).
Administrators only; a whole-organisation import needs the role on the ministry (see `import_jobs`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kinerja.common.api import RulesViewSet, documented, op, service_errors, validated

from . import import_jobs
from .import_views import imports_for
from .models import OrganisationImport
from .models import OrganisationImportState as State

TAG = "organisasi"


class OrganisationImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_(
            "Buku kerja .xlsx dengan lembar unit, jabatan, dan pegawai, atau .zip berisi unit.csv, jabatan.csv, "
            "dan pegawai.csv."
        )
    )
    apply = serializers.BooleanField(
        default=False, help_text=_("Simpan perubahan dalam satu transaksi (bawaan false: uji coba saja).")
    )
    partial = serializers.BooleanField(  # type: ignore[assignment]  # a declared field, off the class
        default=False,
        help_text=_("Hanya baris yang ada di berkas; yang tidak tercantum tidak ditutup atau dinonaktifkan."),
    )


class OrganisationImportErrorSerializer(serializers.Serializer):
    file = serializers.CharField(allow_null=True)
    sheet = serializers.CharField(allow_null=True)
    row = serializers.IntegerField(allow_null=True, help_text=_("Baris seperti penomoran lembar kerja."))
    column = serializers.CharField(allow_null=True, help_text=_("Kolom seperti tertulis pada judulnya."))
    message = serializers.CharField()


class OrganisationSheetCountsSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    moved = serializers.IntegerField(required=False, help_text=_("Hanya untuk pegawai."))
    closed = serializers.IntegerField(required=False, help_text=_("Unit dan jabatan."))
    deactivated = serializers.IntegerField(required=False, help_text=_("Hanya untuk pegawai."))
    unchanged = serializers.IntegerField()


class OrganisationImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text=_("Alamat untuk memantau impor ini."))
    state = serializers.ChoiceField(choices=State.choices)
    file_name = serializers.CharField()
    partial = serializers.BooleanField()  # type: ignore[assignment]  # a declared field, off the class
    processed = serializers.IntegerField(help_text=_("Baris yang sudah diproses (impor di latar belakang)."))
    total = serializers.IntegerField(help_text=_("Jumlah baris yang diproses."))
    percent = serializers.IntegerField()
    applied = serializers.BooleanField()
    units = OrganisationSheetCountsSerializer(allow_null=True)
    positions = OrganisationSheetCountsSerializer(allow_null=True)
    employees = OrganisationSheetCountsSerializer(allow_null=True)
    errors = OrganisationImportErrorSerializer(many=True)  # type: ignore[assignment]
    error = serializers.CharField(help_text=_("Pesan kegagalan (status failed)."))


def answer(request: Request, job: OrganisationImport) -> dict[str, Any]:
    lang = import_jobs.lang_of(translation.get_language())
    result = import_jobs.api_result(job, lang)
    done = job.state in (State.PREVIEWED, State.APPLIED)
    return {
        "id": job.pk,
        "url": request.build_absolute_uri(reverse("api-organisation-import-detail", args=[job.pk])),
        "state": job.state,
        "file_name": job.file_name,
        "partial": job.partial,
        "processed": job.processed,
        "total": job.total,
        "percent": job.percent,
        "applied": result["applied"],
        "units": result["units"] if done else None,
        "positions": result["positions"] if done else None,
        "employees": result["employees"] if done else None,
        "errors": result["errors"],
        "error": job.error,
    }


@documented(
    TAG,
    create=op(
        _("Mengimpor berkas organisasi (multipart)"),
        description=_(
            "Unit, jabatan, dan pegawai dari ekspor sistem kepegawaian. Bawaannya uji coba: jawabannya 200 "
            "dengan jumlah baru/berubah/pindah/ditutup/dinonaktifkan/tetap per lembar dan semua kesalahan "
            "(berkas, lembar, baris, kolom, pesan). Dengan apply=true perubahan disimpan dalam satu "
            "transaksi; bila berkas mengandung kesalahan jawabannya 400 dan tidak ada yang disimpan. Berkas "
            "besar diproses di latar belakang: 202 dengan alamat untuk memantau kemajuannya."
        ),
        request={"multipart/form-data": OrganisationImportRequestSerializer},
        responses={
            200: OrganisationImportSerializer,
            202: OrganisationImportSerializer,
            400: OrganisationImportSerializer,
        },
    ),
    retrieve=op(_("Status dan hasil sebuah impor organisasi"), responses={200: OrganisationImportSerializer}),
)
class OrganisationImportViewSet(mixins.RetrieveModelMixin, RulesViewSet):
    # The organisation file: dry run by default, apply on request; large files in the background.

    rules_model = OrganisationImport
    serializer_class = OrganisationImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list[Any] = []
    # administrators only, decided below and in the service (the root's role for a whole import)
    service_checked_actions = frozenset({"create", "retrieve"})

    def get_queryset(self) -> Any:
        return OrganisationImport.objects.none()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.has_perm("organisations.import_organisation"):
            raise PermissionDenied
        data = validated(OrganisationImportRequestSerializer, request)
        upload = data["file"]
        upload.seek(0)
        with service_errors():
            job = import_jobs.start(
                by=request.user,
                content=upload.read(),
                name=upload.name,
                partial=data["partial"],
                apply=data["apply"],
            )
        body = answer(request, job)
        if job.running:
            return Response(body, status=status.HTTP_202_ACCEPTED)
        if data["apply"] and body["errors"]:
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(body)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raw = str(kwargs.get("pk", ""))
        job = None
        if raw.isdigit() and len(raw) < 12 and request.user.has_perm("organisations.import_organisation"):
            job = imports_for(request.user).filter(pk=int(raw)).first()
        if job is None or not request.user.has_perm("organisations.view_organisationimport", job):
            raise NotFound(_("Impor tidak ditemukan."))
        return Response(answer(request, job))
