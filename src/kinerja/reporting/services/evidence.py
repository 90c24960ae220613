"""Attaching evidence files to a draft realization (rule 21); nothing is ever overwritten."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author

from .. import evidence
from ..models import (
    Evidence,
    Realization,
    RealizationState,
)
from .periods import ensure_period_open


def add_evidence(
    *,
    realization: Realization,
    upload: Any,
    by: Actor,
    name: str | None = None,
    description: str = "",
    replaces: Evidence | None = None,
) -> Evidence:
    """Attach an evidence file to a draft realization; the type is checked by content, the size limited.

    The SHA-256 is stored. Nothing is ever overwritten: every upload gets a new
    name in storage, and `replaces` (a current file of the same realization)
    is marked superseded by the new one; both are kept.
    """
    ensure(by, "reporting.add_evidence", realization)
    ensure_period_open(realization.period)
    if realization.state != RealizationState.DRAFT:
        raise ValidationError(
            _("Data dukung hanya dapat ditambahkan selama realisasi berstatus konsep."), code="not_draft"
        )
    if replaces is not None and (replaces.realization_id != realization.pk or not replaces.is_current):
        raise ValidationError(
            _("Berkas yang diganti bukan data dukung terkini realisasi ini."), code="evidence_replaces"
        )
    original = (name or getattr(upload, "name", "") or "berkas").replace("\\", "/").rsplit("/", 1)[-1]
    stream = evidence.upload_stream(upload)
    checked = evidence.check_file(original, stream, getattr(upload, "size", None))
    with transaction.atomic():
        item = Evidence(
            realization=realization,
            original_name=original[:255],
            kind=checked.kind,
            size=checked.size,
            sha256=checked.sha256,
            description=description[:255],
            uploaded_by=author(by),
        )
        stream.seek(0)
        item.file.save(original, upload if hasattr(upload, "chunks") else File(stream, original), save=False)
        item.save()
        if replaces is not None:
            replaces.superseded_by = item
            replaces.superseded_at = timezone.now()
            replaces.save(update_fields=["superseded_by", "superseded_at"])
    return item
