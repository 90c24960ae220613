"""The organisation import of the page and the API: an upload kept between its preview and its apply.

The command line's core (`importing.plan_import` → `Plan`, `apply_plan`, `ImportResult`) does the work;
this module keeps the uploaded file in an `OrganisationImport`, previews it (the dry run, its counts, every
problem, the lists of what would change), and applies it later by planning the stored file again: the
apply writes only when the new plan is the one previewed (its `fingerprint`), else it stores the new
preview and asks for another look. A file of more than `KINERJA_IMPORT_BACKGROUND_ROWS` employee rows is
previewed and applied by the background task `run_organisation_import`, its progress saved on the row.

Who may import: administrators. A whole-organisation import (not `partial`) closes and deactivates what
the file does not list, so it needs the administrator role on the ministry (every root unit); a `partial`
import may be run by an administrator of a subtree, and every unit it changes (a unit itself, its old
and new parent, the unit of a position or an employee before and after) must be in that subtree.

An upload is an .xlsx workbook (sheets unit, jabatan, pegawai) or a .zip holding `unit.csv`,
`jabatan.csv` and `pegawai.csv` (read from a temporary folder, after the zip's directory passed the
upload limits of `kinerja.common.uploads`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kinerja.accounts.models import Role
from kinerja.accounts.rules import ensure
from kinerja.accounts.scope import paths_for, reaches
from kinerja.common import uploads
from kinerja.common.history import Actor, author
from kinerja.interchange.messages import LANGS, InvalidFileError, Lang, Problem
from kinerja.interchange.organisation import SHEET_NAMES
from kinerja.interchange.sources import Limits, check_size, check_zip, open_workbook

from .importing import ImportResult, Plan, apply_plan, plan_import
from .models import OrganisationImport, Unit
from .models import OrganisationImportState as State

PERM = "organisations.import_organisation"
LIST_CAP = 200  # changes of each sheet kept in the preview for the page ("and N more" beyond)
ADMIN = (Role.ADMIN,)


class ImportConflict(Exception):
    """The apply was refused: the plan is no longer the one previewed (the new preview is stored)."""


# ---------------------------------------------------------------- the uploaded file


def is_csv_zip(content: bytes) -> bool:
    """A zip of CSV files (not an .xlsx, which is a zip too: it has `[Content_Types].xml`)."""
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return "[Content_Types].xml" not in names and any(n.lower().endswith(".csv") for n in names)


@contextmanager
def opened(content: bytes, name: str, limits: Limits) -> Iterator[Any]:
    """What `plan_import` reads: the workbook's stream, or a temporary folder with the zip's CSV files.

    The size and the zip's directory are checked against `limits` first (`InvalidFileError`); only the
    members named like a sheet (`unit.csv`, `jabatan.csv`, `pegawai.csv`, in any folder of the zip) are
    unpacked, under their own name.
    """
    stream = io.BytesIO(content)
    label = Path(name).name or "upload"
    check_size(stream, label, limits)
    if not is_csv_zip(content):
        yield stream
        return
    check_zip(stream, label, limits)
    wanted = {f"{n}.csv" for names in SHEET_NAMES.values() for n in names}
    with tempfile.TemporaryDirectory(prefix="kinerja-org-") as tmp:
        folder = Path(tmp) / label
        folder.mkdir()
        with zipfile.ZipFile(stream) as archive:
            for member in archive.infolist():
                base = PurePosixPath(member.filename).name.lower()
                target = folder / base
                if member.is_dir() or base not in wanted or target.exists():
                    continue
                with archive.open(member) as source, open(target, "wb") as out:
                    while chunk := source.read(1 << 20):
                        out.write(chunk)
        yield folder


def employee_rows(content: bytes, name: str, limits: Limits) -> int:
    """About how many employees the file lists (its `pegawai` rows), cheaply; 0 when it cannot tell."""
    try:
        if is_csv_zip(content):
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                for member in archive.infolist():
                    if PurePosixPath(member.filename).name.lower() in {
                        f"{n}.csv" for n in SHEET_NAMES["pegawai"]
                    }:
                        with archive.open(member) as f:
                            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
                        return max(lines - 1, 0)
            return 0
        workbook = open_workbook(io.BytesIO(content), name, limits=limits)
        try:
            by_name = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
            sheet = next((by_name[n] for n in SHEET_NAMES["pegawai"] if n in by_name), None)
            if sheet is None:
                return 0
            try:
                if sheet.calculate_dimension(force=False) != "A1:A1":
                    return max(int(sheet.max_row or 1) - 1, 0)
            except ValueError:  # no stored dimension: count the sheet's rows in its XML, unparsed
                pass
            path = str(getattr(sheet, "_worksheet_path", ""))
            with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(path) as xml:
                tail, rows = b"", 0
                while chunk := xml.read(1 << 20):
                    rows += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
                    tail = chunk[-4:]
            if not rows:  # another writer's markup (a prefixed namespace): read the rows
                rows = sum(1 for _ in sheet.iter_rows(values_only=True))
            return max(rows - 1, 0)
        finally:
            workbook.close()
    except Exception:  # an unreadable file: the preview says what is wrong, at once
        return 0


# ---------------------------------------------------------------- who may import what


def _superuser(by: Any) -> bool:
    return bool(getattr(by, "is_superuser", False) and getattr(by, "is_active", False))


def _viewer(by: Actor) -> Any:
    """`by` as the scope functions take it (the accounts' user model; `Actor` is common's view of it)."""
    return by


def scope_unit(by: Actor, *, partial: bool) -> Unit:
    """The unit an import is made in: the ministry's root for a whole import, else the top of `by`'s
    administrator reach. PermissionDenied when `by` may not import at all, or not the whole organisation."""
    ensure(by, PERM)
    roots = list(Unit.objects.get_root_nodes())
    superuser = by is None or _superuser(by)
    if not partial and not all(superuser or reaches(_viewer(by), root.path, ADMIN) for root in roots):
        raise PermissionDenied(
            _(
                "Impor seluruh organisasi menutup unit dan menonaktifkan pegawai yang tidak tercantum; "
                "hanya administrator kementerian yang dapat melakukannya. Pilih impor sebagian untuk "
                "unit Anda."
            )
        )
    if superuser or by is None:
        top = roots[0] if roots else None
    else:
        paths = paths_for(_viewer(by), ADMIN)
        top = Unit.objects.filter(path__in=paths).order_by("depth", "path").first()
    if top is None:
        raise ValidationError(
            _(
                "Belum ada unit. Impor pertama dijalankan oleh superuser atau melalui perintah import-organisation."
            )
        )
    return top


def out_of_reach(plan: Plan, by: Actor) -> list[str]:
    """The codes of the units a plan changes that `by`'s administrator roles do not reach (sorted)."""
    if by is None or _superuser(by) or plan.database is None:
        return []
    db = plan.database
    new_parent = {c.code: c.parent for c in plan.units if c.pk is None}

    def existing(code: str | None) -> str | None:
        seen: set[str] = set()
        while code is not None and code not in db.units and code not in seen:
            seen.add(code)
            code = new_parent.get(code)
        return code

    unit_code = {u["pk"]: u["code"] for u in db.units.values()}
    touched: set[str | None] = set()
    for change in plan.units:
        touched.update((existing(change.code), existing(change.parent)))
        if change.move:
            touched.add(change.moved_from)
    for position in plan.positions:
        touched.add(existing(position.values.get("unit")))
        current = db.positions.get(position.code)
        if current is not None:
            touched.add(current["unit"])
    for employee in plan.employees:
        touched.add(existing(employee.values.get("unit")))
        current = db.employees.get(employee.nip)
        if current is not None:
            touched.add(unit_code.get(current["unit_id"]))
    return sorted(
        code
        for code in touched
        if code is not None and not reaches(_viewer(by), db.units[code]["path"], ADMIN)
    )


