"""R1.1 dispatches: an upper office records how a lower unit's top leader runs the campaign, the attitudes
found (complacency, wait-and-see, fear of difficulty — any or none) and the follow-up."""
from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from tests.supervision.helpers import listed, total
from django.urls import reverse
from django.utils import timezone

from campaign.models import Notification
from supervision.errors import SupervisionError
from supervision.models import Dispatch, DispatchAttitude
from supervision.services import dispatch as svc

TODAY = datetime.date(2014, 4, 10)


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _record(users, unit, *, user="city_office", date=TODAY, attitudes=("wait_and_see",), way="phone", **kw):
    return svc.dispatch_record(user=users[user], unit=unit, date=date, way=way, attitudes=list(attitudes),
                               findings=kw.pop("findings", "一把手亲自抓不够，存在等待观望。"), today=TODAY, **kw)


def test_r1_1_upper_office_records_a_dispatch_through_the_page(login, users, tree, campaign):
    """R1.1 石家庄市's office dispatches 正定县's top leader: way, attitudes, findings, follow-up due."""
    client = login(users["city_office"])
    url = reverse("supervision:dispatch_create", args=[tree.county_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": _days(-1).isoformat(), "way": "on_site",
                                 "attitudes": ["complacency", "fear_of_difficulty"],
                                 "findings": "县委书记满足于面上推进，对查摆问题有畏难情绪。",
                                 "follow_up": "一周内报送整改方案。", "follow_up_due": _days(6).isoformat()})
    dispatch = Dispatch.objects.get()
    assert response.status_code == 302 and response.url == dispatch.get_absolute_url()
    assert dispatch.unit == tree.county_a and dispatch.by_unit == tree.city_a
    assert dispatch.top_leader == tree.cadre_a and dispatch.top_leader_name == "王正定"
    assert sorted(dispatch.attitudes.values_list("attitude", flat=True)) == ["complacency", "fear_of_difficulty"]
    assert dispatch.recorded_by == users["city_office"] and dispatch.follow_up_due == _days(6)
    # the unit's liaison hears of the follow-up it owes
    assert Notification.objects.filter(user=users["liaison"], body="一周内报送整改方案。").exists()
    page = client.get(dispatch.get_absolute_url())
    assert page.status_code == 200 and "县委书记满足于面上推进" in page.content.decode()


def test_r1_1_a_dispatch_may_find_no_wrong_attitude(users, tree, campaign):
    """R1.1 none of the three attitudes is a finding too: recorded, counted as 'none found'."""
    dispatch = _record(users, tree.county_a, attitudes=())
    assert not dispatch.attitudes.exists()
    from supervision.selectors.dispatch import dispatch_figures

    figures = dispatch_figures(Dispatch.objects.all(), TODAY)
    assert figures.total == 1 and figures.none_found == 1 and all(n == 0 for _c, _l, n in figures.by_attitude)


