"""Evidence (data dukung): type by content, size limit, SHA-256, never overwritten; required before submission."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kinerja.reporting import services
from kinerja.reporting.models import Evidence

from .conftest import PDF, enter, pdf

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def office(kind: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def draft(world):
    return enter(world, world.quarterly, "2026-Q1", "90")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("laporan.pdf", PDF, "pdf"),
        ("foto.png", PNG, "png"),
        ("foto.JPG", JPEG, "jpeg"),
        ("rekap.xlsx", office("xlsx"), "xlsx"),
        ("nota.docx", office("docx"), "docx"),
        ("data.csv", b"kode,nilai\nS1.1,90\n", "csv"),
        ("catatan.txt", "Realisasi sesuai laporan bulanan — ✓".encode(), "text"),
    ],
)
def test_accepted_types_with_their_checksum(world, draft, name, content, kind):
    item = services.add_evidence(realization=draft, upload=upload(name, content), by=world.employee)
    assert (item.kind, item.size, item.original_name) == (kind, len(content), name)
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    with item.file.open("rb") as stored:
        assert stored.read() == content


def test_a_program_renamed_pdf_is_refused_in_indonesian(world, draft):
    with pytest.raises(ValidationError) as caught:
        services.add_evidence(realization=draft, upload=upload("laporan.pdf", EXE), by=world.employee)
    message = caught.value.messages[0]
    assert "laporan.pdf ditolak" in message and "program Windows" in message and "bukan PDF" in message
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rekap.xlsx", office("docx")),  # a document renamed .xlsx
        ("foto.png", PDF),  # a PDF renamed .png
        ("data.csv", b"\x00\x01\x02binary"),  # not text
        ("arsip.zip", office("xlsx")),  # an extension that is not accepted
        ("skrip.pdf", b"#!/bin/sh\nrm -rf /\n"),
    ],
)
def test_content_must_match_the_extension(world, draft, name, content):
    with pytest.raises(ValidationError):
        services.add_evidence(realization=draft, upload=upload(name, content), by=world.employee)


def test_the_size_limit_is_a_setting(world, draft, settings):
    settings.KINERJA_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        services.add_evidence(
            realization=draft, upload=upload("besar.pdf", PDF + b"x" * 200), by=world.employee
        )
    assert "melebihi batas" in caught.value.messages[0]
    services.add_evidence(realization=draft, upload=upload("kecil.pdf", PDF), by=world.employee)


def test_an_empty_file_is_refused(world, draft):
    with pytest.raises(ValidationError):
        services.add_evidence(realization=draft, upload=upload("kosong.pdf", b""), by=world.employee)


def test_a_replacement_never_overwrites_both_are_kept(world, draft):
    first = services.add_evidence(realization=draft, upload=pdf("bukti.pdf"), by=world.employee)
    second_content = PDF + b"% versi kedua\n"
    second = services.add_evidence(
        realization=draft, upload=pdf("bukti.pdf", second_content), replaces=first, by=world.employee
    )
    first.refresh_from_db()
    assert first.superseded_by == second and first.superseded_at is not None and not first.is_current
    assert second.is_current
    assert first.file.name != second.file.name
    with first.file.open("rb") as old, second.file.open("rb") as new:
        assert old.read() == PDF and new.read() == second_content
    with pytest.raises(ValidationError):  # only a current file can be replaced
        services.add_evidence(realization=draft, upload=pdf(), replaces=first, by=world.employee)


def test_evidence_is_required_before_submission(world, draft):
    with pytest.raises(ValidationError) as caught:
        services.submit_realization(realization=draft, by=world.employee)
    assert "Lampirkan data dukung" in caught.value.messages[0]
    services.add_evidence(realization=draft, upload=pdf(), by=world.employee)
    services.submit_realization(realization=draft, by=world.employee)
    assert draft.state == "submitted"


def test_a_superseded_file_alone_does_not_count_but_its_replacement_does(world, draft):
    first = services.add_evidence(realization=draft, upload=pdf(), by=world.employee)
    services.add_evidence(realization=draft, upload=pdf(), replaces=first, by=world.employee)
    services.submit_realization(realization=draft, by=world.employee)


def test_evidence_may_be_made_optional(world, draft, settings):
    settings.KINERJA_EVIDENCE_REQUIRED = False
    services.submit_realization(realization=draft, by=world.employee)
    assert draft.state == "submitted"


def test_no_evidence_once_submitted_or_by_an_auditor(world, draft):
    with pytest.raises(PermissionDenied):
        services.add_evidence(realization=draft, upload=pdf(), by=world.auditor)
    services.add_evidence(realization=draft, upload=pdf(), by=world.employee)
    services.submit_realization(realization=draft, by=world.employee)
    with pytest.raises(ValidationError):
        services.add_evidence(realization=draft, upload=pdf(), by=world.employee)
