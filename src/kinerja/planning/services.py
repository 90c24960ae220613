"""Writes of strategy planning: plan years, maps, perspectives, objectives, links and the map workflow.

Every function takes keyword-only, typed arguments and runs in one
transaction. Permissions are asked of the one permission layer
(`accounts/rules.py` through `user.has_perm`); validation rules come from
`validation.py` and a *block* finding raises `FindingsError` (a
`ValidationError`) carrying the findings. The workflow: draft → submitted →
approved, or back with a reason; an approved map changes only through
`revise_map`, which records a new revision with its reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author, recorded
from kinerja.organisations.models import Position, Unit
from kinerja.planning.models import Kpi, PeriodTarget

from . import signals, validation
from .models import (
    PERSPECTIVE_DEFAULTS,
    RISK_SCALE,
    Initiative,
    MapState,
    Milestone,
    Objective,
    ObjectiveLink,
    Perspective,
    PlanPeriod,
    PlanYear,
    ProgressReport,
    Risk,
    RiskMonitoring,
    StateChange,
    StrategyMap,
    Theme,
    UnitPlan,
)
from .selectors import load_map_data
from .workflow import MAP_WORKFLOW

_M = TypeVar("_M", bound=Model)


# --------------------------------------------------------------------------- plan periods and years


def _validated_insert(obj: _M, by: Actor) -> _M:
    """Save a new record after its model validation, recording who made it."""
    recorded(obj, by).full_clean()
    with transaction.atomic():
        obj.save()
    return obj


def create_plan_period(*, name: str, start_year: int, end_year: int, by: Actor) -> PlanPeriod:
    ensure(by, "planning.manage_planyear")
    return _validated_insert(PlanPeriod(name=name, start_year=start_year, end_year=end_year), by)


def create_plan_year(*, plan_period: PlanPeriod, year: int, rule_set: str, by: Actor) -> PlanYear:
    """A plan year of a Renstra period, naming the rule set its scores use (validated against the scoring core)."""
    ensure(by, "planning.manage_planyear")
    return _validated_insert(PlanYear(plan_period=plan_period, year=year, rule_set=rule_set), by)


def save_unit_plan(
    *, plan_period: PlanPeriod, unit: Unit, vision: str, mission: str, goals: str, by: Actor
) -> UnitPlan:
    """A map owner's vision, mission and goals for the Renstra period."""
    ensure(by, "planning.add_strategymap", unit)
    with transaction.atomic():
        plan, _created = UnitPlan.objects.get_or_create(plan_period=plan_period, unit=unit)
        plan.vision, plan.mission, plan.goals = vision, mission, goals
        recorded(plan, by).save()
    return plan


# --------------------------------------------------------------------------- maps


def create_map(
    *, unit: Unit, plan_year: PlanYear, by: Actor, vision: str = "", mission: str = ""
) -> StrategyMap:
    """A new draft map with the four perspectives; vision and mission default to the unit's Renstra plan."""
    ensure(by, "planning.add_strategymap", unit)
    strategy_map = StrategyMap(unit=unit, plan_year=plan_year, vision=vision, mission=mission)
    validation.raise_blocking(validation.check_map_owner(strategy_map))
    if StrategyMap.objects.filter(unit=unit, plan_year=plan_year).exists():
        raise ValidationError(
            _("Unit %(unit)s sudah memiliki peta strategi tahun %(year)s.")
            % {"unit": unit.code, "year": plan_year.year},
            code="map_exists",
        )
    if not (vision or mission):
        plan = UnitPlan.objects.filter(plan_period=plan_year.plan_period_id, unit=unit).first()
        if plan is not None:
            strategy_map.vision, strategy_map.mission = plan.vision, plan.mission
    with transaction.atomic():
        recorded(strategy_map, by).save()
        for code, order, name_id, name_en in PERSPECTIVE_DEFAULTS:
            recorded(
                Perspective(map=strategy_map, code=code, order=order, name_id=name_id, name_en=name_en), by
            ).save()
        StateChange.objects.create(
            map=strategy_map, revision=0, from_state="", to_state=MapState.DRAFT, by=author(by)
        )
    return strategy_map


