"""Behaviour and adjustments under `kmk-127-2026` (`scoring.md` §7.3): the BerAKHLAK core values, disciplinary
sentences and the leader's correction — their writes (services) and reads (selectors).

Every bound comes from the plan year's rule set (`Nkp2026Rules`: `core_value_max`, `correction_limit`,
`discipline_rates`, `discipline_quarters`); "in force" is the scoring core's `sentence_in_force`. A plan
year whose rule set has no `nkp2026` group (`kmk-467-2014`) has no BerAKHLAK scores, sentences or
corrections: its behaviour is the 360° campaign (`campaigns.py`).

Periods: BerAKHLAK is scored per reporting period of the plan year. Neither the rule set nor the plan year
names the period length yet, so the quarterly periods are used (`BEHAVIOUR_FREQUENCY`); a semester or
yearly choice would be a rule-set (or plan-year) parameter read in `behaviour_frequency`.

Peers: a unit's performance manager can switch peers on for the unit's subtree (`BehaviourSetting`, the
nearest setting at or above a unit applies); colleagues under the same direct superior then score each
other (`RaterGroup.PEER`) beside the superior. The period's value of a core value is the mean of the
superior's and the peers' mean (each group one voice; `inputs._core_values`) — a Kinerja choice, the
decree does not say how peers count. The person rated never sees which colleague gave a peer score.

Services take keyword-only arguments and `by: Actor`, check `ensure(by, perm, obj)`, write in one
transaction and stamp history with `recorded(obj, by)`; they refuse a broken rule with a coded
`ValidationError` (per field where a form has the field).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author, recorded
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import Frequency, PlanYear
from kinerja.reporting.models import PeriodState, ReportingPeriod
from kinerja.reporting.services import ensure_period_open
from kinerja.scoring import DisciplineCategory, RuleSet, Sentence, display, get_rule_set, sentence_in_force
from kinerja.scoring.rules import Nkp2026Rules

from .inputs import ancestor_paths
from .models import (
    CORE_VALUE_FIELDS,
    BehaviourScore,
    BehaviourSetting,
    Correction,
    DisciplinarySentence,
    RaterGroup,
)

__all__ = [
    "BEHAVIOUR_FREQUENCY",
    "CORE_VALUES",
    "BehaviourRow",
    "CoreValue",
    "SentenceRow",
    "TeamRow",
    "add_sentence",
    "behaviour_frequency",
    "behaviour_periods",
    "behaviour_rules",
    "behaviour_scores_of",
    "check_behaviour_values",
    "correction_of",
    "default_period",
    "delete_sentence",
    "ensure_berakhlak",
    "peer_rows",
    "peers_on",
    "peers_setting",
    "quarter_label",
    "save_behaviour_score",
    "save_behaviour_scores",
    "score_changes_of",
    "sentence_end",
    "sentence_in_force_at",
    "sentence_rows",
    "sentences_in",
    "sentences_of",
    "set_correction",
    "set_peers",
    "team_of",
    "team_rows",
]

BEHAVIOUR_FREQUENCY = Frequency.QUARTERLY
"""The periods BerAKHLAK is scored in: the plan year's quarters (no rule set names another length yet)."""


@dataclass(frozen=True)
class CoreValue:
    """One BerAKHLAK core value: the model field, its name and what it means (shown beside the input)."""

    field: str
    name: Any
    meaning: Any


