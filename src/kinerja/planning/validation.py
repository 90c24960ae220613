"""The validation rules of strategy planning (domain.md §5), as pure functions over loaded objects.

Each check returns `Finding`s. A *block* finding refuses the change: the
services raise a `ValidationError` carrying the findings (a save checks the
rules about the object it saves; a submission checks the whole map). A *warn*
finding is saved and listed in the map's health panel. No check touches the
database: `validate_map` takes a `MapData` (see `selectors.load_map_data`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import scoring_bridge
from .models import Kpi, Objective, ObjectiveLink, PeriodTarget, Perspective, StrategyMap

if TYPE_CHECKING:
    from django.db.models import Field

    from .selectors import MapData, TrajectoryPoint  # selectors build MapData with this module's checks

BLOCK = "block"
WARN = "warn"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Finding:
    """One finding: the §5 rule number, block or warn, an Indonesian message, what it is about, where to fix it."""

    rule: int
    severity: str
    message: str
    object: Any = field(compare=False, default=None)
    fix_url: str | None = field(compare=False, default=None)
    code: str = ""

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCK

    @property
    def see_url(self) -> str | None:
        """Where a reader who may not change the map looks at what the finding is about: `fix_url`, unless that
        is a form (refused to whoever may not edit), then the page showing the same map, objective or KPI."""
        if not self.fix_url:
            return None
        try:
            match = resolve(self.fix_url.partition("#")[0])
        except Resolver404:
            return None
        shown = _READ_PAGE_OF_FORM.get(match.view_name)
        if shown is None:
            return self.fix_url
        name, anchor = shown
        return reverse(name, args=[match.kwargs["pk"]]) + anchor

    def __str__(self) -> str:
        return self.message


class FindingsError(ValidationError):
    """A `ValidationError` raised for block findings; `findings` keeps them for the page."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        super().__init__([ValidationError(f.message, code=f.code or f"rule_{f.rule}") for f in self.findings])


def raise_blocking(findings: Iterable[Finding]) -> None:
    blocking = [f for f in findings if f.blocks]
    if blocking:
        raise FindingsError(blocking)


# --------------------------------------------------------------------------- fix links

# a fix link's form → the page showing the same object (the form's `pk`) to a reader who may not edit
_READ_PAGE_OF_FORM: dict[str, tuple[str, str]] = {
    "strategy:map-edit": ("strategy:map", ""),
    "strategy:perspectives": ("strategy:map", ""),
    "strategy:objective-add": ("strategy:map", "#ss"),
    "strategy:link-add": ("strategy:map", "#hubungan"),
    "strategy:objective-edit": ("strategy:objective", ""),
    "kpis:kpi-add": ("strategy:objective", ""),
    "kpis:kpi-edit": ("kpis:kpi", ""),
}


def _url(name: str, pk: int | None, anchor: str = "") -> str | None:
    if pk is None:
        return None
    return reverse(name, args=[pk]) + anchor


def _map_url(strategy_map: StrategyMap) -> str | None:
    return _url("strategy:map-edit", strategy_map.pk)


def _objective_url(objective: Objective) -> str | None:
    return _url("strategy:objective-edit", objective.pk)


def _kpi_url(kpi: Kpi) -> str | None:
    return _url("kpis:kpi-edit", kpi.pk)


# --------------------------------------------------------------------------- rule 1


def check_map_owner(strategy_map: StrategyMap) -> list[Finding]:
    """Rule 1 (block): only map owners have a strategy map and SS."""
    unit = strategy_map.unit
    if unit.owns_map:
        return []
    return [
        Finding(
            1,
            BLOCK,
            _("Unit %(unit)s bukan unit pemilik peta strategi; hanya pemilik peta yang memiliki peta dan SS.")
            % {"unit": unit.code},
            strategy_map,
            None,
            "not_map_owner",
        )
    ]


# --------------------------------------------------------------------------- rule 2


def check_objective_perspective(objective: Objective) -> list[Finding]:
    """Rule 2 (block): an SS sits in one perspective of its own map."""
    perspective = objective.perspective
    if perspective is not None and perspective.map_id == objective.map_id:
        return []
    return [
        Finding(
            2,
            BLOCK,
            _("SS %(code)s harus berada pada satu perspektif peta yang sama.") % {"code": objective.code},
            objective,
            _objective_url(objective),
            "objective_perspective",
        )
    ]


# --------------------------------------------------------------------------- rule 3

