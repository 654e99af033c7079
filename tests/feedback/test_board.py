"""R4.4 the public message board: post without login, follow by code, and every kind of bad input
(empty/oversized text, unknown unit, wrong captcha, honeypot, burst from one address) stores nothing."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from campaign.models import Notification
from feedback.models import MESSAGE_MAX_LENGTH, Message, MessageStatus
from feedback.services import messages as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_board(campaign, users):
    return campaign


def test_r4_4_citizen_posts_without_login_and_gets_a_tracking_code(open_board, tree, users, board_post, client):
    response = board_post(unit=tree.village_a.pk, citizen_name="张三", citizen_phone="13800000000")
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:track", args=[message.tracking_code]) + "?new=1"
    assert re.fullmatch(r"[A-Z2-7]{10}", message.tracking_code)
    assert message.status == MessageStatus.RECEIVED and message.channel == "board"
    # R4.4 routed to the activity office of the same level: 塔元庄村 has none, 正定县 has one
    assert message.office_unit == tree.county_a
    assert (message.citizen_name, message.citizen_phone) == ("张三", "13800000000")
    # the office is told (without the citizen's contact details)
    note = Notification.objects.get(user=users["county_office"])
    assert "塔元庄村" in note.title and "13800000000" not in note.title + note.body
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert f'id="tracking-code">{message.tracking_code}<' in body
    assert "张三" not in body and "13800000000" not in body


def test_r4_4_codes_are_unguessable_and_distinct(open_board, tree, board_post):
    for i in range(5):
        board_post(unit=tree.county_a.pk, text=f"第{i}条留言", ip=f"198.51.100.{i}")
    codes = set(Message.objects.values_list("tracking_code", flat=True))
    assert len(codes) == 5


def test_r4_4_the_board_works_for_the_anonymous_and_lists_units_by_search(open_board, tree, client):
    page = client.get(reverse("feedback:board"))
    assert page.status_code == 200 and 'id="unit-search"' in page.content.decode()
    assert 'name="viewport"' in page.content.decode()  # phone-sized screens
    found = client.get(reverse("feedback:board"), {"q": "正定"})
    names = [hit.unit.name for hit in found.context["hits"]]
    assert names == ["正定县", "正定镇"]  # upper levels first
    chosen = client.get(reverse("feedback:board"), {"unit": tree.township_a.pk})
    assert chosen.context["unit"] == tree.township_a
    assert chosen.context["trail"] == "河北省 › 石家庄市 › 正定县"
    assert 'id="board-form"' in chosen.content.decode()
    fragment = client.get(reverse("feedback:board_units"), {"q": "130283"})  # by code
    assert [h.unit for h in fragment.context["hits"]] == [tree.county_b]


def test_r4_4_unit_search_returns_a_limited_list(open_board, tree, client):
    from feedback.selectors import UNIT_SEARCH_LIMIT
    from tests.factories import add
    from units.models import Level, UnitKind

    for i in range(UNIT_SEARCH_LIMIT + 5):
        add(tree.township_a, name=f"测试村{i:02d}", code=f"13012300109{i:02d}", level=Level.VILLAGE,
            kind=UnitKind.VILLAGE)
    response = client.get(reverse("feedback:board_units"), {"q": "测试村"})
    assert len(response.context["hits"]) == UNIT_SEARCH_LIMIT and response.context["more"]
    assert 'id="unit-hits-more"' in response.content.decode()


def test_r4_4_tracking_page_shows_status_and_the_published_answer_only(open_board, tree, users):
    from django.test import Client

    message = services.message_submit(campaign=open_board, unit=tree.county_a, category="bureaucratism",
                                      text="窗口<script>alert(1)</script>态度差", citizen_name="李四",
                                      citizen_phone="13911112222")
    client = Client()
    url = reverse("feedback:track", args=[message.tracking_code])
    body = client.get(url).content.decode()
    assert 'data-status="received"' in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body  # escaped
    services.message_forward(message=message, campaign=open_board, unit=tree.county_a, cadre=None,
                             today=open_board.start_date, by=users["county_office"])
    services.message_answer(message=message, text="内部草稿答复", by=users["liaison"])
    body = client.get(url).content.decode()
    assert 'data-status="answered"' in body and "内部草稿答复" not in body  # not yet reviewed
    services.message_publish(message=message, text="已整改，窗口实行首问负责制。", by=users["county_office"])
    body = client.get(url).content.decode()
    assert 'data-status="published"' in body and "已整改，窗口实行首问负责制。" in body
    assert "李四" not in body and "13911112222" not in body


def test_r4_4_code_lookup_forgives_case_and_spaces(open_board, tree, client):
    message = services.message_submit(campaign=open_board, unit=tree.county_a, category="other", text="建议")
    typed = " ".join([message.tracking_code[:5].lower(), message.tracking_code[5:]])
    response = client.get(reverse("feedback:track_lookup"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == reverse("feedback:track",
                                                                           args=[message.tracking_code])
    unknown = client.get(reverse("feedback:track_lookup"), {"code": "AAAAAAAAAA"})
    assert unknown.status_code == 200 and unknown.context["form"].errors["code"]
    assert client.get(reverse("feedback:track", args=["AAAAAAAAAA"])).status_code == 404


def test_r4_4_look_alike_characters_are_mended():
    from feedback.policy import normalise_tracking_code

    assert normalise_tracking_code("ab0de-1gh8j") == "ABODEIGHBJ"


def test_r4_4_new_codes_hold_no_look_alike_characters():
    """Issue 12: no 0/O or 1/I/L in a code made now (8 and 9 are not used either)."""
    from feedback.policy import CODE_ALPHABET, new_tracking_code

    assert not set("01OIL89") & set(CODE_ALPHABET)
    codes = "".join(new_tracking_code() for _ in range(300))
    assert not set("01OIL89") & set(codes) and len(set(codes)) == len(CODE_ALPHABET)


@pytest.mark.parametrize("stored, typed", [
    ("LOLIGAB234", "10l1gab234"),  # an older code: 1 for L and I, 0 for O
    ("LOLIGAB234", "lolIgab234"),
    ("ILLIIOXYZ7", "11111 0xyz7"),
    ("ABCDEFGH23", "abcd-efgh-23"),  # a new code
])
def test_r4_4_older_codes_with_look_alike_characters_are_still_found(open_board, tree, client, stored, typed):
    message = services.message_submit(campaign=open_board, unit=tree.county_a, category="other", text="建议")
    Message.objects.filter(pk=message.pk).update(tracking_code=stored)
    response = client.get(reverse("feedback:track_lookup"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == reverse("feedback:track", args=[stored])
    assert client.get(reverse("feedback:track", args=[typed.replace(" ", "")])).context["message"].pk == message.pk


def test_r4_4_tracking_look_ups_are_rate_limited(open_board, tree, client, settings):
    settings.FEEDBACK_TRACK_RATE = "2/h"
    message = services.message_submit(campaign=open_board, unit=tree.county_a, category="other", text="建议")
    url = reverse("feedback:track", args=[message.tracking_code])
    assert [client.get(url, REMOTE_ADDR="198.51.100.9").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(url, REMOTE_ADDR="198.51.100.10").status_code == 200


def test_r4_4_the_board_is_closed_without_a_campaign(tree, client):
    response = client.get(reverse("feedback:board"))
    assert response.status_code == 200 and 'id="board-closed"' in response.content.decode()


# --- bad input: a clear message, nothing stored, never a 500

def test_r4_4_an_oversized_message_is_refused_with_a_plain_count(open_board, tree, board_post):
    """Issue 12: 「留言不超过2000字，当前2001字」, never Django's max_length wording."""
    response = board_post(unit=tree.county_a.pk, text="字" * (MESSAGE_MAX_LENGTH + 1))
    assert response.context["form"].errors["text"] == [f"留言不超过{MESSAGE_MAX_LENGTH}字，当前{MESSAGE_MAX_LENGTH + 1}字"]
    assert "该值" not in response.content.decode() and "变量" not in response.content.decode()
    assert Message.objects.count() == 0
    from django.utils import translation

    from feedback.forms import BoardForm

    with translation.override("en"):
        form = BoardForm({"text": "字" * 2345})
        assert form.errors["text"] == [f"A message has at most {MESSAGE_MAX_LENGTH} characters; this one has 2345."]


