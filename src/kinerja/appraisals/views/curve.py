"""What the distribution pages show, in the user's language (issue 13 item 5, rule 26): the curve's labels with
the rule set's percentages ("Terbaik (15%)"), the rule 26 checks in words, the SVG chart's geometry and a
ranked group as a page shows it. Shared by the distribution page (`distribution.py`) and the unit recap
(`scores.unit`); everything is read from `standing.standings`, nothing here queries except `superiors`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kinerja.common.labels import predicate_label
from kinerja.common.templatetags.kinerja_numbers import percent, shown
from kinerja.organisations.models import Employee, PositionType
from kinerja.scoring import DistributionLabel, LimitCheck, RuleSet

from ..standing import Group, Owner, Standing, Standings

INLINE_MEMBERS = 10

LABELS = (DistributionLabel.BEST, DistributionLabel.AVERAGE, DistributionLabel.BELOW)
_HUNDRED = Decimal(100)


def rating_label(text: str | None) -> str:
    """An organisation rating ("Istimewa", "Baik") in the user's language (`kinerja.common.labels`); "" for none."""
    return predicate_label(text) if text else ""


def curve_names() -> dict[DistributionLabel, str]:
    """The curve's labels in the user's language, without the percentages."""
    return {
        DistributionLabel.BEST: _("Terbaik"),
        DistributionLabel.AVERAGE: _("Rata-rata"),
        DistributionLabel.BELOW: _("Di bawah rata-rata"),
    }


def curve_shares(rules: RuleSet) -> dict[DistributionLabel, Decimal]:
    """The rule set's curve: the percent of each label (§6, 15 / 70 / 15 by default)."""
    p = rules.appraisal
    return {
        DistributionLabel.BEST: p.distribution_best.value,
        DistributionLabel.AVERAGE: p.distribution_average.value,
        DistributionLabel.BELOW: p.distribution_below.value,
    }


def curve_labels(rules: RuleSet) -> dict[DistributionLabel, str]:
    """The labels with the rule set's percentages in the user's language ("Terbaik (15%)", "Best (15%)")."""
    names, shares = curve_names(), curve_shares(rules)
    return {
        label: _("%(label)s (%(share)s)") % {"label": names[label], "share": percent(shares[label])}
        for label in LABELS
    }


def _people(n: int) -> str:
    return ngettext("%(n)s orang", "%(n)s orang", n) % {"n": shown(n)}


@dataclass(slots=True)
class LimitRow:
    """One rule 26 check as a person reads it."""

    text: str  # "Sangat Baik paling banyak 70%"
    count: str  # "18 dari 83 orang (21,69%)"
    bound: str  # "paling banyak 58 orang"
    kept: bool


def _limit_text(check: LimitCheck) -> str:
    limit = check.limit
    who = " / ".join(predicate_label(p) for p in limit.predicates)
    bounds = []
    if limit.most is not None:
        bounds.append(_("paling banyak %(share)s") % {"share": percent(limit.most)})
    if limit.least is not None:
        bounds.append(_("paling sedikit %(share)s") % {"share": percent(limit.least)})
    if limit.least_count:
        bounds.append(_("paling sedikit %(people)s") % {"people": _people(limit.least_count)})
    return f"{who} {', '.join(bounds)}".strip()


def limit_rows(checks: Iterable[LimitCheck]) -> list[LimitRow]:
    """The checks of one map owner in the user's language (what is counted, allowed or required, kept)."""
    rows = []
    for check in checks:
        count = _("%(count)s dari %(people)s (%(share)s)") % {
            "count": shown(check.count),
            "people": _people(check.total),
            "share": percent(check.share),
        }
        bounds = []
        if check.allowed_most is not None:
            bounds.append(_("diizinkan paling banyak %(people)s") % {"people": _people(check.allowed_most)})
        if check.required_least is not None:
            bounds.append(
                _("diwajibkan paling sedikit %(people)s") % {"people": _people(check.required_least)}
            )
        rows.append(LimitRow(_limit_text(check), count, "; ".join(bounds), check.kept))
    return rows


# --------------------------------------------------------------------------- the chart


