"""The organisation import pages: upload, preview of the differences (or every error), apply.

Thin like every view: the rules layer decides who, `import_jobs` does the work. An import outside the
administrator's reach does not exist for them (404); a non-administrator is refused the pages (403).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinerja.accounts.scope import unit_filter
from kinerja.common.web import form_errors, is_htmx, require

from . import import_jobs
from .models import OrganisationImport
from .models import OrganisationImportState as State

LIST_SHOWN = 50  # changes shown per sheet; "and N more" beyond
ADMIN = ("admin",)
SUFFIXES = (".xlsx", ".xlsm", ".zip")


class OrganisationImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas organisasi"),
        help_text=gettext_lazy(
            "Buku kerja .xlsx dengan lembar unit, jabatan, dan pegawai, atau berkas .zip berisi unit.csv, "
            "jabatan.csv, dan pegawai.csv."
        ),
    )
    partial = forms.BooleanField(
        label=gettext_lazy("Impor sebagian"),
        required=False,
        help_text=gettext_lazy(
            "Hanya baris yang ada di berkas yang disinkronkan; unit, jabatan, dan pegawai yang tidak "
            "tercantum tidak ditutup atau dinonaktifkan."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise ValidationError(
                _("Berkas harus .xlsx atau .zip berisi unit.csv, jabatan.csv, dan pegawai.csv.")
            )
        return upload


def imports_for(user: Any) -> Any:
    """The imports the user's administrator roles reach (newest first), without their files."""
    return (
        OrganisationImport.objects.filter(unit_filter(user, "unit__path", ADMIN))
        .select_related("unit", "created_by")
        .defer("content")
    )


def _job(request: HttpRequest, pk: int) -> OrganisationImport:
    require(request, "organisations.import_organisation")
    job = imports_for(request.user).filter(pk=pk).first()
    if job is None or not request.user.has_perm("organisations.view_organisationimport", job):
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """The upload form (and the latest imports); a POST keeps the file and shows its preview."""
    require(request, "organisations.import_organisation")
    form = OrganisationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.start(
                by=request.user,
                content=upload.read(),
                name=upload.name,
                partial=form.cleaned_data["partial"],
            )
        except PermissionDenied as denied:
            form.add_error("partial", str(denied) or _("Anda tidak berwenang melakukan tindakan ini."))
        except ValidationError as error:
            form_errors(form, error)
        else:
            return redirect("organisations:import-detail", job.pk)
    recent = list(imports_for(request.user)[:10])
    return render(request, "organisations/import/start.html", {"form": form, "recent": recent})


CHANGES = {
    "new": gettext_lazy("baru"),
    "changed": gettext_lazy("berubah"),
    "moved": gettext_lazy("pindah"),
    "closed": gettext_lazy("ditutup"),
    "deactivated": gettext_lazy("dinonaktifkan"),
    "reopened": gettext_lazy("dibuka kembali"),
}
FIELDS = {
    "name_id": gettext_lazy("nama"),
    "name_en": gettext_lazy("nama (Inggris)"),
    "level": gettext_lazy("tingkat"),
    "kind": gettext_lazy("jenis"),
    "owns_map": gettext_lazy("punya peta"),
    "is_active": gettext_lazy("aktif"),
    "unit": gettext_lazy("unit"),
    "title_id": gettext_lazy("nama"),
    "title_en": gettext_lazy("nama (Inggris)"),
    "type": gettext_lazy("jenis"),
    "echelon": gettext_lazy("eselon"),
    "job_grade": gettext_lazy("kelas jabatan"),
    "is_head": gettext_lazy("kepala unit"),
    "superior": gettext_lazy("atasan"),
    "name": gettext_lazy("nama"),
    "email": gettext_lazy("email"),
    "position": gettext_lazy("jabatan"),
}


def _shown(item: dict[str, Any]) -> dict[str, Any]:
    fields = [str(FIELDS.get(f, f)) for f in item.get("fields", [])]
    return dict(
        item,
        change_label=CHANGES.get(item["change"], item["change"]),
        fields_label=", ".join(dict.fromkeys(fields)),
    )


def _context(request: HttpRequest, job: OrganisationImport) -> dict[str, Any]:
    lang = import_jobs.lang_of(translation.get_language())
    data = job.result if job.state == State.APPLIED else job.preview
    errors = import_jobs.errors_in(data, lang) if data else []
    sheets = []
    lists = data.get("lists", {}) if data else {}
    for key, label, gone in (
        ("units", _("Unit"), "closed"),
        ("positions", _("Jabatan"), "closed"),
        ("employees", _("Pegawai"), "deactivated"),
    ):
        counts = data.get(key, {}) if data else {}
        listing = lists.get(key, {"total": 0, "items": []})
        shown = [_shown(item) for item in listing["items"][:LIST_SHOWN]]
        sheets.append(
            {
                "key": key,
                "label": label,
                "counts": counts,
                "gone": gone,
                "items": shown,
                "more": listing["total"] - len(shown),
                "changed": sum(v for k, v in counts.items() if k != "unchanged"),
            }
        )
    return {
        "job": job,
        "data": data,
        "errors": errors,
        "sheets": sheets,
        "valid": bool(data) and not errors,
        "no_changes": bool(data) and not errors and data.get("changes", 0) == 0,
        "can_apply": import_jobs.can_apply(job) and data.get("changes", 0) > 0,
        "refused": import_jobs.refused(job),
    }


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview (every error, or the differences), the progress of a background run, or the result."""
    job = _job(request, pk)
    context = _context(request, job)
    if is_htmx(request, "import-status"):
        return render(request, "organisations/import/_status.html", context)
    return render(request, "organisations/import/detail.html", context)


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply the previewed import in one transaction (or refuse when the database changed since)."""
    job = _job(request, pk)
    require(request, "organisations.change_organisationimport", job)
    try:
        job = import_jobs.apply_import(job, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("organisations:import-detail", job.pk)
    if job.state == State.APPLIED:
        messages.success(request, _("Impor organisasi diterapkan."))
    elif import_jobs.refused(job):
        messages.warning(
            request,
            _(
                "Data organisasi berubah sejak pratinjau; tidak ada yang disimpan. Periksa pratinjau baru "
                "di bawah ini, lalu terapkan lagi."
            ),
        )
    return redirect("organisations:import-detail", job.pk)


@login_required
@require_POST
def import_repreview(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview the stored file again."""
    job = _job(request, pk)
    require(request, "organisations.change_organisationimport", job)
    try:
        import_jobs.repreview(job, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("organisations:import-detail", job.pk)
