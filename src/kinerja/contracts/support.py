"""Which SS of a lower map support which SS of a higher one (domain.md rule 5), through one pair of services.

A lower map's SS supports an SS of the map of one of its unit's ancestors for the same plan year (the same
branch): *direct* (the same SS handed down) or *indirect* (its own SS supporting one in the same or a higher
perspective — stakeholder is the top, learning & growth the bottom). An indirect support of an SS in a lower
perspective than the child's is refused (block), as are a duplicate and an SS supporting itself. The
performance manager of the child's map unit (`contracts.manage_cascade` on that unit) adds and removes them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, recorded
from kinerja.organisations.models import Unit
from kinerja.planning.models import Objective, StrategyMap

from .models import ObjectiveSupport, SupportKind

_RELATED = ("map__unit", "map__plan_year", "perspective")


def ancestor_paths(path: str) -> list[str]:
    """The materialised paths of the units above the unit at `path`, top first (itself left out)."""
    return [path[:i] for i in range(Unit.steplen, len(path), Unit.steplen)]


def parent_maps(strategy_map: StrategyMap) -> QuerySet[StrategyMap]:
    """The maps an SS of `strategy_map` may support: the same year's maps of its unit's ancestors, nearest first."""
    return (
        StrategyMap.objects.filter(
            plan_year_id=strategy_map.plan_year_id, unit__path__in=ancestor_paths(strategy_map.unit.path)
        )
        .select_related("unit", "plan_year")
        .order_by("-unit__depth")
    )


def candidate_parents(strategy_map: StrategyMap) -> list[Objective]:
    """The SS of the parent maps (nearest map first, then by perspective and code)."""
    objectives = Objective.objects.filter(map__in=parent_maps(strategy_map)).select_related(*_RELATED)
    return sorted(objectives, key=lambda o: (-o.map.unit.depth, o.perspective.order, o.code))


def supports_of_map(strategy_map: StrategyMap) -> list[ObjectiveSupport]:
    """Every support given by an SS of `strategy_map`, with both SS loaded (one query)."""
    return list(
        ObjectiveSupport.objects.filter(child__map=strategy_map)
        .select_related(*(f"child__{r}" for r in _RELATED), *(f"parent__{r}" for r in _RELATED))
        .order_by("child__perspective__order", "child__code", "parent__map__unit__path", "parent__code")
    )


def check_support(child_objective: Objective, parent_objective: Objective, kind: str) -> None:
    """Rule 5 and the shape of a support: raise a ValidationError (block) when it may not be made."""
    if kind not in SupportKind.values:
        raise ValidationError(_("Jenis dukungan SS tidak dikenal."), code="support_kind")
    if child_objective.pk == parent_objective.pk:
        raise ValidationError(_("SS tidak dapat mendukung dirinya sendiri."), code="support_itself")
    child_map, parent_map = child_objective.map, parent_objective.map
    if parent_map.plan_year_id != child_map.plan_year_id:
        raise ValidationError(
            _("SS yang didukung harus berada pada peta strategi tahun yang sama (aturan 5)."),
            code="support_other_year",
        )
    child_path, parent_path = child_map.unit.path, parent_map.unit.path
    if len(parent_path) >= len(child_path) or not child_path.startswith(parent_path):
        raise ValidationError(
            _(
                "SS %(child)s hanya dapat mendukung SS pada peta strategi unit di atasnya dalam cabang organisasi "
                "yang sama (aturan 5)."
            )
            % {"child": child_objective.code},
            code="support_outside_branch",
        )
    if (
        kind == SupportKind.INDIRECT
        and parent_objective.perspective.order > child_objective.perspective.order
    ):
        raise ValidationError(
            _(
                "SS %(child)s (perspektif %(child_perspective)s) diturunkan tidak langsung dan hanya dapat mendukung "
                "SS pada perspektif yang sama atau lebih tinggi; %(parent)s berada pada perspektif %(parent_perspective)s "
                "(aturan 5)."
            )
            % {
                "child": child_objective.code,
                "child_perspective": child_objective.perspective.name,
                "parent": parent_objective.code,
                "parent_perspective": parent_objective.perspective.name,
            },
            code="support_lower_perspective",
        )
    if ObjectiveSupport.objects.filter(child=child_objective, parent=parent_objective).exists():
        raise ValidationError(
            _("SS %(child)s sudah mendukung SS %(parent)s.")
            % {"child": child_objective.code, "parent": parent_objective.code},
            code="support_duplicate",
        )


def add_support(
    child_objective: Objective, parent_objective: Objective, kind: str, by: Actor
) -> ObjectiveSupport:
    """`child_objective` (a lower map's SS) supports `parent_objective` directly or indirectly (rule 5)."""
    ensure(by, "contracts.manage_cascade", child_objective.map.unit)
    check_support(child_objective, parent_objective, kind)
    support = ObjectiveSupport(child=child_objective, parent=parent_objective, kind=kind)
    with transaction.atomic():
        recorded(support, by).save()
    return support


def remove_support(support: ObjectiveSupport, by: Actor) -> None:
    ensure(by, "contracts.manage_cascade", support.child.map.unit)
    with transaction.atomic():
        recorded(support, by).delete()
