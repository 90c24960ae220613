"""One archive holds everything Kinerja keeps: `kinerja backup` writes it, `kinerja restore` brings it back.

The archive is a `.tar.gz` with
- `data.jsonl`: every row of every table, in Django's JSON-lines serialization with natural keys, so it
  loads into SQLite or PostgreSQL alike (the portable form; not a database-specific dump);
- `files/<name>`: every stored file a model points to (evidence), read through the storage API;
- `manifest.json`: the format version, when and by which Kinerja and database it was made, the row count
  per model, and the SHA-256 of `data.jsonl` and of every file.

Restore refuses a database that already holds data, verifies every checksum before writing anything,
then migrates, loads the rows and stores the files in one go (rows in one transaction). Nothing here knows
a domain model: it walks the installed apps, so it sits in `common`.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja import __version__

FORMAT = 1
DATA = "data.jsonl"
MANIFEST = "manifest.json"
FILES = "files/"
# Rebuilt by `migrate` or worthless in another installation: content types and permissions (natural keys
# point at them), sessions, the admin log, lockout counters, queued background work, and the maps' data
# versions (bookkeeping the database triggers write as the rows are loaded; a restore renews them all).
EXCLUDED = (
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "django_tasks_database",
    "django_rq",  # an admin page's placeholder model, no table (the Redis queue holds no data to keep)
    "reporting.mapdataversion",
)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """An archive that cannot be restored; the message says why (in the user's language)."""


@dataclass(frozen=True)
class Summary:
    rows: int
    files: int
    path: Path


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(CHUNK), b""):
        digest.update(block)
    return digest.hexdigest()


def _excluded_labels() -> list[str]:
    """The EXCLUDED entries that exist in this installation (dumpdata refuses unknown app labels)."""
    found = []
    for entry in EXCLUDED:
        app_label = entry.split(".")[0]
        if any(config.label == app_label for config in apps.get_app_configs()):
            found.append(entry)
    return found


def stored_files() -> Iterator[str]:
    """The name of every file a row points to, once each, in a stable order."""
    names: set[str] = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)]
        for name in fields:
            for value in model._default_manager.exclude(**{name: ""}).values_list(name, flat=True):
                if value:
                    names.add(value)
    yield from sorted(names)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(path: str | Path, *, report: Callable[[str], None] = lambda _line: None) -> Summary:
    """Write the whole installation to `path` (a `.tar.gz`)."""
    target = Path(path)
    with tempfile.TemporaryDirectory() as work:
        data_path = Path(work) / DATA
        call_command(
            "dumpdata",
            format="jsonl",
            natural_foreign=True,
            natural_primary=True,
            # every row: a model's default manager may hide some (planning's `Kpi.objects` leaves out the
            # individual KPIs that performance contracts hold); the base manager reaches them all
            use_base_manager=True,
            exclude=_excluded_labels(),
            output=str(data_path),
            verbosity=0,
        )
        counts: Counter[str] = Counter()
        with data_path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    counts[json.loads(line)["model"]] += 1
        with data_path.open("rb") as stream:
            data_sha = _sha256(stream)
        report(
            _("Data: %(rows)d baris dari %(models)d tabel.")
            % {"rows": sum(counts.values()), "models": len(counts)}
        )
        files: dict[str, str] = {}
        with tarfile.open(target, "w:gz") as archive:
            archive.add(data_path, arcname=DATA)
            for name in stored_files():
                if not default_storage.exists(name):
                    report(_("Berkas hilang dari penyimpanan, dilewati: %(name)s") % {"name": name})
                    continue
                with default_storage.open(name, "rb") as stream:
                    content = stream.read()
                files[name] = hashlib.sha256(content).hexdigest()
                _add_bytes(archive, FILES + name, content)
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "kinerja_version": __version__,
                "database": connection.vendor,
                "data": {"name": DATA, "sha256": data_sha},
                "rows": dict(sorted(counts.items())),
                "files": files,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))
        report(_("Berkas: %(count)d.") % {"count": len(files)})
    return Summary(rows=sum(counts.values()), files=len(files), path=target)


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError as exc:
        raise BackupError(_("Arsip ini tidak memiliki manifest.json; bukan cadangan Kinerja.")) from exc
    if member is None:
        raise BackupError(_("Arsip ini tidak memiliki manifest.json; bukan cadangan Kinerja."))
    manifest: dict[str, Any] = json.loads(member.read().decode("utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Format cadangan %(found)s tidak dikenal (yang dikenal: %(known)s).")
            % {"found": manifest.get("format"), "known": FORMAT}
        )
    return manifest


