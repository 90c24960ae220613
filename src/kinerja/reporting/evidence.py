"""Evidence files (data dukung): the file type is judged by its content, not by its name.

Accepted: PDF (``%PDF-``), PNG, JPEG, XLSX and DOCX (a zip, ``PK\\x03\\x04``, with
the workbook or document part inside), CSV and plain text (UTF-8 text, no NUL
bytes). The extension must agree with the content: a program renamed
``.pdf`` is refused with a message that says what was found. The size limit is
`KINERJA_EVIDENCE_MAX_BYTES` (10 MB by default); the SHA-256 of the content is
kept with the file.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import conf
from .models import EvidenceKind

HEAD_BYTES = 8192

# extension → the kind its content must be
EXTENSIONS: dict[str, str] = {
    ".pdf": EvidenceKind.PDF,
    ".png": EvidenceKind.PNG,
    ".jpg": EvidenceKind.JPEG,
    ".jpeg": EvidenceKind.JPEG,
    ".xlsx": EvidenceKind.XLSX,
    ".docx": EvidenceKind.DOCX,
    ".csv": EvidenceKind.CSV,
    ".txt": EvidenceKind.TEXT,
}
TEXT_KINDS = frozenset({EvidenceKind.CSV, EvidenceKind.TEXT})
ACCEPTED = "PDF, PNG, JPEG, XLSX, DOCX, CSV, TXT"

# content signatures of programs and scripts: named in the refusal
PROGRAMS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "program Windows (EXE/DLL)"),
    (b"\x7fELF", "program Linux (ELF)"),
    (b"\xcf\xfa\xed\xfe", "program macOS (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "program macOS (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "program Java/macOS"),
    (b"#!", "skrip (script)"),
)


@dataclass(frozen=True)
class CheckedFile:
    """What the content check found: the kind, the size and the SHA-256 (hex)."""

    kind: str
    size: int
    sha256: str


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def _zip_kind(stream: IO[bytes]) -> str | None:
    """`xlsx` or `docx` when the zip holds a workbook or a document; None for any other zip."""
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return EvidenceKind.XLSX
    if "word/document.xml" in names:
        return EvidenceKind.DOCX
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        return exc.start >= len(head) - 3
    return True


def sniff(head: bytes, stream: IO[bytes]) -> tuple[str | None, str]:
    """The kind the content is (or None) and how to name what was found in a message."""
    if head.startswith(b"%PDF-"):
        return EvidenceKind.PDF, "PDF"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return EvidenceKind.PNG, "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return EvidenceKind.JPEG, "JPEG"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        return kind, kind.upper() if kind else _("arsip ZIP")
    for signature, name in PROGRAMS:
        if head.startswith(signature):
            return None, name
    if _looks_like_text(head):
        return EvidenceKind.TEXT, _("teks")
    return None, _("berkas biner yang tidak dikenal")


def check_file(name: str, stream: IO[bytes], size: int | None = None) -> CheckedFile:
    """Check an upload's size, extension and content; its SHA-256. Raises `ValidationError` in Indonesian."""
    limit = conf.evidence_max_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            _("Ukuran berkas %(name)s %(size)s melebihi batas %(limit)s.")
            % {"name": name, "size": human_size(size), "limit": human_size(limit)},
            code="evidence_too_large",
        )
    suffix = PurePath(name).suffix.lower()
    expected = EXTENSIONS.get(suffix)
    if expected is None:
        raise ValidationError(
            _("Jenis berkas %(name)s tidak diterima. Unggah berkas %(accepted)s.")
            % {"name": name, "accepted": ACCEPTED},
            code="evidence_type",
        )
    digest = hashlib.sha256()
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    total = len(head)
    digest.update(head)
    while chunk := stream.read(1024 * 1024):
        total += len(chunk)
        digest.update(chunk)
        if total > limit:
            break
    if total > limit:
        raise ValidationError(
            _("Ukuran berkas %(name)s melebihi batas %(limit)s.")
            % {"name": name, "limit": human_size(limit)},
            code="evidence_too_large",
        )
    if total == 0:
        raise ValidationError(_("Berkas %(name)s kosong.") % {"name": name}, code="evidence_empty")
    found, described = sniff(head, stream)
    stream.seek(0)
    matches = found == expected or (expected in TEXT_KINDS and found == EvidenceKind.TEXT)
    if not matches:
        if any(head.startswith(signature) for signature, _name in PROGRAMS):
            message = _(
                "Berkas %(name)s ditolak: isinya %(found)s, bukan %(expected)s. "
                "Demi keamanan, program dan skrip tidak dapat diunggah sebagai data dukung."
            )
        else:
            message = _(
                "Berkas %(name)s ditolak: isinya %(found)s, tidak sesuai dengan ekstensi %(suffix)s "
                "(seharusnya %(expected)s)."
            )
        raise ValidationError(
            message % {"name": name, "found": described, "expected": str(expected).upper(), "suffix": suffix},
            code="evidence_content",
        )
    return CheckedFile(kind=expected, size=total, sha256=digest.hexdigest())


def upload_stream(upload: Any) -> IO[bytes]:
    """The binary stream of a Django `File`/`UploadedFile` (or any binary file object)."""
    stream = getattr(upload, "file", upload)
    return stream if hasattr(stream, "read") else upload
