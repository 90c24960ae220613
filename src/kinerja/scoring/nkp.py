"""The employee score under whichever method the rule set names (`scoring.md` §6 or §7)."""

from __future__ import annotations

from collections.abc import Sequence

from kinerja.scoring.employee import Employee
from kinerja.scoring.enums import NkpMethod
from kinerja.scoring.nkp2014 import Nkp2014Result, score_employees_2014
from kinerja.scoring.nkp2026 import Nkp2026Result, score_employees_2026
from kinerja.scoring.rules import RuleSet, get_rule_set

__all__ = ["EmployeeResult", "score_employees"]

EmployeeResult = Nkp2014Result | Nkp2026Result
"""The result of one employee: `Nkp2014Result` (§6) or `Nkp2026Result` (§7); both have
`nip`, `nkp`, `complete`, `missing`, `to_dict()` and `explain()`."""


def score_employees(
    employees: Sequence[Employee], *, rules: RuleSet | None = None, as_of_period: str | None = None
) -> list[EmployeeResult]:
    """Score employees by the rule set's `nkp_method`: §6 (CKP + NP) or §7 (NHK + NPK).

    Results are in input order; every error of every employee is raised
    together as one `ScoringErrors` (each tagged with the employee's NIP).
    """
    rs = rules or get_rule_set()
    if rs.nkp_method.value is NkpMethod.NHK_NPK:
        return list(score_employees_2026(employees, rules=rs, as_of_period=as_of_period))
    return list(score_employees_2014(employees, rules=rs, as_of_period=as_of_period))
