"""R3.2 comparison-check materials: the unit submits its team's and top leader's material, the upper
committee's office reviews it (approve, or return with comments), versions, notifications, the obligation."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.errors import CampaignError
from campaign.models import ComparisonMaterial, Notification, Obligation
from campaign.services import problems as services
from reports.excel import read_table
from tests.campaign.test_articles import PDF_BYTES, make_docx
from tests.factories import user_with_role


def submit(client, unit, subject="team", **data):
    return client.post(reverse("campaign:material_submit", args=[unit.pk, subject]), data)


def review(client, material, decision, comment=""):
    return client.post(reverse("campaign:material_review", args=[material.pk]),
                       {"decision": decision, "comment": comment})


def material(campaign, unit, subject="team", version=1, status="submitted", text="对照检查材料正文"):
    return ComparisonMaterial.objects.create(campaign=campaign, unit=unit, subject=subject, version=version,
                                             status=status, text=text)


def obligation(campaign, unit) -> Obligation:
    return Obligation.objects.get(campaign=campaign, unit=unit, kind="comparison_material")


# --- who reviews

def test_r3_2_reviewers_are_offices_above_the_parent_not_bound_to_the_unit(users, tree):
    def can(user, unit) -> bool:
        return user.has_perm("campaign.review_material", unit)

    assert can(users["city_office"], tree.county_a)  # 石家庄市's office reviews 正定县
    assert can(users["prov_office"], tree.county_a) and can(users["admin"], tree.county_a)
    assert not can(users["county_office"], tree.county_a)  # not its own material
    assert can(users["county_office"], tree.township_a)  # 正定县's office reviews 正定镇
    for role in ("supervisor", "liaison", "leader", "county_office_b", "no_role"):
        assert not can(users[role], tree.county_a), role
    assert not can(users["prov_office"], tree.province)  # nobody above the root
    both = user_with_role("both", "office", tree.city_a)
    user_with_role("both", "liaison", tree.county_a)
    assert not can(both, tree.county_a)


# --- submission

def test_r3_2_unit_submits_and_the_upper_office_is_told(login, users, tree, campaign):
    response = submit(login(users["liaison"]), tree.county_a, text="班子对照检查材料")
    assert response.status_code == 302
    m = ComparisonMaterial.objects.get()
    assert (m.unit, m.subject, m.version, m.status, m.submitted_by) == (
        tree.county_a, "team", 1, "submitted", users["liaison"])
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"city_office"}


def test_r3_2_docx_text_is_taken_over_and_pdf_alone_is_accepted(login, users, tree, campaign):
    client = login(users["county_office"])
    submit(client, tree.county_a, "team", text="", file=SimpleUploadedFile("班子.docx", make_docx("班子查摆的问题")))
    submit(client, tree.county_a, "top_leader", text="", file=SimpleUploadedFile("书记.pdf", PDF_BYTES))
    team, leader = (ComparisonMaterial.objects.get(subject=s) for s in ("team", "top_leader"))
    assert team.text == "班子查摆的问题"
    assert leader.text == "" and leader.file_name == "正定县-一把手.pdf"
    assert "书记" not in leader.file.name  # stored under a random name (issue 15), shown as unit and subject


def test_r3_2_empty_submission_is_refused(login, users, tree, campaign):
    response = submit(login(users["liaison"]), tree.county_a, text="   ")
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not ComparisonMaterial.objects.exists()


def test_r3_2_oversized_or_wrong_file_is_refused(login, users, tree, campaign):
    client = login(users["liaison"])
    response = submit(client, tree.county_a, text="正文", file=SimpleUploadedFile("材料.xlsx", b"PK\x03\x04"))
    assert "file" in response.context["form"].errors
    assert not ComparisonMaterial.objects.exists()


@pytest.mark.parametrize("role,status", [("supervisor", 403), ("leader", 403), ("county_office_b", 404)])
def test_r3_2_only_writers_of_the_unit_submit(login, users, tree, campaign, role, status):
    assert submit(login(users[role]), tree.county_a, text="正文").status_code == status
    assert not ComparisonMaterial.objects.exists()


def test_r3_2_resubmitting_while_under_review_is_refused(login, users, tree, campaign):
    client = login(users["liaison"])
    submit(client, tree.county_a, text="第一稿")
    response = submit(client, tree.county_a, text="第二稿")
    assert response.status_code == 302
    assert ComparisonMaterial.objects.count() == 1
    with pytest.raises(CampaignError):
        services.material_submit(campaign=campaign, unit=tree.county_a, subject="team", text="第三稿", file=None,
                                 by=users["liaison"])


def test_r3_2_unknown_subject_is_404(login, users, tree, campaign):
    assert submit(login(users["liaison"]), tree.county_a, "secretary", text="x").status_code == 404


# --- review

def test_r3_2_return_needs_comments_and_then_a_new_version(login, users, tree, campaign):
    m = material(campaign, tree.county_a)
    office = login(users["city_office"])
    review(office, m, "return", comment="  ")
    m.refresh_from_db()
    assert m.status == "submitted" and not Notification.objects.exists()

    review(office, m, "return", comment="查摆问题不具体，剖析不深刻")
    m.refresh_from_db()
    assert (m.status, m.review_comment, m.reviewed_by) == ("returned", "查摆问题不具体，剖析不深刻", users["city_office"])
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"liaison", "county_office"}

    submit(login(users["liaison"]), tree.county_a, text="修改稿")
    v2 = ComparisonMaterial.objects.get(version=2)
    assert v2.status == "submitted" and v2.text == "修改稿"
    with pytest.raises(CampaignError):  # the old version is no longer reviewable
        services.material_review(material=m, approve=True, comment="", by=users["city_office"])


@pytest.mark.parametrize("role,status", [("county_office", 403), ("supervisor", 403), ("liaison", 403),
                                         ("leader", 403), ("county_office_b", 404)])
def test_r3_2_others_cannot_review(login, users, tree, campaign, role, status):
    m = material(campaign, tree.county_a)
    assert review(login(users[role]), m, "approve").status_code == status
    m.refresh_from_db()
    assert m.status == "submitted"


def test_r3_2_a_reviewed_version_cannot_be_reviewed_again(users, tree, campaign):
    m = material(campaign, tree.county_a, status="approved")
    with pytest.raises(CampaignError):
        services.material_review(material=m, approve=False, comment="再退回", by=users["city_office"])


def test_r3_2_both_approved_fulfils_the_obligation(login, users, tree, campaign):
    team, leader = material(campaign, tree.county_a, "team"), material(campaign, tree.county_a, "top_leader")
    office = login(users["city_office"])
    review(office, team, "approve")
    assert obligation(campaign, tree.county_a).completed_on is None
    review(office, leader, "approve")
    ob = obligation(campaign, tree.county_a)
    assert ob.completed_on == timezone.localdate()
    assert ob.evidence_url == reverse("campaign:material_unit", args=[tree.county_a.pk])
    # approved is final: no new version
    assert submit(login(users["liaison"]), tree.county_a, "team", text="再交一稿").status_code == 302
    assert ComparisonMaterial.objects.count() == 2


def test_r3_2_approval_after_an_earlier_return_counts(login, users, tree, campaign):
    material(campaign, tree.county_a, "team", version=1, status="returned")
    material(campaign, tree.county_a, "team", version=2, status="approved")
    leader = material(campaign, tree.county_a, "top_leader")
    review(login(users["prov_office"]), leader, "approve")
    assert obligation(campaign, tree.county_a).completed_on is not None


def test_r3_2_detail_shows_history_and_the_review_form_only_to_reviewers(login, users, tree, campaign):
    material(campaign, tree.county_a, version=1, status="returned")
    v2 = material(campaign, tree.county_a, version=2)
    response = login(users["city_office"]).get(reverse("campaign:material_detail", args=[v2.pk]))
    assert [v.version for v in response.context["versions"]] == [2, 1]
    assert response.context["review_form"] is not None
    assert login(users["county_office"]).get(
        reverse("campaign:material_detail", args=[v2.pk])).context["review_form"] is None
    old = ComparisonMaterial.objects.get(version=1)
    old_page = login(users["city_office"]).get(reverse("campaign:material_detail", args=[old.pk]))
    assert old_page.context["review_form"] is None and not old_page.context["is_latest"]


def test_r3_2_file_download_is_scoped(login, users, tree, campaign):
    submit(login(users["liaison"]), tree.county_a, text="", file=SimpleUploadedFile("材料.txt", "材料全文".encode()))
    m = ComparisonMaterial.objects.get()
    url = reverse("campaign:material_file", args=[m.pk])
    response = login(users["city_office"]).get(url)
    assert b"".join(response.streaming_content) == "材料全文".encode()
    assert login(users["county_office_b"]).get(url).status_code == 404


# --- the list

@pytest.fixture
def materials(campaign, tree):
    material(campaign, tree.county_a, "team", version=1, status="returned")
    return {
        "a_team": material(campaign, tree.county_a, "team", version=2),
        "a_leader": material(campaign, tree.county_a, "top_leader", status="approved"),
        "a2_team": material(campaign, tree.county_a2, "team", status="returned"),
        "township": material(campaign, tree.township_a, "team"),
        "b_team": material(campaign, tree.county_b, "team"),
    }


def listed(client, **params) -> set[tuple[str, str, int]]:
    response = client.get(reverse("campaign:materials"), params)
    assert response.status_code == 200
    return {(m.unit.name, m.subject, m.version) for m in response.context["table"].records}


def test_r3_2_list_shows_latest_versions_in_scope(login, users, materials):
    assert listed(login(users["city_office"])) == {("正定县", "team", 2), ("正定县", "top_leader", 1),
                                                   ("行唐县", "team", 1), ("正定镇", "team", 1)}
    assert listed(login(users["county_office_b"])) == {("迁安市", "team", 1)}


def test_r3_2_awaiting_my_review(login, users, materials):
    assert listed(login(users["city_office"]), awaiting="on") == {("正定县", "team", 2)} | {("正定镇", "team", 1)}
    # 正定县's office reviews its township, not its own material
    assert listed(login(users["county_office"]), awaiting="on") == {("正定镇", "team", 1)}
    assert listed(login(users["liaison"]), awaiting="on") == set()
    assert login(users["city_office"]).get(reverse("campaign:materials")).context["figures"].awaiting_me == 2


@pytest.mark.parametrize("params,expected", [
    ({"status": "returned"}, {("行唐县", "team", 1)}),
    ({"subject": "top_leader"}, {("正定县", "top_leader", 1)}),
    ({"unit": "130123", "status": "submitted"}, {("正定县", "team", 2), ("正定镇", "team", 1)}),
])
def test_r3_2_list_filters(login, users, materials, params, expected):
    assert listed(login(users["prov_office"]), **params) == expected


def test_r3_2_excel_export(login, users, materials):
    response = login(users["prov_office"]).get(reverse("campaign:materials"), {"status": "submitted",
                                                                               "export": "xlsx"})
    rows = read_table(response.content, "m.xlsx")
    assert sorted((r[0], r[3]) for r in rows[1:]) == [("正定县", "2"), ("正定镇", "1"), ("迁安市", "1")]


def test_r3_2_list_uses_a_fixed_number_of_queries(login, users, tree, campaign, materials,
                                                  django_assert_max_num_queries):
    client = login(users["prov_office"])
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("campaign:materials"), {"awaiting": "on"})
    for unit in (tree.city_a, tree.city_b, tree.township_b, tree.village_a):
        for version in (1, 2, 3):
            material(campaign, unit, "team", version=version, status="returned" if version < 3 else "submitted")
        material(campaign, unit, "top_leader")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("campaign:materials"), {"awaiting": "on"})