CORE_VALUES: tuple[CoreValue, ...] = (
    CoreValue(
        "service",
        gettext_lazy("Berorientasi pelayanan"),
        gettext_lazy(
            "Memahami dan memenuhi kebutuhan masyarakat; ramah, cekatan, solutif dan dapat diandalkan; "
            "terus memperbaiki layanan."
        ),
    ),
    CoreValue(
        "accountable",
        gettext_lazy("Akuntabel"),
        gettext_lazy(
            "Jujur, bertanggung jawab, cermat, disiplin dan berintegritas; memakai milik negara secara "
            "efektif dan efisien; tidak menyalahgunakan kewenangan."
        ),
    ),
    CoreValue(
        "competent",
        gettext_lazy("Kompeten"),
        gettext_lazy(
            "Terus meningkatkan kompetensi; membantu orang lain belajar; melaksanakan tugas dengan "
            "kualitas terbaik."
        ),
    ),
    CoreValue(
        "harmonious",
        gettext_lazy("Harmonis"),
        gettext_lazy(
            "Menghargai setiap orang apa pun latar belakangnya; suka menolong; membangun lingkungan kerja "
            "yang kondusif."
        ),
    ),
    CoreValue(
        "loyal",
        gettext_lazy("Loyal"),
        gettext_lazy(
            "Setia kepada Pancasila, UUD 1945, NKRI dan pemerintahan yang sah; menjaga nama baik ASN, "
            "pimpinan, instansi dan negara; menjaga rahasia jabatan."
        ),
    ),
    CoreValue(
        "adaptive",
        gettext_lazy("Adaptif"),
        gettext_lazy(
            "Cepat menyesuaikan diri dengan perubahan; terus berinovasi dan kreatif; bertindak proaktif."
        ),
    ),
    CoreValue(
        "collaborative",
        gettext_lazy("Kolaboratif"),
        gettext_lazy(
            "Memberi kesempatan berbagai pihak berkontribusi; terbuka bekerja sama untuk nilai tambah; "
            "menggerakkan sumber daya untuk tujuan bersama."
        ),
    ),
)
assert tuple(v.field for v in CORE_VALUES) == CORE_VALUE_FIELDS

_ZERO = Decimal(0)


# ---------------------------------------------------------------- the rule set of a plan year


def rule_set_of(plan_year: PlanYear) -> RuleSet:
    return get_rule_set(plan_year.rule_set)


def behaviour_rules(plan_year: PlanYear) -> Nkp2026Rules | None:
    """The plan year's §7.3 parameters (BerAKHLAK, discipline, correction), or None when its rule set has none."""
    return rule_set_of(plan_year).nkp2026


def ensure_berakhlak(plan_year: PlanYear, field: str | None = None) -> Nkp2026Rules:
    """The plan year's §7.3 parameters; a coded ValidationError when its rule set has no BerAKHLAK (kmk-467-2014)."""
    params = behaviour_rules(plan_year)
    if params is None:
        message = _(
            "Tahun %(year)s memakai aturan penilaian %(code)s: perilaku dinilai dengan penilaian 360°, "
            "bukan nilai BerAKHLAK; hukuman disiplin dan koreksi pimpinan tidak diperhitungkan."
        ) % {"year": plan_year.year, "code": plan_year.rule_set}
        raise ValidationError({field: message} if field else message, code="no_berakhlak")
    return params


def behaviour_frequency(plan_year: PlanYear) -> str:
    """The frequency of the periods BerAKHLAK is scored in for a plan year (quarterly: see the module notes)."""
    return BEHAVIOUR_FREQUENCY


# ---------------------------------------------------------------- BerAKHLAK scores: reads


def behaviour_periods(plan_year: PlanYear) -> QuerySet[ReportingPeriod]:
    """The reporting periods of the plan year BerAKHLAK is scored in, in order."""
    return ReportingPeriod.objects.filter(
        plan_year=plan_year, frequency=behaviour_frequency(plan_year)
    ).order_by("start", "number")


def default_period(
    periods: Iterable[ReportingPeriod], today: dt.date | None = None
) -> ReportingPeriod | None:
    """The period a superior most likely scores now: the latest open one that has started, else the first
    open one, else the last."""
    today = today or dt.date.today()
    listed = list(periods)
    open_ = [p for p in listed if p.state == PeriodState.OPEN]
    started = [p for p in open_ if p.start <= today]
    if started:
        return started[-1]
    if open_:
        return open_[0]
    return listed[-1] if listed else None