# The map workflow's table (`workflow.MAP_WORKFLOW`) as the views read it: the states each action starts from, and its permission.
ACTION_FROM: dict[str, frozenset[str]] = {a: s.sources for a, s in MAP_WORKFLOW.steps.items()}
ACTION_PERM: dict[str, str] = {a: s.perm for a, s in MAP_WORKFLOW.steps.items()}


def can(user: Actor, action: str, strategy_map: StrategyMap) -> bool:
    """May `user` take this workflow `action` on the map now (its state allows it and the user may)?"""
    return MAP_WORKFLOW.may(strategy_map, action, user) and (
        MAP_WORKFLOW.problem(strategy_map, action, user) is None
    )


def ensure_action(action: str, strategy_map: StrategyMap, by: Actor) -> None:
    """ValidationError when the map's state does not allow `action`; PermissionDenied when the user may not."""
    MAP_WORKFLOW.ensure(strategy_map, action, by)


def ensure_editable(strategy_map: StrategyMap, by: Actor) -> None:
    ensure_action("change", strategy_map, by)


def update_map(*, strategy_map: StrategyMap, vision: str, mission: str, by: Actor) -> StrategyMap:
    ensure_editable(strategy_map, by)
    strategy_map.vision, strategy_map.mission = vision, mission
    with transaction.atomic():
        recorded(strategy_map, by).save(update_fields=["vision", "mission", "updated_at"])
    return strategy_map


def update_perspectives(
    *,
    strategy_map: StrategyMap,
    values: Mapping[int, Mapping[str, Any]],
    by: Actor,
) -> list[Perspective]:
    """Rename perspectives and set their weights at once; weights, when set, total 100 % (rule 2, block).

    `values` maps a perspective's id to the fields to change (`name_id`, `name_en`, `weight`).
    """
    ensure_editable(strategy_map, by)
    perspectives = list(strategy_map.perspectives.order_by("order"))
    for perspective in perspectives:
        changes = values.get(perspective.pk, {})
        for name in ("name_id", "name_en", "weight"):
            if name in changes:
                setattr(perspective, name, changes[name])
    for perspective in perspectives:  # each weight within 0–100 % (the model's validators), then the total
        perspective.clean_fields(exclude=[f.name for f in Perspective._meta.fields if f.name != "weight"])
    validation.raise_blocking(validation.check_perspective_weights(perspectives))
    with transaction.atomic():
        for perspective in perspectives:
            recorded(perspective, by).save()
        scores_may_change(strategy_map)
    return perspectives


def scores_may_change(strategy_map: StrategyMap) -> None:
    """A scored map's snapshots are recomputed after a KPI, target or weight changes (queued on commit)."""
    signals.plan_changed.send(sender=StrategyMap, strategy_map=strategy_map)


# --------------------------------------------------------------------------- objectives, themes, links


def save_objective(
    *,
    strategy_map: StrategyMap,
    perspective: Perspective,
    code: str,
    name_id: str,
    by: Actor,
    objective: Objective | None = None,
    name_en: str = "",
    description: str = "",
    theme: Theme | None = None,
    owner_position: Position | None = None,
    weight: Decimal | None = None,
) -> Objective:
    """Create (or, given `objective`, update) an SS in one perspective of the map (rules 1 and 2, block)."""
    ensure_editable(strategy_map, by)
    validation.raise_blocking(validation.check_map_owner(strategy_map))
    target = objective or Objective(map=strategy_map)
    if target.map_id != strategy_map.pk:
        raise ValidationError(_("SS tidak berada pada peta ini."), code="objective_other_map")
    target.perspective = perspective
    target.code, target.name_id, target.name_en = code.strip(), name_id.strip(), name_en.strip()
    target.description, target.theme, target.owner_position, target.weight = (
        description,
        theme,
        owner_position,
        weight,
    )
    target.clean_fields(exclude=[f.name for f in Objective._meta.fields if f.name != "weight"])  # 0–100 %
    validation.raise_blocking(validation.check_objective_perspective(target))
    if theme is not None and theme.map_id != strategy_map.pk:
        raise ValidationError(_("Tema tidak berada pada peta ini."), code="theme_other_map")
    duplicate = Objective.objects.filter(map=strategy_map, code=target.code).exclude(pk=target.pk)
    if duplicate.exists():
        raise ValidationError(
            _("Kode SS %(code)s sudah dipakai pada peta ini.") % {"code": target.code}, code="duplicate_code"
        )
    with transaction.atomic():
        recorded(target, by).save()
        scores_may_change(strategy_map)
    return target