def test_r4_4_the_message_text_carries_a_live_counter(open_board, tree, client):
    body = client.get(reverse("feedback:board"), {"unit": tree.county_a.pk}).content.decode()
    assert f'data-max-length="{MESSAGE_MAX_LENGTH}"' in body and 'data-counter="{n}/{max}字"' in body
    assert "js/counter.js" in body
    assert 'maxlength="2000"' not in body  # the browser would cut a pasted text silently


@pytest.mark.parametrize("text", ["", "   ", "字" * (MESSAGE_MAX_LENGTH + 1)])
def test_r4_4_empty_or_oversized_text_is_refused(open_board, tree, board_post, text):
    response = board_post(unit=tree.county_a.pk, text=text)
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert Message.objects.count() == 0


@pytest.mark.parametrize("unit", ["999999", "abc", "", "9" * 30, "-1"])
def test_r4_4_an_unknown_unit_is_refused(open_board, tree, board_post, unit):
    response = board_post(unit=unit)
    assert response.status_code == 200
    assert 'id="board-errors"' in response.content.decode()
    assert response.context["form"].errors["unit"]
    assert Message.objects.count() == 0


@pytest.mark.parametrize("unit", ["9" * 30, "x", "-5"])
def test_r4_4_a_bad_unit_in_the_address_is_ignored(open_board, client, unit):
    response = client.get(reverse("feedback:board"), {"unit": unit})
    assert response.status_code == 200 and response.context["unit"] is None


