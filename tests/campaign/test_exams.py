"""R2.6 exams: one per city and county, results by cadre, make-up study and re-sits for those who fail."""
from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.errors import CampaignError
from campaign.models import Exam, ExamResult, Notification, Obligation
from campaign.selectors.exams import exam_candidates
from campaign.services.exams import exam_create, exam_makeup_record, exam_results_enter
from campaign.selectors.exams import pass_rate
from reports.excel import read_table
from tests.factories import CadreFactory, user_with_role, xlsx_bytes

D = datetime.date


@pytest.fixture
def cadres(tree):
    """Leading cadres under 正定县 (王正定 from the tree, 李县长, 陈镇长 of 正定镇); 赵科员 and 村支书 do not sit."""
    return {
        "wang": tree.cadre_a,
        "li": CadreFactory(unit=tree.county_a, name="李县长", post="县长", is_team_member=True),
        "chen": CadreFactory(unit=tree.township_a, name="陈镇长", post="镇长", is_team_member=True),
        "clerk": CadreFactory(unit=tree.county_a, name="赵科员", post="科员"),
        "village": CadreFactory(unit=tree.village_a, name="孙支书", post="村党支部书记", is_top_leader=True,
                                is_team_member=True),
    }


@pytest.fixture
def exam(tree, campaign):
    return Exam.objects.create(campaign=campaign, unit=tree.county_a, title="正定县领导干部学习考试",
                               date=D(2014, 4, 20))


