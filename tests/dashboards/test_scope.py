"""Visibility through relations: rankings, weekly reports and the criticism candidates of a unit show
only units in the viewer's subtree (county A's office sees nothing of county B, and the reverse)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from reports.excel import read_table
from tests.dashboards.builders import seed
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

SIDES = (
    # (user, own county attribute, a name of the other county's subtree that must never show)
    ("county_office", "county_a", "迁安"),
    ("county_office_b", "county_b", "正定"),
)


@pytest.fixture
def seeded(tree, campaign):
    return seed(tree, campaign)


@pytest.mark.parametrize("user_name, own, foreign", SIDES)
def test_r6_3_rankings_reports_and_dashboards_stay_in_the_viewers_subtree(tree, users, seeded, login,
                                                                          user_name, own, foreign):
    client = login(users[user_name])
    own_unit = getattr(tree, own)
    other = tree.county_b if own == "county_a" else tree.county_a
    for url in (reverse("dashboards:home"), reverse("dashboards:ranking"),
                reverse("dashboards:unit", args=[own_unit.pk]), reverse("dashboards:unit_ranking", args=[own_unit.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert foreign not in response.content.decode(), url
    ranking = client.get(reverse("dashboards:ranking")).context["r"]
    assert ranking.rows and all(row.unit.path.startswith(own_unit.path) for row in ranking.rows)
    assert all(row.unit.path.startswith(own_unit.path) for row in ranking.candidates + ranking.offered)
    for name in ("dashboards:unit_ranking", "dashboards:report_xlsx"):
        workbook = client.get(reverse(name, args=[own_unit.pk]), {"export": "xlsx"})
        assert workbook.status_code == 200
        cells = " ".join(" ".join(row) for row in read_table(workbook.content, "r.xlsx"))
        assert foreign not in cells, name
    # the other county, reached directly: 404 to every page, GET and POST
    for name in ("dashboards:unit", "dashboards:unit_ranking", "dashboards:criticism_confirm",
                 "dashboards:report_pdf", "dashboards:report_xlsx"):
        url = reverse(name, args=[other.pk])
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"number": "x", "title": "x"}).status_code == 404, name


@pytest.mark.parametrize("own, foreign", [("county_a", "迁安"), ("county_b", "正定")])
def test_r6_3_criticism_candidates_are_only_units_below_the_issuer(tree, seeded, login, own, foreign):
    leader = user_with_role(f"leader_{own}", "leader", getattr(tree, own))
    response = login(leader).get(reverse("dashboards:criticism_confirm", args=[getattr(tree, own).pk]))
    assert response.status_code == 200
    assert foreign not in response.content.decode()
    assert all(row.unit.path.startswith(getattr(tree, own).path) for row in response.context["r"].offered)
