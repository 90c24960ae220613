"""Contracts API: who sees which contract, the workflow through the API, a signed contract refusing every write
(rule 19), cascades with shares, and errors as JSON naming the fields (issue 12 item 11)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from kinerja.accounts.models import Role
from kinerja.contracts import services
from kinerja.contracts.models import (
    Cascade,
    CascadeLink,
    CascadeMode,
    Contract,
    ContractEvent,
    ContractKpi,
    ContractState,
)
from kinerja.planning.models import Kpi
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db

RULE_19 = "hanya dapat diubah melalui revisi"
IKI = {
    "name_id": "Persentase berkas selesai tepat waktu",
    "polarity": "max",
    "validity": "proxy",
    "controllability": "high",
    "consolidation": "last",
    "frequency": "quarterly",
    "target": "95",
    **b.MANUAL,
}


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def _contracts(office):
    year = office.map.plan_year
    people = [office.head, office.kasi, *office.staff]
    return {p.pk: services.create_contract(employee=p, plan_year=year, by=office.manager) for p in people}


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _without_roles(user):
    user.roles.all().delete()
    return user


def test_each_person_sees_their_own_their_subordinates_and_their_roles_subtree(office, org, make_user):
    contracts = _contracts(office)
    mine = contracts[office.staff[0].pk]
    peer = contracts[office.staff[1].pk]
    head = contracts[office.head.pk]
    executor = client_for(_without_roles(office.user(office.staff[0])))
    assert _ids(executor.get("/api/contracts/")) == {mine.pk}
    assert executor.get(f"/api/contracts/{mine.pk}/").status_code == 200
    assert executor.get(f"/api/contracts/{peer.pk}/").status_code == 404
    superior = client_for(_without_roles(office.user(office.kasi)))
    subordinates = {contracts[p.pk].pk for p in office.staff}
    assert _ids(superior.get("/api/contracts/")) == {contracts[office.kasi.pk].pk, *subordinates}
    assert superior.get(f"/api/contracts/{head.pk}/").status_code == 404
    manager = client_for(office.manager)
    assert _ids(manager.get("/api/contracts/")) == {c.pk for c in contracts.values()}
    assert _ids(manager.get("/api/contracts/", {"unit": "SEKSI-A"})) == {
        contracts[office.kasi.pk].pk,
        *subordinates,
    }
    assert _ids(manager.get("/api/contracts/", {"employee": office.head.nip})) == {head.pk}
    assert _ids(manager.get("/api/contracts/", {"year": 2026, "state": "draft"})) == {
        c.pk for c in contracts.values()
    }
    assert _ids(manager.get("/api/contracts/", {"state": "signed"})) == set()
    other = client_for(make_user(org.kpp_b, Role.MANAGER))
    assert _ids(other.get("/api/contracts/")) == set()
    assert other.get(f"/api/contracts/{mine.pk}/").status_code == 404
    assert other.get("/api/contract-kpis/").json()["count"] == 0
    entry = head.kpis.first()
    assert other.get(f"/api/contract-kpis/{entry.pk}/").status_code == 404
    assert other.patch(f"/api/contracts/{mine.pk}/", {"commitment": "x"}, format="json").status_code == 404
    assert other.post(f"/api/contracts/{mine.pk}/propose/").status_code == 404
    detail = manager.get(f"/api/contracts/{head.pk}/").json()
    assert [k["kpi_code"] for k in detail["kpis"]] == ["S1.1", "S1.2"]
    assert {"kpis", "findings", "k3", "allowed", "events", "weight_total"} <= set(detail)
    assert "weights_missing" in {f["code"] for f in detail["findings"]}


def test_create_add_kpis_weigh_propose_agree_sign_through_the_api(office):
    manager = client_for(office.manager)
    created = manager.post("/api/contracts/", {"employee": office.kasi.nip, "year": 2026}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["employee"], body["superior"], body["contract_state"]) == (
        office.kasi.nip,
        office.head.nip,
        "draft",
    )
    cid = body["id"]
    cascaded = manager.post(
        "/api/contract-kpis/",
        {"contract": cid, "source": "cascaded", "parent": office.kpi_sum.pk, "mode": "direct_full"},
        format="json",
    )
    assert cascaded.status_code == 201, cascaded.json()
    assert cascaded.json()["target"] == "1200.000000"
    assert cascaded.json()["cascaded_from"] == office.kpi_sum.pk
    individual = manager.post(
        "/api/contract-kpis/",
        {
            "contract": cid,
            "source": "individual",
            "objective": office.kpi_sum.objective_id,
            "code": "IKI-1",
            "manual": IKI,
            "trajectory": ["95", "95", "95", "95,0"],
            "weight": "40",
        },
        format="json",
    )
    assert individual.status_code == 201, individual.json()
    assert individual.json()["trajectory"] == ["95.000000"] * 4 and individual.json()["weight"] == "40.00"
    refused = manager.post(f"/api/contracts/{cid}/propose/")
    assert refused.status_code == 400 and "non_field_errors" in refused.json()  # weights not 100 (rule 13)
    weighed = manager.patch(
        f"/api/contract-kpis/{cascaded.json()['id']}/",
        {"weight": "60", "kpi_kind": "existing"},
        format="json",
    )
    assert weighed.status_code == 200 and weighed.json()["weight"] == "60.00"
    # a direct-full child keeps its parent's target (rule 14)
    locked = manager.patch(f"/api/contract-kpis/{cascaded.json()['id']}/", {"target": "1"}, format="json")
    assert locked.status_code == 400
    assert (
        manager.patch(f"/api/contracts/{cid}/", {"commitment": "Saya berjanji."}, format="json").json()[
            "commitment"
        ]
        == "Saya berjanji."
    )
    assert manager.post(f"/api/contracts/{cid}/propose/").json()["contract_state"] == "proposed"
    assert manager.post(f"/api/contracts/{cid}/agree/").status_code == 403  # only the superior (rule 18)
    head = client_for(office.user(office.head))
    agreed = head.post(f"/api/contracts/{cid}/agree/")
    assert agreed.status_code == 200 and agreed.json()["contract_state"] == "agreed"
    assert head.post(f"/api/contracts/{cid}/sign/").status_code == 403  # only the holder signs
    kasi = client_for(office.user(office.kasi))
    signed = kasi.post(f"/api/contracts/{cid}/sign/")
    assert signed.status_code == 200, signed.json()
    body = signed.json()
    assert body["contract_state"] == "signed" and body["signed_by"] == office.user(office.kasi).username
    assert [e["to_state"] for e in body["events"]] == ["proposed", "agreed", "signed"]
    frozen = {k["kpi_code"]: k["trajectory"] for k in body["kpis"]}
    assert frozen["IKI-1"] == ["95.000000"] * 4
    returned = head.post(f"/api/contracts/{cid}/return/", {"reason": ""}, format="json")
    assert returned.status_code == 400 and "reason" in returned.json()


def _signed_kasi_with_a_cascade_below(office):
    contracts = _contracts(office)
    kasi = contracts[office.kasi.pk]
    parent = services.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager
    )
    services.cascade_to(
        parent=parent.kpi,
        contract=contracts[office.staff[0].pk],
        mode=CascadeMode.DIRECT_SHARED,
        share=D(600),
        by=office.manager,
    )
    services.update_contract_kpi(entry=parent, fields={"weight": D(100)}, by=office.manager)
    services.propose(contract=kasi, by=office.manager)
    services.agree(contract=kasi, by=office.user(office.head))
    services.sign(contract=kasi, by=office.user(office.kasi))
    kasi.refresh_from_db()
    return kasi, parent


def _fingerprint():
    return (
        Contract.history.count(),
        ContractKpi.history.count(),
        Kpi.all_kpis.count(),
        Cascade.history.count(),
        CascadeLink.history.count(),
        ContractEvent.objects.count(),
        tuple(Contract.objects.order_by("pk").values_list("state", "commitment", "revision")),
    )


def test_a_signed_contract_refuses_every_write_until_revised(office):
    kasi, entry = _signed_kasi_with_a_cascade_below(office)
    assert kasi.state == ContractState.SIGNED
    api = client_for(office.manager)
    cascade = Cascade.objects.get(parent=entry.kpi)
    own_link = CascadeLink.objects.get(child=entry.kpi)
    writes = [
        ("patch", f"/api/contracts/{kasi.pk}/", {"commitment": "Diubah"}),
        (
            "post",
            "/api/contract-kpis/",
            {
                "contract": kasi.pk,
                "source": "individual",
                "objective": office.kpi_sum.objective_id,
                "code": "IKI-2",
                "manual": IKI,
            },
        ),
        ("post", "/api/contract-kpis/", {"contract": kasi.pk, "source": "map", "kpi": office.kpi_pct.pk}),
        (
            "post",
            "/api/contract-kpis/",
            {"contract": kasi.pk, "source": "cascaded", "parent": office.kpi_pct.pk, "mode": "direct_full"},
        ),
        ("patch", f"/api/contract-kpis/{entry.pk}/", {"weight": "50"}),
        ("patch", f"/api/contract-kpis/{entry.pk}/", {"target_prev": "1000", "realization_prev": "1100"}),
        ("patch", f"/api/contract-kpis/{entry.pk}/", {"manual": {"formula": "lain"}}),
        ("delete", f"/api/contract-kpis/{entry.pk}/", None),
        ("patch", f"/api/cascades/{cascade.pk}/", {"mode": "direct_shared", "aggregation": "average"}),
        ("patch", f"/api/cascade-links/{own_link.pk}/", {"share": "1"}),
        ("delete", f"/api/cascade-links/{own_link.pk}/", None),
    ]
    before = _fingerprint()
    for method, url, body in writes:
        response = getattr(api, method)(url, body, format="json") if body is not None else api.delete(url)
        assert response.status_code == 400, (method, url, response.status_code, response.content)
        messages = " ".join(str(m) for v in response.json().values() for m in v)
        assert RULE_19 in messages, (method, url, response.json())
        assert _fingerprint() == before, (method, url)
    for step in ("propose", "agree", "sign"):
        assert api.post(f"/api/contracts/{kasi.pk}/{step}/").status_code in (400, 403)
    assert _fingerprint() == before
    assert api.post(f"/api/contracts/{kasi.pk}/revise/", {"reason": " "}, format="json").status_code == 400
    revised = api.post(f"/api/contracts/{kasi.pk}/revise/", {"reason": "Target berubah"}, format="json")
    assert revised.status_code == 200 and (revised.json()["contract_state"], revised.json()["revision"]) == (
        "draft",
        1,
    )
    assert api.patch(f"/api/contract-kpis/{entry.pk}/", {"weight": "100"}, format="json").status_code == 200


def test_cascade_with_shares_read_changed_and_unlinked(office):
    contracts = _contracts(office)
    api = client_for(office.manager)
    parent = api.post(
        "/api/contract-kpis/",
        {
            "contract": contracts[office.kasi.pk].pk,
            "source": "cascaded",
            "parent": office.kpi_sum.pk,
            "mode": "direct_full",
        },
        format="json",
    ).json()
    children = []
    for person, share in zip(office.staff, ["500", "400", "300"], strict=True):
        response = api.post(
            "/api/contract-kpis/",
            {
                "contract": contracts[person.pk].pk,
                "source": "cascaded",
                "parent": parent["kpi"],
                "mode": "direct_shared",
                "share": share,
                "weight": "100",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["target"] == f"{share}.000000"
        children.append(response.json())
    missing_share = api.post(
        "/api/contract-kpis/",
        {
            "contract": contracts[office.head.pk].pk,
            "source": "cascaded",
            "parent": parent["kpi"],
            "mode": "direct_shared",
        },
        format="json",
    )
    assert missing_share.status_code == 400 and "share" in missing_share.json()
    cascades = api.get("/api/cascades/", {"parent": parent["kpi"]}).json()["results"]
    assert len(cascades) == 1
    cascade = cascades[0]
    assert cascade["mode"] == "direct_shared" and cascade["shares_total"] == "1200.000000"
    assert [link["share"] for link in cascade["links"]] == ["500.000000", "400.000000", "300.000000"]
    # a holder without any role sees the cascade their KPI hangs from, and its links
    executor = client_for(_without_roles(office.user(office.staff[0])))
    assert executor.get(f"/api/cascades/{cascade['id']}/").status_code == 200
    assert executor.get("/api/cascade-links/", {"cascade": cascade["id"]}).json()["count"] == 3
    link = children[0]["cascade_link"]
    changed = api.patch(f"/api/cascade-links/{link}/", {"share": "450"}, format="json")
    assert changed.status_code == 200 and changed.json()["share"] == "450.000000"
    assert api.get(f"/api/contract-kpis/{children[0]['id']}/").json()["target"] == "450.000000"
    assert api.patch(f"/api/cascade-links/{link}/", {"share": "-1"}, format="json").status_code == 400
    # the mode does not change while children remain (rule 14)
    assert (
        api.patch(f"/api/cascades/{cascade['id']}/", {"mode": "indirect"}, format="json").status_code == 400
    )
    # an executor may not change their superior's cascade
    assert executor.patch(f"/api/cascade-links/{link}/", {"share": "1"}, format="json").status_code == 403
    assert api.delete(f"/api/cascade-links/{link}/").status_code == 204
    assert not CascadeLink.objects.filter(pk=link).exists()
    assert api.get("/api/cascade-links/", {"cascade": cascade["id"]}).json()["count"] == 2


def test_errors_are_json_naming_the_fields(office, org, make_user):
    api = client_for(office.manager)
    empty = api.post("/api/contracts/", {}, format="json")
    assert empty.status_code == 400 and {"employee", "year"} <= set(empty.json())
    no_year = api.post("/api/contracts/", {"employee": office.kasi.nip, "year": 2031}, format="json")
    assert no_year.status_code == 400 and "year" in no_year.json()
    stranger = make_user(org.kpp_b, Role.MANAGER)
    outside = client_for(stranger).post(
        "/api/contracts/", {"employee": office.kasi.nip, "year": 2026}, format="json"
    )
    assert outside.status_code == 400 and "employee" in outside.json()  # not theirs to name
    employee = client_for(office.user(office.staff[0]))
    refused = employee.post("/api/contracts/", {"employee": office.kasi.nip, "year": 2026}, format="json")
    assert refused.status_code == 403
    created = api.post(
        "/api/contracts/", {"employee": office.kasi.nip, "year": 2026, "end": "2026-06-30"}, format="json"
    )
    assert created.status_code == 201
    overlap = api.post(
        "/api/contracts/", {"employee": office.kasi.nip, "year": 2026, "start": "2026-06-01"}, format="json"
    )
    assert overlap.status_code == 400 and "aturan 16" in overlap.json()["non_field_errors"][0]
    cid = created.json()["id"]
    no_manual = api.post(
        "/api/contract-kpis/",
        {"contract": cid, "source": "individual", "objective": office.kpi_sum.objective_id, "code": "X"},
        format="json",
    )
    assert no_manual.status_code == 400 and "manual" in no_manual.json()
    bad_manual = api.post(
        "/api/contract-kpis/",
        {
            "contract": cid,
            "source": "individual",
            "objective": office.kpi_sum.objective_id,
            "code": "X",
            "manual": {**IKI, "polarity": "upwards", "target": "banyak"},
        },
        format="json",
    )
    assert bad_manual.status_code == 400
    assert {"polarity", "target"} <= set(bad_manual.json()["manual"])
    not_reached = api.post(
        "/api/contract-kpis/",
        {"contract": cid, "source": "individual", "objective": 2**31, "code": "X", "manual": IKI},
        format="json",
    )
    assert not_reached.status_code == 400 and "objective" in not_reached.json()
    not_map = api.post(
        "/api/contract-kpis/", {"contract": cid, "source": "map", "kpi": office.kpi_sum.pk}, format="json"
    )
    assert not_map.status_code == 400 and "non_field_errors" in not_map.json()  # kasi owns no map
    bad_weight = api.patch(f"/api/contracts/{cid}/", {"commitment": ""}, format="json")
    assert bad_weight.status_code == 400 and "commitment" in bad_weight.json()


def test_replacement_through_the_api(office):
    contracts = _contracts(office)
    api = client_for(office.manager)
    old = contracts[office.staff[0].pk]
    wrong = api.post(f"/api/contracts/{old.pk}/replace/", {"change_date": "2025-07-01"}, format="json")
    assert wrong.status_code == 400
    replaced = api.post(
        f"/api/contracts/{old.pk}/replace/", {"change_date": "2026-07-01", "copy_kpis": True}, format="json"
    )
    assert replaced.status_code == 201, replaced.json()
    body = replaced.json()
    assert (body["contract_kind"], body["start"], body["end"], body["replaces"]) == (
        "replacement",
        "2026-07-01",
        "2026-12-31",
        old.pk,
    )
    old.refresh_from_db()
    assert old.state == ContractState.ENDED and str(old.end) == "2026-06-30"
    executor = client_for(office.user(office.staff[1]))
    assert (
        executor.post(
            f"/api/contracts/{body['id']}/replace/", {"change_date": "2026-09-01"}, format="json"
        ).status_code
        == 403
    )
