"""R5.4: following the crowd, two skins, rushing or poor rectification — named on a card or recorded by an
inspection — put a unit on key contact (with why and since when) and its open cards on the escalation queue."""
from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from tests.supervision.helpers import listed, total
from django.urls import reverse

from campaign.services.campaign import campaign_create
from supervision.models import FailingSource, StepKind, UnitFailing
from supervision.selectors import key_contact_unit_ids
from supervision.services import cards as card_svc
from supervision.services import inspections as inspection_svc
from supervision.services.escalation import step_take
from tests.factories import CadreFactory
from tests.supervision.conftest import TODAY
from units.models import Rank


def test_r5_4_a_card_naming_a_failing_puts_the_unit_on_key_contact(issue, tree, users, login):
    """R5.4 a card with "two skins" puts 正定县 on key contact since the card's day; a card naming only
    the X1 failings (行唐县) does not."""
    card = issue(problems=["study", "two_skins"])
    issue(tree.county_a2, problems=["awareness", "progress"])
    assert key_contact_unit_ids() == {tree.county_a.pk}
    failing = UnitFailing.objects.get()
    assert (failing.category, failing.source, failing.card, failing.noted_on) == ("two_skins", "card", card, TODAY)
    rows = listed(login(users["city_office"]).get(reverse("supervision:key_contacts")))
    assert [(r.unit.name, r.since, r.sources, r.open_cards) for r in rows] == [
        ("正定县", TODAY, [(card.number, card.get_absolute_url())], 1)]
    assert len(rows[0].reasons) == 1


def test_r5_4_inspections_note_failings_and_take_them_back(users, tree, campaign):
    """R5.4 a failing recorded by a special inspection puts the unit on key contact; recording the finding
    again without it takes it off (no other source names it)."""
    chief = CadreFactory(unit=tree.city_a, name="钱厅长", rank=Rank.DEPARTMENT)
    inspection = inspection_svc.inspection_create(
        user=users["city_office"], title="专题调研", organising_unit=tree.city_a, leader=chief, units=[tree.county_a2],
        start_date=TODAY, end_date=TODAY + datetime.timedelta(days=3), today=TODAY)
    row = inspection.rows.get()
    inspection_svc.inspection_finding_record(user=users["city_office"], row=row, result="problem", today=TODAY,
                                             finding="照搬照抄上级方案。", failings=["following_crowd", "rushing"])
    assert key_contact_unit_ids() == {tree.county_a2.pk}
    assert set(UnitFailing.objects.values_list("category", "source")) == {
        ("following_crowd", FailingSource.INSPECTION), ("rushing", FailingSource.INSPECTION)}
    later = TODAY + datetime.timedelta(days=2)
    inspection_svc.inspection_finding_record(user=users["city_office"], row=row, result="problem", today=later,
                                             finding="照搬照抄上级方案。", failings=["following_crowd"])
    assert list(UnitFailing.objects.values_list("category", "noted_on")) == [("following_crowd", TODAY)]
    inspection_svc.inspection_finding_record(user=users["city_office"], row=row, result="clear", finding="已纠正。",
                                             today=later)
    assert key_contact_unit_ids() == set()


def test_r5_4_key_contact_belongs_to_the_campaign(issue, tree):
    """A failing of an earlier campaign does not mark the unit in the current one."""
    old = campaign_create(name="上一次活动")
    old.is_active = False
    old.save()
    issue(problems=["rushing"], campaign=old)
    assert key_contact_unit_ids() == set()
    assert key_contact_unit_ids(campaign=old) == {tree.county_a.pk}


def test_r5_4_escalation_queue_orders_open_cards_by_step_then_overdue(issue, tree, users, login):
    """R5.4 the queue holds the open cards of key-contact units only: highest rung first, then the longest
    overdue; closed cards and other units' cards stay out."""
    due = TODAY + datetime.timedelta(days=10)
    marker = issue(problems=["poor_rectification"], due=due + datetime.timedelta(days=5))
    early = issue(problems=["study"], due=due)
    laddered = issue(problems=["study"], due=due + datetime.timedelta(days=3))
    closed = issue(problems=["study"], due=due)
    other = issue(tree.county_a2, problems=["study"], due=due)
    step_take(card=laddered, kind=StepKind.REMINDER, reason="逾期", user=users["supervisor"])
    step_take(card=laddered, kind=StepKind.LETTER, reason="逾期", user=users["supervisor"])
    card_svc.card_sign(user=users["liaison"], card=closed)
    card_svc.card_answer(user=users["liaison"], card=closed, text="已整改")
    card_svc.card_verify(user=users["supervisor"], card=closed, accept=True)
    client = login(users["city_office"])
    url = reverse("supervision:escalation_queue")
    page = listed(client.get(url))
    assert [c.pk for c in page] == [laddered.pk, early.pk, marker.pk]
    assert other.pk not in [c.pk for c in page] and page[0].level == StepKind.LETTER
    assert page[0].failings and page[0].unit.is_key_contact
    sheet = list(openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
                 .active.iter_rows(values_only=True))
    assert [r[0] for r in sheet[1:]] == [laddered.number, early.number, marker.number]
    assert [c.pk for c in listed(client.get(url, {"unit": "行唐"}))] == []
    # the mark shows on the card list too
    assert 'data-mark="key-contact"' in client.get(reverse("supervision:card_list")).content.decode()