@pytest.mark.parametrize("bad", [
    {"date": "2099-01-01"},                                          # in the future
    {"follow_up_due": "2000-01-01"},                                 # follow-up due before the dispatch
    {"way": "telepathy"},                                            # unknown way
    {"findings": "  "},                                              # no findings
    {"follow_up": "", "follow_up_due": "2099-01-01"},                # a due date for no follow-up
    {"attitudes": ["arrogance"]},                                    # not one of the three
])
def test_r1_1_bad_dispatch_input_writes_nothing(login, users, tree, campaign, bad):
    """Bad input: a clear message on the page, no dispatch, no attitude, no notification."""
    form = {"date": _days(-1).isoformat(), "way": "phone", "attitudes": ["wait_and_see"], "findings": "观望",
            "follow_up": "报送方案", "follow_up_due": _days(3).isoformat(), **bad}
    response = login(users["city_office"]).post(reverse("supervision:dispatch_create", args=[tree.county_a.pk]), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors and all(str(m) for messages in errors.values() for m in messages)
    assert not Dispatch.objects.exists() and not DispatchAttitude.objects.exists()
    assert not Notification.objects.exists()


def test_r1_1_service_refuses_a_unit_without_top_leader_and_its_own_office(users, tree, campaign):
    """Bad input at the service: 行唐县 has no top leader on record; 正定县's own office does not dispatch
    itself; a date in the future — each refused with its reason, nothing written."""
    with pytest.raises(SupervisionError, match="行唐县"):
        _record(users, tree.county_a2)
    with pytest.raises(SupervisionError, match="正定县"):
        _record(users, tree.county_a, user="county_office")
    with pytest.raises(SupervisionError):
        _record(users, tree.county_a, date=TODAY + datetime.timedelta(days=1))
    assert not Dispatch.objects.exists()


def test_r1_1_dispatch_pages_by_scope(login, users, tree, campaign):
    """In scope with write (the city office above 正定县), in scope read-only (正定县's own office, its
    liaison, the leader: they read the record about them, 403 on writing), out of scope (迁安市's office: 404)."""
    dispatch = _record(users, tree.county_a)
    create = reverse("supervision:dispatch_create", args=[tree.county_a.pk])
    edit = reverse("supervision:dispatch_edit", args=[dispatch.pk])
    client = login(users["city_office"])
    assert client.get(create).status_code == 200 and client.get(edit).status_code == 200
    for name in ("county_office", "liaison", "leader"):
        client = login(users[name])
        assert client.get(dispatch.get_absolute_url()).status_code == 200
        assert client.get(create).status_code == 403 and client.get(edit).status_code == 403
        assert [d.pk for d in listed(client.get(reverse("supervision:dispatch_list")))] == [dispatch.pk]
    client = login(users["county_office_b"])
    for url in (dispatch.get_absolute_url(), create, edit):
        assert client.get(url).status_code == 404
    assert total(client.get(reverse("supervision:dispatch_list"))) == 0
    assert client.post(edit, {"date": TODAY.isoformat(), "way": "meeting", "findings": "改"}).status_code == 404
    dispatch.refresh_from_db()
    assert dispatch.way == "phone"


def test_r1_1_follow_up_reported_done_and_bad_dates_refused(login, users, tree, campaign):
    """R1.1 the office reports the follow-up done; a done date in the future is refused, nothing changes."""
    dispatch = svc.dispatch_record(user=users["city_office"], unit=tree.county_a, date=_days(-5), way="meeting",
                                   attitudes=["complacency"], findings="满足现状", follow_up="补课",
                                   follow_up_due=_days(-1))
    assert Dispatch.objects.follow_up_overdue(_days(0)).get() == dispatch
    url = reverse("supervision:dispatch_edit", args=[dispatch.pk])
    form = {"date": _days(-5).isoformat(), "way": "meeting", "attitudes": ["complacency"], "findings": "满足现状",
            "follow_up": "补课", "follow_up_due": _days(-1).isoformat()}
    client = login(users["city_office"])
    response = client.post(url, {**form, "follow_up_done_on": _days(2).isoformat(), "follow_up_result": "已补课"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(url, {**form, "follow_up_done_on": _days(0).isoformat(), "follow_up_result": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    dispatch.refresh_from_db()
    assert dispatch.follow_up_done_on is None
    response = client.post(url, {**form, "attitudes": ["complacency", "wait_and_see"],
                                 "follow_up_done_on": _days(0).isoformat(), "follow_up_result": "已补课两次"})
    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.follow_up_done_on == _days(0) and dispatch.follow_up_result == "已补课两次"
    assert sorted(dispatch.attitudes.values_list("attitude", flat=True)) == ["complacency", "wait_and_see"]
    assert not Dispatch.objects.follow_up_overdue(_days(0)).exists()


def _seed(users, tree, n: int) -> None:
    for i in range(n):
        _record(users, tree.county_a, date=TODAY - datetime.timedelta(days=i), way=("phone", "meeting")[i % 2],
                attitudes=(("complacency",), ())[i % 2], findings=f"第{i}次调度", follow_up="整改",
                follow_up_due=TODAY - datetime.timedelta(days=i - 3))


def test_r1_1_list_filters_and_excel_export(login, users, tree, campaign):
    """R1.1 the list filters by attitude, way, date, unit (code means the subtree) and follow-up state; the
    Excel file holds exactly the filtered rows."""
    _seed(users, tree, 4)
    client = login(users["prov_office"])
    url = reverse("supervision:dispatch_list")
    page = client.get(url)
    assert total(page) == 4 and page.context["figures"].follow_up_overdue == 4
    assert total(client.get(url, {"attitude": "complacency"})) == 2
    assert total(client.get(url, {"way": "meeting"})) == 2
    assert total(client.get(url, {"date_from": (TODAY - datetime.timedelta(days=1)).isoformat()}
                      )) == 2
    # one meaning of the unit filter (issue 10): name or code contains; a subtree is ``within=<code>``
    assert total(client.get(url, {"within": tree.city_a.code})) == 4
    assert total(client.get(url, {"within": tree.city_b.code})) == 0
    assert total(client.get(url, {"unit": "正定"})) == total(client.get(url, {"unit": tree.county_a.code}))
    assert total(client.get(url, {"follow_up": "done"})) == 0
    export = client.get(url, {"attitude": "complacency", "export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and {r[1] for r in rows[1:]} == {"正定县"} and {r[2] for r in rows[1:]} == {"王正定"}
    assert {r[6] for r in rows[1:]} == {"第0次调度", "第2次调度"}


def test_r1_1_unit_page_lists_its_dispatches(login, users, tree, campaign):
    """R1.1 the unit's supervision page has a section of its top leader's dispatches."""
    dispatch = _record(users, tree.county_a, findings="调度发现进度滞后。")
    _record(users, tree.county_b, user="prov_office", findings="迁安市的调度。")
    response = login(users["county_office"]).get(reverse("supervision:unit_supervision", args=[tree.county_a.pk]))
    assert response.status_code == 200 and [d.pk for d in response.context["dispatches"]] == [dispatch.pk]
    html = response.content.decode()
    assert 'id="unit-dispatches"' in html and "调度发现进度滞后" in html and "迁安市的调度" not in html
    assert not response.context["may_dispatch"]
    assert login(users["city_office"]).get(
        reverse("supervision:unit_supervision", args=[tree.county_a.pk])).context["may_dispatch"]


def test_r1_1_dispatch_list_keeps_a_fixed_number_of_queries(login, users, tree, campaign,
                                                           django_assert_max_num_queries):
    client = login(users["city_office"])
    _seed(users, tree, 2)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("supervision:dispatch_list")).status_code == 200
    _seed(users, tree, 20)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("supervision:dispatch_list")).status_code == 200
