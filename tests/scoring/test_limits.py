"""Rule 26: predicate distribution limits by the organisation's rating (parameters of the rule set)."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from kinerja.scoring import check_predicate_limits, get_rule_set, organisation_rating

RULES = get_rule_set("kmk-127-2026")
PREDICATES = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")


def test_the_organisation_rating_follows_the_nko_bands():
    assert organisation_rating(D("100.01"), RULES) == "Istimewa"
    assert organisation_rating(D("100"), RULES) == "Baik"
    assert organisation_rating(D("90"), RULES) == "Baik"
    assert organisation_rating(D("89.99"), RULES) == "Butuh Perbaikan"
    assert organisation_rating(D("75"), RULES) == "Kurang"
    assert organisation_rating(D("69.99"), RULES) == "Sangat Kurang"
    assert organisation_rating(None, RULES) is None
    # The 2014 rules have no limits: no rating, nothing to check.
    old = get_rule_set("kmk-467-2014")
    assert organisation_rating(D("110"), old) is None
    assert check_predicate_limits({"baik": 10}, None, old) == []


def test_an_outstanding_unit_may_rate_at_most_70_percent_sangat_baik():
    (check,) = check_predicate_limits({"Sangat Baik": 8, "Baik": 2}, "Istimewa", RULES)
    assert (check.count, check.total, check.allowed_most, check.kept) == (8, 10, 7, False)
    assert check.share == D("80")
    (check,) = check_predicate_limits({"Sangat Baik": 7, "Baik": 3}, "Istimewa", RULES)
    assert check.kept


def test_a_good_unit_needs_someone_below_baik_and_at_most_70_percent_baik():
    checks = check_predicate_limits({"Sangat Baik": 3, "Baik": 7}, "Baik", RULES)
    assert [(c.limit.predicates, c.kept) for c in checks] == [
        (("Baik",), True),
        (("Butuh Perbaikan", "Kurang", "Sangat Kurang"), False),
    ]
    assert checks[1].required_least == 1
    checks = check_predicate_limits({"Sangat Baik": 2, "Baik": 7, "Kurang": 1}, "Baik", RULES)
    assert all(c.kept for c in checks)


def test_a_weak_unit_needs_60_percent_in_its_own_predicate_and_at_most_10_percent_sangat_baik():
    checks = check_predicate_limits({"Kurang": 5, "Baik": 3, "Sangat Baik": 2}, "Kurang", RULES)
    assert [(c.required_least, c.allowed_most, c.kept) for c in checks] == [
        (6, None, False),
        (None, 1, False),
    ]


def test_an_empty_unit_keeps_every_limit():
    assert all(c.kept for c in check_predicate_limits({}, "Istimewa", RULES))


@given(
    st.lists(st.sampled_from(PREDICATES), max_size=60),
    st.sampled_from(("Istimewa", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")),
)
def test_a_limit_holds_exactly_when_the_share_is_within_its_percent(people, rating):
    counts = {p: people.count(p) for p in set(people)}
    for check in check_predicate_limits(counts, rating, RULES):
        n = len(people)
        share_ok = n == 0 or (
            (check.limit.most is None or D(check.count) * 100 <= check.limit.most * n)
            and (check.limit.least is None or D(check.count) * 100 >= check.limit.least * n)
            and check.count >= min(check.limit.least_count, n if n else 0)
        )
        assert check.kept == share_ok
