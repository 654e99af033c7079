"""Nothing is stored twice (issue 11, item 3) on the campaign's create forms: a study session (R2.2), a
meeting (R2.3), an exam and its results (R2.6), sent twice with the page's one-time token, are saved once;
the second submission is sent to what the first one saved, with a message. A study session is also kept
once by its natural key (unit, date, form, topic), whatever the token."""
from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from campaign.models import Exam, ExamResult, Meeting, StudySession
from campaign.services import exams as exam_services
from campaign.services import study as study_services
from tests.factories import CadreFactory
from tests.web.test_form_once import assert_second_shows_the_first, post_twice, refuse_if_called, token_of
from web.errors import AlreadyRecorded
from web.forms import FORM_ONCE
from web.models import FormSubmission

D = datetime.date


def _session(tree, **overrides) -> dict:
    return {"kind": "central_group", "date": "2014-03-10", "topic": "学习兰考讲话", "content": "读原著",
            "hours": "2.5", "plan": "", "attendees": [str(tree.cadre_a.pk)]} | overrides


# --- R2.2 study sessions


def test_r2_2_the_session_form_carries_a_one_time_token(login, users, tree, campaign):
    """R2.2: the page a browser opens sends the token with the form; each opening has its own."""
    client = login(users["county_office"])
    url = reverse("campaign:study_session_add", args=[tree.county_a.pk])
    assert token_of(client.get(url)) != token_of(client.get(url))


def test_r2_2_a_session_sent_twice_is_stored_and_counted_once(login, users, tree, campaign):
    """R2.2: a double click on "Record the session": one session, one attendance toward the minimum; the
    second click shows the session the first one saved."""
    client = login(users["county_office"])
    url = reverse("campaign:study_session_add", args=[tree.county_a.pk])
    _token, first, second = post_twice(client, url, _session(tree))
    session = StudySession.objects.get()
    assert first.url == reverse("campaign:study_session_detail", args=[session.pk])
    assert_second_shows_the_first(client, first, second)
    assert session.attendance.count() == 1


def test_r2_2_a_refused_session_leaves_the_token_for_the_corrected_form(login, users, tree, campaign):
    """R2.2: zero hours is refused and nothing is kept; corrected and sent with the same token, it saves."""
    client = login(users["county_office"])
    url = reverse("campaign:study_session_add", args=[tree.county_a.pk])
    token = token_of(client.get(url))
    refused = client.post(url, _session(tree, hours="0") | {FORM_ONCE: token})
    assert refused.status_code == 200 and not StudySession.objects.exists()
    saved = client.post(url, _session(tree) | {FORM_ONCE: token})
    assert saved.status_code == 302 and StudySession.objects.count() == 1


def test_r2_2_a_session_whose_token_is_being_used_is_not_recorded(login, users, tree, campaign, monkeypatch):
    """R2.2: the token claimed by a submission still saving (a second click a moment later): the service is
    not called, nothing is stored."""
    client = login(users["county_office"])
    url = reverse("campaign:study_session_add", args=[tree.county_a.pk])
    token = token_of(client.get(url))
    FormSubmission.objects.create(token=uuid.UUID(token), user=users["county_office"])
    calls = refuse_if_called(monkeypatch, study_services, "session_record")
    response = client.post(url, _session(tree) | {FORM_ONCE: token})
    assert response.status_code == 302 and response.url == url
    assert calls == [] and not StudySession.objects.exists()


def test_r2_2_the_same_session_sent_from_two_pages_shows_the_one_on_record(login, users, tree, campaign):
    """R2.2: the form opened twice (so two tokens) and sent twice with the same unit, date, form and topic:
    the second lands on the session already on record, with a message naming it; one session counts."""
    client = login(users["county_office"])
    url = reverse("campaign:study_session_add", args=[tree.county_a.pk])
    first = client.post(url, _session(tree) | {FORM_ONCE: token_of(client.get(url))})
    assert first.status_code == 302
    again = client.post(url, _session(tree) | {FORM_ONCE: token_of(client.get(url))}, follow=True)
    assert again.redirect_chain[-1][0] == first.url
    assert "不重复记录" in again.content.decode() and "学习兰考讲话" in again.content.decode()
    assert StudySession.objects.count() == 1
    # another topic, or another day, is another session
    assert client.post(url, _session(tree, topic="学习焦裕禄事迹")).status_code == 302
    assert client.post(url, _session(tree, date="2014-03-11")).status_code == 302
    assert StudySession.objects.count() == 3


def test_r2_2_the_service_keeps_a_session_once_by_its_natural_key(tree, campaign):
    """R2.2: ``session_record`` refuses a second session of the same unit, date, form and topic."""
    def record(**overrides):
        return study_services.session_record(**({
            "campaign": campaign, "unit": tree.county_a, "kind": "central_group", "date": D(2014, 3, 10),
            "topic": "学习兰考讲话", "hours": Decimal("2"), "attendee_ids": [tree.cadre_a.pk]} | overrides))

    record()
    with pytest.raises(AlreadyRecorded, match="学习兰考讲话") as existing:
        record(hours=Decimal("3"))
    assert existing.value.record == StudySession.objects.get()
    record(kind="report")  # another form of study the same day
    record(unit=tree.county_b, attendee_ids=[])  # another unit
    assert StudySession.objects.count() == 3