@dataclass(slots=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    share: str  # "4,2%" above the bar
    count: str  # "(6)" under the share
    text_y: int

    @property
    def mid(self) -> int:
        return self.x + self.width // 2


@dataclass(slots=True)
class ChartColumn:
    name: str
    curve: str  # "15%"
    centre: int
    expected: Bar
    actual: Bar
    curve_y: int  # the rule set's percentage: a dashed mark across the column
    curve_x1: int
    curve_x2: int


@dataclass(slots=True)
class ChartRow:
    """One line of the chart's text alternative."""

    label: str
    curve: str
    expected: int
    expected_share: str
    actual: int
    actual_share: str
    difference: int


@dataclass(slots=True)
class Chart:
    """Geometry of the SVG bar chart (the template draws it in a `WIDTH` × `HEIGHT` view box) and, for the
    table beside it, the same numbers."""

    columns: list[ChartColumn]
    ticks: list[tuple[int, str]]  # (y, "50%")
    scored: int
    rows: list[ChartRow]
    width: int = 0
    height: int = 0
    plot_left: int = 0
    plot_right: int = 0
    plot_bottom: int = 0
    name_y: int = 0  # the column names under the axis
    curve_y: int = 0  # the curve's percent under the names

    @property
    def off_curve(self) -> bool:
        return any(r.difference for r in self.rows)


WIDTH, HEIGHT = 440, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 4, 46, 48
PLOT = HEIGHT - TOP - BOTTOM


def _share(count: int, total: int) -> Decimal:
    if not total:
        return Decimal(0)
    return Decimal(count) * _HUNDRED / total


def _y(share: Decimal) -> int:
    return TOP + PLOT - int((share * PLOT / _HUNDRED).to_integral_value(rounding=ROUND_HALF_UP))


def chart(
    actual: dict[DistributionLabel, int], expected: dict[DistributionLabel, int], rules: RuleSet
) -> Chart:
    """Bars of the expected and the actual share of each label (of the people scored), the curve marked."""
    scored = sum(actual.values())
    names, shares, titles = curve_names(), curve_shares(rules), curve_labels(rules)
    slot = (WIDTH - LEFT - RIGHT) // len(LABELS)
    bar = slot * 3 // 8
    columns, rows = [], []
    for i, label in enumerate(LABELS):
        centre = LEFT + slot * i + slot // 2
        bars = []
        for j, count in enumerate((expected[label], actual[label])):
            share = _share(count, scored)
            top = _y(share)
            bars.append(
                Bar(
                    x=centre - bar - 2 if j == 0 else centre + 2,
                    y=top,
                    width=bar,
                    height=TOP + PLOT - top,
                    share=percent(share, 1),
                    count=f"({shown(count)})",
                    text_y=top - 22,
                )
            )
        curve_y = _y(shares[label])
        columns.append(
            ChartColumn(
                name=names[label],
                curve=percent(shares[label]),
                centre=centre,
                expected=bars[0],
                actual=bars[1],
                curve_y=curve_y,
                curve_x1=centre - bar - 8,
                curve_x2=centre + bar + 8,
            )
        )
        rows.append(
            ChartRow(
                label=titles[label],
                curve=percent(shares[label]),
                expected=expected[label],
                expected_share=percent(_share(expected[label], scored), 1),
                actual=actual[label],
                actual_share=percent(_share(actual[label], scored), 1),
                difference=actual[label] - expected[label],
            )
        )
    ticks = [(_y(Decimal(v)), percent(v)) for v in (0, 25, 50, 75, 100)]
    return Chart(
        columns,
        ticks,
        scored,
        rows,
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=TOP + PLOT,
        name_y=TOP + PLOT + 20,
        curve_y=TOP + PLOT + 38,
    )


# --------------------------------------------------------------------------- groups and owners


def group_key(group: Group) -> str:
    """A group in a URL: map owner pk, job category, direct superior pk ("12-executor-340")."""
    return f"{group.owner.pk if group.owner else 0}-{group.category or '-'}-{group.superior_id or 0}"


def _label_counts(members: Iterable[Standing]) -> Counter[DistributionLabel]:
    return Counter(m.label for m in members if m.label is not None)


def counts(groups: Sequence[Group]) -> tuple[dict[DistributionLabel, int], dict[DistributionLabel, int]]:
    actual: Counter[DistributionLabel] = Counter()
    expected: Counter[DistributionLabel] = Counter()
    for group in groups:
        actual.update(_label_counts(group.members))
        for label, n in zip(LABELS, group.expected, strict=True):
            expected[label] += n
    return {lb: actual[lb] for lb in LABELS}, {lb: expected[lb] for lb in LABELS}


def off_curve(group: Group) -> bool:
    """Whether a group's labels differ from the counts the curve expects (ties share the better label)."""
    actual = _label_counts(group.members)
    return any(actual[lb] != n for lb, n in zip(LABELS, group.expected, strict=True))


@dataclass(slots=True)
class Member:
    """One person of a ranked group as the page shows them."""

    rank: int | None
    standing: Standing
    label: str  # "Terbaik (15%)", "" without an NKP
    css: str


_CSS = {
    DistributionLabel.BEST: "status-green",
    DistributionLabel.AVERAGE: "",
    DistributionLabel.BELOW: "status-yellow",
}


def member(rank: int | None, standing: Standing, labels: dict[DistributionLabel, str]) -> Member:
    label = standing.label
    return Member(rank, standing, labels[label] if label else "", _CSS[label] if label else "")


def ranked(members: Sequence[Standing]) -> list[tuple[int | None, Standing]]:
    """Competition ranking (1, 2, 2, 4) of a group's members (already best first); no rank without an NKP."""
    out: list[tuple[int | None, Standing]] = []
    previous: Decimal | None = None
    rank = 0
    for position, person in enumerate(members, start=1):
        if person.nkp is None:
            out.append((None, person))
            continue
        if person.nkp != previous:
            rank, previous = position, person.nkp
        out.append((rank, person))
    return out


@dataclass(slots=True)
class GroupView:
    key: str
    group: Group
    category: str
    superior: Employee | None
    size: int
    scored: int
    counts: list[tuple[str, int, int]]  # (label name, actual, expected)
    off_curve: bool
    members: list[Member]
    hidden: int  # members not shown inline


def group_view(
    group: Group,
    labels: dict[DistributionLabel, str],
    superiors: dict[int, Employee],
    people: Sequence[tuple[int | None, Standing]] | None = None,
) -> GroupView:
    """A group's header and the members shown: `people` (a page of them) or the first `INLINE_MEMBERS`."""
    names = curve_names()
    actual = _label_counts(group.members)
    counts = [(names[lb], actual[lb], n) for lb, n in zip(LABELS, group.expected, strict=True)]
    if people is None:
        people = ranked(group.members)[:INLINE_MEMBERS]
        hidden = len(group.members) - len(people)
    else:
        hidden = 0
    return GroupView(
        key=group_key(group),
        group=group,
        category=category_label(group.category),
        superior=superiors.get(group.superior_id) if group.superior_id else None,
        size=len(group.members),
        scored=sum(1 for m in group.members if m.nkp is not None),
        counts=counts,
        off_curve=any(a != e for _name, a, e in counts),
        members=[member(rank, person, labels) for rank, person in people],
        hidden=hidden,
    )


def category_label(category: str) -> str:
    """A job category (Position.type) in the user's language."""
    if not category:
        return _("tanpa jabatan")
    try:
        return str(PositionType(category).label)
    except ValueError:
        return category


def superiors(groups: Iterable[Group], known: dict[int, Standing]) -> dict[int, Employee]:
    """The direct superiors of the groups shown: from the unit's own rows, else one query."""
    wanted = {g.superior_id for g in groups if g.superior_id}
    found = {pk: known[pk].employee for pk in wanted if pk in known}
    missing = wanted - found.keys()
    if missing:
        found.update({e.pk: e for e in Employee.objects.filter(pk__in=missing).only("pk", "name", "nip")})
    return found


@dataclass(slots=True)
class OwnerView:
    owner: Owner
    rating: str
    predicates: list[tuple[str, int]]
    limits: list[LimitRow]
    scored: int


def owner_view(owner: Owner, rules: RuleSet) -> OwnerView:
    """A map owner's NKO, rating, predicate counts (best first, in the rule set's order) and checks."""
    order = {p.lower(): i for i, p in enumerate(rules.appraisal.allowance_shares.value)}
    predicates = sorted(owner.predicates.items(), key=lambda kv: (order.get(kv[0].lower(), 99), kv[0]))
    return OwnerView(
        owner=owner,
        rating=rating_label(owner.rating),
        predicates=[(predicate_label(p), n) for p, n in predicates],
        limits=limit_rows(owner.checks),
        scored=sum(owner.predicates.values()),
    )


def breach_list(found: Standings) -> list[tuple[Owner, str, LimitRow]]:
    """Every rule 26 breach of the unit as (map owner, its rating, the check in words), in tree order."""
    return [
        (owner, rating_label(owner.rating), row)
        for owner, check in found.breaches
        for row in limit_rows([check])
    ]


__all__ = [
    "INLINE_MEMBERS",
    "LABELS",
    "Chart",
    "GroupView",
    "LimitRow",
    "Member",
    "OwnerView",
    "breach_list",
    "category_label",
    "chart",
    "counts",
    "curve_labels",
    "curve_names",
    "curve_shares",
    "group_key",
    "group_view",
    "limit_rows",
    "member",
    "off_curve",
    "owner_view",
    "ranked",
    "rating_label",
    "superiors",
]
