"""R2.6 make-up study before the re-sit: a cadre who failed sits again only once the make-up study (补课) is
recorded; the re-sit's score form, its spreadsheet template and its import accept only those cadres."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.errors import CampaignError
from campaign.models import ExamResult
from campaign.services.exams import exam_create, exam_makeup_record, exam_results_enter
from reports.excel import read_table
from tests.factories import CadreFactory

D = datetime.date
HEADER = ["单位编码", "姓名", "分数"]


@pytest.fixture
def cadres(tree):
    """Leading cadres of 正定县: 王正定 (passes), 李县长 (fails), 陈镇长 of 正定镇 (does not sit)."""
    return {
        "wang": tree.cadre_a,
        "li": CadreFactory(unit=tree.county_a, name="李县长", post="县长", is_team_member=True),
        "chen": CadreFactory(unit=tree.township_a, name="陈镇长", post="镇长", is_team_member=True),
    }


@pytest.fixture
def first_exam(users, tree, campaign, cadres):
    """正定县's exam of 20 April 2014: 王正定 passes, 李县长 fails."""
    exam = exam_create(user=users["county_office"], campaign=campaign, unit=tree.county_a,
                       title="正定县领导干部学习考试", date=D(2014, 4, 20))
    exam_results_enter(user=users["county_office"], exam=exam,
                       scores={cadres["wang"].pk: Decimal("88"), cadres["li"].pk: Decimal("41")})
    return exam


@pytest.fixture
def resit(users, tree, campaign, first_exam):
    return exam_create(user=users["county_office"], campaign=campaign, unit=tree.county_a,
                       title="正定县领导干部学习考试（补考）", date=D(2014, 5, 10), is_resit=True)


def _listed(client, exam) -> list[str]:
    return [cadre.name for cadre, _field in client.get(reverse("campaign:exam_results", args=[exam.pk]))
            .context["form"].rows()]


def _owed(client, **params) -> set[tuple[str, str]]:
    return {(r.cadre.name, r.exam.title) for r in client.get(reverse("campaign:exam_owed"), params)
            .context["table"].records}


def test_r2_6_a_resit_waits_for_the_makeup_study(login, users, tree, campaign, cadres, first_exam, resit):
    """R2.6, in time order: fail → re-sit refused (clear message, nothing written) and not offered → make-up
    study recorded by the liaison → the re-sit form lists 李县长 alone → he passes → nobody owes anything."""
    office = login(users["county_office"])
    assert _owed(office, state="makeup") == {("李县长", first_exam.title)}
    # the re-sit form offers nobody yet, and says why
    page = office.get(reverse("campaign:exam_results", args=[resit.pk]))
    assert page.context["form"].rows() == []
    assert 'id="candidates-empty"' in page.content.decode() and 'id="resit-rule"' in page.content.decode()
    # the service refuses a re-sit result without the make-up study, naming the cadre and the missing step
    with pytest.raises(CampaignError) as refused:
        exam_results_enter(user=users["county_office"], exam=resit, scores={cadres["li"].pk: Decimal("75")})
    assert "李县长" in str(refused.value) and "补课" in str(refused.value)
    assert not resit.results.exists()
    # the liaison of 正定县 records the make-up study from the make-up list
    result = first_exam.results.get(cadre=cadres["li"])
    response = login(users["liaison"]).post(reverse("campaign:exam_makeup", args=[result.pk]), {"on": "2014-05-02"})
    assert response.status_code == 302
    office = login(users["county_office"])
    assert _owed(office, state="resit") == {("李县长", first_exam.title)}
    # now the re-sit form lists him, and only him (王正定 passed, 陈镇长 never sat)
    assert _listed(office, resit) == ["李县长"]
    post = office.post(reverse("campaign:exam_results", args=[resit.pk]), {f"score_{cadres['li'].pk}": "75"})
    assert post.status_code == 302
    assert resit.results.get().passed
    assert _owed(office) == set()