# --- R2.3 meetings


def _meeting(**overrides) -> dict:
    return {"kind": "enlarged", "date": "2014-04-10", "place": "县委常委会议室", "summary": "学习兰考讲话"} | overrides


def test_r2_3_the_meeting_form_carries_a_one_time_token(login, users, tree, campaign):
    """R2.3: the meeting form sends its token."""
    token_of(login(users["county_office"]).get(reverse("campaign:meeting_add", args=[tree.county_a.pk])))


def test_r2_3_a_meeting_sent_twice_is_stored_once(login, users, tree, campaign):
    """R2.3: a meeting sent twice: one meeting; the second submission shows it."""
    client = login(users["county_office"])
    _token, first, second = post_twice(client, reverse("campaign:meeting_add", args=[tree.county_a.pk]),
                                       _meeting(speakers=[tree.cadre_a.pk]))
    meeting = Meeting.objects.get()
    assert first.url == meeting.get_absolute_url()
    assert_second_shows_the_first(client, first, second)


def test_r2_3_an_invalid_meeting_leaves_the_token_for_the_corrected_form(login, users, tree, campaign):
    """R2.3: a meeting without a date is shown again; corrected, with the same token, it saves."""
    client = login(users["county_office"])
    url = reverse("campaign:meeting_add", args=[tree.county_a.pk])
    token = token_of(client.get(url))
    assert client.post(url, _meeting(date="") | {FORM_ONCE: token}).status_code == 200
    assert client.post(url, _meeting() | {FORM_ONCE: token}).status_code == 302
    assert Meeting.objects.count() == 1


# --- R2.6 exams and their results


def test_r2_6_the_exam_form_carries_a_one_time_token(login, users, tree, campaign):
    """R2.6: the exam form sends its token."""
    token_of(login(users["county_office"]).get(reverse("campaign:exam_add", args=[tree.county_a.pk])))


def test_r2_6_an_exam_sent_twice_is_created_once(login, users, tree, campaign):
    """R2.6: "Create the exam" clicked twice: one exam; the second submission shows it."""
    client = login(users["county_office"])
    _token, first, second = post_twice(client, reverse("campaign:exam_add", args=[tree.county_a.pk]),
                                       {"title": "正定县领导干部考试", "date": "2014-04-20"})
    assert first.url == Exam.objects.get().get_absolute_url()
    assert_second_shows_the_first(client, first, second)


def test_r2_6_an_invalid_exam_leaves_the_token_for_the_corrected_form(login, users, tree, campaign):
    """R2.6: an exam outside the campaign is refused; corrected, with the same token, it is created."""
    client = login(users["county_office"])
    url = reverse("campaign:exam_add", args=[tree.county_a.pk])
    token = token_of(client.get(url))
    assert client.post(url, {"title": "考试", "date": "2015-01-05", FORM_ONCE: token}).status_code == 200
    assert client.post(url, {"title": "考试", "date": "2014-04-20", FORM_ONCE: token}).status_code == 302
    assert Exam.objects.count() == 1


@pytest.fixture
def exam(tree, campaign):
    CadreFactory(unit=tree.county_a, name="李县长", post="县长", is_team_member=True)
    return Exam.objects.create(campaign=campaign, unit=tree.county_a, title="正定县领导干部学习考试",
                               date=D(2014, 4, 20))


def test_r2_6_the_results_form_carries_a_one_time_token(login, users, exam):
    """R2.6: the bulk results form sends its token."""
    token_of(login(users["county_office"]).get(reverse("campaign:exam_results", args=[exam.pk])))


def test_r2_6_results_sent_twice_are_entered_once(login, users, tree, exam, monkeypatch):
    """R2.6: the results page saved twice with one token: the scores are entered once (the second
    submission runs nothing) and it lands where the first did, with the message."""
    client = login(users["county_office"])
    url = reverse("campaign:exam_results", args=[exam.pk])
    li = exam.unit.cadres.get(name="李县长")
    token = token_of(client.get(url))
    scores = {f"score_{tree.cadre_a.pk}": "85", f"score_{li.pk}": "52"}
    first = client.post(url, scores | {FORM_ONCE: token})
    assert ExamResult.objects.count() == 2
    calls = refuse_if_called(monkeypatch, exam_services, "exam_results_enter")
    second = client.post(url, scores | {FORM_ONCE: token})
    assert calls == [] and ExamResult.objects.count() == 2
    assert_second_shows_the_first(client, first, second)


def test_r2_6_invalid_results_leave_the_token_for_the_corrected_form(login, users, tree, exam):
    """R2.6: a score above the full mark is shown again, nothing entered; corrected, it is entered."""
    client = login(users["county_office"])
    url = reverse("campaign:exam_results", args=[exam.pk])
    token = token_of(client.get(url))
    assert client.post(url, {f"score_{tree.cadre_a.pk}": "999", FORM_ONCE: token}).status_code == 200
    assert not ExamResult.objects.exists()
    assert client.post(url, {f"score_{tree.cadre_a.pk}": "85", FORM_ONCE: token}).status_code == 302
    assert ExamResult.objects.get().score == Decimal("85")