def team_of(rater: Employee) -> QuerySet[Employee]:
    """The rater's direct subordinates who are active, by name: whom they score."""
    return (
        Employee.objects.filter(superior=rater, is_active=True)
        .select_related("unit", "position")
        .order_by("name", "nip")
    )


@dataclass
class TeamRow:
    employee: Employee
    score: BehaviourScore | None
    group: str = RaterGroup.SUPERIOR


def peers_setting(unit: Unit) -> BehaviourSetting | None:
    """The setting that applies to the unit: its own, else the nearest above it (one query)."""
    found = BehaviourSetting.objects.filter(unit__path__in=ancestor_paths(unit)).select_related("unit")
    return max(found, key=lambda s: len(s.unit.path), default=None)


def peers_on(unit: Unit) -> bool:
    """Whether colleagues score each other's BerAKHLAK in the unit (the nearest setting at or above it)."""
    setting = peers_setting(unit)
    return setting is not None and setting.peers


@transaction.atomic
def set_peers(*, unit: Unit, peers: bool, by: Actor) -> BehaviourSetting:
    """Switch peers' BerAKHLAK scores on or off for the unit's subtree (the unit's performance manager)."""
    ensure(by, "appraisals.change_behavioursetting", unit)
    setting = BehaviourSetting.objects.select_for_update().filter(unit=unit).first() or BehaviourSetting(
        unit=unit
    )
    setting.peers = peers
    setting.by = author(by)
    recorded(setting, by).save()
    return setting


def peer_rows(rater: Employee, period: ReportingPeriod) -> list[TeamRow]:
    """The rater's colleagues (active, the same direct superior) with the peer score already given, when the
    rater's unit has peers switched on; else nothing (three queries)."""
    if rater.superior_id is None or not peers_on(rater.unit):
        return []
    colleagues = list(
        Employee.objects.filter(superior_id=rater.superior_id, is_active=True)
        .exclude(pk=rater.pk)
        .select_related("unit", "position")
        .order_by("name", "nip")
    )
    given = {
        s.employee_id: s
        for s in BehaviourScore.objects.filter(
            rater=rater, period=period, employee__in=[e.pk for e in colleagues]
        )
    }
    return [TeamRow(e, given.get(e.pk), RaterGroup.PEER) for e in colleagues]


def team_rows(rater: Employee, period: ReportingPeriod) -> list[TeamRow]:
    """Each direct subordinate with the score the rater already gave for the period (two queries)."""
    team = list(team_of(rater))
    given = {
        s.employee_id: s
        for s in BehaviourScore.objects.filter(rater=rater, period=period, employee__in=[e.pk for e in team])
    }
    return [TeamRow(e, given.get(e.pk)) for e in team]


def behaviour_scores_of(employee: Employee) -> QuerySet[BehaviourScore]:
    """Every BerAKHLAK score of an employee, newest period first, with who gave it.

    The caller has checked `appraisals.view_behaviourscore` on the employee (the person, their superior, the
    roles reading the unit)."""
    return (
        BehaviourScore.objects.filter(employee=employee)
        .select_related("period__plan_year", "rater", "created_by")
        .order_by("-period__end", "group", "rater__name")
    )


def score_changes_of(employee: Employee, *, limit: int = 50) -> list[Any]:
    """The history rows of an employee's BerAKHLAK scores (who saved which values when), newest first."""
    history = BehaviourScore.history.model
    return list(
        history.objects.filter(employee_id=employee.pk)
        .select_related("history_user", "period", "rater")
        .order_by("-history_date", "-history_id")[:limit]
    )


def mean_of(score: BehaviourScore) -> Decimal:
    """The mean of one score's seven core values (the period's NPK when one rater scored it)."""
    values = [getattr(score, f) for f in CORE_VALUE_FIELDS]
    return display(sum(values, _ZERO) / len(values))


# ---------------------------------------------------------------- BerAKHLAK scores: writes