# ---------------------------------------------------------------- the preview


def fingerprint(plan: Plan) -> str:
    """A digest of every change a plan makes: two plans with the same fingerprint write the same."""
    body = {
        "units": [[c.code, c.values, c.parent, c.pk, sorted(c.fields), c.move] for c in plan.units],
        "positions": [[c.code, c.values, c.pk, sorted(c.fields)] for c in plan.positions],
        "employees": [
            [c.nip, c.values, c.pk, sorted(c.fields), c.open_from, c.close_on, c.kind, c.moved]
            for c in plan.employees
        ],
    }
    text = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def problem_row(problem: Problem) -> dict[str, Any]:
    """A problem as stored: where it is, and its message in each language (shown in the reader's)."""
    return {
        "file": problem.source,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "message": {lang: problem.message(lang) for lang in LANGS},
    }


def _change_lists(plan: Plan) -> dict[str, dict[str, Any]]:
    """The changes of each sheet for the page: at most LIST_CAP each, and how many there are."""
    db = plan.database
    assert db is not None
    unit_code = {u["pk"]: u["code"] for u in db.units.values()}
    units: list[dict[str, Any]] = []
    for u in plan.units:
        current = db.units.get(u.code)
        name = u.values.get("name_id") or (current["name_id"] if current else "")
        if u.pk is None:
            change = "new"
        elif u.values.get("is_active") is False and current and current["is_active"]:
            change = "closed"
        elif u.values.get("is_active") is True and current and not current["is_active"]:
            change = "reopened"
        elif u.move:
            change = "moved"
        else:
            change = "changed"
        units.append(
            {
                "code": u.code,
                "name": name,
                "change": change,
                "fields": [f for f in u.fields if f not in ("valid_to",)],
                "from": u.moved_from if u.move else None,
                "to": u.parent if (u.move or u.pk is None) else None,
            }
        )
    positions: list[dict[str, Any]] = []
    for p in plan.positions:
        current = db.positions.get(p.code)
        if p.pk is None:
            change = "new"
        elif p.values.get("is_active") is False and current and current["is_active"]:
            change = "closed"
        else:
            change = "changed"
        positions.append(
            {
                "code": p.code,
                "name": p.values.get("title_id") or (current["title_id"] if current else ""),
                "change": change,
                "fields": list(p.fields),
                "from": current["unit"] if current and "unit" in p.fields else None,
                "to": p.values.get("unit") if (p.pk is None or "unit" in p.fields) else None,
            }
        )
    employees: list[dict[str, Any]] = []
    for e in plan.employees:
        current = db.employees.get(e.nip)
        if e.pk is None:
            change = "new"
        elif e.values.get("is_active") is False and current and current["is_active"]:
            change = "deactivated"
        elif e.moved:
            change = "moved"
        else:
            change = "changed"
        old_unit = unit_code.get(current["unit_id"]) if current else None
        employees.append(
            {
                "code": e.nip,
                "name": e.values.get("name") or (current["name"] if current else ""),
                "change": change,
                "fields": list(e.fields),
                "from": old_unit if change in ("moved", "deactivated") else None,
                "to": e.values.get("unit") if change in ("new", "moved") else None,
                "since": e.open_from.isoformat() if e.open_from else None,
            }
        )
    return {
        name: {"total": len(items), "items": items[:LIST_CAP]}
        for name, items in (("units", units), ("positions", positions), ("employees", employees))
    }


