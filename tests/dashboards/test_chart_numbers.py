"""The dashboard's charts write numbers by the pages' rule: `dashboard.js` agrees with `format_decimal`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from kinerja.interchange.numbers import format_decimal

SCRIPT = Path(__file__).parents[2] / "src/kinerja/dashboards/static/dashboards/dashboard.js"
VALUES = ["0", "0.5", "92.5", "100", "105.25", "999.99", "1234.5", "1234567.5", "-12.34", "-0.001"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_chart_script_formats_like_the_pages(lang):
    source = SCRIPT.read_text()
    marks = re.search(r"  var MARKS = .*?;\n", source)
    function = re.search(r"  function formatNumber\(.*?\n  }\n", source, re.DOTALL)
    assert marks and function, "dashboard.js no longer has MARKS and formatNumber"
    program = (
        f"var LANG = {json.dumps(lang)};\n{marks.group(0)}{function.group(0)}"
        f"var values = {json.dumps([float(v) for v in VALUES])};\n"
        "console.log(JSON.stringify(values.map(function (v) {"
        " return [formatNumber(v, 2, false), formatNumber(v, 2, true)]; })));"
    )
    out = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True).stdout
    expected = [
        [
            format_decimal(Decimal(v), decimals=2, lang=lang, trim=False),
            format_decimal(Decimal(v), decimals=2, lang=lang, trim=True),
        ]
        for v in VALUES
    ]
    assert json.loads(out) == expected