def test_r4_4_a_post_without_captcha_or_category_is_refused(open_board, tree, client):
    response = client.post(reverse("feedback:board"), {"unit": tree.county_a.pk, "text": "文字"})
    assert response.status_code == 200
    assert {"category", "captcha"} <= set(response.context["form"].errors)
    assert Message.objects.count() == 0


def test_r4_4_a_filled_honeypot_answers_as_accepted_and_stores_nothing(open_board, tree, board_post, client):
    """Issue 12: a bot is not told it was caught. It gets the redirect a citizen gets, to a tracking page
    that looks like a received message's, and nothing is stored or sent to an office."""
    response = board_post(unit=tree.county_a.pk, website="http://spam.example", text="买便宜的发票")
    assert response.status_code == 302
    location = response["Location"]
    assert re.fullmatch(r"/board/track/[A-Z2-7]{10}/\?new=1", location)
    assert Message.objects.count() == 0 and Notification.objects.count() == 0
    page = client.get(location)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="new-code"' in body and 'data-status="received"' in body and "买便宜的发票" in body
    assert 'id="board-errors"' not in body


def test_r4_4_a_filled_honeypot_with_a_wrong_form_shows_the_errors_as_usual(open_board, tree, board_post):
    response = board_post(unit=tree.county_a.pk, website="http://spam.example", text="")
    assert response.status_code == 200 and response.context["form"].errors["text"]
    assert Message.objects.count() == 0


def _page_token(response) -> str:
    """The captcha token the board page carries (its hidden field), read from the HTML a citizen receives."""
    found = re.search(r'name="captcha_0" value="([^"]+)"', response.content.decode())
    assert found, "the board page carries no captcha"
    return found.group(1)


def test_r4_4_a_wrong_captcha_answer_is_refused_and_the_right_one_accepted(open_board, tree, client):
    """The math challenge for real: the page's token holds a sum of two numbers from 1 to 10."""
    from feedback import captcha

    url = reverse("feedback:board")
    token = _page_token(client.get(url, {"unit": tree.county_a.pk}))
    assert re.fullmatch(r"\d+[-+×]\d+", captcha.question_of(token))
    data = {"unit": tree.county_a.pk, "category": "formalism", "text": "文山会海", "website": "",
            "captcha_0": token, "captcha_1": str(int(captcha.answer_of(token)) + 1)}
    wrong = client.post(url, data, REMOTE_ADDR="192.0.2.1")
    assert wrong.status_code == 200 and wrong.context["form"].errors["captcha"]
    assert Message.objects.count() == 0
    assert "文山会海" in wrong.content.decode()  # the citizen's text is kept for the next try
    token = _page_token(wrong)  # the page asks a new sum
    right = client.post(url, data | {"captcha_0": token, "captcha_1": captcha.answer_of(token)}, REMOTE_ADDR="192.0.2.1")
    assert right.status_code == 302 and Message.objects.count() == 1