def _verify(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every checksum of the manifest against the archive's content; the first mismatch is an error."""
    expected = {DATA: manifest["data"]["sha256"], **{FILES + n: s for n, s in manifest["files"].items()}}
    for name, checksum in expected.items():
        try:
            member = archive.extractfile(name)
        except KeyError as exc:
            raise BackupError(_("Arsip tidak lengkap: %(name)s tidak ada.") % {"name": name}) from exc
        if member is None or _sha256(member) != checksum:
            raise BackupError(_("Checksum %(name)s tidak cocok: arsip rusak atau diubah.") % {"name": name})


def _excluded(model: type[models.Model]) -> bool:
    return model._meta.app_label in EXCLUDED or model._meta.label_lower in EXCLUDED


def database_is_empty() -> bool:
    """No row in any Kinerja table (the tables Django and its apps fill on migrate do not count, nor the
    bookkeeping left out of a backup: on SQLite, emptying the tables one by one fires the triggers that
    keep the maps' data versions, which may write a version row for a map whose data goes next)."""
    for model in apps.get_models():
        if (
            model.__module__.startswith("kinerja.")
            and not _excluded(model)
            and model._default_manager.exists()
        ):
            return False
    return True


def restore(path: str | Path, *, report: Callable[[str], None] = lambda _line: None) -> Summary:
    """Bring the archive at `path` back into this (empty) database and storage, after checking everything."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(_("Berkas %(path)s tidak ditemukan.") % {"path": source})
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115  (closed by the `with archive:` below)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_("Berkas %(path)s bukan arsip cadangan (.tar.gz).") % {"path": source}) from exc
    with archive:
        manifest = _read_manifest(archive)
        _verify(archive, manifest)
        report(_("Checksum cocok: data dan %(count)d berkas.") % {"count": len(manifest["files"])})
        call_command("migrate", interactive=False, verbosity=0)
        if not database_is_empty():
            raise BackupError(
                _("Basis data tujuan sudah berisi data Kinerja; pulihkan hanya ke basis data kosong.")
            )
        with tempfile.TemporaryDirectory() as work:
            data_path = Path(work) / DATA
            member = archive.extractfile(DATA)
            assert member is not None  # checked by _verify
            with data_path.open("wb") as out:
                for block in iter(lambda: member.read(CHUNK), b""):
                    out.write(block)
            saved: list[str] = []
            try:
                with transaction.atomic():  # the rows, all or none
                    call_command("loaddata", str(data_path), format="jsonl", verbosity=0)
                    # every map a new version: no figure cached for another database is ever met here
                    call_command("rebuild_map_versions", verbosity=0, stdout=io.StringIO())
                    for name in manifest["files"]:
                        content = archive.extractfile(FILES + name)
                        assert content is not None  # checked by _verify
                        stored = default_storage.save(name, ContentFile(content.read()))
                        saved.append(stored)
                        if stored != name:
                            raise BackupError(
                                _(
                                    "Berkas %(name)s sudah ada di penyimpanan tujuan; pulihkan ke penyimpanan kosong."
                                )
                                % {"name": name}
                            )
            except BaseException:
                for name in saved:  # files are not in the transaction: take back what was written
                    default_storage.delete(name)
                raise
    rows = sum(manifest["rows"].values())
    report(
        _("Dipulihkan: %(rows)d baris, %(files)d berkas.") % {"rows": rows, "files": len(manifest["files"])}
    )
    return Summary(rows=rows, files=len(manifest["files"]), path=source)
