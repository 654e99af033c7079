"""The weekly progress report of an office (the unit's subtree) as PDF and Excel, downloaded from its
dashboard: a table per section, the same rows in both, only for units in scope."""
from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaign.models import Obligation
from feedback.models import Message
from supervision.models import SupervisionCard
from tests.dashboards.builders import seed
from tests.supervision.helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tree, campaign):
    return seed(tree, campaign)


def test_r5_2_the_dashboard_offers_the_weekly_report(tree, users, seeded, login):
    """R5.2 the weekly progress report is downloaded from the dashboard, as PDF and as Excel."""
    html = login(users["leader"]).get(reverse("dashboards:unit", args=[tree.city_a.pk])).content.decode()
    assert f'href="{reverse("dashboards:report_pdf", args=[tree.city_a.pk])}" id="report-pdf"' in html
    assert f'href="{reverse("dashboards:report_xlsx", args=[tree.city_a.pk])}" id="report-xlsx"' in html


def test_r5_2_weekly_report_pdf_has_every_section_with_its_data(tree, users, seeded, campaign, login, tmp_path):
    """R5.2 the office's weekly report as a PDF: its sub-units and every overdue item by name or number."""
    response = login(users["city_office"]).get(reverse("dashboards:report_pdf", args=[tree.city_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = pdf_text(response.content, tmp_path)
    # the office, its sub-units (the table of section 3), and the overdue items by name or number
    for name in ("石家庄市", "正定县", "行唐县"):
        assert name in text
    subtree = {"unit__path__startswith": tree.city_a.path}
    overdue_ob = Obligation.objects.filter(campaign=campaign, **subtree).overdue(seeded.today).order_by(
        "due_date", "unit__path").first()
    assert overdue_ob.unit.name in text
    for card in SupervisionCard.objects.filter(**subtree).overdue(seeded.today):
        assert card.number in text
    for message in Message.objects.filter(**subtree).overdue(seeded.today):
        assert message.tracking_code in text
    # nothing of 唐山市's subtree
    assert "迁安市" not in text


def test_r5_2_weekly_report_excel_has_a_sheet_per_section_with_the_same_rows(tree, users, seeded, campaign, login):
    """R5.2 the same report as Excel: one sheet per section, as many rows as there are items."""
    response = login(users["leader"]).get(reverse("dashboards:report_xlsx", args=[tree.city_a.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 6
    sheets = [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]
    children = {row[0] for row in sheets[2][1:]}
    assert {"正定县", "行唐县"} <= children
    subtree = {"unit__path__startswith": tree.city_a.path}
    assert len(sheets[3]) - 1 == Obligation.objects.filter(campaign=campaign, **subtree).overdue(seeded.today).count()
    assert {row[0] for row in sheets[4][1:]} == set(
        SupervisionCard.objects.filter(**subtree).overdue(seeded.today).values_list("number", flat=True))
    assert len(sheets[5]) - 1 == Message.objects.filter(**subtree).overdue(seeded.today).count()
    # section 2, the week's records: the seeded sessions of the last three days are counted
    activity = dict((row[0], row[1]) for row in sheets[1][1:])
    assert sum(activity.values()) > 0


def test_r5_2_weekly_report_is_the_same_file_when_made_twice(tree, users, seeded, login):
    """DESIGN "Documents": generating twice gives the same file."""
    client = login(users["leader"])
    url = reverse("dashboards:report_pdf", args=[tree.county_a.pk])
    assert client.get(url).content == client.get(url).content


def test_r5_2_weekly_report_of_a_unit_without_sub_units_or_overdue_items(tree, users, campaign, login, tmp_path):
    """R5.2 a village's report: empty sections say so instead of failing."""
    Obligation.objects.all().delete()
    response = login(users["leader"]).get(reverse("dashboards:report_pdf", args=[tree.village_a.pk]))
    assert response.status_code == 200
    assert "塔元庄村" in pdf_text(response.content, tmp_path)


def test_r5_2_weekly_report_only_for_units_in_scope(tree, users, seeded, login):
    """R0.1 another county's report is a 404."""
    client = login(users["county_office"])
    assert client.get(reverse("dashboards:report_pdf", args=[tree.county_b.pk])).status_code == 404
    assert client.get(reverse("dashboards:report_xlsx", args=[tree.city_a.pk])).status_code == 404
    assert client.get(reverse("dashboards:report_xlsx", args=[tree.county_a.pk])).status_code == 200