@dataclass(frozen=True)
class NewObjective:
    """One SS for `create_objectives`: what `save_objective` takes for a new one."""

    perspective: Perspective
    code: str
    name_id: str
    name_en: str = ""
    description: str = ""
    theme: Theme | None = None
    owner_position: Position | None = None
    weight: Decimal | None = None


def create_objectives(
    *, strategy_map: StrategyMap, items: Sequence[NewObjective], by: Actor
) -> list[Objective | ValidationError]:
    """Create many new SS of one map at once, each checked as `save_objective` checks a new one (rules 1, 2).

    The set-based form for an import: the map is checked once, its codes read in one query, the SS written
    in one bulk insert with their history rows. Returns, in the order of `items`, the saved SS or the
    `ValidationError` that refused it (a refused one is not written; the others are).
    """
    ensure_editable(strategy_map, by)
    validation.raise_blocking(validation.check_map_owner(strategy_map))
    taken = set(Objective.objects.filter(map=strategy_map).values_list("code", flat=True))
    weight_only = [f.name for f in Objective._meta.fields if f.name != "weight"]
    out: list[Objective | ValidationError] = []
    good: list[Objective] = []
    for item in items:
        target = Objective(
            map=strategy_map,
            perspective=item.perspective,
            code=item.code.strip(),
            name_id=item.name_id.strip(),
            name_en=item.name_en.strip(),
            description=item.description,
            theme=item.theme,
            owner_position=item.owner_position,
            weight=item.weight,
        )
        try:
            target.clean_fields(exclude=weight_only)  # 0–100 %
            validation.raise_blocking(validation.check_objective_perspective(target))
            if item.theme is not None and item.theme.map_id != strategy_map.pk:
                raise ValidationError(_("Tema tidak berada pada peta ini."), code="theme_other_map")
            if target.code in taken:
                raise ValidationError(
                    _("Kode SS %(code)s sudah dipakai pada peta ini.") % {"code": target.code},
                    code="duplicate_code",
                )
        except ValidationError as error:
            out.append(error)
            continue
        taken.add(target.code)
        good.append(target)
        out.append(target)
    if good:
        with transaction.atomic():
            bulk_create_with_history(good, Objective, batch_size=500, default_user=by)
            scores_may_change(strategy_map)
    return out


def add_links(
    *, strategy_map: StrategyMap, pairs: Sequence[tuple[Objective, Objective]], by: Actor
) -> list[ObjectiveLink | ValidationError]:
    """Add many cause-effect links of one map at once, each checked as `add_link` checks it (rule 4).

    The existing links are read in one query and the new ones written in one bulk insert with their history
    rows. Returns, in the order of `pairs`, the link or the `ValidationError` that refused it.
    """
    ensure_editable(strategy_map, by)
    existing = set(ObjectiveLink.objects.filter(map=strategy_map).values_list("cause_id", "effect_id"))
    out: list[ObjectiveLink | ValidationError] = []
    good: list[ObjectiveLink] = []
    for cause, effect in pairs:
        link = ObjectiveLink(map=strategy_map, cause=cause, effect=effect)
        try:
            validation.raise_blocking(validation.check_link(link))
            if (cause.pk, effect.pk) in existing:
                raise ValidationError(
                    _("Hubungan %(cause)s → %(effect)s sudah ada.")
                    % {"cause": cause.code, "effect": effect.code},
                    code="link_exists",
                )
        except ValidationError as error:
            out.append(error)
            continue
        existing.add((cause.pk, effect.pk))
        good.append(link)
        out.append(link)
    if good:
        with transaction.atomic():
            bulk_create_with_history(good, ObjectiveLink, batch_size=500, default_user=by)
    return out


