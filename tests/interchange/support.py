"""Helpers of the interchange tests (plain functions, so the tests also run with `--noconftest`)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
EXAMPLE_SCORECARD = SHARED / "data" / "example-scorecard.csv"
EXAMPLE_NKP = SHARED / "data" / "example-nkp"


def example_scorecard() -> Path:
    """The shared example scorecard (NKO 101.25), or a skip when ../shared is absent."""
    if not EXAMPLE_SCORECARD.is_file():
        pytest.skip(f"the shared example data is absent: {EXAMPLE_SCORECARD} not found beside the repository")
    return EXAMPLE_SCORECARD


def example_nkp() -> Path:
    """The shared example employee folder (NKP 104.54 under kmk-127-2026), or a skip when absent."""
    if not (EXAMPLE_NKP / "pegawai.csv").is_file():
        pytest.skip(f"the shared example data is absent: {EXAMPLE_NKP} not found beside the repository")
    return EXAMPLE_NKP


def write_csv(folder: Path, text: str, name: str = "table.csv") -> Path:
    """A CSV file holding `text`, each line stripped of the indentation of the test source."""
    path = folder / name
    lines = [line.strip() for line in text.strip().splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