# An SS states the condition to reach ("Penerimaan negara yang optimal"), short and clear; the numbers belong
# to its KPIs and targets (the Ministry's guide: "Pernyataan SS tidak berupa paragraf atau kalimat").
SS_MAX_WORDS = 12
_QUANTITY_WORDS = frozenset(
    {
        "rp",
        "rupiah",
        "persen",
        "%",
        "triliun",
        "miliar",
        "milyar",
        "juta",
        "ribu",
        "sebesar",
        "sejumlah",
    }
)
_KPI_OPENINGS = ("jumlah ", "persentase ", "rasio ", "indeks ", "nilai ", "realisasi ", "tingkat capaian ")
_NUMBER = re.compile(r"(?<!\w)\d[\d.,]*(?!\w)")  # a number of its own, not the 1 of "S1"
_WORD = re.compile(r"[\w%]+", re.UNICODE)


def wording_problem(name: str) -> str | None:
    """Why an SS's wording reads as a sentence or a quantity (rule 3), in the user's language; None if it reads well."""
    text = " ".join(name.split())
    lowered = text.lower()
    words = _WORD.findall(lowered)
    if _NUMBER.search(text) or _QUANTITY_WORDS.intersection(words) or lowered.startswith(_KPI_OPENINGS):
        return _("berbunyi sebagai angka atau ukuran; angkanya milik IKU dan targetnya")
    if len(words) > SS_MAX_WORDS or re.search(r"[.;:!?](\s|$)", text) or text.count(",") > 1:
        return _("berbunyi sebagai kalimat; SS cukup satu frasa singkat tentang kondisi yang ingin dicapai")
    return None


def check_objective_wording(objective: Objective) -> list[Finding]:
    """Rule 3 (warn): the SS is worded as the condition to reach, not as a sentence or a quantity."""
    problem = wording_problem(objective.name_id)
    if problem is None:
        return []
    return [
        Finding(
            3,
            WARN,
            _("SS %(code)s %(problem)s, misalnya “Penerimaan negara yang optimal”.")
            % {"code": objective.code, "problem": problem},
            objective,
            _objective_url(objective),
            "objective_wording",
        )
    ]


def _weights_problem(weights: Sequence[Decimal | None]) -> str | None:
    """None when the weights are all blank or all set and total 100; else the problem's code."""
    given = [w for w in weights if w is not None]
    if not given:
        return None
    if len(given) != len(weights):
        return "weights_partial"
    if any(w < 0 for w in given):
        return "weight_invalid"
    if sum(given, Decimal(0)) != HUNDRED:
        return "weights_total"
    return None


def check_perspective_weights(perspectives: Sequence[Perspective]) -> list[Finding]:
    """Rule 2 (block): perspective weights, when set, are set for every perspective and total 100 %."""
    problem = _weights_problem([p.weight for p in perspectives])
    if problem is None:
        return []
    total = sum((p.weight or Decimal(0) for p in perspectives), Decimal(0))
    if problem == "weights_partial":
        message = _("Bobot perspektif harus diisi untuk keempat perspektif atau dikosongkan semuanya.")
    elif problem == "weight_invalid":
        message = _("Bobot perspektif tidak boleh negatif.")
    else:
        message = _("Jumlah bobot perspektif %(total)s%%, harus 100%%.") % {"total": _fmt(total)}
    first = perspectives[0] if perspectives else None
    return [
        Finding(
            2, BLOCK, message, first, _url("strategy:perspectives", first.map_id if first else None), problem
        )
    ]


def check_objective_weights(data: MapData) -> list[Finding]:
    """Objective weights in a perspective and KPI weights in an SS, when set, total 100 % (warn)."""
    findings: list[Finding] = []
    for perspective in data.perspectives:
        objectives = data.objectives_of(perspective)
        if _weights_problem([o.weight for o in objectives]):
            findings.append(
                Finding(
                    2,
                    WARN,
                    _("Bobot SS pada perspektif %(name)s diisi sebagian atau tidak berjumlah 100%%.")
                    % {"name": perspective.name},
                    perspective,
                    _objective_url(objectives[0]),
                    "objective_weights",
                )
            )
    for objective in data.objectives:
        kpis = data.kpis_of(objective)
        if _weights_problem([k.weight for k in kpis]):
            findings.append(
                Finding(
                    2,
                    WARN,
                    _("Bobot IKU pada SS %(code)s diisi sebagian atau tidak berjumlah 100%%.")
                    % {"code": objective.code},
                    objective,
                    _kpi_url(kpis[0]),
                    "kpi_weights",
                )
            )
    return findings


# --------------------------------------------------------------------------- rule 4