def delete_objective(*, objective: Objective, by: Actor) -> None:
    ensure_editable(objective.map, by)
    with transaction.atomic():
        recorded(objective, by).delete()
        scores_may_change(objective.map)


def save_theme(*, strategy_map: StrategyMap, code: str, name_id: str, name_en: str = "", by: Actor) -> Theme:
    ensure_editable(strategy_map, by)
    with transaction.atomic():
        theme, _created = Theme.objects.get_or_create(
            map=strategy_map, code=code, defaults={"name_id": name_id}
        )
        theme.name_id, theme.name_en = name_id, name_en
        recorded(theme, by).save()
    return theme


def delete_theme(*, theme: Theme, by: Actor) -> None:
    """Remove a theme; its SS stay on the map, in no theme."""
    ensure_editable(theme.map, by)
    with transaction.atomic():
        recorded(theme, by).delete()


def add_link(*, cause: Objective, effect: Objective, by: Actor) -> ObjectiveLink:
    """A cause-effect link between two SS of one map (rule 4, block); downward links and cycles only warn."""
    strategy_map = cause.map
    ensure_editable(strategy_map, by)
    link = ObjectiveLink(map=strategy_map, cause=cause, effect=effect)
    validation.raise_blocking(validation.check_link(link))
    if ObjectiveLink.objects.filter(cause=cause, effect=effect).exists():
        raise ValidationError(
            _("Hubungan %(cause)s → %(effect)s sudah ada.") % {"cause": cause.code, "effect": effect.code},
            code="link_exists",
        )
    with transaction.atomic():
        recorded(link, by).save()
    return link


def delete_link(*, link: ObjectiveLink, by: Actor) -> None:
    ensure_editable(link.map, by)
    with transaction.atomic():
        recorded(link, by).delete()


# --------------------------------------------------------------------------- workflow


_MAP_RELATED = ("unit", "plan_year")
_MAP_SAVED = ("revision", "updated_at")


def _no_blocking_findings(strategy_map: StrategyMap) -> None:
    validation.raise_blocking(validation.validate_map(load_map_data(strategy_map)))


def submit_map(*, strategy_map: StrategyMap, by: Actor) -> StrategyMap:
    """draft (or under revision) → submitted; refused while any block finding remains on the map."""
    return MAP_WORKFLOW.run(
        strategy_map,
        "submit",
        by=by,
        related=_MAP_RELATED,
        check=_no_blocking_findings,
        update_fields=_MAP_SAVED,
    )


def approve_map(*, strategy_map: StrategyMap, by: Actor) -> StrategyMap:
    """submitted → approved, by the unit's leader; the map is read-only from then on."""
    return MAP_WORKFLOW.run(
        strategy_map,
        "approve",
        by=by,
        related=_MAP_RELATED,
        check=_no_blocking_findings,
        update_fields=_MAP_SAVED,
    )


def return_map(*, strategy_map: StrategyMap, reason: str, by: Actor) -> StrategyMap:
    """submitted → back to editing (draft, or under revision for a revised map), with the leader's reason."""
    return MAP_WORKFLOW.run(
        strategy_map, "return", by=by, reason=reason, related=_MAP_RELATED, update_fields=_MAP_SAVED
    )


def revise_map(*, strategy_map: StrategyMap, reason: str, by: Actor) -> StrategyMap:
    """Open an approved map for a recorded revision: revision + 1, state 'under revision' (editable), with reason."""
    return MAP_WORKFLOW.run(
        strategy_map, "revise", by=by, reason=reason, related=_MAP_RELATED, update_fields=_MAP_SAVED
    )


# --------------------------------------------------------------------------- copy to a new year