def summary(plan: Plan, by: Actor = None) -> dict[str, Any]:
    """What the page and the API keep of a plan: the spec's counts, every problem, the changes."""
    result = plan.result
    data = result.to_dict("en")
    data["errors"] = [problem_row(p) for p in result.problems]
    data["changes"] = result.changes if result.valid else 0
    if result.valid:
        outside = out_of_reach(plan, by)
        if outside:
            data["errors"] = [
                {
                    "file": None,
                    "sheet": None,
                    "row": None,
                    "column": None,
                    "message": {lang: _outside_message(outside, lang) for lang in LANGS},
                }
            ]
        else:
            data["lists"] = _change_lists(plan)
    return data


def _outside_message(codes: list[str], lang: Lang) -> str:
    shown = ", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")
    with translation.override(lang):
        return _("Impor ini mengubah unit di luar wewenang Anda sebagai administrator: %(units)s") % {
            "units": shown
        }


def errors_in(data: dict[str, Any], lang: Lang) -> list[dict[str, Any]]:
    """The stored problems in the spec's shape, each message in `lang`."""
    return [dict(e, message=e["message"][lang]) for e in data.get("errors", [])]


def api_result(job: OrganisationImport, lang: Lang) -> dict[str, Any]:
    """The spec's JSON (`ImportResult.to_dict`) of what an import did or would do."""
    data = job.result if job.state == State.APPLIED else job.preview
    return {
        "applied": job.state == State.APPLIED,
        "units": data.get("units", {}),
        "positions": data.get("positions", {}),
        "employees": data.get("employees", {}),
        "errors": errors_in(data, lang),
    }