def check_link(link: ObjectiveLink) -> list[Finding]:
    """Rule 4 (block): a cause-effect link joins two different SS of one map."""
    cause, effect = link.cause, link.effect
    if cause.map_id == link.map_id and effect.map_id == link.map_id and cause.pk != effect.pk:
        return []
    return [
        Finding(
            4,
            BLOCK,
            _("Hubungan %(cause)s → %(effect)s harus menghubungkan dua SS berbeda pada peta yang sama.")
            % {"cause": cause.code, "effect": effect.code},
            link,
            _url("strategy:map", link.map_id, "#hubungan"),
            "link_other_map",
        )
    ]


def _cycles(objectives: Sequence[Objective], links: Sequence[ObjectiveLink]) -> list[list[Objective]]:
    """Strongly connected components with more than one SS (Tarjan), each in code order."""
    graph: dict[int, list[int]] = defaultdict(list)
    for link in links:
        graph[link.cause_id].append(link.effect_id)
    by_id = {o.pk: o for o in objectives}
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[list[Objective]] = []
    counter = 0

    for root in by_id:
        if root in index:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = graph.get(node, [])
            if i < len(successors):
                work.append((node, i + 1))
                nxt = successors[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted((by_id[m] for m in component if m in by_id), key=lambda o: o.code))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def check_links(data: MapData) -> list[Finding]:
    """Rule 4: block links leaving the map; warn on downward links, cycles and unlinked SS."""
    findings: list[Finding] = []
    for link in data.links:
        findings.extend(check_link(link))
        cause_order = link.cause.perspective.order
        effect_order = link.effect.perspective.order
        if cause_order < effect_order:
            findings.append(
                Finding(
                    4,
                    WARN,
                    _(
                        "Hubungan %(cause)s → %(effect)s mengarah ke bawah (dari perspektif yang lebih tinggi)."
                    )
                    % {"cause": link.cause.code, "effect": link.effect.code},
                    link,
                    _url("strategy:map", data.map.pk, "#hubungan"),
                    "link_downward",
                )
            )
    for cycle in _cycles(data.objectives, data.links):
        codes = ", ".join(o.code for o in cycle)
        findings.append(
            Finding(
                4,
                WARN,
                _("Hubungan sebab-akibat membentuk siklus: %(codes)s.") % {"codes": codes},
                cycle[0],
                _url("strategy:map", data.map.pk, "#hubungan"),
                "link_cycle",
            )
        )
    if len(data.objectives) > 1:
        linked = {link.cause_id for link in data.links} | {link.effect_id for link in data.links}
        for objective in data.objectives:
            if objective.pk not in linked:
                findings.append(
                    Finding(
                        4,
                        WARN,
                        _("SS %(code)s tidak memiliki hubungan sebab-akibat.") % {"code": objective.code},
                        objective,
                        _url("strategy:link-add", data.map.pk),
                        "objective_unlinked",
                    )
                )
    return findings


# --------------------------------------------------------------------------- rules 6–10

MANUAL_FIELDS = ("description", "formula", "unit_of_measure", "data_source", "measured_by")


def _manual_gaps(kpi: Kpi) -> list[str]:
    def label(name: str) -> str:
        return str(cast("Field[Any, Any]", Kpi._meta.get_field(name)).verbose_name)

    missing = [label(name) for name in MANUAL_FIELDS if not getattr(kpi, name)]
    if kpi.owner_position_id is None and not kpi.owner_text:
        missing.append(label("owner_position"))
    return missing


def _rules_of(data: MapData, rules: scoring_bridge.RuleSetRef) -> scoring_bridge.RuleSetRef:
    """The rule set the map's limits come from: `rules` when given, else the plan year's."""
    return data.map.plan_year.rule_set if rules is None else rules


def check_objective_kpis(data: MapData, rules: scoring_bridge.RuleSetRef = None) -> list[Finding]:
    """Rules 6 (block at submission), 7 and 8 (warn) per SS; rule 7's limit is a rule-set parameter."""
    limit = scoring_bridge.kpis_per_objective(_rules_of(data, rules))
    findings: list[Finding] = []
    for objective in data.objectives:
        kpis = data.kpis_of(objective)
        if not kpis:
            findings.append(
                Finding(
                    6,
                    BLOCK,
                    _("SS %(code)s belum memiliki IKU.") % {"code": objective.code},
                    objective,
                    _url("kpis:kpi-add", objective.pk),
                    "objective_without_kpi",
                )
            )
            continue
        if len(kpis) > limit:
            findings.append(
                Finding(
                    7,
                    WARN,
                    _("SS %(code)s diukur dengan %(count)d IKU (lebih dari %(limit)d).")
                    % {"code": objective.code, "count": len(kpis), "limit": limit},
                    objective,
                    _url("strategy:objective", objective.pk),
                    "too_many_kpis",
                )
            )
        if all(k.validity == "activity" for k in kpis):
            findings.append(
                Finding(
                    8,
                    WARN,
                    _("SS %(code)s hanya diukur dengan IKU activity.") % {"code": objective.code},
                    objective,
                    _url("strategy:objective", objective.pk),
                    "activity_only",
                )
            )
    return findings