@pytest.mark.parametrize("page", ["supervision:key_contacts", "supervision:escalation_queue"])
def test_r5_4_lists_by_scope_and_with_a_fixed_number_of_queries(issue, tree, users, login, page,
                                                               django_assert_max_num_queries):
    """In scope (正定县's office, read-only: lists are pages to read), out of scope (迁安市's office sees
    none); the query count does not grow with the rows."""
    issue(problems=["two_skins"])
    url = reverse(page)
    assert total(login(users["county_office"]).get(url)) == 1
    assert total(login(users["county_office_b"]).get(url)) == 0
    client = login(users["prov_office"])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for _ in range(8):
        issue(problems=["rushing", "following_crowd"])
        issue(tree.county_a2, problems=["two_skins"])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_r5_4_unit_supervision_page_by_scope_and_queries(issue, tree, users, login, django_assert_max_num_queries):
    """R1.1–R5.4 a unit's supervision page: its marks and records for those in scope (with write: the office
    above sees "record a dispatch"; read-only: the leader does not), 404 out of scope; fixed queries."""
    from supervision.services import dispatch as dispatch_svc

    url = reverse("supervision:unit_supervision", args=[tree.county_a.pk])
    issue(problems=["two_skins"])
    writer = login(users["city_office"])
    response = writer.get(url)
    assert response.status_code == 200 and response.context["may_dispatch"]
    assert response.context["unit"].is_key_contact and response.context["failings"]
    assert 'id="record-dispatch"' in response.content.decode()
    reader = login(users["leader"]).get(url)
    assert reader.status_code == 200 and not reader.context["may_dispatch"]
    assert 'id="record-dispatch"' not in reader.content.decode()
    assert login(users["county_office_b"]).get(url).status_code == 404
    assert login(users["no_role"]).get(url).status_code == 404
    writer = login(users["city_office"])
    with django_assert_max_num_queries(17):
        assert writer.get(url).status_code == 200
    for i in range(6):
        issue(problems=["rushing"])
        dispatch_svc.dispatch_record(user=users["city_office"], unit=tree.county_a, date=TODAY, way="phone",
                                     attitudes=["complacency"], findings=f"调度{i}", today=TODAY)
    with django_assert_max_num_queries(17):
        assert writer.get(url).status_code == 200


def test_r3_3_focus_list_by_scope(tree, users, login, campaign):
    """The focus-unit list: in scope (正定县's office) sees 正定县, out of scope (迁安市's office) sees none."""
    from supervision.services import inspections as svc

    chief = CadreFactory(unit=tree.city_a, name="钱厅长", rank=Rank.DEPARTMENT)
    inspection = svc.inspection_create(user=users["city_office"], title="调研", organising_unit=tree.city_a,
                                       leader=chief, units=[tree.county_a], start_date=TODAY, end_date=TODAY,
                                       today=TODAY)
    svc.inspection_finding_record(user=users["city_office"], row=inspection.rows.get(), result="problem",
                                  finding="问题", today=TODAY)
    url = reverse("supervision:focus_units")
    assert [r.unit.name for r in listed(login(users["county_office"]).get(url))] == ["正定县"]
    assert total(login(users["county_office_b"]).get(url)) == 0


def test_r5_4_the_queues_rows_show_the_failings_and_days_overdue(issue, users, login):
    """R5.4 each row of the escalation queue names the unit's failings and how many days the card is overdue —
    its own columns, drawn cell by cell (not the card list's written-out rows, which have neither)."""
    issue(problems=["poor_rectification"], due=TODAY + datetime.timedelta(days=1))
    html = login(users["city_office"]).get(reverse("supervision:escalation_queue")).content.decode()
    body = html[html.index("<tbody"):html.index("</tbody>")]
    assert 'class="badge text-bg-warning me-1"' in body and "整改不到位" in body
    assert re.search(r'<div class="small text-danger">逾期 \d+ 天</div>', body), body
    due = TODAY + datetime.timedelta(days=1)
    assert f"{due.year}年{due.month}月{due.day}日" in body and due.isoformat() not in body  # a Chinese date
    sheet = openpyxl.load_workbook(io.BytesIO(login(users["city_office"]).get(
        reverse("supervision:escalation_queue"), {"export": "xlsx"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("截止日期")
    assert [r[column] for r in rows[1:]] == [datetime.datetime.combine(due, datetime.time())]  # a date in Excel