def lang_of(language: str | None) -> Lang:
    return "en" if (language or "").startswith("en") else "id"


# ---------------------------------------------------------------- starting, previewing, applying


def start(
    *, by: Actor, content: bytes, name: str, partial: bool = False, apply: bool = False
) -> OrganisationImport:
    """Keep the upload and preview it (and, with `apply`, apply it when valid): now for a small file, in
    the background above `KINERJA_IMPORT_BACKGROUND_ROWS` employee rows (the job's state says which)."""
    unit = scope_unit(by, partial=partial)
    limits = uploads.limits()
    rows = employee_rows(content, name, limits)
    job = OrganisationImport.objects.create(
        unit=unit,
        created_by=author(by),
        file_name=Path(name).name[:255] or "upload",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        partial=partial,
        apply_requested=apply,
        language=translation.get_language() or "",
        total=rows,
    )
    if rows > uploads.background_rows():
        job_id = job.pk
        transaction.on_commit(lambda: run_organisation_import.enqueue(job_id, "preview"))
        return job
    plan = _preview(job, by=by)
    if apply and can_apply(job):
        _write(job, plan, by=by)
    return job


def _plan(job: OrganisationImport, by: Actor, progress: Any = None) -> tuple[Plan, dict[str, Any]]:
    limits = uploads.limits()
    try:
        with opened(bytes(job.content), job.file_name, limits) as source:
            plan = plan_import(
                source, name=job.file_name, partial=job.partial, limits=limits, progress=progress
            )
    except InvalidFileError as error:  # the upload limits, before reading
        plan = Plan(ImportResult(problems=list(error.problems)), dt.date.today())
    return plan, summary(plan, by)


def _progress(job: OrganisationImport) -> Any:
    def report(processed: int, total: int) -> None:
        OrganisationImport.objects.filter(pk=job.pk).update(
            processed=processed, total=total, updated_at=timezone.now()
        )

    return report


def _preview(job: OrganisationImport, *, by: Actor, progress: Any = None) -> Plan:
    plan, data = _plan(job, by, progress)
    job.preview = data
    job.fingerprint = fingerprint(plan) if plan.result.valid and not data.get("errors") else ""
    job.state = State.PREVIEWED
    job.save(update_fields=["preview", "fingerprint", "state", "updated_at"])
    return plan


def preview(job: OrganisationImport, *, by: Actor, progress: Any = None) -> OrganisationImport:
    """Plan the stored file and keep the dry run (counts, problems, changes) and its fingerprint."""
    _preview(job, by=by, progress=progress)
    return job


def can_apply(job: OrganisationImport) -> bool:
    return (
        job.state == State.PREVIEWED
        and bool(job.fingerprint)
        and not job.preview.get("errors")
        and bool(job.content)
    )


def apply_import(job: OrganisationImport, *, by: Actor) -> OrganisationImport:
    """Apply a previewed import: now, or in the background for a large file. ValidationError when it
    cannot be applied (not previewed, with errors, already applied or running)."""
    ensure(by, "organisations.change_organisationimport", job)
    claimed = OrganisationImport.objects.filter(pk=job.pk, state=State.PREVIEWED).update(
        state=State.APPLYING, processed=0, updated_at=timezone.now()
    )
    job.refresh_from_db()
    if not claimed or not job.fingerprint or job.preview.get("errors") or not job.content:
        if claimed:
            OrganisationImport.objects.filter(pk=job.pk).update(state=State.PREVIEWED)
            job.refresh_from_db()
        raise ValidationError(_("Impor ini tidak dapat diterapkan: %(state)s.") % {"state": _why_not(job)})
    if job.total > uploads.background_rows():
        job_id, by_id = job.pk, getattr(by, "pk", None)
        transaction.on_commit(lambda: run_organisation_import.enqueue(job_id, "apply", by_id))
        return job
    try:
        return run_apply(job, by=by)
    except Exception as error:  # nothing written (one transaction): the job says why
        _failed(job, error)
        raise