def check_map_coverage(data: MapData) -> list[Finding]:
    """An empty map cannot be submitted (rule 6: nothing to measure); a perspective without SS warns (rule 2)."""
    if not data.objectives:
        return [
            Finding(
                6,
                BLOCK,
                _("Peta belum memiliki sasaran strategis (SS)."),
                data.map,
                _url("strategy:objective-add", data.map.pk),
                "map_without_objectives",
            )
        ]
    used = {objective.perspective_id for objective in data.objectives}
    return [
        Finding(
            2,
            WARN,
            _("Perspektif %(name)s belum memiliki SS; bobotnya tidak ikut dihitung dalam NKO.")
            % {"name": perspective.name},
            perspective,
            _url("strategy:objective-add", data.map.pk),
            "perspective_without_objective",
        )
        for perspective in data.perspectives
        if perspective.pk not in used
    ]


def check_kpi_manual(kpi: Kpi) -> list[Finding]:
    """Rule 6 (block at submission): every KPI has a complete manual."""
    missing = _manual_gaps(kpi)
    if not missing:
        return []
    return [
        Finding(
            6,
            BLOCK,
            _("Manual IKU %(code)s belum lengkap: %(fields)s.")
            % {"code": kpi.code, "fields": ", ".join(missing)},
            kpi,
            _kpi_url(kpi),
            "manual_incomplete",
        )
    ]


def check_kpi_pair(kpi: Kpi, rule_set_code: scoring_bridge.RuleSetRef) -> list[Finding]:
    """Rule 9 (warn): a validity/controllability pair on the rule set's avoid list."""
    if (kpi.validity, kpi.controllability) not in scoring_bridge.avoid_pairs(rule_set_code):
        return []
    return [
        Finding(
            9,
            WARN,
            _(
                "IKU %(code)s: pasangan jenis IKU %(validity)s dengan tingkat kendali %(control)s sebaiknya dihindari."
            )
            % {
                "code": kpi.code,
                "validity": kpi.get_validity_display(),
                "control": kpi.get_controllability_display(),
            },
            kpi,
            _kpi_url(kpi),
            "avoided_pair",
        )
    ]


def check_kpi_count(data: MapData, rules: scoring_bridge.RuleSetRef = None) -> list[Finding]:
    """Rule 10 (warn): more KPIs on a map than the map limit (30) or the owner's cap for its level (§2).

    Both limits are parameters of the rule set (`rules`, else the plan year's).
    """
    code = _rules_of(data, rules)
    findings: list[Finding] = []
    count = len(data.kpis)
    url = _url("strategy:map", data.map.pk, "#ss")
    limit = scoring_bridge.map_kpi_limit(code)
    if count > limit:
        findings.append(
            Finding(
                10,
                WARN,
                _("Peta ini memiliki %(count)d IKU (lebih dari %(limit)d).")
                % {"count": count, "limit": limit},
                data.map,
                url,
                "map_kpi_limit",
            )
        )
    cap = scoring_bridge.contract_kpi_cap(code, data.map.unit.level, owns_map=True)
    if cap is not None and count > cap:
        findings.append(
            Finding(
                10,
                WARN,
                _("Peta ini memiliki %(count)d IKU, melebihi batas %(cap)d IKU untuk level %(level)s.")
                % {"count": count, "cap": cap, "level": data.map.unit.get_level_display()},
                data.map,
                url,
                "level_kpi_cap",
            )
        )
    return findings


# --------------------------------------------------------------------------- rules 11–12