def copy_year(*, from_map: StrategyMap, to_year: PlanYear, by: Actor) -> StrategyMap:
    """Copy a map — perspectives, themes, objectives, links, KPIs with manuals, targets and trajectories — to a year.

    The copy is a new draft (revision 0) of the same unit; one transaction.
    """
    ensure(by, "planning.view_strategymap", from_map)
    ensure(by, "planning.copy_strategymap", from_map)
    if to_year.pk == from_map.plan_year_id:
        raise ValidationError(_("Tahun tujuan sama dengan tahun peta asal."), code="same_year")
    if StrategyMap.objects.filter(unit=from_map.unit_id, plan_year=to_year).exists():
        raise ValidationError(
            _("Unit %(unit)s sudah memiliki peta strategi tahun %(year)s.")
            % {"unit": from_map.unit.code, "year": to_year.year},
            code="map_exists",
        )
    source = load_map_data(from_map)
    themes = list(from_map.themes.all())
    with transaction.atomic():
        new_map = recorded(
            StrategyMap(
                unit=from_map.unit, plan_year=to_year, vision=from_map.vision, mission=from_map.mission
            ),
            by,
        )
        new_map.save()
        perspectives = {}
        for p in source.perspectives:
            perspectives[p.pk] = recorded(
                Perspective(
                    map=new_map,
                    code=p.code,
                    order=p.order,
                    name_id=p.name_id,
                    name_en=p.name_en,
                    weight=p.weight,
                ),
                by,
            )
            perspectives[p.pk].save()
        new_themes = {}
        for t in themes:
            new_themes[t.pk] = recorded(
                Theme(map=new_map, code=t.code, name_id=t.name_id, name_en=t.name_en), by
            )
            new_themes[t.pk].save()
        objectives = {}
        for o in source.objectives:
            objectives[o.pk] = recorded(
                Objective(
                    map=new_map,
                    perspective=perspectives[o.perspective_id],
                    code=o.code,
                    name_id=o.name_id,
                    name_en=o.name_en,
                    description=o.description,
                    theme=new_themes.get(o.theme_id) if o.theme_id else None,
                    owner_position_id=o.owner_position_id,
                    weight=o.weight,
                ),
                by,
            )
            objectives[o.pk].save()
        for link in source.links:
            recorded(
                ObjectiveLink(
                    map=new_map, cause=objectives[link.cause_id], effect=objectives[link.effect_id]
                ),
                by,
            ).save()
        copied = [f.attname for f in Kpi._meta.concrete_fields if f.attname not in {"id", "objective_id"}]
        for kpi in source.kpis:
            clone = Kpi(
                objective=objectives[kpi.objective_id], **{name: getattr(kpi, name) for name in copied}
            )
            recorded(clone, by).save()
            bulk_create_with_history(
                [PeriodTarget(kpi=clone, period=t.period, target=t.target) for t in source.trajectory(kpi)],
                PeriodTarget,
                default_user=by,
            )
        _copy_initiatives_and_risks(from_map=from_map, objectives=objectives, new_map=new_map, by=by)
        StateChange.objects.create(
            map=new_map,
            revision=0,
            from_state="",
            to_state=MapState.DRAFT,
            by=author(by),
            reason=_("Disalin dari peta %(map)s.") % {"map": str(from_map)},
        )
    return new_map


def _copy_initiatives_and_risks(
    *, from_map: StrategyMap, objectives: dict[int, Objective], new_map: StrategyMap, by: Actor
) -> None:
    """Carry the plan of initiatives and the risk register into the copy.

    What belongs to the old year stays there: an initiative's dates, milestones and
    progress reports, and a risk's monitoring entries. The new year plans its own.
    """
    for initiative in from_map.initiatives.prefetch_related("objectives"):
        clone = recorded(
            Initiative(
                map=new_map,
                code=initiative.code,
                name_id=initiative.name_id,
                name_en=initiative.name_en,
                description=initiative.description,
                owner_position_id=initiative.owner_position_id,
                owner_text=initiative.owner_text,
                budget=initiative.budget,
            ),
            by,
        )
        clone.save()
        clone.objectives.set([objectives[o.pk] for o in initiative.objectives.all() if o.pk in objectives])
    for risk in Risk.objects.filter(objective__map=from_map):
        recorded(
            Risk(
                objective=objectives[risk.objective_id],
                code=risk.code,
                description=risk.description,
                likelihood=risk.likelihood,
                impact=risk.impact,
                mitigation=risk.mitigation,
                owner_position_id=risk.owner_position_id,
                owner_text=risk.owner_text,
            ),
            by,
        ).save()