def check_behaviour_values(values: Mapping[str, Any], params: Nkp2026Rules) -> dict[str, Decimal]:
    """The seven core values as Decimals, each 0–the rule set's maximum; every problem at once, per field."""
    top = params.core_value_max.value
    errors: dict[str, str] = {}
    clean: dict[str, Decimal] = {}
    for cv in CORE_VALUES:
        raw = values.get(cv.field)
        if raw is None or raw == "":
            errors[cv.field] = _("Nilai %(value)s wajib diisi.") % {"value": cv.name}
            continue
        try:
            number = Decimal(str(raw))
        except ArithmeticError:
            errors[cv.field] = _("Nilai %(value)s harus berupa angka.") % {"value": cv.name}
            continue
        if not number.is_finite() or number < 0 or number > top:
            errors[cv.field] = _("Nilai %(value)s antara 0 dan %(max)s; %(given)s di luar rentang.") % {
                "value": cv.name,
                "max": _plain(top),
                "given": _plain(number) if number.is_finite() else raw,
            }
            continue
        clean[cv.field] = number
    unknown = set(values) - set(CORE_VALUE_FIELDS)
    if unknown:
        errors["__all__"] = _("Nilai tidak dikenal: %(names)s.") % {"names": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors, code="core_value_invalid")
    return clean


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rater_group(employee: Employee, rater: Employee, peers: Any) -> str:
    """The rater's group for `employee` (`save_behaviour_score` and `save_behaviour_scores`): the direct superior,
    or a colleague under the same superior where `peers(unit)` says the unit has peers on; else refused."""
    if employee.superior_id == rater.pk:
        return RaterGroup.SUPERIOR
    if (
        rater.pk != employee.pk
        and rater.superior_id is not None
        and rater.superior_id == employee.superior_id
        and peers(employee.unit)
    ):
        return RaterGroup.PEER
    raise ValidationError(
        _(
            "%(rater)s bukan atasan langsung %(employee)s; nilai BerAKHLAK diberikan oleh atasan langsung "
            "(dan rekan kerja seatasan bila unit mengaktifkan penilaian rekan)."
        )
        % {"rater": rater.name, "employee": employee.name},
        code="not_direct_superior",
    )


def _period_rules(period: ReportingPeriod) -> Nkp2026Rules:
    """The rule set's BerAKHLAK bounds for a score in `period`; refused for a plan year without BerAKHLAK or a
    period of another frequency than the plan year's behaviour periods."""
    plan_year = period.plan_year
    params = ensure_berakhlak(plan_year)
    if period.frequency != behaviour_frequency(plan_year):
        raise ValidationError(
            _("Nilai BerAKHLAK tahun %(year)s diberikan per periode %(frequency)s, bukan %(period)s.")
            % {
                "year": plan_year.year,
                "frequency": str(Frequency(behaviour_frequency(plan_year)).label).lower(),
                "period": period.display_name,
            },
            code="period_frequency",
        )
    return params


def save_behaviour_score(
    *,
    employee: Employee,
    period: ReportingPeriod,
    rater: Employee,
    values: Mapping[str, Any],
    note: str = "",
    by: Actor,
) -> BehaviourScore:
    """Create or update the rater's BerAKHLAK score of an employee for a period (`scoring.md` §7.3).

    The rater is the employee's direct superior, or a colleague under the same superior where the employee's
    unit has peers switched on (`peers_on`); the score's group says which.
    Refused: any other rater, a user scoring
    in another's name, a period of a plan year without BerAKHLAK (`kmk-467-2014`) or of another frequency
    than the plan year's behaviour periods, a closed period (rule 23), a value outside 0–the rule set's
    maximum.
    """
    group = _rater_group(employee, rater, peers_on)
    if by is not None and getattr(by, "employee_id", None) != rater.pk:
        raise PermissionDenied(_("Nilai BerAKHLAK hanya dapat diberikan atas nama Anda sendiri."))
    ensure(by, "appraisals.add_behaviourscore", employee)
    params = _period_rules(period)
    clean = check_behaviour_values(values, params)
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        ensure_period_open(locked)
        score = BehaviourScore.objects.filter(employee=employee, period=period, rater=rater).first()
        if score is None:
            score = BehaviourScore(
                employee=employee,
                period=period,
                rater=rater,
                group=group,
                created_by=author(by),
            )
        for name, value in clean.items():
            setattr(score, name, value)
        score.note = (note or "").strip()
        recorded(score, by).save()
    return score


