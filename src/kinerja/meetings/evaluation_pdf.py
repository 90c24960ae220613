"""The evaluation report as A4 PDF (WeasyPrint, as `contracts/document.py`): per unit — the criteria scores by
aspect, the total out of 100, the readiness total and band, the SFO average, findings and recommendations —
and the round's overview page ranking the units by score. Text in the active language; nothing is fetched
(only data URLs are allowed, and none is used)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kinerja.accounts.scope import Viewer
from kinerja.contracts.document import css_string, page_counter_css

from . import evaluation as ev
from .evaluation_models import EvaluationRound, EvaluationState, UnitEvaluation


def _page(title: str, right: str, now: dt.datetime, state: str) -> dict[str, str]:
    return {
        "page_counter": page_counter_css(),
        "header_left": css_string(title),
        "header_right": css_string(right),
        "footer_left": css_string(
            _("Dibuat %(when)s · %(state)s") % {"when": formats.date_format(now, "j F Y H:i"), "state": state}
        ),
    }


def unit_context(evaluation: UnitEvaluation, *, now: dt.datetime | None = None) -> dict[str, Any]:
    now = timezone.localtime(now or timezone.now())
    round_ = evaluation.round
    view = ev.evaluation_view(evaluation)
    title = _("Laporan Evaluasi Pengelolaan Kinerja %(year)s") % {"year": round_.year}
    return {
        "lang": get_language() or "id",
        "title": title,
        "round": round_,
        "evaluation": evaluation,
        "view": view,
        "draft": evaluation.state != EvaluationState.REVIEWED,
        **_page(
            f"{title} · {evaluation.unit.name}",
            evaluation.unit.code,
            now,
            str(evaluation.get_state_display()),
        ),
    }


def round_context(
    round_: EvaluationRound, *, user: Viewer | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    now = timezone.localtime(now or timezone.now())
    title = _("Ikhtisar Evaluasi Pengelolaan Kinerja %(year)s") % {"year": round_.year}
    return {
        "lang": get_language() or "id",
        "title": title,
        "round": round_,
        "rows": ev.ranking(round_, user),
        **_page(f"{title} · {round_.unit.name}", round_.unit.code, now, str(round_.get_state_display())),
    }


def _pdf(html: str) -> bytes:
    # Imported when a document is asked for: WeasyPrint loads pango; a server without it still runs the rest.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_unit_html(evaluation: UnitEvaluation, *, now: dt.datetime | None = None) -> str:
    return render_to_string("meetings/evaluation/pdf/unit.html", unit_context(evaluation, now=now))


def render_unit_pdf(evaluation: UnitEvaluation, *, now: dt.datetime | None = None) -> bytes:
    return _pdf(render_unit_html(evaluation, now=now))


def render_round_html(
    round_: EvaluationRound, *, user: Viewer | None = None, now: dt.datetime | None = None
) -> str:
    return render_to_string("meetings/evaluation/pdf/round.html", round_context(round_, user=user, now=now))


def render_round_pdf(
    round_: EvaluationRound, *, user: Viewer | None = None, now: dt.datetime | None = None
) -> bytes:
    return _pdf(render_round_html(round_, user=user, now=now))