def _why_not(job: OrganisationImport) -> str:
    if job.state == State.APPLIED:
        return _("sudah diterapkan")
    if job.running:
        return _("sedang berjalan")
    if job.preview.get("errors"):
        return _("berkas mengandung kesalahan")
    return str(job.get_state_display()).lower()


def run_apply(job: OrganisationImport, *, by: Actor, progress: Any = None) -> OrganisationImport:
    """Plan the stored file again and write it, when the plan is the one previewed. Otherwise keep the new
    preview (state `previewed`, `result.refused`) and write nothing: the user looks again and applies."""
    plan, data = _plan(job, by, progress)
    now = fingerprint(plan) if plan.result.valid and not data.get("errors") else ""
    if not now or now != job.fingerprint:
        job.preview, job.fingerprint = data, now
        job.result = {"refused": "changed"}
        job.state = State.PREVIEWED
        job.save(update_fields=["preview", "fingerprint", "result", "state", "updated_at"])
        return job
    return _write(job, plan, by=by, progress=progress)


def _write(job: OrganisationImport, plan: Plan, *, by: Actor, progress: Any = None) -> OrganisationImport:
    """Write a previewed plan (one transaction) and keep what it did; the file is let go."""
    apply_plan(plan, by=by, progress=progress)
    job.result = dict(job.preview, applied=True)
    job.state = State.APPLIED
    job.content = b""
    job.applied_at = timezone.now()
    job.applied_by = author(by)
    job.save(update_fields=["result", "state", "content", "applied_at", "applied_by", "updated_at"])
    return job


def refused(job: OrganisationImport) -> bool:
    """Whether the last apply was refused because the database changed since the preview."""
    return job.state == State.PREVIEWED and job.result.get("refused") == "changed"


def repreview(job: OrganisationImport, *, by: Actor) -> OrganisationImport:
    """Preview the stored file again (after the database changed); large files in the background."""
    ensure(by, "organisations.change_organisationimport", job)
    if job.state != State.PREVIEWED or not job.content:
        raise ValidationError(
            _("Impor ini tidak dapat dipratinjau lagi: %(state)s.") % {"state": _why_not(job)}
        )
    job.result = {}
    job.state = State.PREVIEWING
    job.processed = 0
    job.save(update_fields=["result", "state", "processed", "updated_at"])
    if job.total > uploads.background_rows():
        job_id = job.pk
        transaction.on_commit(lambda: run_organisation_import.enqueue(job_id, "preview"))
        return job
    return preview(job, by=by)


def _failed(job: OrganisationImport, error: Exception) -> None:
    OrganisationImport.objects.filter(pk=job.pk).update(
        state=State.FAILED,
        error=" ".join(getattr(error, "messages", [str(error)]))[:2000],
        updated_at=timezone.now(),
    )


@task()
def run_organisation_import(import_id: int, action: str, by_id: int | None = None) -> str:
    """The background task: preview (`action="preview"`) or apply (`"apply"`) an organisation import, its
    progress saved as the file is planned. A failure leaves nothing written and the job `failed` with its
    message (the apply is one transaction). Returns the job's final state."""
    from django.contrib.auth import get_user_model

    job = OrganisationImport.objects.select_related("created_by").filter(pk=import_id).first()
    if job is None or job.state in (State.APPLIED, State.FAILED):
        return "" if job is None else str(job.state)
    by = job.created_by if by_id is None else get_user_model().objects.filter(pk=by_id).first()
    try:
        with translation.override(job.language or None):
            if by is None and job.created_by_id is not None:
                raise PermissionDenied(_("Pengguna yang memulai impor ini sudah tidak ada."))
            if action == "apply":
                run_apply(job, by=by, progress=_progress(job))
            else:
                plan = _preview(job, by=by, progress=_progress(job))
                if job.apply_requested and can_apply(job):
                    _write(job, plan, by=by, progress=_progress(job))
    except Exception as error:  # recorded on the job for its page; the task runner logs it too
        _failed(job, error)
        raise
    job.refresh_from_db()
    return str(job.state)
