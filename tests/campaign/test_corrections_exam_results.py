"""Issue 11, R2.6: correcting or deleting an exam result keeps every figure that counted it right — the
exam's pass rate, the make-up list, the organiser's exam obligation, the dashboards — and is kept in the
exam's history (who, what). Played in time order: enter → figures → correct/delete → figures and history."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from campaign.errors import CampaignError
from campaign.models import ExamResult, Obligation
from campaign.services.exams import exam_create, exam_makeup_record, exam_result_delete, exam_results_enter
from tests.factories import CadreFactory

D = datetime.date


@pytest.fixture
def li(tree):
    return CadreFactory(unit=tree.county_a, name="李县长", post="县长", is_team_member=True)


@pytest.fixture
def exam(users, tree, campaign):
    return exam_create(user=users["county_office"], campaign=campaign, unit=tree.county_a,
                       title="正定县领导干部学习考试", date=D(2014, 4, 20))


def _summary(client, exam):
    s = client.get(exam.get_absolute_url()).context["summary"]
    return s.sat, s.passed, s.makeup_owed


def _owed(client) -> set[str]:
    return {r.cadre.name for r in client.get(reverse("campaign:exam_owed")).context["table"].records}


def _exam_figures(client, unit):
    f = client.get(reverse("dashboards:unit", args=[unit.pk])).context["f"]
    return f.exam_sat, f.exam_passed, f.exam_owed


def _history(client, exam) -> list[tuple[str, str, list]]:
    rows = client.get(reverse("campaign:exam_history", args=[exam.pk])).context["rows"]
    return [(row.who, row.subject, row.changes) for row in rows]


def test_r2_6_a_corrected_score_and_a_withdrawn_result_change_every_figure(login, users, tree, campaign, exam, li):
    office = login(users["county_office"])
    url = reverse("campaign:exam_results", args=[exam.pk])
    # entered on the page: 王正定 passes, 李县长 fails
    assert office.post(url, {f"score_{tree.cadre_a.pk}": "88", f"score_{li.pk}": "41"}).status_code == 302
    leader = login(users["leader"])
    assert _summary(leader, exam) == (2, 1, 1)
    assert _owed(leader) == {"李县长"}
    assert _exam_figures(leader, tree.county_a) == (2, 1, 1)
    assert [who for who, _subject, _changes in _history(leader, exam)] == ["county_office", "county_office"]

    # the marker corrects 李县长's score: a pass after all
    office = login(users["county_office"])
    assert office.post(url, {f"score_{tree.cadre_a.pk}": "88", f"score_{li.pk}": "71"}).status_code == 302
    leader = login(users["leader"])
    assert _summary(leader, exam) == (2, 2, 0)
    assert _owed(leader) == set()
    assert _exam_figures(leader, tree.county_a) == (2, 2, 0)
    who, subject, changes = _history(leader, exam)[0]
    assert who == "county_office" and "李县长" in subject
    assert any(old == "41.0" and new == "71.0" for _label, old, new in changes)

    # 王正定's result was entered by mistake: withdrawn after a confirmation page
    office = login(users["county_office"])
    wang = exam.results.get(cadre=tree.cadre_a)
    page = office.get(url).content.decode()
    assert reverse("campaign:exam_result_delete", args=[wang.pk]) in page
    delete_url = reverse("campaign:exam_result_delete", args=[wang.pk])
    assert office.get(delete_url).status_code == 200 and ExamResult.objects.filter(pk=wang.pk).exists()
    assert office.post(delete_url).status_code == 302
    leader = login(users["leader"])
    assert _summary(leader, exam) == (1, 1, 0)
    assert _exam_figures(leader, tree.county_a) == (1, 1, 0)
    gone = ExamResult.history.get(id=wang.pk, history_type="-")
    assert gone.history_user == users["county_office"] and gone.score == Decimal("88")
    assert _history(leader, exam)[0][:2] == ("county_office", "王正定 · 88.0")


def test_r2_6_withdrawing_the_last_result_reopens_the_exam_obligation(login, users, tree, campaign, exam, li):
    exam_results_enter(user=users["county_office"], exam=exam, scores={li.pk: Decimal("45")})
    obligation = Obligation.objects.get(campaign=campaign, unit=tree.county_a, kind="exam")
    assert obligation.completed_on == exam.date
    office = login(users["county_office"])
    assert _owed(office) == {"李县长"}
    office.post(reverse("campaign:exam_result_delete", args=[exam.results.get().pk]))
    obligation.refresh_from_db()
    assert obligation.completed_on is None and obligation.evidence_url == ""
    assert _owed(office) == set() and _summary(office, exam) == (0, 0, 0)


def test_r2_6_withdrawing_an_exams_results_hands_the_obligation_to_the_next_exam(users, tree, campaign, exam, li):
    exam_results_enter(user=users["county_office"], exam=exam, scores={li.pk: Decimal("45")})
    exam_makeup_record(user=users["liaison"], result=exam.results.get(), on=D(2014, 4, 25))
    resit = exam_create(user=users["county_office"], campaign=campaign, unit=tree.county_a, title="补考",
                        date=D(2014, 5, 5), is_resit=True)
    exam_results_enter(user=users["county_office"], exam=resit, scores={li.pk: Decimal("80")})
    # the failure a re-sit rests on cannot go first
    with pytest.raises(CampaignError) as refused:
        exam_result_delete(user=users["county_office"], result=exam.results.get())
    assert "补考" in str(refused.value)
    assert exam.results.exists()
    # the re-sit result, then the failure: the obligation goes to nobody, then opens
    exam_result_delete(user=users["county_office"], result=resit.results.get())
    obligation = Obligation.objects.get(campaign=campaign, unit=tree.county_a, kind="exam")
    assert obligation.evidence_url == exam.get_absolute_url()
    exam_result_delete(user=users["county_office"], result=exam.results.get())
    obligation.refresh_from_db()
    assert obligation.completed_on is None


def test_r2_6_only_the_organisers_office_withdraws_a_result(login, users, tree, campaign, exam, li):
    exam_results_enter(user=users["county_office"], exam=exam, scores={li.pk: Decimal("45")})
    result = exam.results.get()
    url = reverse("campaign:exam_result_delete", args=[result.pk])
    assert login(users["liaison"]).post(url).status_code == 403
    assert login(users["supervisor"]).post(url).status_code == 403
    assert login(users["county_office_b"]).post(url).status_code == 404
    with pytest.raises(CampaignError):
        exam_result_delete(user=users["leader"], result=result)
    assert ExamResult.objects.filter(pk=result.pk).exists()
    assert login(users["city_office"]).post(url).status_code == 302
    assert not ExamResult.objects.filter(pk=result.pk).exists()
