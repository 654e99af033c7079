"""Issue 14: the REST API — the same scope, permissions, services and messages as the pages."""
from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from supervision.models import CardAnswer, CardStatus, Evidence, SupervisionCard
from tests.api.conftest import pdf

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- authentication


def test_issue14_no_token_is_401_problem(tree):
    response = APIClient().get("/api/v1/units/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["type"] == "about:blank" and body["title"] and body["detail"]
    assert body["code"] == "not_authenticated"


def test_issue14_unknown_or_malformed_token_is_401(tree, users):
    for header in ("Bearer ddt_nosuchtoken", "Bearer nottheprefix", "Bearer", "Bearer a b"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/v1/units/")
        assert response.status_code == 401, header
        assert response["Content-Type"].startswith(PROBLEM)


def test_issue14_token_of_inactive_user_is_401(api, users):
    client = api("county_office")
    users["county_office"].is_active = False
    users["county_office"].save()
    assert client.get("/api/v1/units/").status_code == 401


def test_issue14_session_of_the_browser_works(client, users, tree):
    """The browser's session authenticates too (the Swagger UI's "try it out")."""
    client.force_login(users["county_office"], backend="accounts.backends.PasswordBackend")
    response = client.get("/api/v1/units/")
    assert response.status_code == 200
    assert tree.county_a.pk in ids(response)


# --- scope: never more than the pages


def test_r0_1_units_lists_only_the_subtree(api, tree):
    """R0.1 a county's office lists its county and below; the tree walks by ``parent``, a subtree by
    ``within``, a search by ``q``."""
    client = api("county_office")
    seen = ids(client.get("/api/v1/units/"))
    assert seen == {tree.county_a.pk, tree.township_a.pk, tree.village_a.pk}
    children = client.get(f"/api/v1/units/?parent={tree.county_a.pk}").json()["results"]
    assert [c["id"] for c in children] == [tree.township_a.pk]
    assert children[0]["parent"] == tree.county_a.pk and children[0]["children"] == 1
    assert ids(client.get(f"/api/v1/units/?within={tree.township_a.pk}")) == {tree.township_a.pk, tree.village_a.pk}
    assert ids(client.get("/api/v1/units/?q=塔元庄")) == {tree.village_a.pk}
    # another county's unit named in a filter widens nothing
    assert ids(client.get(f"/api/v1/units/?within={tree.county_b.pk}")) == set()
    assert ids(client.get(f"/api/v1/units/?parent={tree.city_b.pk}")) == set()
    assert client.get(f"/api/v1/units/{tree.county_b.pk}/").status_code == 404


def test_r0_2_cadres_scoped_searched_and_paged_by_cursor(api, tree, users):
    """R0.2 cadres of the subtree only, searched by name; long lists page by cursor."""
    from tests.factories import CadreFactory

    for i in range(7):
        CadreFactory(unit=tree.township_a, name=f"正定干部{i}")
    client = api("county_office")
    first = client.get("/api/v1/cadres/?page_size=5")
    assert first.status_code == 200
    body = first.json()
    assert len(body["results"]) == 5 and body["next"] and body["previous"] is None
    second = client.get(body["next"]).json()
    everyone = {r["id"] for r in body["results"]} | {r["id"] for r in second["results"]}
    assert len(everyone) == 8  # 7 + 王正定, nobody twice
    assert tree.cadre_b.pk not in everyone and tree.cadre_province.pk not in everyone
    assert "phone" not in body["results"][0]
    assert ids(client.get("/api/v1/cadres/?q=王正定")) == {tree.cadre_a.pk}
    assert client.get(f"/api/v1/cadres/{tree.cadre_b.pk}/").status_code == 404


def test_r0_1_cadres_of_closed_units_by_filter_over_the_api(api, tree, users):
    """R0.1: ``unit_closed`` picks the cadres of units closed mid-campaign, or of those in operation; left out, the
    API lists both as it always has."""
    from django.utils import timezone

    from tests.factories import CadreFactory
    from units.services import unit_close

    closed = CadreFactory(unit=tree.village_a, name="孙支书")
    unit_close(user=users["county_office"], unit=tree.village_a, on=timezone.localdate())
    client = api("county_office")
    assert ids(client.get("/api/v1/cadres/?unit_closed=true")) == {closed.pk}
    assert ids(client.get("/api/v1/cadres/?unit_closed=false")) == {tree.cadre_a.pk}
    assert ids(client.get("/api/v1/cadres/")) == {tree.cadre_a.pk, closed.pk}



@pytest.mark.parametrize("path, param", [("cadres", "unit"), ("messages", "assigned_unit"), ("cards", "unit"),
                                         ("notices", "issuer"), ("exam-results", "cadre")])
def test_r0_1_an_id_in_a_filter_tells_nothing_of_another_county(api, tree, path, param):
    """R0.1: an id outside the subtree and one that names nothing are answered alike (an empty list); an id that is
    not a number is a 400. The filter looked the id up over the whole table: 400 for a missing id, 200 for
    迁安市's, which told them apart."""
    client = api("county_office")
    theirs = {"unit": tree.county_b, "assigned_unit": tree.county_b, "issuer": tree.county_b,
              "cadre": tree.cadre_b}[param]
    outside, missing = (client.get(f"/api/v1/{path}/", {param: pk}) for pk in (theirs.pk, 999_999_999))
    assert (outside.status_code, missing.status_code) == (200, 200)
    assert outside.json()["results"] == missing.json()["results"] == []
    for not_an_id in ("x", "4.9", f"{theirs.pk}e0"):
        assert client.get(f"/api/v1/{path}/", {param: not_an_id}).status_code == 400, not_an_id


def test_r5_1_obligations_and_progress_per_unit(api, tree, campaign):
    """R5.1 obligations of the subtree with their state, and the progress of a unit and its children."""
    client = api("county_office")
    rows = client.get(f"/api/v1/obligations/?unit={tree.county_a.pk}&page_size=200").json()["results"]
    assert rows and {r["unit"]["id"] for r in rows} == {tree.county_a.pk}
    assert {r["state"] for r in rows} <= {"done", "overdue", "due", "cancelled"}
    progress = client.get(f"/api/v1/units/{tree.county_a.pk}/progress/").json()
    from campaign.models import Obligation

    expected = Obligation.objects.live().filter(unit__path__startswith=tree.county_a.path, campaign=campaign).count()
    assert progress["progress"]["total"] == expected
    assert [c["unit"]["id"] for c in progress["children"]] == [tree.township_a.pk]
    assert client.get(f"/api/v1/units/{tree.county_b.pk}/progress/").status_code == 404


# --- figures: ETag, fixed queries


def test_issue14_figures_etag_and_not_modified(api, tree, campaign):
    """The dashboard's figures as numbers, with an ETag: polling with If-None-Match gets 304 and no body
    until something changes; then a new ETag."""
    client = api("county_office")
    url = f"/api/v1/units/{tree.county_a.pk}/figures/"
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    body = first.json()
    assert body["unit"]["id"] == tree.county_a.pk and body["total"]["units"] == 3
    assert [b["unit"]["id"] for b in body["branches"] if not b["own"]] == [tree.township_a.pk]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content and again["ETag"] == etag
    # a change in the figures: a new ETag, and the full body again
    from tests.factories import add
    from units.models import Level, UnitKind

    add(tree.township_a, name="新村", code="130123001009", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["total"]["units"] == 4
    assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", {changed["ETag"]}').status_code == 304


def test_issue14_figures_in_a_fixed_number_of_queries(api, tree, campaign, django_assert_max_num_queries):
    """An aggregate page: the same number of queries with 3 units or 30."""
    from tests.factories import add
    from units.models import Level, UnitKind

    client = api("prov_office")
    url = f"/api/v1/units/{tree.province.pk}/figures/"
    client.get(url)  # warm: the token's last use is written once
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    for i in range(27):
        add(tree.county_a2, name=f"乡镇{i}", code=f"130125{i:03d}", level=Level.TOWNSHIP, kind=UnitKind.GRASSROOTS)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).json()["total"]["units"] == 9 + 27


# --- supervision cards: sign, answer with evidence, verify


def test_r1_3_card_flow_over_the_api(api, card, users):
    """R1.3 the liaison signs and answers with evidence; the group verifies — same services, same events."""
    liaison, supervisor = api("liaison"), api("supervisor")
    detail = liaison.get(f"/api/v1/cards/{card.pk}/").json()
    assert detail["actions"] == {"sign": True, "answer": False, "verify": False}
    assert supervisor.get(f"/api/v1/cards/{card.pk}/").json()["actions"]["sign"] is False

    signed = liaison.post(f"/api/v1/cards/{card.pk}/sign/")
    assert signed.status_code == 200 and signed.json()["status"] == CardStatus.SIGNED
    answered = liaison.post(f"/api/v1/cards/{card.pk}/answer/", {"text": "已补学", "files": [pdf()]},
                            format="multipart")
    assert answered.status_code == 201, answered.content
    body = answered.json()
    assert body["status"] == CardStatus.ANSWERED
    assert body["answers"][0]["evidence"][0]["original_name"] == "整改报告.pdf"
    verified = supervisor.post(f"/api/v1/cards/{card.pk}/verify/", {"accept": True}, format="json")
    assert verified.status_code == 200 and verified.json()["status"] == CardStatus.CLOSED
    card.refresh_from_db()
    assert card.signed_by == users["liaison"] and card.status == CardStatus.CLOSED
    assert list(card.events.values_list("kind", flat=True).order_by("at", "pk"))[-3:] == ["signed", "answered", "closed"]


def test_r1_3_domain_error_is_a_translated_problem(api, card):
    """A service's refusal is a 409 problem detail in the user's language; nothing changes."""
    zh, en = api("liaison"), api("liaison", language="en")
    zh.post(f"/api/v1/cards/{card.pk}/sign/")
    again = zh.post(f"/api/v1/cards/{card.pk}/sign/")
    assert again.status_code == 409 and again["Content-Type"].startswith(PROBLEM)
    assert again.json()["detail"] == "该督导卡已签收。" and again.json()["code"] == "domain"
    assert en.post(f"/api/v1/cards/{card.pk}/sign/").json()["detail"] == "This card has already been signed for."


def test_r1_3_not_permitted_in_scope_is_403_and_writes_nothing(api, card):
    """The leader sees the card (in scope) but may not sign it: 403, the card unchanged."""
    response = api("leader").post(f"/api/v1/cards/{card.pk}/sign/")
    assert response.status_code == 403 and response["Content-Type"].startswith(PROBLEM)
    card.refresh_from_db()
    assert card.status == CardStatus.ISSUED


def test_issue14_body_not_matching_the_schema_is_400_naming_the_field(api, card):
    client = api("liaison")
    client.post(f"/api/v1/cards/{card.pk}/sign/")
    response = client.post(f"/api/v1/cards/{card.pk}/answer/", {"files": [pdf()]}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert "text" in body["errors"] and "text" in body["detail"]
    bad_date = api("supervisor").post(f"/api/v1/cards/{card.pk}/verify/",
                                      {"accept": False, "reason": "x", "new_due_date": "不是日期"}, format="json")
    assert bad_date.status_code == 400 and "new_due_date" in bad_date.json()["errors"]
    assert not CardAnswer.objects.exists()


@pytest.mark.parametrize(("upload", "status"), [
    (lambda: pdf(size=10 * 1024 * 1024), 413),
    (lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
        "整改.exe", b"MZ\x90\x00", content_type="application/octet-stream"), 415),
    (lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
        "假的.pdf", b"GIF89a....", content_type="application/pdf"), 415),
])
def test_issue14_file_too_big_or_wrong_type_writes_nothing(api, card, upload, status):
    """A file over 10 MB → 413, not a PDF/Word/JPG/PNG (by name or by content) → 415, with the page's
    message; no answer, no evidence, the card still signed."""
    client = api("liaison")
    client.post(f"/api/v1/cards/{card.pk}/sign/")
    response = client.post(f"/api/v1/cards/{card.pk}/answer/", {"text": "已整改", "files": [upload()]},
                           format="multipart")
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM) and response.json()["detail"]
    assert not CardAnswer.objects.exists() and not Evidence.objects.exists()
    assert SupervisionCard.objects.get(pk=card.pk).status == CardStatus.SIGNED


