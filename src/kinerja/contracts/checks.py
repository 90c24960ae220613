"""What is right and wrong with one contract (rules 6, 9, 10, 13, 17, 18) and its KPIs' K3 factors (`scoring.md` §7.2).

`findings(contract)` lists block and warn findings for the contract page and for proposal (blocks refuse it);
`k3_rows(contract)` gives, per KPI, the factor it would get now and the targets that would earn each factor,
computed by the scoring core (`kinerja.scoring.q_kpi` / `q_target`): no K3 table is copied here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.common.templatetags.kinerja_numbers import shown
from kinerja.planning import scoring_bridge, validation
from kinerja.planning.models import Kpi, PeriodTarget
from kinerja.planning.validation import BLOCK, WARN, Finding
from kinerja.scoring import (
    Controllability,
    KpiKind,
    Polarity,
    RuleSet,
    ScoringError,
    Validity,
    q_kpi,
    q_target,
)

from .models import Contract, ContractKind, ContractKpi, ContractState
from .services import holder_map, working_days_between

_TWO = Decimal(2)


_HUNDRED = Decimal(100)


def _url(contract: Contract, anchor: str = "") -> str:
    return reverse("contracts:detail", args=[contract.pk]) + anchor


def _entries(contract: Contract) -> list[ContractKpi]:
    cached = getattr(contract, "_entries", None)
    if cached is None:
        cached = list(contract.kpis.select_related("kpi", "kpi__objective").order_by("order", "pk"))
        contract._entries = cached  # type: ignore[attr-defined]
    return cached


def findings(contract: Contract, *, today: dt.date | None = None) -> list[Finding]:
    """Every finding of the contract, blocks first."""
    entries = _entries(contract)
    out: list[Finding] = []
    out += _rule_18(contract, entries)
    out += _rule_13(contract, entries)
    out += _rule_6(contract, entries)
    out += _rules_11_12(contract, entries)
    out += _k3_not_allowed(contract, entries)
    out += _rule_10(contract, entries)
    out += _rule_9(contract, entries)
    out += _rule_17(contract, today or dt.date.today())
    out.sort(key=lambda f: (f.severity != BLOCK, f.rule))
    return out


def blocking_findings(contract: Contract) -> list[Finding]:
    return [f for f in findings(contract) if f.blocks]


def blocking_findings_many(contracts: Sequence[Contract]) -> dict[int, list[Finding]]:
    """`blocking_findings` of many contracts at once, in a fixed number of queries whatever their number (the
    bulk proposal, `services.bulk_step`): their KPIs, the KPIs of the maps their holders own and the
    trajectories of their own KPIs are read once, then every contract is checked by the same rules as one.

    The contracts need `position`, `unit` and `plan_year` loaded (`select_related`)."""
    if not contracts:
        return {}
    by_contract: dict[int, list[ContractKpi]] = {c.pk: [] for c in contracts}
    for entry in (
        ContractKpi.objects.filter(contract_id__in=list(by_contract))
        .select_related("kpi", "kpi__objective")
        .order_by("contract_id", "order", "pk")
    ):
        by_contract[entry.contract_id].append(entry)
    owners = {(c.unit_id, c.plan_year_id) for c in contracts if c.position.is_head and c.unit.owns_map}
    map_kpis: dict[tuple[int, int], dict[int, str]] = {}
    if owners:
        for pk, code, unit_id, year_id in Kpi.objects.filter(
            objective__map__unit_id__in={u for u, _y in owners},
            objective__map__plan_year_id__in={y for _u, y in owners},
        ).values_list("pk", "code", "objective__map__unit_id", "objective__map__plan_year_id"):
            map_kpis.setdefault((unit_id, year_id), {})[pk] = code
    own = [e.kpi_id for entries in by_contract.values() for e in entries if e.kpi.holder_id is not None]
    trajectories: dict[int, list[PeriodTarget]] = {}
    for chunk in range(0, len(own), 5000):
        for target in PeriodTarget.objects.filter(kpi_id__in=own[chunk : chunk + 5000]).order_by(
            "kpi_id", "period"
        ):
            trajectories.setdefault(target.kpi_id, []).append(target)
    found: dict[int, list[Finding]] = {}
    for contract in contracts:
        entries = by_contract[contract.pk]
        contract._entries = entries  # type: ignore[attr-defined]
        held_map: dict[int, str] | None = None
        if contract.position.is_head and contract.unit.owns_map:
            held_map = map_kpis.get((contract.unit_id, contract.plan_year_id))
        out = _rule_18(contract, entries, map_kpis=held_map if held_map is not None else {})
        out += _rule_13(contract, entries)
        out += _rule_6(contract, entries)
        out += _rules_11_12(contract, entries, trajectories=trajectories)
        out += _k3_not_allowed(contract, entries)
        out.sort(key=lambda f: (f.severity != BLOCK, f.rule))  # as `findings` orders them
        found[contract.pk] = [f for f in out if f.blocks]
    return found


def _rule_18(
    contract: Contract, entries: Sequence[ContractKpi], *, map_kpis: dict[int, str] | None = None
) -> list[Finding]:
    """`map_kpis` ({KPI id: code} of the holder's map, empty when none), when read already."""
    out: list[Finding] = []
    if contract.superior_id is None and not contract.is_top:
        out.append(
            Finding(
                18,
                BLOCK,
                _("Kontrak belum memiliki atasan yang menyetujui (atasan langsung atau Plt./Plh.)."),
                contract,
                _url(contract),
                "no_superior",
            )
        )
    elif contract.superior_id == contract.employee_id:
        out.append(
            Finding(
                18,
                BLOCK,
                _("Pemegang kontrak tidak dapat menyetujui kontraknya sendiri."),
                contract,
                _url(contract),
                "self_superior",
            )
        )
    held = {e.kpi_id for e in entries}
    missing: list[str] = []
    if map_kpis is not None:
        missing = [code for pk, code in map_kpis.items() if pk not in held]
    else:
        strategy_map = holder_map(contract)
        if strategy_map is not None:
            missing = list(
                Kpi.objects.filter(objective__map=strategy_map)
                .exclude(pk__in=held)
                .values_list("code", flat=True)
            )
    if missing:
        out.append(
            Finding(
                18,
                BLOCK,
                _("Kontrak pemilik peta harus memuat seluruh IKU peta strategi; belum dimuat: %(codes)s.")
                % {"codes": ", ".join(sorted(missing))},
                contract,
                _url(contract, "#iku"),
                "owner_map_incomplete",
            )
        )
    if not entries:
        out.append(
            Finding(6, BLOCK, _("Kontrak belum memiliki IKU."), contract, _url(contract, "#iku"), "no_kpis")
        )
    return out


def _rule_13(contract: Contract, entries: Sequence[ContractKpi]) -> list[Finding]:
    weights = [e.weight for e in entries]
    if not entries or all(w is None for w in weights):
        return (
            []
            if not entries
            else [
                Finding(
                    13,
                    BLOCK,
                    _("Bobot IKU kontrak belum diisi; jumlahnya harus 100%."),
                    contract,
                    _url(contract, "#iku"),
                    "weights_missing",
                )
            ]
        )
    if any(w is None for w in weights):
        return [
            Finding(
                13,
                BLOCK,
                _("Sebagian IKU kontrak belum diberi bobot; jumlah bobot harus 100%."),
                contract,
                _url(contract, "#iku"),
                "weights_partial",
            )
        ]
    total = sum((w for w in weights if w is not None), Decimal(0))
    if total != _HUNDRED:
        return [
            Finding(
                13,
                BLOCK,
                _("Jumlah bobot IKU kontrak %(total)s%%, harus 100%%.") % {"total": shown(total)},
                contract,
                _url(contract, "#iku"),
                "weights_not_100",
            )
        ]
    return []


def _rule_6(contract: Contract, entries: Sequence[ContractKpi]) -> list[Finding]:
    out: list[Finding] = []
    for entry in entries:
        out += [
            Finding(6, BLOCK, f.message, entry, _url(contract, f"#kpi-{entry.pk}"), f.code)
            for f in validation.check_kpi_manual(entry.kpi)
        ]
    return out


def _rules_11_12(
    contract: Contract,
    entries: Sequence[ContractKpi],
    *,
    trajectories: dict[int, list[PeriodTarget]] | None = None,
) -> list[Finding]:
    """Rules 11 and 12 (block) for the contract's own KPIs, however they came in (a page, the API, a workbook
    import, a new year's carry-over): the polarity fits the target and the trajectory reaches it."""
    own = [e for e in entries if e.kpi.holder_id is not None]
    if not own:
        return []
    if trajectories is None:
        trajectories = {}
        for target in PeriodTarget.objects.filter(kpi__in=[e.kpi_id for e in own]).order_by(
            "kpi_id", "period"
        ):
            trajectories.setdefault(target.kpi_id, []).append(target)
    out: list[Finding] = []
    for entry in own:
        checked = validation.check_kpi_target(entry.kpi, contract.plan_year.rule_set)
        checked += validation.check_trajectory(entry.kpi, trajectories.get(entry.kpi_id, []))
        out += [
            Finding(f.rule, f.severity, f.message, entry, _url(contract, f"#kpi-{entry.pk}"), f.code)
            for f in checked
        ]
    return out


def _rule_9(contract: Contract, entries: Sequence[ContractKpi]) -> list[Finding]:
    out: list[Finding] = []
    for entry in entries:
        out += [
            Finding(9, WARN, f.message, entry, _url(contract, f"#kpi-{entry.pk}"), f.code)
            for f in validation.check_kpi_pair(entry.kpi, contract.plan_year.rule_set)
        ]
    return out


def _rule_10(contract: Contract, entries: Sequence[ContractKpi]) -> list[Finding]:
    cap = scoring_bridge.contract_kpi_cap(
        contract.plan_year.rule_set, contract.unit.level, contract.unit.owns_map
    )
    if cap is None or len(entries) <= cap:
        return []
    return [
        Finding(
            10,
            WARN,
            _("Kontrak memuat %(count)d IKU, melebihi batas %(cap)d IKU untuk level %(level)s.")
            % {"count": len(entries), "cap": cap, "level": contract.unit.get_level_display()},
            contract,
            _url(contract, "#iku"),
            "contract_kpi_cap",
        )
    ]


def _rule_17(contract: Contract, today: dt.date) -> list[Finding]:
    out: list[Finding] = []
    if contract.kind == ContractKind.REPLACEMENT and contract.change_date is not None:
        limit = scoring_bridge.replacement_working_days(contract.plan_year.rule_set)
        made = contract.created_at.date() if contract.created_at else today
        late = working_days_between(contract.change_date, made)
        if late > limit:
            out.append(
                Finding(
                    17,
                    WARN,
                    _(
                        "Kontrak pengganti dibuat %(days)d hari kerja setelah perpindahan jabatan (batas %(limit)d hari "
                        "kerja)."
                    )
                    % {"days": late, "limit": limit},
                    contract,
                    _url(contract),
                    "replacement_late",
                )
            )
    if (
        contract.deadline is not None
        and today > contract.deadline
        and contract.state not in (ContractState.SIGNED, ContractState.ENDED)
    ):
        out.append(
            Finding(
                17,
                WARN,
                _("Kontrak belum ditandatangani melewati batas waktu %(date)s.")
                % {"date": contract.deadline.isoformat()},
                contract,
                _url(contract),
                "unsigned_after_deadline",
            )
        )
    return out


def _k3_not_allowed(contract: Contract, entries: Sequence[ContractKpi]) -> list[Finding]:
    """Under a rule set with K3 (kmk-127-2026), a validity/controllability pair with no Q_kpi blocks (§7.2)."""
    rules = scoring_bridge.rule_set(contract.plan_year.rule_set)
    if rules.nkp2026 is None:
        return []
    out: list[Finding] = []
    for entry in entries:
        try:
            q_kpi(
                Validity(entry.kpi.validity),
                Controllability(entry.kpi.controllability),
                rules=rules,
                kpi=entry.kpi.code,
            )
        except ScoringError:
            out.append(
                Finding(
                    9,
                    BLOCK,
                    _(
                        "IKU %(code)s: pasangan jenis IKU %(validity)s dengan tingkat kendali %(control)s tidak diatur "
                        "dalam tabel K3 dan tidak dapat dipakai dalam kontrak."
                    )
                    % {
                        "code": entry.kpi.code,
                        "validity": entry.kpi.get_validity_display(),
                        "control": entry.kpi.get_controllability_display(),
                    },
                    entry,
                    _url(contract, f"#kpi-{entry.pk}"),
                    "k3_pair_not_allowed",
                )
            )
    return out


# --------------------------------------------------------------------------- K3 while drafting


@dataclass
class TargetOption:
    """A range of this year's target and the factor it earns: "T > 94" → Q_target 1.20 → K3 1.175."""

    condition: str
    q_target: Decimal
    k3: Decimal | None


@dataclass
class K3Row:
    entry: ContractKpi
    q_kpi: Decimal | None = None
    q_target: Decimal | None = None
    k3: Decimal | None = None
    case: str = ""
    problem: str = ""
    options: list[TargetOption] = field(default_factory=list)


def k3_rows(contract: Contract) -> list[K3Row] | None:
    """Per KPI the K3 it would get now and the target ranges for each factor; None when the rule set has no K3."""
    rules = scoring_bridge.rule_set(contract.plan_year.rule_set)
    if rules.nkp2026 is None:
        return None
    return [k3_row(entry, rules) for entry in _entries(contract)]


def k3_row(entry: ContractKpi, rules: RuleSet) -> K3Row:
    kpi = entry.kpi
    row = K3Row(entry)
    polarity = Polarity(kpi.polarity)
    kind = KpiKind(entry.kind)
    try:
        row.q_kpi = q_kpi(
            Validity(kpi.validity), Controllability(kpi.controllability), rules=rules, kpi=kpi.code
        )
    except (ScoringError, ValueError) as exc:
        row.problem = str(exc)
    target = entry.target if entry.target is not None else kpi.target
    try:
        quality = q_target(
            polarity,
            target,
            entry.target_prev,
            entry.realization_prev,
            kind=kind,
            fixed_target=entry.fixed_target,
            rules=rules,
            kpi=kpi.code,
        )
        row.q_target, row.case = quality.value, str(quality.reason)
    except ScoringError as exc:
        row.problem = row.problem or _("Isi target dan realisasi tahun lalu, atau tandai IKU baru.")
        del exc
    if row.q_kpi is not None and row.q_target is not None:
        row.k3 = (row.q_kpi + row.q_target) / _TWO
    row.options = _options(entry, polarity, kind, row.q_kpi, rules)
    return row


def _options(
    entry: ContractKpi, polarity: Polarity, kind: KpiKind, qk: Decimal | None, rules: RuleSet
) -> list[TargetOption]:
    t1, r1 = entry.target_prev, entry.realization_prev
    if kind is KpiKind.NEW_WITH_HISTORY:
        t1 = r1
    if (
        entry.fixed_target
        or kind is KpiKind.NEW
        or polarity is Polarity.STABILIZE
        or t1 is None
        or r1 is None
    ):
        return []
    sign = Decimal(-1) if polarity is Polarity.MIN else Decimal(1)
    # representative targets, in "better" order for this polarity: below T1, T1, between, R1, beyond both
    step = max(abs(t1), abs(r1), Decimal(1)) / _HUNDRED
    points = [t1 - sign * step, t1]
    if (r1 - t1) * sign > 0:
        points += [(t1 + r1) / _TWO, r1]
    better = max(t1 * sign, r1 * sign) * sign
    points.append(better + sign * step)
    # the values where Q_target changes: T1, and R1 only when it lies beyond T1 (else every T > T1 is above R1)
    marks = sorted({t1, r1} if (r1 - t1) * sign > 0 else {t1})
    seen: set[str] = set()
    out: list[TargetOption] = []
    for value in points:
        condition = _condition(value, marks)
        if condition in seen:
            continue
        seen.add(condition)
        quality = q_target(polarity, value, t1, r1, kind=kind, rules=rules)
        k3 = (qk + quality.value) / _TWO if qk is not None else None
        out.append(TargetOption(condition, quality.value, k3))
    return out


def _condition(value: Decimal, marks: Sequence[Decimal]) -> str:
    """The range `value` stands for, written with the marks' numbers: "T < 90", "90 < T < 94", "T = 94"."""
    if value in marks:
        return f"T = {shown(value)}"
    lo, hi = marks[0], marks[-1]
    if value < lo:
        return f"T < {shown(lo)}"
    if value > hi:
        return f"T > {shown(hi)}"
    return f"{shown(lo)} < T < {shown(hi)}"