@dataclass(frozen=True)
class BehaviourRow:
    """One score of `save_behaviour_scores`: as `save_behaviour_score` takes it."""

    employee: Employee
    period: ReportingPeriod
    rater: Employee
    values: Mapping[str, Any]
    note: str = ""


SCORE_CHUNK = 2000


def save_behaviour_scores(*, rows: Sequence[BehaviourRow], by: Actor) -> int:
    """Many BerAKHLAK scores at once (a superior's whole team, an import, the generated ministry): each checked
    exactly as `save_behaviour_score` checks one — the rater's group (`_rater_group`), the acting user, the
    permission, the period's rule set and frequency (`_period_rules`) and that it is open, the seven values
    (`check_behaviour_values`) — all or nothing: the first refusal raises, naming the employee. Set-based:
    each period is checked and locked once, peers settings read once, the existing scores of a chunk read in
    one query; new scores are written with one bulk insert a chunk and the changed ones with one bulk update,
    with their history rows. Returns how many were written."""
    if not rows:
        return 0
    periods = {row.period.pk: row.period for row in rows}
    params = {pk: _period_rules(period) for pk, period in periods.items()}
    settings = list(BehaviourSetting.objects.select_related("unit").order_by("unit__path"))

    def peers(
        unit: Unit,
    ) -> bool:  # the nearest setting at or above the unit (as `peers_on`), without a query
        found = [st for st in settings if unit.path.startswith(st.unit.path)]
        return bool(found and found[-1].peers)

    clean: list[tuple[BehaviourRow, str, dict[str, Decimal]]] = []
    for row in rows:
        try:
            group = _rater_group(row.employee, row.rater, peers)
            if by is not None and getattr(by, "employee_id", None) != row.rater.pk:
                raise PermissionDenied(_("Nilai BerAKHLAK hanya dapat diberikan atas nama Anda sendiri."))
            if by is not None:
                ensure(by, "appraisals.add_behaviourscore", row.employee)
            values = check_behaviour_values(row.values, params[row.period.pk])
        except ValidationError as error:
            raise ValidationError(
                _("%(employee)s: %(problem)s")
                % {"employee": row.employee.name, "problem": "; ".join(error.messages)},
                code=getattr(error, "code", None) or "behaviour_invalid",
            ) from None
        clean.append((row, group, values))
    written = 0
    with transaction.atomic():
        for period in ReportingPeriod.objects.select_for_update().filter(pk__in=list(periods)).order_by("pk"):
            ensure_period_open(period)
        for start in range(0, len(clean), SCORE_CHUNK):
            chunk = clean[start : start + SCORE_CHUNK]
            existing = {
                (s.employee_id, s.period_id, s.rater_id): s
                for s in BehaviourScore.objects.filter(
                    employee_id__in={r.employee.pk for r, _g, _v in chunk},
                    period_id__in={r.period.pk for r, _g, _v in chunk},
                )
            }
            new: list[BehaviourScore] = []
            changed: list[BehaviourScore] = []
            for row, group, values in chunk:
                score = existing.get((row.employee.pk, row.period.pk, row.rater.pk))
                if score is None:
                    score = BehaviourScore(
                        employee=row.employee,
                        period=row.period,
                        rater=row.rater,
                        group=group,
                        created_by=author(by),
                    )
                    new.append(score)
                else:
                    changed.append(score)
                for name, value in values.items():
                    setattr(score, name, value)
                score.note = (row.note or "").strip()
            if new:
                bulk_create_with_history(new, BehaviourScore, batch_size=SCORE_CHUNK, default_user=author(by))
            if changed:
                bulk_update_with_history(
                    changed,
                    BehaviourScore,
                    [*CORE_VALUE_FIELDS, "note", "updated_at"],
                    batch_size=SCORE_CHUNK,
                    default_user=author(by),
                )
            written += len(new) + len(changed)
    return written