def _scores_post(client, exam, scores: dict, **query):
    url = reverse("campaign:exam_results", args=[exam.pk])
    return client.post(url + (f"?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else ""),
                       {f"score_{c.pk}": s for c, s in scores.items()})


# --- creating exams

@pytest.mark.parametrize("unit_attr, ok", [("city_a", True), ("county_a", True), ("township_a", False),
                                           ("province", False)])
def test_r2_6_exams_are_organised_by_city_and_county_party_committees(users, tree, campaign, unit_attr, ok):
    unit = getattr(tree, unit_attr)
    if ok:
        assert exam_create(user=users["prov_office"], campaign=campaign, unit=unit, title="考试", date=D(2014, 4, 20))
    else:
        with pytest.raises(CampaignError):
            exam_create(user=users["prov_office"], campaign=campaign, unit=unit, title="考试", date=D(2014, 4, 20))
        assert not Exam.objects.exists()


def test_r2_6_exam_add_page_creates_the_exam(login, users, tree, campaign):
    client = login(users["county_office"])
    url = reverse("campaign:exam_add", args=[tree.county_a.pk])
    response = client.post(url, {"title": "正定县领导干部考试", "date": "2014-04-20"})
    exam = Exam.objects.get()
    assert response.status_code == 302 and response.url == exam.get_absolute_url()
    assert (exam.unit, exam.is_resit) == (tree.county_a, False)
    # outside the campaign: refused, nothing written
    assert client.post(url, {"title": "补考", "date": "2015-01-05", "is_resit": "on"}).status_code == 200
    assert Exam.objects.count() == 1
    # a township does not organise exams, and read-only roles cannot create one
    township = client.post(reverse("campaign:exam_add", args=[tree.township_a.pk]),
                           {"title": "镇考试", "date": "2014-04-20"})
    assert township.status_code == 200 and township.context["form"].non_field_errors()
    assert login(users["liaison"]).post(url, {"title": "x", "date": "2014-04-20"}).status_code == 403
    assert Exam.objects.count() == 1


def test_r2_6_a_citys_exam_leaves_out_the_counties_that_hold_their_own(tree, campaign, cadres):
    """R2.6: organised per city and per county; 正定县's cadres sit 正定县's exam, not 石家庄市's."""
    mayor = CadreFactory(unit=tree.city_a, name="石市长", post="市长", is_team_member=True)
    city_exam = Exam.objects.create(campaign=campaign, unit=tree.city_a, title="石家庄市考试", date=D(2014, 4, 20))
    assert list(exam_candidates(city_exam)) == [mayor]


# --- entering results in bulk

def test_r2_6_bulk_form_lists_the_leading_cadres_of_the_organisers_subtree(login, users, exam, cadres):
    response = login(users["county_office"]).get(reverse("campaign:exam_results", args=[exam.pk]))
    listed = [cadre for cadre, _field in response.context["form"].rows()]
    assert listed == [cadres["wang"], cadres["li"], cadres["chen"]]


def test_r2_6_bulk_entry_passes_by_the_campaigns_pass_mark_and_fulfils_the_obligation(
        login, users, tree, campaign, exam, cadres):
    """R2.6: score ≥ pass mark passes; blank = not entered; the organiser's exam obligation is done."""
    client = login(users["county_office"])
    response = _scores_post(client, exam, {cadres["wang"]: "60", cadres["li"]: "59.5", cadres["chen"]: ""})
    assert response.status_code == 302
    results = {r.cadre: (r.score, r.passed) for r in exam.results.all()}
    assert results == {cadres["wang"]: (Decimal("60"), True), cadres["li"]: (Decimal("59.5"), False)}
    ob = Obligation.objects.get(campaign=campaign, unit=tree.county_a, kind="exam")
    assert ob.completed_on == exam.date and ob.evidence_url == exam.get_absolute_url()
    # the pass mark is campaign data
    campaign.exam_pass_mark = 50
    campaign.save()
    _scores_post(client, exam, {cadres["chen"]: "55"})
    assert exam.results.get(cadre=cadres["chen"]).passed


@pytest.mark.parametrize("score", ["-1", "100.5", "abc", "70.25"])
def test_r2_6_bad_scores_are_refused_and_nothing_written(login, users, tree, campaign, exam, cadres, score):
    client = login(users["county_office"])
    response = _scores_post(client, exam, {cadres["wang"]: "80", cadres["li"]: score})
    assert response.status_code == 200 and response.context["form"].errors
    assert not ExamResult.objects.exists()
    assert Obligation.objects.get(campaign=campaign, unit=tree.county_a, kind="exam").completed_on is None


def test_r2_6_service_refuses_scores_off_range_and_cadres_who_do_not_sit(users, exam, cadres):
    user = users["county_office"]
    for scores in ({cadres["wang"].pk: Decimal("101")}, {cadres["clerk"].pk: Decimal("80")},
                   {cadres["village"].pk: Decimal("80")}, {cadres["wang"].pk: Decimal("80"), 10 ** 6: Decimal("1")}):
        with pytest.raises(CampaignError):
            exam_results_enter(user=user, exam=exam, scores=scores)
    assert not ExamResult.objects.exists()
    with pytest.raises(CampaignError):  # 迁安市's office cannot mark 正定县's exam
        exam_results_enter(user=users["county_office_b"], exam=exam, scores={cadres["wang"].pk: Decimal("80")})


def test_r2_6_failures_notify_the_liaisons_of_the_failed_cadres_units(users, tree, exam, cadres):
    """R2.6: the liaison of 正定县 hears that 李县长 owes make-up study; 正定镇 without a liaison is skipped."""
    town_liaison = user_with_role("town_liaison", "liaison", tree.township_b)  # another unit: not told
    with pytest.raises(CampaignError):  # nothing stored when the entry is refused
        exam_results_enter(user=users["county_office"], exam=exam,
                           scores={cadres["li"].pk: Decimal("40"), cadres["wang"].pk: Decimal("400")})
    assert not Notification.objects.exists()
    exam_results_enter(user=users["county_office"], exam=exam,
                       scores={cadres["li"].pk: Decimal("40"), cadres["wang"].pk: Decimal("90"),
                               cadres["chen"].pk: Decimal("30")})
    notes = list(Notification.objects.all())
    assert [n.user for n in notes] == [users["liaison"]]
    assert "李县长" in notes[0].body and "陈镇长" not in notes[0].body
    assert notes[0].url.startswith(reverse("campaign:exam_owed"))
    assert not Notification.objects.filter(user=town_liaison).exists()
    # entering the same scores again tells nobody twice
    exam_results_enter(user=users["county_office"], exam=exam, scores={cadres["li"].pk: Decimal("40")})
    assert Notification.objects.count() == 1


def test_r2_6_results_cannot_be_entered_before_the_exam_is_held(users, tree, campaign, cadres):
    future = Exam.objects.create(campaign=campaign, unit=tree.county_a, title="未来考试",
                                 date=datetime.date.today() + datetime.timedelta(days=3))
    with pytest.raises(CampaignError):
        exam_results_enter(user=users["county_office"], exam=future, scores={cadres["wang"].pk: Decimal("80")})


# --- spreadsheet import: preview, all or nothing

HEADER = ["单位编码", "姓名", "分数"]


def _upload(client, exam, name, data):
    return client.post(reverse("campaign:exam_import", args=[exam.pk]), {"file": SimpleUploadedFile(name, data)})


def test_r2_6_import_with_bad_rows_writes_nothing_and_names_each_row(login, users, exam, cadres):
    client = login(users["county_office"])
    rows = [HEADER,
            ["130123", "王正定", "88"],
            ["130123", "赵科员", "70"],      # row 3: not a leading cadre
            ["130283", "李迁安", "70"],      # row 4: another county
            ["130123", "李县长", "120"],     # row 5: above the full mark
            ["130123001", "陈镇长", "优"],   # row 6: not a number
            ["130123", "王正定", "90"],      # row 7: twice
            ["999999", "无名", "60"],        # row 8: no such unit
            ["130123001001", "孙支书", ""]]  # blank score: skipped, not an error
    response = _upload(client, exam, "scores.xlsx", xlsx_bytes(rows))
    plan = response.context["plan"]
    assert not plan.ok
    assert [r.line for r in plan.error_rows] == [3, 4, 5, 6, 7, 8]
    assert "130283" in " ".join(plan.error_rows[1].errors)
    page = response.content.decode()
    assert 'id="import-errors"' in page and 'id="import-confirm"' not in page
    assert not ExamResult.objects.exists()


def test_r2_6_import_previews_then_writes_every_score(login, users, tree, campaign, exam, cadres):
    client = login(users["county_office"])
    rows = [HEADER, ["130123", "王正定", "88"], ["130123", "李县长", "52"], ["130123001", "陈镇长", ""]]
    response = _upload(client, exam, "scores.csv", "\n".join(",".join(r) for r in rows).encode("utf-8-sig"))
    assert response.context["plan"].ok and response.context["scored"] == 2
    assert not ExamResult.objects.exists()  # the preview writes nothing
    token = response.context["token"]
    confirm = reverse("campaign:exam_import_confirm", args=[exam.pk, token])
    assert client.post(confirm).status_code == 302
    assert {(r.cadre.name, r.passed) for r in exam.results.all()} == {("王正定", True), ("李县长", False)}
    assert Obligation.objects.get(campaign=campaign, unit=tree.county_a, kind="exam").completed_on == exam.date
    assert client.post(confirm).status_code == 404  # a token is used once


def test_r2_6_import_template_lists_the_cadres_who_sit(login, users, exam, cadres):
    response = login(users["county_office"]).get(reverse("campaign:exam_import_template", args=[exam.pk]))
    rows = read_table(response.content, "t.xlsx")
    assert rows[0][:3] == HEADER
    assert [r[:3] for r in rows[1:]] == [["130123", "王正定", ""], ["130123", "李县长", ""], ["130123001", "陈镇长", ""]]


def test_r2_6_import_is_refused_to_other_counties_and_read_only_roles(login, users, exam):
    data = xlsx_bytes([HEADER, ["130123", "王正定", "88"]])
    assert _upload(login(users["county_office_b"]), exam, "s.xlsx", data).status_code == 404
    assert _upload(login(users["supervisor"]), exam, "s.xlsx", data).status_code == 403
    assert not ExamResult.objects.exists()


# --- make-up study and re-sits

def _fail(exam, cadre, score="45"):
    return ExamResult.objects.create(exam=exam, cadre=cadre, score=Decimal(score), passed=False)


def _owed(client, **params):
    return {(r.cadre.name, r.exam.title) for r in client.get(reverse("campaign:exam_owed"), params)
            .context["table"].records}


def test_r2_6_a_failure_is_owed_until_a_resit_is_passed(login, users, tree, campaign, exam, cadres):
    """R2.6: fail → make-up study → re-sit; the owed list follows the cadre's latest result."""
    result = _fail(exam, cadres["li"])
    ExamResult.objects.create(exam=exam, cadre=cadres["wang"], score=90, passed=True)
    client = login(users["county_office"])
    assert _owed(client) == {("李县长", exam.title)}
    assert _owed(client, state="makeup") == {("李县长", exam.title)} and _owed(client, state="resit") == set()
    # the liaison of 正定县 records the make-up study
    response = login(users["liaison"]).post(reverse("campaign:exam_makeup", args=[result.pk]), {"on": "2014-04-25"})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.makeup_done_on == D(2014, 4, 25)
    client = login(users["county_office"])
    assert _owed(client, state="makeup") == set() and _owed(client, state="resit") == {("李县长", exam.title)}
    # a failed re-sit keeps him owed (a new make-up study), a passed one clears him
    resit = Exam.objects.create(campaign=campaign, unit=tree.county_a, title="补考", date=D(2014, 5, 5),
                                is_resit=True)
    exam_results_enter(user=users["county_office"], exam=resit, scores={cadres["li"].pk: Decimal("50")})
    assert _owed(client) == {("李县长", "补考")}
    resit2 = Exam.objects.create(campaign=campaign, unit=tree.county_a, title="第二次补考", date=D(2014, 5, 20),
                                 is_resit=True)
    # a failed re-sit owes a new make-up study before the next one (R2.6)
    with pytest.raises(CampaignError):
        exam_results_enter(user=users["county_office"], exam=resit2, scores={cadres["li"].pk: Decimal("75")})
    exam_makeup_record(user=users["liaison"], result=resit.results.get(), on=D(2014, 5, 10))
    exam_results_enter(user=users["county_office"], exam=resit2, scores={cadres["li"].pk: Decimal("75")})
    assert _owed(client) == set()
    history = {r.exam.title: (r.resit_exam, r.resit_score, r.resit_passed) for r in
               client.get(reverse("campaign:exam_owed"), {"state": "all"}).context["table"].records}
    assert history == {exam.title: ("补考", Decimal("50"), False), "补考": ("第二次补考", Decimal("75"), True)}


def test_r2_6_owed_list_is_scoped(login, users, tree, campaign, exam, cadres):
    _fail(exam, cadres["li"])
    other = Exam.objects.create(campaign=campaign, unit=tree.county_b, title="迁安市考试", date=D(2014, 4, 20))
    _fail(other, tree.cadre_b)
    assert _owed(login(users["county_office_b"])) == {("李迁安", "迁安市考试")}
    assert _owed(login(users["city_office"])) == {("李县长", exam.title)}
    assert len(_owed(login(users["prov_office"]))) == 2
    assert _owed(login(users["no_role"])) == set()
    assert _owed(login(users["prov_office"]), unit="迁安") == {("李迁安", "迁安市考试")}


def test_r2_6_makeup_is_refused_for_passes_twice_or_bad_dates(users, exam, cadres):
    passed = ExamResult.objects.create(exam=exam, cadre=cadres["wang"], score=80, passed=True)
    failed = _fail(exam, cadres["li"])
    user = users["liaison"]
    for result, on in ((passed, D(2014, 4, 25)), (failed, D(2014, 4, 19)),
                       (failed, datetime.date.today() + datetime.timedelta(days=1))):
        with pytest.raises(CampaignError):
            exam_makeup_record(user=user, result=result, on=on)
    with pytest.raises(CampaignError):  # the supervision group reads only
        exam_makeup_record(user=users["supervisor"], result=failed, on=D(2014, 4, 25))
    failed.refresh_from_db()
    assert failed.makeup_done_on is None
    exam_makeup_record(user=user, result=failed, on=D(2014, 4, 25))
    with pytest.raises(CampaignError):
        exam_makeup_record(user=user, result=failed, on=D(2014, 4, 26))
    failed.refresh_from_db()
    assert failed.makeup_done_on == D(2014, 4, 25)


def test_r2_6_makeup_action_is_scoped(login, users, exam, cadres):
    failed = _fail(exam, cadres["li"])
    url = reverse("campaign:exam_makeup", args=[failed.pk])
    assert login(users["county_office_b"]).post(url, {"on": "2014-04-25"}).status_code == 404
    assert login(users["leader"]).post(url, {"on": "2014-04-25"}).status_code == 403
    failed.refresh_from_db()
    assert failed.makeup_done_on is None


def test_r2_6_owed_list_keeps_a_fixed_number_of_queries(login, users, tree, campaign, exam,
                                                        django_assert_max_num_queries):
    client = login(users["prov_office"])
    url = reverse("campaign:exam_owed")

    def fail_some(n, start):
        resit = Exam.objects.create(campaign=campaign, unit=tree.county_a, title=f"补考{start}",
                                    date=D(2014, 5, 1), is_resit=True)
        for i in range(n):
            cadre = CadreFactory(unit=tree.county_a, name=f"干部{start + i}", is_team_member=True)
            first = _fail(exam, cadre)
            first.makeup_done_on = D(2014, 4, 25)
            first.save()
            _fail(resit, cadre, "50")

    fail_some(2, 0)
    for params in ({}, {"state": "all"}, {"export": "xlsx"}):
        with django_assert_max_num_queries(11):
            client.get(url, params)
    fail_some(40, 100)
    for params in ({}, {"state": "all", "page": 2}, {"export": "xlsx"}):
        with django_assert_max_num_queries(11):
            response = client.get(url, params)
    assert response.status_code == 200
    assert client.get(url).context["table"].paginator.count == 42


# --- lists, details, exports

def test_r2_6_exam_list_shows_the_pass_rate_of_each_exam(login, users, tree, campaign, exam, cadres,
                                                         django_assert_max_num_queries, settings):
    settings.PAGE_SIZE = 5
    ExamResult.objects.create(exam=exam, cadre=cadres["wang"], score=90, passed=True)
    ExamResult.objects.create(exam=exam, cadre=cadres["li"], score=88, passed=True)
    ExamResult.objects.create(exam=exam, cadre=cadres["chen"], score=30, passed=False)
    empty = Exam.objects.create(campaign=campaign, unit=tree.city_a, title="石家庄市考试", date=D(2014, 4, 22))
    client = login(users["city_office"])
    url = reverse("campaign:exams")
    with django_assert_max_num_queries(12):
        rows = {e.title: (e.sat, e.passed_count, pass_rate(e.passed_count, e.sat))
                for e in client.get(url).context["table"].records}
    assert rows == {exam.title: (3, 2, 67), empty.title: (0, 0, None)}
    for i in range(20):
        Exam.objects.create(campaign=campaign, unit=tree.county_a2, title=f"行唐县考试{i}", date=D(2014, 4, 22))
    with django_assert_max_num_queries(12):
        assert len(client.get(url, {"page": 2}).context["table"].records) == 5
    assert {e.title for e in login(users["county_office_b"]).get(url).context["table"].records} == set()
    exported = read_table(login(users["city_office"]).get(url, {"unit": "正定", "export": "xlsx"}).content, "e.xlsx")
    assert exported[1][0] == exam.title and exported[1][5:8] == ["3", "2", "67"]


def test_r2_6_exam_detail_and_results_export(login, users, exam, cadres):
    ExamResult.objects.create(exam=exam, cadre=cadres["wang"], score=90, passed=True)
    ExamResult.objects.create(exam=exam, cadre=cadres["chen"], score=30, passed=False)
    client = login(users["supervisor"])
    response = client.get(exam.get_absolute_url())
    summary = response.context["summary"]
    assert (summary.sat, summary.passed, summary.failed, summary.rate, summary.makeup_owed) == (2, 1, 1, 50, 1)
    assert 'id="enter-results"' not in response.content.decode()  # the supervision group reads only
    assert [r.cadre.name for r in client.get(exam.get_absolute_url(), {"unit": "正定镇"}).context["table"].records] == ["陈镇长"]
    rows = read_table(client.get(exam.get_absolute_url(), {"export": "xlsx"}).content, "r.xlsx")
    assert [r[2] for r in rows[1:]] == ["王正定", "陈镇长"]
    assert rows[2][4] == "30"


def test_r2_6_demo_exams_leave_a_few_failures_owed(tree, campaign):
    """Demo: an exam for 石家庄市 and for 正定县, with a few failures owing make-up study."""
    from campaign.demo import exams as demo
    from campaign.selectors.exams import owed_for
    from tests.factories import UserFactory

    for unit in (tree.city_a, tree.county_a, tree.township_a):
        for n in range(6):
            CadreFactory(unit=unit, name=f"{unit.name}班子{n}", is_team_member=True)
    counts = demo.build(campaign=campaign, today=datetime.date.today(), rng=random.Random(3))
    assert set(Exam.objects.filter(is_resit=False).values_list("unit__name", flat=True)) == {"石家庄市", "正定县"}
    assert counts["results"] == ExamResult.objects.count() > 0
    admin = UserFactory(username="demo-admin", is_superuser=True)
    assert 0 < owed_for(admin, campaign).count() < ExamResult.objects.count() / 3


def test_r2_6_exam_list_offers_the_city_and_county_committees_a_user_may_create_for(login, users, tree, campaign):
    url = reverse("campaign:exams")
    assert [u.name for u in login(users["county_office"]).get(url).context["organisers"]] == ["正定县"]
    province = login(users["prov_office"])
    assert [u.name for u in province.get(url, {"unit": "石家庄"}).context["organisers"]] == ["石家庄市"]
    assert province.get(url, {"unit": "正定镇"}).context["organisers"] == []  # a township organises none
    liaison = login(users["liaison"]).get(url)
    assert liaison.context["organisers"] == [] and 'id="exam-organisers"' not in liaison.content.decode()
