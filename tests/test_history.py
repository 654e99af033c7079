"""Who changed what and when (django-simple-history): exam results, study sessions, cards and their steps."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from campaign.models import Exam, ExamResult, SessionKind, StudySession


def test_exam_result_corrections_show_who_changed_the_score(login, tree, users, campaign):
    exam = Exam.objects.create(campaign=campaign, unit=tree.county_a, title="正定县领导干部测试",
                               date=datetime.date(2014, 4, 20))
    result = ExamResult.objects.create(exam=exam, cadre=tree.cadre_a, score=Decimal("55"), passed=False)
    office = users["county_office"]
    result._history_user = office  # as HistoryRequestMiddleware does for a request
    result.score, result.passed = Decimal("75"), True
    result.save()
    response = login(office).get(reverse("campaign:exam_history", args=[exam.pk]))
    rows = response.context["rows"]
    assert len(rows) == 2
    newest = rows[0]
    assert newest.who == office.username and "75" in newest.subject
    assert any(old == "55.0" and new == "75.0" for _, old, new in newest.changes)
    # out of scope: 404
    assert login(users["county_office_b"]).get(reverse("campaign:exam_history", args=[exam.pk])).status_code == 404


def test_study_session_history_records_the_editing_user(login, tree, users, campaign):
    client = login(users["liaison"])
    session = StudySession.objects.create(campaign=campaign, unit=tree.county_a, kind=SessionKind.COLLECTIVE_STUDY,
                                          date=datetime.date(2014, 3, 5), topic="学习焦裕禄精神")
    session.topic = "学习焦裕禄精神（二）"
    session.save()
    page = client.get(reverse("campaign:study_session_history", args=[session.pk]))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r.subject for r in rows] == ["学习焦裕禄精神（二）", "学习焦裕禄精神"]
    assert rows[0].changes and rows[0].changes[0][1:] == ("学习焦裕禄精神", "学习焦裕禄精神（二）")


def test_r4_4_message_history_keeps_the_citizens_contact_out(login, tree, users, campaign):
    """R4.4 / issue 7: changes to a message and its answer are recorded, its name and phone never."""
    from feedback.models import Message

    message = Message.objects.create(campaign=campaign, unit=tree.county_a, office_unit=tree.county_a,
                                     category="formalism", text="会议太多", received_on=datetime.date(2014, 4, 1),
                                     citizen_name="张三", citizen_phone="13800000000", tracking_code="HIST000001")
    message._history_user = users["county_office"]
    message.answer = "已压缩会议数量。"
    message.save()
    fields = {f.name for f in Message.history.model._meta.fields}
    assert "citizen_name" not in fields and "citizen_phone" not in fields
    response = login(users["county_office"]).get(reverse("feedback:message_history", args=[message.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "已压缩会议数量。" in page
    assert "张三" not in page and "13800000000" not in page
    assert response.context["rows"][0].who == "county_office"
    assert login(users["county_office_b"]).get(
        reverse("feedback:message_history", args=[message.pk])).status_code == 404


def test_history_shows_yes_no_choices_and_dates_as_the_pages_do(login, tree, users, campaign):
    """Issue 12: a yes-or-no change reads 否 → 是 (No → Yes in English), never False → True; a choice by
    its label, a date as 2014年4月20日."""
    exam = Exam.objects.create(campaign=campaign, unit=tree.county_a, title="正定县领导干部测试",
                               date=datetime.date(2014, 4, 20))
    result = ExamResult.objects.create(exam=exam, cadre=tree.cadre_a, score=Decimal("55"), passed=False)
    result.passed = True
    result.save()
    session = StudySession.objects.create(campaign=campaign, unit=tree.county_a, kind=SessionKind.COLLECTIVE_STUDY,
                                          date=datetime.date(2014, 3, 5), topic="学习焦裕禄精神")
    session.date, session.kind = datetime.date(2014, 4, 20), SessionKind.PARTY_LECTURE
    session.save()
    client = login(users["county_office"])
    page = client.get(reverse("campaign:exam_history", args=[exam.pk])).content.decode()
    assert "否 → 是" in page and "False" not in page and "True" not in page
    assert 'aria-label="当前位置"' in page  # the breadcrumb, announced in Chinese
    page = client.get(reverse("campaign:study_session_history", args=[session.pk])).content.decode()
    assert "2014年3月5日 → 2014年4月20日" in page and "集中学习讨论 → 党课" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("campaign:exam_history", args=[exam.pk])).content.decode()
    assert "No → Yes" in page


def test_history_managers_are_built_once_and_still_read_the_records_rows(tree, campaign):
    """web.history: simple-history built a new manager class on every read of ``.history`` (once per history row
    written); every model with history now keeps one class, and its manager still reads that record's rows."""
    from django.apps import apps

    from web.history import HistoryManager

    tracked = [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]
    assert len(tracked) >= 6
    for model in tracked:
        name = model._meta.simple_history_manager_attribute
        assert isinstance(getattr(model, name), HistoryManager), model
        assert type(getattr(model, name)) is type(getattr(model, name)), model
    exam = Exam.objects.create(campaign=campaign, unit=tree.county_a, title="测试", date=datetime.date(2014, 4, 20))
    result = ExamResult.objects.create(exam=exam, cadre=tree.cadre_a, score=Decimal("55"), passed=False)
    other = ExamResult.objects.create(exam=exam, cadre=tree.cadre_b, score=Decimal("90"), passed=True)
    result.score = Decimal("75")
    result.save()
    assert [h.score for h in result.history.all()] == [Decimal("75"), Decimal("55")]
    assert type(result.history) is type(other.history)
    assert [h.score for h in other.history.all()] == [Decimal("90")]
