"""Links between the contract pages (issue 12): the index's unit tools (bulk creation, workbook, matrix,
alignment) by permission, the detail page's PDFs and cascade pages, the alignment panel's SS supports, and the
strategy map page's link to its SS supports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from tests.contracts.cascading import build
from tests.factories import grant

pytestmark = pytest.mark.django_db


def _tools(client):
    page = client.get(reverse("contracts:index"))
    assert page.status_code == 200
    tools = page.context["tools"]
    return tools, {url for _, url, _ in tools.links} if tools else set(), page.content.decode()


def test_a_manager_gets_every_unit_tool(client, office):
    client.force_login(office.manager)
    tools, urls, html = _tools(client)
    kpp_a = office.org.kpp_a
    args = [kpp_a.pk, 2026]
    assert tools.unit == kpp_a and tools.plan_year.year == 2026
    assert urls == {
        reverse("contracts:bulk", args=args),
        reverse("contracts:export-xlsx", args=args),
        reverse("contracts:import", args=args),
        reverse("contracts:matrix", args=args),
        reverse("contracts:alignment", args=args),
    }
    assert all(url in html for url in urls)
    assert 'name="untuk_unit"' not in html  # one unit: no chooser


def test_an_employee_reads_but_does_not_plan(client, office):
    client.force_login(office.user(office.staff[0]))
    _, urls, html = _tools(client)
    args = [office.org.section_a.pk, 2026]  # the role sits on the section (no map of its own)
    assert (
        reverse("contracts:bulk", args=args) not in urls
        and reverse("contracts:import", args=args) not in urls
    )
    assert reverse("contracts:export-xlsx", args=args) in urls
    assert reverse("contracts:alignment", args=args) in urls
    assert reverse("contracts:matrix-index") + "?tahun=2026" in urls  # not a map owner: the chooser
    assert "massal" not in html


def test_the_chooser_picks_one_of_several_units(client, office):
    grant(office.manager, office.org.kpp_b, Role.MANAGER)
    client.force_login(office.manager)
    page = client.get(reverse("contracts:index"), {"untuk_unit": office.org.kpp_b.pk})
    assert page.context["tools"].unit == office.org.kpp_b
    html = page.content.decode()
    assert 'name="untuk_unit"' in html and reverse("contracts:bulk", args=[office.org.kpp_b.pk, 2026]) in html
    # a unit outside the user's roles is not chosen
    page = client.get(reverse("contracts:index"), {"untuk_unit": office.org.djbc.pk})
    assert page.context["tools"].unit == office.org.kpp_a


def test_the_detail_page_links_its_pdfs_and_cascade_pages(client, office):
    world = build(office)
    client.force_login(office.manager)
    html = client.get(reverse("contracts:detail", args=[world.kasi.pk])).content.decode()
    document = reverse("contracts:document", args=[world.kasi.pk])
    assert f'href="{document}?lang=id"' in html and f'href="{document}?lang=en"' in html
    assert reverse("contracts:alignment", args=[office.org.section_a.pk, 2026]) in html
    assert reverse("contracts:matrix", args=[office.org.kpp_a.pk, 2026]) in html  # its nearest map owner
    # the holder reads their contract but not the cascade pages of a unit where they hold no role
    holder = office.user(office.staff[0])
    holder.roles.all().delete()
    client.force_login(holder)
    html = client.get(reverse("contracts:detail", args=[world.staff[0].pk])).content.decode()
    own = reverse("contracts:document", args=[world.staff[0].pk])
    assert f'href="{own}?lang=id"' in html and f'href="{own}?lang=en"' in html
    assert reverse("contracts:alignment", args=[office.org.section_a.pk, 2026]) not in html
    assert reverse("contracts:matrix", args=[office.org.kpp_a.pk, 2026]) not in html


def test_the_alignment_panel_links_each_lower_maps_supports(client, office):
    world = build(office)
    client.force_login(office.manager)
    page = client.get(reverse("contracts:alignment", args=[office.org.kpp_a.pk, 2026]))
    html = page.content.decode()
    assert 'id="dukungan-ss"' in html
    assert reverse("contracts:supports", args=[world.lower_map.pk]) in html
    assert [s.strategy_map for s in page.context["panel"].supports] == [world.lower_map]


def test_the_map_page_links_its_supports_for_cascade_readers(client, office, make_user):
    client.force_login(office.manager)
    supports = reverse("contracts:supports", args=[office.map.pk])
    assert supports in client.get(reverse("strategy:map", args=[office.map.pk])).content.decode()
    # a reader of a unit below, who reads the approved map above but not its cascades: no link
    client.force_login(make_user(office.org.section_a, Role.EMPLOYEE))
    page = client.get(reverse("strategy:map", args=[office.map.pk]))
    assert page.status_code == 200 and supports not in page.content.decode()