# --------------------------------------------------------------------------- initiatives


def _owner_in_unit(owner_position: Position | None, strategy_map: StrategyMap, field: str) -> None:
    if owner_position is not None and owner_position.unit_id != strategy_map.unit_id:
        raise ValidationError(
            {field: _("Jabatan penanggung jawab harus berada pada unit pemilik peta.")},
            code="owner_other_unit",
        )


def save_initiative(
    *,
    strategy_map: StrategyMap,
    code: str,
    name_id: str,
    by: Actor,
    initiative: Initiative | None = None,
    name_en: str = "",
    description: str = "",
    owner_position: Position | None = None,
    owner_text: str = "",
    budget: Decimal | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    objectives: Iterable[Objective] = (),
) -> Initiative:
    """Create (or, given `initiative`, update) a strategic initiative of the map, with the SS it supports.

    Planning: the map must be editable. The SS belong to the same map; the end
    is not before the start; the budget (IDR) is not negative; codes are unique
    per map.
    """
    ensure_editable(strategy_map, by)
    target = initiative or Initiative(map=strategy_map)
    if target.map_id != strategy_map.pk:
        raise ValidationError(_("Inisiatif tidak berada pada peta ini."), code="initiative_other_map")
    target.code, target.name_id, target.name_en = code.strip(), name_id.strip(), name_en.strip()
    target.description, target.owner_position, target.owner_text = description, owner_position, owner_text
    target.budget, target.start, target.end = budget, start, end
    supported = list(objectives)
    if any(o.map_id != strategy_map.pk for o in supported):
        raise ValidationError(
            {"objectives": _("SS yang didukung inisiatif harus berada pada peta yang sama.")},
            code="objective_other_map",
        )
    _owner_in_unit(owner_position, strategy_map, "owner_position")
    if budget is not None and budget < 0:
        raise ValidationError({"budget": _("Anggaran tidak boleh negatif.")}, code="negative_budget")
    if start is not None and end is not None and end < start:
        raise ValidationError(
            {"end": _("Tanggal selesai tidak boleh sebelum tanggal mulai.")}, code="end_before_start"
        )
    target.full_clean(exclude=["map"], validate_unique=False, validate_constraints=False)
    duplicate = Initiative.objects.filter(map=strategy_map, code=target.code).exclude(pk=target.pk)
    if duplicate.exists():
        raise ValidationError(
            _("Kode inisiatif %(code)s sudah dipakai pada peta ini.") % {"code": target.code},
            code="duplicate_code",
        )
    with transaction.atomic():
        recorded(target, by).save()
        target.objectives.set(supported)
    return target


def delete_initiative(*, initiative: Initiative, by: Actor) -> None:
    ensure_editable(initiative.map, by)
    with transaction.atomic():
        recorded(initiative, by).delete()


def save_milestone(
    *,
    initiative: Initiative,
    name: str,
    due_date: datetime.date,
    by: Actor,
    milestone: Milestone | None = None,
    done: bool = False,
    done_on: datetime.date | None = None,
) -> Milestone:
    """Create (or update) a milestone: planning, so the map must be editable. Done needs no date; the date needs done."""
    ensure_editable(initiative.map, by)
    target = milestone or Milestone(initiative=initiative)
    if target.initiative_id != initiative.pk:
        raise ValidationError(
            _("Tonggak tidak berada pada inisiatif ini."), code="milestone_other_initiative"
        )
    target.name, target.due_date = name.strip(), due_date
    target.done, target.done_on = done, (done_on if done else None)
    target.full_clean(exclude=["initiative"])
    with transaction.atomic():
        recorded(target, by).save()
    return target


