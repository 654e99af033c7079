"""Supervision cards (R1.3, X1, R5.4): numbering, issue, signature, answer with evidence, verdict, extension."""
from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from campaign.models import Notification
from supervision.errors import SupervisionError
from supervision.models import (
    CardAnswer,
    CardEvent,
    CardStatus,
    Evidence,
    ExtensionRequest,
    ProblemCategory,
    SupervisionCard,
    SupervisionGroup,
)
from supervision.services import cards as svc
from tests.supervision.conftest import TODAY
from tests.supervision.helpers import PDF_BYTES, listed, pdf_text, pdf_upload, png_upload, stored_files, total

D = datetime.date


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_r1_3_numbers_run_per_group_and_year(issue, group, users, tree):
    """R1.3 冀督卡〔2014〕12号 style: a serial per group per year, never repeated."""
    numbers = [issue().number for _ in range(3)]
    assert numbers == ["石督卡〔2014〕1号", "石督卡〔2014〕2号", "石督卡〔2014〕3号"]
    assert issue(today=D(2015, 1, 5)).number == "石督卡〔2015〕1号"
    other = SupervisionGroup.objects.create(leading_unit=tree.city_a, name="市委第二督导组", card_prefix="石督二卡",
                                            leader=users["supervisor"])
    other.units.add(tree.county_a)
    card = svc.card_issue(user=users["supervisor"], group=other, unit=tree.county_a, problems=["study"],
                          facts="事实", required_actions="要求", due_date=_days(5), today=TODAY)
    assert card.number == "石督二卡〔2014〕1号"
    assert SupervisionCard.objects.values("number").distinct().count() == 5


def test_r1_3_card_names_the_top_leader_and_catalogue_problems(issue, tree, users):
    """R1.3, X1, R5.4: the card names the unit's top leader; problems come from the ten-item catalogue."""
    card = issue(problems=["awareness", "two_skins", "awareness"])
    assert card.top_leader_name == "王正定" and card.top_leader == tree.cadre_a
    assert sorted(card.problems.values_list("category", flat=True)) == ["awareness", "two_skins"]
    assert len(ProblemCategory.choices) == 10
    # the unit's liaison hears of it
    assert Notification.objects.filter(user=users["liaison"], title__contains=card.number).exists()
    assert list(card.events.values_list("kind", flat=True)) == ["issued"]


@pytest.mark.parametrize("bad", [
    {"due": TODAY - datetime.timedelta(days=1)},
    {"problems": []},
    {"problems": ["no_such_problem"]},
])
def test_r1_3_bad_card_input_writes_nothing(issue, bad):
    """Bad input: a due date in the past or no/unknown problem — a clear message, nothing written."""
    with pytest.raises(SupervisionError) as exc:
        issue(**bad)
    assert str(exc.value)
    assert SupervisionCard.objects.count() == 0 and CardEvent.objects.count() == 0
    assert not Notification.objects.exists()


def test_r1_3_card_for_a_unit_outside_the_group_is_refused(issue, tree):
    """Bad input: 迁安市 is not assigned to the group — refused, nothing written."""
    with pytest.raises(SupervisionError, match="迁安市"):
        issue(tree.county_b)
    assert SupervisionCard.objects.count() == 0