def test_r2_6_the_makeup_study_must_come_before_the_resit(users, tree, campaign, cadres, first_exam, resit):
    """R2.6: make-up study recorded after the re-sit's date does not open that re-sit."""
    result = first_exam.results.get(cadre=cadres["li"])
    exam_makeup_record(user=users["liaison"], result=result, on=D(2014, 5, 12))
    with pytest.raises(CampaignError) as refused:
        exam_results_enter(user=users["county_office"], exam=resit, scores={cadres["li"].pk: Decimal("75")})
    assert "补课" in str(refused.value)
    assert not resit.results.exists()
    later = exam_create(user=users["county_office"], campaign=campaign, unit=tree.county_a, title="第二次补考",
                        date=D(2014, 5, 20), is_resit=True)
    exam_results_enter(user=users["county_office"], exam=later, scores={cadres["li"].pk: Decimal("75")})
    assert later.results.get().passed


def test_r2_6_a_resit_is_only_for_cadres_who_failed(users, tree, campaign, cadres, first_exam, resit):
    """R2.6: one who passed, or never sat, does not sit a re-sit; nothing is written."""
    for cadre in (cadres["wang"], cadres["chen"]):
        with pytest.raises(CampaignError) as refused:
            exam_results_enter(user=users["county_office"], exam=resit, scores={cadre.pk: Decimal("90")})
        assert cadre.name in str(refused.value)
    assert not resit.results.exists()


def test_r2_6_no_second_exam_without_makeup_either(login, users, tree, campaign, cadres, first_exam):
    """R2.6: a second exam of the organiser not marked as a re-sit is no way around the make-up study."""
    again = exam_create(user=users["county_office"], campaign=campaign, unit=tree.county_a, title="正定县第二次考试",
                        date=D(2014, 5, 10))
    assert _listed(login(users["county_office"]), again) == ["王正定", "陈镇长"]
    with pytest.raises(CampaignError):
        exam_results_enter(user=users["county_office"], exam=again, scores={cadres["li"].pk: Decimal("90")})
    assert not again.results.exists()


def test_r2_6_a_resit_result_already_entered_can_be_corrected(users, tree, campaign, cadres, first_exam, resit):
    """R2.6: the rule is about sitting again; correcting the score of one who sat stays possible."""
    exam_makeup_record(user=users["liaison"], result=first_exam.results.get(cadre=cadres["li"]), on=D(2014, 5, 2))
    exam_results_enter(user=users["county_office"], exam=resit, scores={cadres["li"].pk: Decimal("55")})
    exam_results_enter(user=users["county_office"], exam=resit, scores={cadres["li"].pk: Decimal("65")})
    assert (resit.results.get().score, resit.results.get().passed) == (Decimal("65"), True)


def test_r2_6_resit_import_accepts_only_cadres_with_makeup(login, users, tree, campaign, cadres, first_exam, resit):
    """R2.6: the re-sit's spreadsheet template lists who may sit; a row for anyone else is refused with the
    reason, and the file writes nothing."""
    li_fail = first_exam.results.get(cadre=cadres["li"])
    client = login(users["county_office"])
    template = read_table(client.get(reverse("campaign:exam_import_template", args=[resit.pk])).content, "t.xlsx")
    assert template[1:] == []
    rows = [HEADER, ["130123", "李县长", "75"]]
    csv = "\n".join(",".join(r) for r in rows).encode("utf-8-sig")
    upload = client.post(reverse("campaign:exam_import", args=[resit.pk]), {"file": SimpleUploadedFile("r.csv", csv)})
    plan = upload.context["plan"]
    assert not plan.ok and [r.line for r in plan.error_rows] == [2]
    assert "补课" in " ".join(plan.error_rows[0].errors)
    assert not resit.results.exists()
    # after the make-up study the same file goes through
    exam_makeup_record(user=users["liaison"], result=li_fail, on=D(2014, 5, 2))
    template = read_table(client.get(reverse("campaign:exam_import_template", args=[resit.pk])).content, "t.xlsx")
    assert [r[:2] for r in template[1:]] == [["130123", "李县长"]]
    upload = client.post(reverse("campaign:exam_import", args=[resit.pk]), {"file": SimpleUploadedFile("r.csv", csv)})
    assert upload.context["plan"].ok
    confirm = client.post(reverse("campaign:exam_import_confirm", args=[resit.pk, upload.context["token"]]))
    assert confirm.status_code == 302
    assert ExamResult.objects.get(exam=resit).score == Decimal("75")