def delete_milestone(*, milestone: Milestone, by: Actor) -> None:
    ensure_editable(milestone.initiative.map, by)
    with transaction.atomic():
        recorded(milestone, by).delete()


def set_milestone_done(
    *, milestone: Milestone, done: bool, by: Actor, done_on: datetime.date | None = None
) -> Milestone:
    """Mark a milestone done (today unless `done_on` is given) or not done: monitoring, allowed after approval."""
    ensure(by, "planning.monitor_initiative", milestone.initiative)
    if done and done_on is None:
        done_on = timezone.localdate()
    milestone.done, milestone.done_on = done, (done_on if done else None)
    with transaction.atomic():
        recorded(milestone, by).save(update_fields=["done", "done_on"])
    return milestone


def add_progress_report(
    *, initiative: Initiative, date: datetime.date, percent: Decimal, by: Actor, note: str = ""
) -> ProgressReport:
    """Record an initiative's progress (0–100 %): monitoring, allowed whatever the map's state."""
    ensure(by, "planning.monitor_initiative", initiative)
    if not Decimal(0) <= percent <= Decimal(100):
        raise ValidationError({"percent": _("Kemajuan harus antara 0 dan 100%.")}, code="percent_range")
    report = ProgressReport(
        initiative=initiative, date=date, percent=percent, note=note.strip(), by=author(by)
    )
    with transaction.atomic():
        recorded(report, by).save()
    return report


# --------------------------------------------------------------------------- risks


def save_risk(
    *,
    objective: Objective,
    code: str,
    description: str,
    likelihood: int,
    impact: int,
    by: Actor,
    risk: Risk | None = None,
    mitigation: str = "",
    owner_position: Position | None = None,
    owner_text: str = "",
) -> Risk:
    """Create (or update) a risk of an SS: likelihood and impact 1–5 (level = their product), mitigation, owner."""
    strategy_map = objective.map
    ensure_editable(strategy_map, by)
    target = risk or Risk(objective=objective)
    if target.pk is not None and target.objective.map_id != strategy_map.pk:
        raise ValidationError(_("Risiko tidak dapat dipindahkan ke peta lain."), code="risk_other_map")
    errors = {}
    for field, value in (("likelihood", likelihood), ("impact", impact)):
        if value not in RISK_SCALE:
            errors[field] = _("Nilai harus bilangan bulat 1 sampai 5.")
    if errors:
        raise ValidationError(errors, code="risk_scale")
    _owner_in_unit(owner_position, strategy_map, "owner_position")
    target.objective, target.code = objective, code.strip()
    target.description, target.mitigation = description.strip(), mitigation
    target.likelihood, target.impact = likelihood, impact
    target.owner_position, target.owner_text = owner_position, owner_text
    target.full_clean(exclude=["objective"], validate_unique=False, validate_constraints=False)
    duplicate = Risk.objects.filter(objective=objective, code=target.code).exclude(pk=target.pk)
    if duplicate.exists():
        raise ValidationError(
            _("Kode risiko %(code)s sudah dipakai pada SS ini.") % {"code": target.code},
            code="duplicate_code",
        )
    with transaction.atomic():
        recorded(target, by).save()
    return target


def delete_risk(*, risk: Risk, by: Actor) -> None:
    ensure_editable(risk.objective.map, by)
    with transaction.atomic():
        recorded(risk, by).delete()


def add_risk_monitoring(*, risk: Risk, date: datetime.date, note: str, by: Actor) -> RiskMonitoring:
    """Record a monitoring entry of a risk: monitoring, allowed whatever the map's state."""
    ensure(by, "planning.monitor_risk", risk)
    if not note.strip():
        raise ValidationError({"note": _("Catatan pemantauan wajib diisi.")}, code="note_required")
    entry = RiskMonitoring(risk=risk, date=date, note=note.strip(), by=author(by))
    with transaction.atomic():
        recorded(entry, by).save()
    return entry