def check_kpi_target(kpi: Kpi, rule_set_code: scoring_bridge.RuleSetRef) -> list[Finding]:
    """Rule 11 (block): the polarity fits the target, as the scoring core judges it (scoring.md §1)."""
    error = scoring_bridge.target_error(
        polarity=kpi.polarity,
        target=kpi.target,
        target_low=kpi.target_low,
        target_high=kpi.target_high,
        worst=kpi.worst,
        cap_on_target=kpi.cap_on_target,
        rule_set_code=rule_set_code,
        kpi=kpi.code,
    )
    if error is None:
        return []
    messages = {
        "target_missing": _("IKU %(code)s belum memiliki target."),
        "max_zero_target": _(
            "IKU %(code)s berpolarisasi maksimal dengan target 0: indeks tidak dapat dihitung."
        ),
        "min_zero_target_no_worst": _(
            "IKU %(code)s berpolarisasi minimal dengan target 0: isi nilai terburuk yang dapat ditoleransi."
        ),
        "worst_not_positive": _("IKU %(code)s: nilai terburuk yang dapat ditoleransi harus positif."),
        "band_inverted": _("IKU %(code)s: batas bawah target lebih besar daripada batas atas."),
        "band_not_positive": _("IKU %(code)s: batas rentang target harus positif."),
        "stabilize_target_not_positive": _("IKU %(code)s berpolarisasi stabil: target harus positif."),
    }
    template = messages.get(error.code, _("IKU %(code)s: target tidak sesuai polarisasi (%(detail)s)."))
    return [
        Finding(
            11,
            BLOCK,
            template % {"code": kpi.code, "detail": error.message},
            kpi,
            _kpi_url(kpi),
            f"target_{error.code}",
        )
    ]


def _fmt(value: Decimal) -> str:
    text = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _same(a: Decimal, b: Decimal) -> bool:
    return a.quantize(CENT, rounding=ROUND_HALF_UP) == b.quantize(CENT, rounding=ROUND_HALF_UP)


def check_trajectory(kpi: Kpi, trajectory: Sequence[PeriodTarget | TrajectoryPoint]) -> list[Finding]:
    """Rule 12 (block): a target for every reporting period; consolidated by the KPI's type, it reaches the year's.

    `sum`: the period targets add up to the yearly target; `average`: their mean
    is it; `last`: the last period's is it. A stabilize band is reached when
    the consolidated trajectory lies inside it.
    """
    count = kpi.period_count
    periods = sorted(t.period for t in trajectory)
    url = _kpi_url(kpi)
    if periods != list(range(1, count + 1)):
        return [
            Finding(
                12,
                BLOCK,
                _(
                    "IKU %(code)s: trajectory harus berisi target untuk setiap periode pelaporan (%(count)d periode)."
                )
                % {"code": kpi.code, "count": count},
                kpi,
                url,
                "trajectory_incomplete",
            )
        ]
    values = [t.target for t in sorted(trajectory, key=lambda t: t.period)]
    reached = scoring_bridge.consolidated_target(values, kpi.consolidation, kpi=kpi.code)
    if reached is None:
        return []
    if kpi.target is not None:
        ok = _same(reached, kpi.target)
        goal = _fmt(kpi.target)
    elif kpi.target_low is not None and kpi.target_high is not None:
        ok = kpi.target_low <= reached <= kpi.target_high
        goal = f"{_fmt(kpi.target_low)}–{_fmt(kpi.target_high)}"
    else:
        return []
    if ok:
        return []
    return [
        Finding(
            12,
            BLOCK,
            _(
                "IKU %(code)s: trajectory dikonsolidasikan (%(how)s) menjadi %(reached)s, "
                "tidak mencapai target tahunan %(target)s."
            )
            % {
                "code": kpi.code,
                "how": kpi.get_consolidation_display(),
                "reached": _fmt(reached),
                "target": goal,
            },
            kpi,
            url,
            "trajectory_target",
        )
    ]


def check_kpi(
    kpi: Kpi, trajectory: Sequence[PeriodTarget | TrajectoryPoint], rule_set_code: scoring_bridge.RuleSetRef
) -> list[Finding]:
    """Every per-KPI rule: the save-time blocks (11, 12) and the warnings about the KPI itself (9)."""
    findings = check_kpi_target(kpi, rule_set_code)
    findings += check_trajectory(kpi, trajectory)
    findings += check_kpi_pair(kpi, rule_set_code)
    return findings


# --------------------------------------------------------------------------- the whole map


def validate_map(data: MapData, rules: scoring_bridge.RuleSetRef = None) -> list[Finding]:
    """Every finding on a map, blocks first, then by rule; under `rules`, else the plan year's rule set."""
    rule_set_code = _rules_of(data, rules)
    findings = check_map_owner(data.map)
    findings += check_perspective_weights(data.perspectives)
    for objective in data.objectives:
        findings += check_objective_perspective(objective)
        findings += check_objective_wording(objective)
    findings += check_objective_weights(data)
    findings += check_links(data)
    findings += check_map_coverage(data)
    findings += check_objective_kpis(data, rule_set_code)
    for kpi in data.kpis:
        findings += check_kpi_manual(kpi)
        findings += check_kpi(kpi, data.trajectory(kpi), rule_set_code)
    findings += check_kpi_count(data, rule_set_code)
    findings.sort(key=lambda f: (f.severity != BLOCK, f.rule))
    return findings
