"""Words the scoring core returns in the regulations' Indonesian, in the user's language at display time.

The scoring core (no Django) names a predicate as the decree writes it ("Sangat Baik", "Cukup") and
stores it so in every snapshot. Pages, exports and the rules page show it through this one mapping
(`predicate_label`, the `predicate` filter of `{% load kinerja_labels %}`): Indonesian msgids, English in
the catalogue. A word not in the mapping is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

# Predicate and band labels as the regulations write them (Indonesian), keyed in lower case.
PREDICATES: Mapping[str, Promise] = {
    "sangat baik": gettext_lazy("Sangat Baik"),
    "baik": gettext_lazy("Baik"),
    "cukup": gettext_lazy("Cukup"),
    "sedang": gettext_lazy("Sedang"),
    "kurang": gettext_lazy("Kurang"),
    "sangat kurang": gettext_lazy("Sangat Kurang"),
    "buruk": gettext_lazy("Buruk"),
    "butuh perbaikan": gettext_lazy("Butuh Perbaikan"),
    "istimewa": gettext_lazy("Istimewa"),  # an organisation rating (PermenPANRB 6/2022, rule 26)
}


def predicate_label(text: Any) -> str:
    """A predicate ("Cukup") in the active language ("Adequate"); "" for none, unknown words unchanged."""
    if text is None:
        return ""
    text = str(text)
    found = PREDICATES.get(text.strip().lower())
    return str(found) if found is not None else text