# ---------------------------------------------------------------- disciplinary sentences


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def current_quarter(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return quarter_label(today.year, (today.month - 1) // 3 + 1)


def _rule_sets_by_year(years: Iterable[int]) -> dict[int, RuleSet]:
    codes = dict(PlanYear.objects.filter(year__in=set(years)).values_list("year", "rule_set"))
    return {year: get_rule_set(code) for year, code in codes.items()}


_VARIANTS: dict[tuple[str, str, int], RuleSet] = {}


def _with_duration(rules: RuleSet, category: str, quarters: int) -> RuleSet:
    """`rules` with `category` lasting `quarters` (a sentence whose decree names its own duration), so the
    scoring core's `sentence_in_force` decides with the sentence's duration."""
    params = rules.nkp2026
    assert params is not None
    key = DisciplineCategory(category)
    if params.discipline_quarters.value.get(key) == quarters:
        return rules
    cache_key = (rules.code, category, quarters)
    variant = _VARIANTS.get(cache_key)
    if variant is None:
        durations = dict(params.discipline_quarters.value)
        durations[key] = quarters
        param = dataclasses.replace(params.discipline_quarters, value=durations)
        variant = dataclasses.replace(rules, nkp2026=dataclasses.replace(params, discipline_quarters=param))
        _VARIANTS[cache_key] = variant
    return variant


def sentence_quarters(sentence: DisciplinarySentence, rules: RuleSet | None) -> int | None:
    """How many quarters the sentence lasts: its own duration, else its category's in the rule set."""
    if sentence.quarters:
        return sentence.quarters
    if rules is None or rules.nkp2026 is None:
        return None
    return rules.nkp2026.discipline_quarters.value[DisciplineCategory(sentence.category)]


def sentence_end(sentence: DisciplinarySentence, rules: RuleSet | None) -> str | None:
    """The last quarter the sentence is in force (`2027-Q1`), or None when its duration is unknown."""
    quarters = sentence_quarters(sentence, rules)
    if quarters is None:
        return None
    last = sentence.start_year * 4 + sentence.start_quarter - 1 + quarters - 1
    return quarter_label(last // 4, last % 4 + 1)


def sentence_in_force_at(sentence: DisciplinarySentence, as_of: str, rules: RuleSet | None = None) -> bool:
    """Whether the sentence is in force as of a period label (`2026-Q3`, `2026-S1`, `2026`), by the scoring
    core's `sentence_in_force` with the start year's rule set (or `rules`) and the sentence's duration."""
    if rules is None:
        rules = _rule_sets_by_year([sentence.start_year]).get(sentence.start_year)
    if rules is None or rules.nkp2026 is None:
        return False
    quarters = sentence_quarters(sentence, rules)
    assert quarters is not None
    core = Sentence(
        DisciplineCategory(sentence.category),
        sentence.severity,
        quarter_label(sentence.start_year, sentence.start_quarter),
    )
    return sentence_in_force(core, as_of, rules=_with_duration(rules, sentence.category, quarters))


def sentences_in(unit: Unit) -> QuerySet[DisciplinarySentence]:
    """The sentences of the employees of a unit's subtree, newest start first (the caller checked
    `appraisals.view_disciplinarysentence` on the unit)."""
    return (
        DisciplinarySentence.objects.filter(employee__unit__path__startswith=unit.path)
        .select_related("employee__unit", "created_by")
        .order_by("-start_year", "-start_quarter", "employee__name", "pk")
    )


def sentences_of(employee: Employee) -> QuerySet[DisciplinarySentence]:
    return (
        DisciplinarySentence.objects.filter(employee=employee)
        .select_related("created_by")
        .order_by("-start_year", "-start_quarter", "pk")
    )


@dataclass
class SentenceRow:
    sentence: DisciplinarySentence
    end: str | None
    in_force: bool
    penalty: Decimal | None  # the category's rate × the severity score (§7.3)
    rate: Decimal | None


def sentence_rows(sentences: Iterable[DisciplinarySentence], as_of: str | None = None) -> list[SentenceRow]:
    """Each sentence with its last quarter, whether it is in force as of `as_of` (default: the current
    quarter) and its penalty, by the rule set of its start year (one query for the plan years)."""
    listed = list(sentences)
    as_of = as_of or current_quarter()
    rule_sets = _rule_sets_by_year(s.start_year for s in listed)
    rows = []
    for s in listed:
        rules = rule_sets.get(s.start_year)
        params = rules.nkp2026 if rules is not None else None
        rate = params.discipline_rates.value[DisciplineCategory(s.category)] if params else None
        rows.append(
            SentenceRow(
                sentence=s,
                end=sentence_end(s, rules),
                in_force=sentence_in_force_at(s, as_of, rules) if rules is not None else False,
                penalty=display(rate * s.severity) if rate is not None else None,
                rate=rate,
            )
        )
    return rows


def _start_plan_year(start_year: int) -> PlanYear:
    plan_year = PlanYear.objects.filter(year=start_year).first()
    if plan_year is None:
        raise ValidationError(
            {"start_year": _("Tahun %(year)s belum terdaftar sebagai tahun rencana.") % {"year": start_year}},
            code="unknown_year",
        )
    return plan_year


def _ensure_quarter_open(plan_year: PlanYear, quarter: int) -> None:
    period = ReportingPeriod.objects.filter(
        plan_year=plan_year, frequency=Frequency.QUARTERLY, number=quarter
    ).first()
    if period is not None and period.state == PeriodState.CLOSED:
        try:
            ensure_period_open(period)
        except ValidationError as exc:
            raise ValidationError({"start_quarter": exc.messages}, code="period_closed") from None


def add_sentence(
    *,
    employee: Employee,
    category: str,
    severity: Decimal,
    start_year: int,
    start_quarter: int,
    quarters: int | None = None,
    decree: str,
    note: str = "",
    by: Actor,
) -> DisciplinarySentence:
    """Record a disciplinary sentence (`scoring.md` §7.3), entered by the unit's performance manager.

    The start year must be a plan year whose rule set deducts discipline (`kmk-127-2026`); the duration
    defaults to the category's in that rule set; the start quarter must not be closed (rule 23); the decree
    number is required and recorded once per employee. Every problem is reported at once.
    """
    ensure(by, "appraisals.add_disciplinarysentence", employee)
    errors: dict[str, list[str]] = {}

    def problem(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if category not in DisciplinarySentence.Category.values:
        problem(
            "category",
            _("Tingkat hukuman harus salah satu dari: %(choices)s.")
            % {"choices": ", ".join(str(label) for label in DisciplinarySentence.Category.labels)},
        )
    params: Nkp2026Rules | None = None
    plan_year: PlanYear | None = None
    try:
        plan_year = _start_plan_year(start_year)
        params = ensure_berakhlak(plan_year, "start_year")
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                problem(field, message)
    top = rule_set_of(plan_year).index_cap.value if plan_year is not None and params is not None else None
    if severity is None or not Decimal(severity).is_finite() or severity < 0:
        problem("severity", _("Nilai hukuman harus berupa angka 0 atau lebih."))
    elif top is not None and severity > top:
        problem(
            "severity",
            _("Nilai hukuman paling tinggi %(max)s (skala nilai aturan penilaian).") % {"max": _plain(top)},
        )
    if start_quarter not in (1, 2, 3, 4):
        problem("start_quarter", _("Triwulan mulai antara 1 dan 4."))
    if quarters is not None and quarters < 1:
        problem("quarters", _("Lama hukuman paling sedikit satu triwulan."))
    decree = (decree or "").strip()
    if not decree:
        problem("decree", _("Nomor keputusan hukuman disiplin wajib diisi."))
    elif DisciplinarySentence.objects.filter(employee=employee, decree__iexact=decree).exists():
        problem(
            "decree",
            _("Keputusan %(decree)s sudah tercatat untuk %(employee)s.")
            % {"decree": decree, "employee": employee.name},
        )
    if plan_year is not None and start_quarter in (1, 2, 3, 4):
        try:
            _ensure_quarter_open(plan_year, start_quarter)
        except ValidationError as exc:
            for message in exc.message_dict["start_quarter"]:
                problem("start_quarter", message)
    if errors:
        raise ValidationError(errors, code="sentence_invalid")
    assert params is not None
    if quarters is None:
        quarters = params.discipline_quarters.value[DisciplineCategory(category)]
    with transaction.atomic():
        sentence = DisciplinarySentence(
            employee=employee,
            category=category,
            severity=Decimal(severity),
            start_year=start_year,
            start_quarter=start_quarter,
            quarters=quarters,
            decree=decree,
            note=(note or "").strip(),
            created_by=author(by),
        )
        sentence.full_clean()
        recorded(sentence, by).save()
    return sentence


def delete_sentence(*, sentence: DisciplinarySentence, reason: str, by: Actor) -> None:
    """Remove a sentence entered in error (the unit's performance manager); the reason stays in its history.

    Refused without a reason, and when its start quarter is closed (rule 23: reopen the period first)."""
    ensure(by, "appraisals.add_disciplinarysentence", sentence.employee)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan penghapusan wajib diisi.")}, code="reason_required")
    plan_year = PlanYear.objects.filter(year=sentence.start_year).first()
    if plan_year is not None:
        _ensure_quarter_open(plan_year, sentence.start_quarter)
    with transaction.atomic():
        recorded(sentence, by, reason).delete()


# ---------------------------------------------------------------- the leader's correction


def correction_of(employee: Employee, plan_year: PlanYear) -> Correction | None:
    return Correction.objects.filter(employee=employee, plan_year=plan_year).select_related("by").first()


def set_correction(
    *, employee: Employee, plan_year: PlanYear, value: Decimal, reason: str, by: Actor
) -> Correction:
    """Set the leader's correction of an employee's year (`scoring.md` §7.3): at most ± the rule set's
    `correction_limit`, with a required reason; one per employee and year, a change keeps the earlier value
    and reason in the history. Refused for a closed year (rule 23) and a rule set without corrections."""
    ensure(by, "appraisals.add_correction", employee)
    params = ensure_berakhlak(plan_year, "value")
    limit = params.correction_limit.value
    errors: dict[str, str] = {}
    if value is None or not Decimal(value).is_finite():
        errors["value"] = _("Koreksi harus berupa angka.")
    elif abs(Decimal(value)) > limit:
        errors["value"] = _("Koreksi pimpinan paling banyak ±%(limit)s; %(value)s melebihi batas.") % {
            "limit": _plain(limit),
            "value": _plain(Decimal(value)),
        }
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Alasan koreksi wajib diisi.")
    if errors:
        raise ValidationError(errors, code="correction_invalid")
    with transaction.atomic():
        year_period = (
            ReportingPeriod.objects.select_for_update()
            .filter(plan_year=plan_year, frequency=Frequency.YEARLY)
            .first()
        )
        if year_period is not None:
            ensure_period_open(year_period)
        correction = (
            Correction.objects.select_for_update().filter(employee=employee, plan_year=plan_year).first()
        )
        if correction is None:
            correction = Correction(employee=employee, plan_year=plan_year)
        correction.value = Decimal(value)
        correction.reason = reason
        correction.by = author(by)
        recorded(correction, by, reason).save()
    return correction