def test_r1_3_issue_through_the_page(login, users, group, campaign, tree):
    """The group's leader issues a card on the page; a past due date or foreign unit shows an error."""
    client = login(users["supervisor"])
    url = reverse("supervision:card_create", args=[group.pk])
    form = {"unit": tree.county_a.pk, "problems": ["study", "rushing"], "facts": "未按要求开展学习。",
            "required_actions": "补课。", "due_date": "2099-05-01"}
    response = client.post(url, {**form, "due_date": "2000-01-01"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(url, {**form, "unit": tree.county_b.pk})
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert SupervisionCard.objects.count() == 0
    response = client.post(url, form)
    card = SupervisionCard.objects.get()
    assert response.status_code == 302 and response.url == card.get_absolute_url()
    assert card.issued_by == users["supervisor"] and card.due_date == D(2099, 5, 1)


def test_r1_3_sign_answer_send_back_answer_accept(issue, users, login, settings):
    """R1.3 the liaison signs and answers with evidence; the group sends it back, then accepts and closes."""
    card = issue()
    liaison, supervisor = users["liaison"], users["supervisor"]
    with pytest.raises(SupervisionError):  # must sign first
        svc.card_answer(user=liaison, card=card, text="已整改", today=_days(1))
    client = login(liaison)
    assert client.post(reverse("supervision:card_sign", args=[card.pk])).status_code == 302
    card.refresh_from_db()
    assert card.status == CardStatus.SIGNED and card.signed_by == liaison
    response = client.post(reverse("supervision:card_answer", args=[card.pk]),
                           {"text": "已重新组织专题学习。", "files": [pdf_upload(), png_upload()]})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == CardStatus.ANSWERED
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["整改报告.pdf", "现场照片.png"]
    # the group sends it back, with reasons and a new due date
    client = login(supervisor)
    response = client.post(reverse("supervision:card_verify", args=[card.pk]), {"decision": "return", "reason": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()  # reasons required
    response = client.post(reverse("supervision:card_verify", args=[card.pk]),
                           {"decision": "return", "reason": "佐证材料不足，缺少会议记录。", "new_due_date": "2099-06-01"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == CardStatus.RETURNED and card.due_date == D(2099, 6, 1)
    assert CardAnswer.objects.get().verdict == "returned"
    assert Notification.objects.filter(user=liaison, body__contains="缺少会议记录").exists()
    svc.card_answer(user=liaison, card=card, text="补充会议记录。", files=[pdf_upload("会议记录.pdf")])
    svc.card_verify(user=supervisor, card=card, accept=True)
    card.refresh_from_db()
    assert card.status == CardStatus.CLOSED and card.closed_at
    assert list(card.events.values_list("kind", flat=True)) == [
        "issued", "signed", "answered", "returned", "answered", "closed"]
    # the detail page shows the whole history and both answers
    page = client.get(card.get_absolute_url())
    assert page.status_code == 200 and len(page.context["d"].events) == 6 and len(page.context["d"].answers) == 2
    assert "缺少会议记录" in page.content.decode()


def test_r1_3_answering_a_closed_card_writes_nothing(issue, users, login, settings):
    """Bad input: answering a closed card — a clear message, no answer, no file stored."""
    card = issue()
    svc.card_sign(user=users["liaison"], card=card)
    svc.card_answer(user=users["liaison"], card=card, text="已整改")
    svc.card_verify(user=users["supervisor"], card=card, accept=True)
    answers, files = CardAnswer.objects.count(), len(stored_files(settings.MEDIA_ROOT))
    with pytest.raises(SupervisionError):
        svc.card_answer(user=users["liaison"], card=card, text="再次反馈", files=[pdf_upload()])
    response = login(users["liaison"]).post(reverse("supervision:card_answer", args=[card.pk]),
                                            {"text": "再次反馈", "files": [pdf_upload()]})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert CardAnswer.objects.count() == answers and len(stored_files(settings.MEDIA_ROOT)) == files


@pytest.mark.parametrize("upload", [
    pdf_upload("程序.exe", PDF_BYTES),                         # wrong type by name
    pdf_upload("伪装.pdf", b"MZ\x90\x00 not a pdf at all"),     # wrong type by content
    pdf_upload("过大.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024)),  # over 10 MB
])
def test_r1_3_bad_evidence_file_writes_nothing(issue, users, login, settings, upload):
    """Bad input: an evidence file of the wrong type or size — a clear message, nothing written."""
    card = issue()
    svc.card_sign(user=users["liaison"], card=card)
    response = login(users["liaison"]).post(reverse("supervision:card_answer", args=[card.pk]),
                                            {"text": "已整改", "files": [upload]})
    assert response.status_code == 200 and response.context["form"].errors["files"]
    upload.seek(0)
    with pytest.raises(SupervisionError):
        svc.card_answer(user=users["liaison"], card=card, text="已整改", files=[upload])
    card.refresh_from_db()
    assert card.status == CardStatus.SIGNED
    assert not CardAnswer.objects.exists() and not Evidence.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_r1_3_evidence_downloads_only_in_scope(issue, users, login):
    card = issue()
    svc.card_sign(user=users["liaison"], card=card)
    svc.card_answer(user=users["liaison"], card=card, text="已整改", files=[pdf_upload()])
    evidence = Evidence.objects.get()
    url = reverse("supervision:evidence_download", args=[evidence.pk])
    response = login(users["supervisor"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    assert login(users["county_office_b"]).get(url).status_code == 404


def test_r1_3_extension_before_the_due_date_approved_or_refused(issue, users):
    """R1.3 an extension is asked for by the due date; the group approves (date moves) or refuses."""
    card = issue(due=_days(5))
    liaison, supervisor = users["liaison"], users["supervisor"]
    with pytest.raises(SupervisionError):  # not later than the current date
        svc.extension_request(user=liaison, card=card, requested_due_date=_days(5), reason="任务重", today=TODAY)
    ext = svc.extension_request(user=liaison, card=card, requested_due_date=_days(15), reason="需召开专题会议",
                                today=TODAY)
    with pytest.raises(SupervisionError):  # one pending request at a time
        svc.extension_request(user=liaison, card=card, requested_due_date=_days(20), reason="再延", today=TODAY)
    svc.extension_decide(user=supervisor, extension=ext, approve=True, note="同意", today=TODAY)
    card.refresh_from_db()
    assert card.due_date == _days(15)
    ext2 = svc.extension_request(user=liaison, card=card, requested_due_date=_days(30), reason="再延", today=_days(14))
    svc.extension_decide(user=supervisor, extension=ext2, approve=False, note="不同意", today=_days(14))
    card.refresh_from_db()
    assert card.due_date == _days(15)
    with pytest.raises(SupervisionError):  # decided already
        svc.extension_decide(user=supervisor, extension=ext2, approve=True)
    # after the due date it is too late
    with pytest.raises(SupervisionError):
        svc.extension_request(user=liaison, card=card, requested_due_date=_days(40), reason="晚了", today=_days(16))
    assert ExtensionRequest.objects.count() == 2
    assert list(card.events.values_list("kind", flat=True)) == [
        "issued", "extension_requested", "extension_approved", "extension_requested", "extension_refused"]


def test_r1_3_extension_decided_on_the_card_page(issue, users, login):
    card = issue(due=D(2099, 1, 1), today=datetime.date.today())
    svc.extension_request(user=users["liaison"], card=card, requested_due_date=D(2099, 2, 1), reason="需要时间")
    ext = ExtensionRequest.objects.get()
    # the liaison may not decide; the group may
    assert login(users["liaison"]).post(reverse("supervision:extension_decide", args=[ext.pk]),
                                        {"decision": "approve"}).status_code == 403
    response = login(users["supervisor"]).post(reverse("supervision:extension_decide", args=[ext.pk]),
                                               {"decision": "approve", "note": "同意"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.due_date == D(2099, 2, 1)


def _seed_cards(issue, users, n: int) -> None:
    for i in range(n):
        card = issue(due=_days(i % 3), problems=["study"] if i % 2 else ["rushing"])
        if i % 4 == 1:
            svc.card_sign(user=users["liaison"], card=card)


def test_r1_3_card_list_filters_paginates_and_exports(issue, users, login, tree, settings):
    """R1.3 the card list: status, overdue and unit filters, pagination and the same rows in Excel."""
    settings.PAGE_SIZE = 5
    _seed_cards(issue, users, 8)
    issue(tree.county_a2)
    future = issue(due=D(2099, 1, 1))
    client = login(users["supervisor"])
    url = reverse("supervision:card_list")
    response = client.get(url)
    assert total(response) == 10 and len(listed(response)) == 5
    assert len(listed(client.get(url, {"page": 2}))) == 5
    assert total(client.get(url, {"status": "signed"})) == 2
    assert total(client.get(url, {"unit": "行唐"})) == 1
    assert total(client.get(url, {"unit": tree.county_a.code})) == 9
    assert total(client.get(url, {"problem": "rushing"})) == 4
    from supervision.services.escalation import step_take

    step_take(card=future, kind=1, reason="提醒", user=users["supervisor"])
    assert [c.pk for c in listed(client.get(url, {"level": "1"}))] == [future.pk]
    # the filter form as submitted untouched filters nothing
    untouched = {"q": "", "unit": "", "status": "", "overdue": "unknown", "group": "", "problem": "", "level": ""}
    assert total(client.get(url, untouched)) == 10
    # every 2014 card is long overdue today; only the one due in 2099 is not
    assert total(client.get(url, {"overdue": "true"})) == 9
    assert [c.pk for c in listed(client.get(url, {"overdue": "false"}))] == [future.pk]
    export = client.get(url, {"status": "issued", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + SupervisionCard.objects.filter(status="issued").count()
    assert {r[0] for r in rows[1:]} == set(SupervisionCard.objects.filter(status="issued").values_list("number", flat=True))
    # out of scope: 迁安市's office sees none of them
    assert total(login(users["county_office_b"]).get(url)) == 0


def test_r1_3_card_list_keeps_a_fixed_number_of_queries(issue, users, login, django_assert_max_num_queries):
    client = login(users["supervisor"])
    _seed_cards(issue, users, 3)
    with django_assert_max_num_queries(12):
        client.get(reverse("supervision:card_list"))
    _seed_cards(issue, users, 20)
    with django_assert_max_num_queries(12):
        client.get(reverse("supervision:card_list"))


def test_r1_3_card_detail_keeps_a_fixed_number_of_queries(issue, users, login, django_assert_max_num_queries):
    card = issue()
    client = login(users["supervisor"])
    svc.card_sign(user=users["liaison"], card=card)
    svc.card_answer(user=users["liaison"], card=card, text="一", files=[pdf_upload()])
    with django_assert_max_num_queries(16):
        client.get(card.get_absolute_url())
    for i in range(3):
        svc.card_verify(user=users["supervisor"], card=card, accept=False, reason=f"退回{i}")
        svc.card_answer(user=users["liaison"], card=card, text="再改", files=[pdf_upload(), png_upload()])
    with django_assert_max_num_queries(16):
        client.get(card.get_absolute_url())


def test_r1_3_printable_card_pdf(issue, users, login, tmp_path):
    """R1.3 the card as a PDF: letterhead of the group's leading group, number, unit, top leader, facts."""
    card = issue(facts="专题学习缺席三人次。")
    response = login(users["liaison"]).get(reverse("supervision:card_pdf", args=[card.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for expected in ("石督卡〔2014〕1号", "石家庄市党的群众路线教育实践活动领导小组", "正定县", "王正定",
                     "专题学习缺席三人次", "市委第一督导组"):
        assert expected in text


def test_r1_3_card_list_yes_no_filters_read_all_not_unknown(login, users, group, campaign):
    """Issue 12: the overdue/open/escalated selects offer 全部 (all), never django-filter's 未知 (unknown)."""
    import re as _re

    page = login(users["supervisor"]).get(reverse("supervision:card_list")).content.decode()
    for name in ("overdue", "open", "escalated"):
        select = _re.search(rf'<select name="{name}".*?</select>', page, _re.S).group(0)
        assert ">全部<" in select and "未知" not in select, select


def test_r1_3_notices_about_a_card_give_its_dates_in_chinese(issue, users, tree):
    """R1.3 what the liaison reads about a card (issued, extension granted) names dates as 2014年4月20日,
    never 2014-04-20, whatever language the supervisor's page was in."""
    from django.utils import translation

    with translation.override("en"):
        card = issue(due=datetime.date(2014, 4, 20))
    title = Notification.objects.get(user=users["liaison"], title__contains=card.number).title
    assert "2014年4月20日" in title and "2014-04-20" not in title


def test_issue13_the_card_rows_template_shows_what_the_table_columns_render(issue, users, tree, rf, monkeypatch):
    """The written-out rows (``supervision/cards/_table.html``) are django-tables2's generic rendering of
    ``CardTable``, cell by cell with the cells' classes: number and group, unit with its marks and top leader,
    problems, due date, status with the overdue badge, the step reached."""
    import re

    from django.template import Context, Template

    from supervision import selectors, tables
    from supervision.services.escalation import step_take
    from supervision.tables import CardTable

    _seed_cards(issue, users, 5)
    future = issue(due=D(2099, 1, 1), problems=["study", "rushing"])
    step_take(card=future, kind=1, reason="提醒", user=users["supervisor"])
    issue(tree.county_a2)

    def marked(units, campaign=None):  # a focus unit and a key-contact one, as the attention lists would mark them
        for unit in units:
            unit.is_focus, unit.is_key_contact = unit.pk == tree.county_a.pk, unit.pk == tree.county_a2.pk

    monkeypatch.setattr(tables, "mark_units", marked)
    request = rf.get("/")
    request.user = users["supervisor"]
    rendered = {}
    for template in ("supervision/cards/_table.html", "web/table.html"):
        table = CardTable(selectors.card_rows(SupervisionCard.objects.visible_to(users["supervisor"])),
                          template_name=template, today=TODAY + datetime.timedelta(days=30))
        html = Template("{% load django_tables2 %}{% render_table table %}").render(
            Context({"table": table, "request": request}))
        body = html[html.index("<tbody"):html.index("</tbody>")]
        rendered[template] = [[" ".join(cell.replace("<td >", "<td>").split())
                               for cell in re.findall(r"<td[^>]*>.*?</td>", row, flags=re.S)]
                              for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)]
    fast, generic = rendered["supervision/cards/_table.html"], rendered["web/table.html"]
    assert len(fast) == SupervisionCard.objects.count() == 7
    assert fast == generic
    cells = " ".join(" ".join(row) for row in fast)
    for seen in ('data-mark="focus"', 'data-mark="key-contact"', 'data-overdue="1"', 'data-level="1"',
                 'data-status="signed"', "学习不深入", '<td class="text-nowrap">'):
        assert seen in cells, seen
