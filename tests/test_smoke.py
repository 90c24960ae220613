import pytest

from kinerja.accounts.scope import unit_filter
from kinerja.organisations.models import Unit


@pytest.mark.django_db
def test_a_role_reaches_the_subtree_only(org, make_user):
    user = make_user(org.kpp_a, "manager")
    codes = set(Unit.objects.filter(unit_filter(user)).values_list("code", flat=True))
    assert codes == {"KPP-A", "SEKSI-A"}


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