def test_r4_4_a_burst_from_one_address_is_stopped(open_board, tree, board_post, settings):
    settings.FEEDBACK_BOARD_POST_RATE = "3/h"
    for i in range(3):
        assert board_post(unit=tree.county_a.pk, text=f"留言{i}", ip="203.0.113.50").status_code == 302
    blocked = board_post(unit=tree.county_a.pk, text="第四条", ip="203.0.113.50")
    assert blocked.status_code == 429
    assert 'id="board-errors"' in blocked.content.decode()
    assert not Message.objects.filter(text="第四条").exists()
    # another address is not affected
    assert board_post(unit=tree.county_a.pk, text="别处", ip="203.0.113.51").status_code == 302


def test_r4_4_a_cache_outage_does_not_turn_citizens_away(open_board, tree, board_post, monkeypatch):
    from feedback.views import board as board_views

    def broken(**kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(board_views, "is_ratelimited", broken)
    assert board_post(unit=tree.county_a.pk).status_code == 302


def test_r4_4_a_failing_notification_never_loses_the_message(open_board, tree, board_post, monkeypatch):
    """The office's notification cannot be drawn up: the message is stored all the same (on both paths: the ORM's
    and PostgreSQL's one statement), and the office finds it in its queue."""
    from campaign.models import Notification
    from campaign.services import notifications

    def broken(**kwargs):
        raise RuntimeError("notification store down")

    monkeypatch.setattr(notifications, "prepared", broken)
    assert board_post(unit=tree.county_a.pk).status_code == 302
    assert Message.objects.count() == 1 and Message.objects.get().events.count() == 1
    assert not Notification.objects.exists()


def test_r4_4_the_captcha_image_is_served(open_board, tree, client):
    """The picture of the page's sum is a PNG; a token that is not ours has no picture."""
    from io import BytesIO

    from PIL import Image

    token = _page_token(client.get(reverse("feedback:board"), {"unit": tree.county_a.pk}))
    html = client.get(reverse("feedback:board"), {"unit": tree.county_a.pk}).content.decode()
    assert 'id="captcha-image"' in html and "/board/captcha/" in html
    image = client.get(reverse("feedback:captcha_image", args=[token]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    width, height = Image.open(BytesIO(image.content)).size
    assert width > 60 and height > 20
    assert client.get(reverse("feedback:captcha_image", args=["not-a-token"])).status_code == 404


# --- issue 13: the board's page for a unit is drawn once per process and language; each visitor's tokens are new

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HX_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def _without_tokens(html: str) -> str:
    """The page with its visitor's tokens (CSRF and the sealed sum) blanked: what is the same for everyone."""
    html = CSRF_FIELD.sub('name="csrfmiddlewaretoken" value=""', html)
    html = HX_CSRF.sub('"X-CSRFToken": ""', html)
    token = _page_token_of(html)
    return html.replace(token, "") if token else html


def _page_token_of(html: str) -> str | None:
    found = re.search(r'name="captcha_0" value="([^"]+)"', html)
    return found.group(1) if found else None


def test_issue13_a_kept_board_page_is_the_page_drawn_afresh(open_board, tree, client, settings):
    """The kept page differs from a page drawn for the visitor only by the visitor's tokens, in both languages: the
    page for a unit is kept once for all units (drawn here for the first unit visited), and each unit's name, trail
    and id are written in — a top unit without a trail, a name that must be escaped, the search page."""
    from units.models import Unit

    Unit.objects.filter(pk=tree.village_a.pk).update(name="塔元庄村 <b>&amp;</b> \"一组\"")
    url = reverse("feedback:board")
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        settings.PAGE_CACHE_SECONDS = 60
        client.get(url, {"unit": tree.county_a.pk})  # the page for a unit drawn and kept with this one
        for unit in (tree.township_a, tree.province, tree.village_a, tree.county_a, None):
            query = {"unit": unit.pk} if unit else {}
            settings.PAGE_CACHE_SECONDS = 0  # the cache off: the view draws each page
            drawn = client.get(url, query).content.decode()
            settings.PAGE_CACHE_SECONDS = 60
            kept = client.get(url, query).content.decode()
            assert _without_tokens(kept) == _without_tokens(drawn), unit
            assert ("Send the message" in kept) == (language == "en" and unit is not None)
            assert "hole" not in kept
        assert "正定镇" not in kept  # the search page, kept after the units' pages, shows none of them
    kept = client.get(url, {"unit": tree.township_a.pk}).content.decode()
    assert 'data-unit="%d"><span class="fw-semibold">正定镇</span>' % tree.township_a.pk in kept
    assert "河北省 › 石家庄市 › 正定县" in kept and f'name="unit" value="{tree.township_a.pk}"' in kept
    assert f'name="next" type="hidden" value="/board/?unit={tree.township_a.pk}"' in kept  # the language switch
    kept = client.get(url, {"unit": tree.village_a.pk}).content.decode()
    assert "塔元庄村 &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;一组&quot;" in kept and "<b>" not in kept


def test_issue13_a_units_page_costs_one_query_once_then_none(open_board, tree, client,
                                                              django_assert_num_queries):
    """With the page kept for one unit, another unit's costs one look-up (the unit and its trail) on the first
    visit and nothing after."""
    url = reverse("feedback:board")
    client.get(url, {"unit": tree.county_a.pk})
    with django_assert_num_queries(1):
        assert "正定镇" in client.get(url, {"unit": tree.township_a.pk}).content.decode()
    with django_assert_num_queries(0):
        assert "正定镇" in client.get(url, {"unit": tree.township_a.pk}).content.decode()


def test_issue13_a_unit_and_its_trail_in_one_query_as_the_trails_are_written(tree, django_assert_num_queries):
    """The board's look-up of a unit not seen yet: the unit and its trail in one query, the trail exactly as
    ``unit_trails`` writes it for every unit of the tree; nothing for a closed or unknown unit; a unit deeper than
    the levels (the shape rule forbids it; an old import might not have) still gets its whole trail."""
    import datetime

    from feedback import selectors
    from tests.factories import add
    from units.models import Level, Unit

    assert selectors.UNIT_AND_ANCESTORS_DEPTH >= len(Level)  # a unit of every level: one query
    units = list(Unit.objects.all())
    trails = selectors.unit_trails(units)
    assert any(trail.count(" › ") >= 3 for trail in trails.values())
    for unit in units:
        with django_assert_num_queries(1):
            found = selectors.open_unit_with_trail(unit.pk)
        assert found == (unit, trails[unit.pk]), unit
    Unit.objects.filter(pk=tree.village_a.pk).update(closed_on=datetime.date(2014, 4, 1))
    assert selectors.open_unit_with_trail(tree.village_a.pk) is None
    assert selectors.open_unit_with_trail(max(u.pk for u in units) + 1) is None
    deep = tree.township_b
    for depth in range(5, 8):  # two levels below a village's, written past the services' checks
        deep = add(deep, name=f"第{depth}层", code=f"DEEP{depth}", level=Level.VILLAGE, kind=deep.kind)
    assert deep.depth == 7
    found = selectors.open_unit_with_trail(deep.pk)
    assert found == (deep, selectors.unit_trails([deep])[deep.pk])
    assert found[1] == "河北省 › 唐山市 › 迁安市 › 迁安镇 › 第5层 › 第6层"


def test_issue13_a_kept_page_without_the_units_block_is_not_served(open_board, tree, client, caplog):
    """Should the page kept for every unit ever lack the block its unit is written into (a template changed so
    the unit is shown another way), each visitor gets the page drawn for them, never a stand-in."""
    from django.core.cache import caches

    url = reverse("feedback:board")
    client.get(url, {"unit": tree.county_a.pk})
    pages = caches["pages"]
    key = f"feedback.board.zh-hans.{open_board.pk}.unit"  # the page kept for every unit, in Chinese
    page, block = pages.get(key)
    pages.set(key, (page.replace(block, "<p>另一种写法</p>"), block))
    shown = client.get(url, {"unit": tree.township_a.pk}).content.decode()
    assert "正定镇" in shown and "hole" not in shown and "另一种写法" not in shown
    assert "lacks the unit's block" in caplog.text


def test_issue13_each_visitor_gets_a_new_sum_and_csrf_token_and_can_post(open_board, tree,
                                                                         django_assert_num_queries):
    """Two visitors of the same kept page get different sums and CSRF tokens, the page is served without a query,
    and each visitor's tokens work: a post with them (CSRF checked as a browser would be) is accepted."""
    from django.test import Client

    from feedback import captcha

    url = reverse("feedback:board")
    Client().get(url, {"unit": tree.county_a.pk})  # the page is drawn and kept
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = []
    for visitor in visitors:
        with django_assert_num_queries(0):
            pages.append(visitor.get(url, {"unit": tree.county_a.pk}).content.decode())
    tokens = [_page_token_of(page) for page in pages]
    csrf = [CSRF_FIELD.search(page).group(1) for page in pages]
    assert tokens[0] != tokens[1] and csrf[0] != csrf[1]
    assert all(captcha.question_of(token) for token in tokens)
    assert all(f"/board/captcha/{token}/" in page for token, page in zip(tokens, pages))
    assert all(HX_CSRF.search(page).group(1) == token for page, token in zip(pages, csrf))
    for i, (visitor, token, csrf_token) in enumerate(zip(visitors, tokens, csrf)):
        sent = visitor.post(url, {"csrfmiddlewaretoken": csrf_token, "unit": tree.county_a.pk, "category": "formalism",
                                  "text": f"第{i}位来访者的留言", "website": "", "captcha_0": token,
                                  "captcha_1": captcha.answer_of(token)}, REMOTE_ADDR=f"192.0.2.{i + 20}")
        assert sent.status_code == 302, sent.content.decode()[:500]
    assert Message.objects.count() == 2
    # a post without the page's CSRF token is refused as before
    stranger = Client(enforce_csrf_checks=True)
    token = captcha.new_token()
    refused = stranger.post(url, {"unit": tree.county_a.pk, "category": "formalism", "text": "无令牌", "website": "",
                                  "captcha_0": token, "captcha_1": captcha.answer_of(token)})
    assert refused.status_code == 403 and Message.objects.count() == 2


def test_issue13_a_renamed_or_closed_unit_and_a_closed_campaign_show_at_once(open_board, tree, users, client):
    """What changes is seen on the next visit, not after the page expires (in the process that saved it)."""
    import datetime

    from units.services import unit_close, unit_update

    url = reverse("feedback:board")
    assert "塔元庄村" in client.get(url, {"unit": tree.village_a.pk}).content.decode()
    unit_update(user=users["admin"], unit=tree.village_a, name="塔元庄社区")
    page = client.get(url, {"unit": tree.village_a.pk}).content.decode()
    assert "塔元庄社区" in page and "塔元庄村" not in page
    unit_close(user=users["admin"], unit=tree.village_a, on=datetime.date(2014, 4, 1))
    page = client.get(url, {"unit": tree.village_a.pk}).content.decode()
    assert 'id="chosen-unit"' not in page and 'id="unit-search"' in page  # a closed unit is not offered
    open_board.is_active = False
    open_board.save(update_fields=["is_active"])
    assert 'id="board-closed"' in client.get(url, {"unit": tree.county_a.pk}).content.decode()


def test_issue13_staff_searches_and_messages_are_never_served_a_kept_page(open_board, tree, users, client, login):
    """A logged-in member of staff sees the board with their own menu and never leaves it to the anonymous who
    come next; a search shows its hits and is not the empty search's page."""
    from django.test import Client

    url = reverse("feedback:board")
    staff = login(users["county_office"])  # first, with nothing kept yet
    assert 'id="nav-dashboard"' in staff.get(url, {"unit": tree.county_a.pk}).content.decode()
    anonymous = Client()
    assert 'id="nav-dashboard"' not in anonymous.get(url, {"unit": tree.county_a.pk}).content.decode()
    assert 'id="nav-dashboard"' in staff.get(url, {"unit": tree.county_a.pk}).content.decode()  # after one was kept
    found = anonymous.get(url, {"q": "正定"})
    assert [hit.unit.name for hit in found.context["hits"]] == ["正定县", "正定镇"]
    assert "正定镇" not in anonymous.get(url).content.decode()


def test_issue13_a_message_for_one_visitor_is_never_kept_for_the_next(open_board, tree, client):
    """A visitor with a message to read (e.g. "you were signed out") sees it on the board; the next visitor does
    not."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.session import SessionStorage
    from django.http import HttpResponse
    from django.test import Client, RequestFactory

    url = reverse("feedback:board")
    session = client.session  # the visitor's session (messages live there), its cookie on the client
    request = RequestFactory().get("/")
    request.session = session
    storage = SessionStorage(request)
    storage.add(constants.INFO, "您已因长时间未操作而退出登录")
    storage.update(HttpResponse())
    session.save()
    assert "您已因长时间未操作而退出登录" in client.get(url, {"unit": tree.county_a.pk}).content.decode()
    assert "您已因长时间未操作而退出登录" not in Client().get(url, {"unit": tree.county_a.pk}).content.decode()


@pytest.mark.parametrize("query", ["unit={pk}&unit={pk}", "unit=0{pk}", "unit={pk}&utm_source=x", "unit=987654"])
def test_issue13_only_the_boards_own_address_of_an_open_unit_is_kept(open_board, tree, client, query,
                                                                     django_assert_max_num_queries):
    """An address that is not the board's own for an open unit (a repeated or padded id, another parameter, an
    unknown unit) is drawn each time, never kept: none of them can fill the cache with pages."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("feedback:board") + "?" + query.format(pk=tree.county_a.pk)
    for _ in range(2):
        with CaptureQueriesContext(connection) as drawn:
            assert client.get(url).status_code == 200
        assert len(drawn) >= 1
    own = reverse("feedback:board") + f"?unit={tree.county_a.pk}"
    client.get(own)
    with django_assert_max_num_queries(0):
        assert client.get(own).status_code == 200


def test_issue13_a_moved_unit_shows_its_new_trail_at_once(open_board, tree, users, client):
    """R0.1 a unit moved under another parent (treebeard rewrites the paths, no save signal) shows its new trail
    on the next visit."""
    from units.services import unit_move

    url = reverse("feedback:board")
    assert "河北省 › 石家庄市 › 正定县" in client.get(url, {"unit": tree.township_a.pk}).content.decode()
    unit_move(user=users["admin"], unit=tree.township_a, parent=tree.county_a2)
    page = client.get(url, {"unit": tree.township_a.pk}).content.decode()
    assert f"石家庄市 › {tree.county_a2.name}" in page and "› 正定县<" not in page


def test_issue13_a_tracking_code_taken_already_is_drawn_again(open_board, tree, users, board_post, monkeypatch):
    """The message's writes join the post's transaction (no savepoint of their own); a code that collides is still
    drawn again inside it, and the message, its history, its event and the office's notification are stored once."""
    from feedback.models import MessageEvent

    taken = services.message_submit(campaign=open_board, unit=tree.county_a, category="other", text="先到的留言")
    codes = iter([taken.tracking_code, taken.tracking_code, "ABCDEFGHJK"])
    monkeypatch.setattr(services, "new_tracking_code", lambda: next(codes))
    assert board_post(unit=tree.village_a.pk, text="后到的留言").status_code == 302
    message = Message.objects.get(text="后到的留言")
    assert message.tracking_code == "ABCDEFGHJK"
    assert message.history.count() == 1 and MessageEvent.objects.filter(message=message).count() == 1
    assert Notification.objects.filter(user=users["county_office"], url=message.get_absolute_url()).count() == 1


def test_issue13_no_free_tracking_code_is_told_and_the_sum_stays_spent(open_board, tree, client, monkeypatch):
    """Five collisions in a row: the citizen is told to send again, nothing is stored, and the sum they answered is
    spent all the same (the post's transaction stays good: a second try with it is refused)."""
    from feedback import captcha

    taken = services.message_submit(campaign=open_board, unit=tree.county_a, category="other", text="先到的留言")
    monkeypatch.setattr(services, "new_tracking_code", lambda: taken.tracking_code)
    token = captcha.new_token()
    data = {"unit": tree.county_a.pk, "category": "formalism", "text": "没有空号", "website": "",
            "captcha_0": token, "captcha_1": captcha.answer_of(token)}
    refused = client.post(reverse("feedback:board"), data, REMOTE_ADDR="192.0.2.40")
    assert refused.status_code == 200 and "留言未能保存，请重试。" in refused.content.decode()
    assert Message.objects.count() == 1
    monkeypatch.undo()
    again = client.post(reverse("feedback:board"), data, REMOTE_ADDR="192.0.2.40")
    assert again.status_code == 200 and again.context["form"].errors["captcha"]
    assert Message.objects.count() == 1