def test_issue14_escalation_steps_listed_for_the_card(api, card, users):
    from supervision.models import StepKind
    from supervision.services.escalation import step_take

    step_take(card=card, kind=StepKind.REMINDER, reason="逾期未签收", user=users["supervisor"])
    rows = api("county_office").get(f"/api/v1/escalation-steps/?card={card.pk}").json()["results"]
    assert [(r["card"]["id"], r["step"]) for r in rows] == [(card.pk, StepKind.REMINDER)]
    assert api("county_office_b").get("/api/v1/escalation-steps/").json()["results"] == []


# --- messages: triage and answer


def test_r4_4_message_triage_answer_publish(api, tree, campaign, users):
    """R4.4 the office classifies and forwards (page), the liaison answers over the API, the office publishes;
    citizens' contacts only to those the page shows them to."""
    from feedback.models import MessageStatus
    from feedback.services.messages import message_submit

    message = message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text="会议太多",
                             citizen_name="张三", citizen_phone="13800000000")
    office, liaison = api("county_office"), api("liaison")
    detail = office.get(f"/api/v1/messages/{message.pk}/").json()
    assert detail["actions"]["classify"] is True and detail["citizen_phone"] == "13800000000"
    classified = office.post(f"/api/v1/messages/{message.pk}/classify/", {"category": "bureaucratism", "is_notable": True},
                             format="json")
    assert classified.status_code == 200 and classified.json()["category"] == "bureaucratism"
    bad = office.post(f"/api/v1/messages/{message.pk}/classify/", {"category": "nonsense"}, format="json")
    assert bad.status_code == 400 and "category" in bad.json()["errors"]
    elsewhere = office.post(f"/api/v1/messages/{message.pk}/forward/", {"unit": tree.county_b.pk}, format="json")
    assert elsewhere.status_code == 400 and "unit" in elsewhere.json()["errors"]  # not in the office's scope
    forwarded = office.post(f"/api/v1/messages/{message.pk}/forward/", {"unit": tree.county_a.pk}, format="json")
    assert forwarded.status_code == 200 and forwarded.json()["assigned_unit"]["id"] == tree.county_a.pk
    assert forwarded.json()["due_date"]
    assert liaison.get("/api/v1/messages/?awaiting=true").json()["results"][0]["id"] == message.pk
    answered = liaison.post(f"/api/v1/messages/{message.pk}/answer/", {"text": "已精简会议"}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == MessageStatus.ANSWERED
    published = office.post(f"/api/v1/messages/{message.pk}/publish/", {"text": "已精简会议。"}, format="json")
    assert published.json()["status"] == MessageStatus.PUBLISHED
    assert api("county_office_b").get(f"/api/v1/messages/{message.pk}/").status_code == 404
    leader = api("leader").get(f"/api/v1/messages/{message.pk}/").json()
    assert leader["citizen_phone"] is None or users["leader"].has_perm("feedback.see_citizen_contact", message)


# --- notices with read receipts


def test_r4_4_message_rejected_with_a_reason(api, tree, campaign):
    from feedback.models import MessageStatus
    from feedback.services.messages import message_submit

    message = message_submit(campaign=campaign, unit=tree.county_a, category="other", text="广告")
    office = api("county_office")
    blank = office.post(f"/api/v1/messages/{message.pk}/reject/", {"reason": ""}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    rejected = office.post(f"/api/v1/messages/{message.pk}/reject/", {"reason": "与活动无关"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == MessageStatus.REJECTED
    again = office.post(f"/api/v1/messages/{message.pk}/reject/", {"reason": "与活动无关"}, format="json")
    assert again.status_code == 409 and again.json()["detail"]
    assert api("liaison").post(f"/api/v1/messages/{message.pk}/reject/", {"reason": "x"},
                               format="json").status_code in (403, 404)


def test_x3_notice_receipts_and_read(api, tree, users):
    """X3 the addressee sees its own receipt and marks it read; the issuer's side sees the count."""
    from campaign.services.notices import notice_issue

    notice = notice_issue(user=users["prov_office"], issuer=tree.province, number="冀教办〔2014〕1号",
                          title="关于开展督导的通知", issued_on=datetime.date(2014, 3, 1), body="正文",
                          addressees=[tree.county_a, tree.county_b])
    county = api("county_office")
    row = county.get("/api/v1/notices/?unread=true").json()["results"][0]
    assert row["id"] == notice.pk
    assert [(r["unit"]["id"], r["read_at"]) for r in row["receipts"]] == [(tree.county_a.pk, None)]
    assert county.post(f"/api/v1/notices/{notice.pk}/read/", {}, format="json").json() == {"marked": 1}
    assert county.post(f"/api/v1/notices/{notice.pk}/read/", {}, format="json").json() == {"marked": 0}
    assert county.get("/api/v1/notices/?unread=true").json()["results"] == []
    issuer = api("prov_office").get(f"/api/v1/notices/{notice.pk}/").json()
    assert issuer["read_status"] == {"total": 2, "read": 1}
    # the county is not on the issuer's side: no read status, and 迁安市 is nowhere in what it gets
    seen = county.get(f"/api/v1/notices/{notice.pk}/")
    assert seen.json()["read_status"] is None and "迁安" not in seen.content.decode()
    # the leader is in scope but has no addressed unit of their own
    refused = api("leader").post(f"/api/v1/notices/{notice.pk}/read/", {}, format="json")
    assert refused.status_code in (403, 409)


# --- conventions


def test_issue14_rate_limit_per_token(api, settings, tree):
    """Each token has its own budget: the 4th request in the minute is 429 with Retry-After; another
    token of the same user is counted apart."""
    settings.API_TOKEN_RATE = "3/min"
    client = api("county_office")
    statuses = [client.get("/api/v1/units/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/units/")
    assert limited["Content-Type"].startswith(PROBLEM) and int(limited["Retry-After"]) > 0
    assert api("county_office").get("/api/v1/units/").status_code == 200


def test_issue14_filtering_and_ordering(api, tree, campaign):
    client = api("prov_office")
    names = [r["name"] for r in client.get("/api/v1/units/?ordering=code&level=3").json()["results"]]
    assert names == ["正定县", "行唐县", "迁安市"]
    bad = client.get("/api/v1/units/?level=notanumber")
    assert bad.status_code == 400 and "level" in bad.json()["errors"]


def test_issue14_schema_and_docs_are_served_offline(client):
    """The OpenAPI 3 schema, Swagger UI and ReDoc, with their scripts from our own static files."""
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.") and "/api/v1/cards/{id}/answer/" in spec["paths"]
    assert spec["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url).content.decode()
        assert "drf_spectacular_sidecar" in page and "cdn.jsdelivr" not in page and "unpkg" not in page


def test_issue14_revoked_token_writes_nothing(api, card):
    """A revoked token's POST is a 401 and the card stays as it was."""
    from api.models import ApiToken
    from api.services import token_revoke

    client = api("liaison")
    token = ApiToken.objects.get(digest=__import__("api.models", fromlist=["x"]).token_digest(client.key))
    token_revoke(user=token.user, token=token)
    response = client.post(f"/api/v1/cards/{card.pk}/sign/")
    assert response.status_code == 401
    card.refresh_from_db()
    assert card.status == CardStatus.ISSUED and card.signed_by is None


def test_issue14_body_over_the_limit_is_413(api, card, settings):
    """A JSON body larger than the upload limit: 413 problem, nothing written."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api("supervisor").post(f"/api/v1/cards/{card.pk}/verify/",
                                      {"accept": False, "reason": "很长" * 2000}, format="json")
    assert response.status_code == 413 and response["Content-Type"].startswith(PROBLEM)
    card.refresh_from_db()
    assert card.status == CardStatus.ISSUED


@pytest.mark.parametrize(("url", "make"), [
    ("/api/v1/cards/", "cards"), ("/api/v1/cadres/", "cadres"), ("/api/v1/messages/", "messages"),
    ("/api/v1/notices/", "notices"), ("/api/v1/study-sessions/", "sessions"),
])
def test_issue14_lists_in_a_fixed_number_of_queries(api, tree, users, campaign, group, url, make,
                                                    django_assert_max_num_queries):
    """A list page of 1 row or 20 costs the same queries (no query per row)."""
    from campaign.models import StudySession
    from campaign.services.notices import notice_issue
    from feedback.services.messages import message_submit
    from supervision.services.cards import card_issue
    from tests.factories import CadreFactory

    made = []

    def add(n: int) -> None:
        for _ in range(n):
            made.append(1)
            i = len(made)
            if make == "cards":
                card_issue(user=users["supervisor"], group=group, unit=tree.county_a, problems=["awareness"],
                           facts="事实", required_actions="整改", due_date=datetime.date.today())
            elif make == "cadres":
                CadreFactory(unit=tree.township_a)
            elif make == "messages":
                message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text=f"留言{i}")
            elif make == "notices":
                notice_issue(user=users["prov_office"], issuer=tree.province, number=f"冀〔2014〕{i}号",
                             title="通知", body="正文", issued_on=datetime.date(2014, 3, 1),
                             addressees=[tree.county_a, tree.county_a2])
            else:
                StudySession.objects.create(campaign=campaign, unit=tree.county_a, kind="central_group",
                                            date=campaign.start_date, topic="学习", hours=2)

    client = api("county_office")
    add(1)
    client.get(url)  # the token's first use is written once
    with django_assert_max_num_queries(50) as one:
        assert len(client.get(url).json()["results"]) >= 1
    add(19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(url).json()["results"]) >= 20
