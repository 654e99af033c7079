"""Issue 12 item 3: the header's search box — units (R0.1), cadres (R0.2), supervision cards (R1.3), public
messages (R4.4) and notices (X3), each kind within the user's scope (R0.1), grouped, one click from its page."""
from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.selectors.search import KINDS, PER_KIND, number_fragment, search, tracking_codes
from tests.factories import CadreFactory
from tests.walk import campaign_notices as walk_notices
from tests.walk import feedback as walk_feedback
from tests.walk import supervision as walk_supervision

pytestmark = pytest.mark.django_db
URL = reverse("search")


@pytest.fixture
def records(tree, users, campaign):
    """The walk's own records of 正定县: 石家庄市's group with card 石督卡〔2014〕1号 (and a second card numbered
    11号), a received message about 正定县, 石家庄市's notice to 正定县."""
    from campaign.models import Notice
    from feedback.models import Message
    from supervision.models import SupervisionCard
    from supervision.services import cards

    ctx = SimpleNamespace(tree=tree, users=users, campaign=campaign)
    card = SupervisionCard.objects.get(pk=walk_supervision.world(ctx)["card"])
    today = campaign.start_date
    eleventh = cards.card_issue(user=users["supervisor"], group=card.group, unit=tree.county_a, problems=["awareness"],
                                facts="学习不深入", required_actions="补课", due_date=today + datetime.timedelta(days=10),
                                today=today)
    SupervisionCard.objects.filter(pk=eleventh.pk).update(serial=11, number="石督卡〔2014〕11号")
    return SimpleNamespace(card=card, eleventh=SupervisionCard.objects.get(pk=eleventh.pk),
                           message=Message.objects.get(pk=walk_feedback._message(ctx).pk),
                           notice=Notice.objects.get(pk=walk_notices._notice_pk(ctx)))


def _found(user, text: str) -> dict[str, set[int]]:
    return {group.kind: {row.pk for row in group.rows} for group in search(user=user, text=text).groups}


# --- each kind by its key


def test_r0_1_units_found_by_name_or_code(tree, users, login):
    """R0.1 a unit by part of its name or of its code; the row opens the unit's page."""
    office = users["county_office"]
    assert _found(office, "正定")["units"] == {tree.county_a.pk, tree.township_a.pk}
    assert _found(office, "130123001")["units"] == {tree.township_a.pk, tree.village_a.pk}
    page = login(office).get(URL, {"q": "塔元庄"}).content.decode()
    assert f'href="{tree.village_a.get_absolute_url()}"' in page and "塔元庄村" in page


def test_r0_2_cadres_found_by_name(tree, users, login):
    """R0.2 a cadre by part of the name, with the unit beside it; the row opens the cadre's page."""
    assert _found(users["county_office"], "王正")["cadres"] == {tree.cadre_a.pk}
    page = login(users["county_office"]).get(URL, {"q": "王正定"}).content.decode()
    assert f'href="{tree.cadre_a.get_absolute_url()}"' in page


def test_r1_3_cards_found_by_whole_or_partial_number(users, records, login):
    """R1.3 a supervision card by its number as printed, or in part: 1号 and 〔2014〕1 find the first card and
    not the 11th; other brackets and spaces are forgiven; the prefix finds the group's cards."""
    office, first, eleventh = users["county_office"], records.card.pk, records.eleventh.pk
    assert records.card.number == "石督卡〔2014〕1号"
    for text in ("石督卡〔2014〕1号", "1号", "〔2014〕1", "2014〕1号", "石督卡[2014]1号", " 石督卡 （2014） 1 号 ", "１号"):
        assert _found(office, text)["cards"] == {first}, text
    assert _found(office, "11号")["cards"] == {eleventh}
    assert _found(office, "石督卡")["cards"] == {first, eleventh}
    page = login(office).get(URL, {"q": "1号"}).content.decode()
    assert f'href="{records.card.get_absolute_url()}"' in page
    assert records.eleventh.get_absolute_url() not in page


def test_r1_3_number_fragment_closes_a_serial():
    assert number_fragment("3号") == "〕3号"
    assert number_fragment("〔2026〕3") == "〔2026〕3号"
    assert number_fragment("石督卡【2026】3号") == "石督卡〔2026〕3号"
    assert number_fragment("石督卡") == "石督卡"


def test_r4_4_messages_found_by_tracking_code_or_text(users, records, login):
    """R4.4 a public message by its tracking code (case, spaces and dashes forgiven, as on the tracking page)
    or by a phrase of its text, for the office and the unit concerned."""
    code, pk = records.message.tracking_code, records.message.pk
    typed = f" {code[:5].lower()} - {code[5:].lower()} "
    assert tracking_codes(typed)[0] == code
    for user in ("county_office", "liaison", "city_office", "prov_office"):
        assert _found(users[user], typed)["messages"] == {pk}, user
        assert pk in _found(users[user], "走访用留言")["messages"], user
    assert tracking_codes(code[:6]) == []  # part of a code finds nothing by code
    page = login(users["county_office"]).get(URL, {"q": typed}).content.decode()
    assert f'href="{records.message.get_absolute_url()}"' in page


def test_r4_4_an_older_code_typed_with_1_for_i_is_found(users, records):
    """R4.4 an older tracking code that holds I (before codes dropped look-alikes) is found when the office
    types 1 or l for it, as the public tracking page finds it."""
    from feedback.models import Message

    Message.objects.filter(pk=records.message.pk).update(tracking_code="ABCDEFGHIJ")
    assert _found(users["county_office"], "abcdefgh1j")["messages"] == {records.message.pk}
    assert _found(users["county_office"], "ABCDEFGHLJ")["messages"] == {records.message.pk}


def test_x3_notices_found_by_title_or_number(users, records, login):
    """X3 a notice by part of its title or of its document number."""
    office, pk = users["county_office"], records.notice.pk
    assert _found(office, "转发省委")["notices"] == {pk}
    assert _found(office, "石群组发〔2014〕12号")["notices"] == {pk}
    assert _found(office, "12号")["notices"] == {pk}
    page = login(office).get(URL, {"q": "转发省委"}).content.decode()
    assert f'href="{records.notice.get_absolute_url()}"' in page


# --- scope (R0.1)


def test_r0_1_other_county_finds_none_of_zhengding(tree, users, records):
    """R0.1 迁安市's office finds nothing of 正定县 by any key (the same keys that find it in 正定县)."""
    keys = ("正定", "王正定", "石督卡", records.message.tracking_code, "走访用留言", "转发省委")
    found = {kind for text in keys for kind, pks in _found(users["county_office_b"], text).items() if pks}
    assert not found
    assert all(any(_found(users["county_office"], text).values()) for text in keys)


def test_r0_1_user_without_roles_finds_nothing(users, records, login):
    """R0.1 a user without roles gets the empty state, not an error and not everyone's records."""
    assert not any(_found(users["no_role"], "正定").values())
    response = login(users["no_role"]).get(URL, {"q": "正定"})
    assert response.status_code == 200
    assert 'id="search-empty"' in response.content.decode()


def test_r0_1_anonymous_is_sent_to_log_in(client):
    response = client.get(URL, {"q": "正定"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.fixture
def world(db):
    """The cross-subtree world (tests/cross_subtree_world.py): 迁安市's records of every walked page and of the
    hubs 正定县 shares with it (built in this test's transaction: the other tests keep the small tree)."""
    from tests.cross_subtree_world import build

    return build()


def _keys(world) -> dict[str, list[tuple[int, str]]]:
    """For each kind, 迁安市's rows and the text that names each one."""
    from campaign.models import Notice
    from feedback.models import Message
    from supervision.models import SupervisionCard
    from units.models import Cadre, Unit

    o = world.objects
    return {
        "units": [(u.pk, u.code) for u in Unit.objects.filter(pk__in=o["units.Unit"])],
        "cadres": [(c.pk, c.name) for c in Cadre.objects.filter(pk__in=o["units.Cadre"])],
        "cards": [(c.pk, c.number) for c in SupervisionCard.objects.filter(pk__in=o["supervision.SupervisionCard"])],
        "messages": [(m.pk, k) for m in Message.objects.filter(pk__in=o["feedback.Message"])
                     for k in (m.tracking_code, m.text[:8])],
        "notices": [(n.pk, k) for n in Notice.objects.filter(pk__in=o["campaign.Notice"]) for k in (n.title, n.number)],
    }


def test_r0_1_county_office_finds_nothing_of_qianan(world, client):
    """R0.1 正定县's office, searching by the very key of each of 迁安市's units, cadres, cards, messages and
    notices, finds none of them (nor its link on the page), while the provincial office finds each."""
    keys = _keys(world)
    assert all(keys.values()), {kind: len(rows) for kind, rows in keys.items()}
    office, province = world.users["county_office"], world.users["prov_office"]
    client.force_login(office, backend="accounts.backends.PasswordBackend")
    leaks = []
    for kind, rows in keys.items():
        for pk, text in rows:
            assert pk in _found(province, text)[kind], (kind, text)
            if pk in _found(office, text)[kind]:
                leaks.append((kind, pk, text))
    assert not leaks, leaks
    response = client.get(URL, {"q": "迁安"})
    assert response.status_code == 200 and response.context["results"].total == 0
    assert 'id="search-empty"' in response.content.decode()


# --- bounded work, limits, bad input


def test_r0_1_one_query_per_kind(tree, users, records, django_assert_max_num_queries):
    """One query per kind, whatever the number of matches (and the user's grants, loaded once: role rows and
    supervision groups)."""
    for n in range(20):
        CadreFactory(unit=tree.county_a, name=f"正定干部{n}")
    user = type(users["county_office"]).objects.get(pk=users["county_office"].pk)  # roles not yet loaded
    with django_assert_max_num_queries(len(KINDS) + 2):
        results = search(user=user, text="正定")
    assert results.group("cadres").total == 21 and len(results.group("cadres").rows) == PER_KIND


def test_r0_1_page_queries_do_not_grow_with_matches(tree, users, records, login):
    client = login(users["county_office"])
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "正定干部"})
    for n in range(30):
        CadreFactory(unit=tree.county_a, name=f"正定干部{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL, {"q": "正定干部"}).status_code == 200
    assert len(many) == len(few)


def test_r0_2_group_limited_with_link_to_its_list(tree, users, login):
    """A kind with more matches than shown says how many and links to its own list filtered the same way."""
    for n in range(PER_KIND + 3):
        CadreFactory(unit=tree.county_a, name=f"检索干部{n:02d}")
    client = login(users["county_office"])
    response = client.get(URL, {"q": "检索干部"})
    group = response.context["results"].group("cadres")
    assert (group.total, len(group.rows)) == (PER_KIND + 3, PER_KIND)
    page = response.content.decode()
    assert 'id="more-cadres"' in page and 'id="more-units"' not in page
    listed = client.get(group.more_href).content.decode()
    assert all(f"检索干部{n:02d}" in listed for n in range(PER_KIND + 3))


def test_r0_1_cadres_of_a_closed_unit_found_marked_and_in_the_list_linked(tree, users, login):
    """R0.1: a cadre of a village closed mid-campaign is still found by name, marked "closed unit", and the list
    the search links to holds every cadre it counted (that list leaves closed units' cadres out unless asked)."""
    from django.utils import timezone

    from units.services import unit_close

    for n in range(PER_KIND + 1):
        CadreFactory(unit=tree.township_a, name=f"检索干部{n:02d}")
    closed = CadreFactory(unit=tree.village_a, name="检索干部99")
    unit_close(user=users["county_office"], unit=tree.village_a, on=timezone.localdate())
    client = login(users["county_office"])
    found = client.get(URL, {"q": "检索干部99"}).content.decode()
    assert closed.get_absolute_url() in found and "已撤并" in found
    assert "已撤并" not in client.get(URL, {"q": "检索干部00"}).content.decode()
    group = client.get(URL, {"q": "检索干部"}).context["results"].group("cadres")
    assert group.total == PER_KIND + 2
    listed = client.get(group.more_href).context["table"].data
    assert len(listed) == group.total and closed in listed


@pytest.mark.parametrize(("q", "message"), [
    ("", "请输入"),
    ("   ", "请输入"),
    ("正" * 101, "不超过100"),
])
def test_empty_or_too_long_query_gets_a_clear_message(users, login, q, message):
    """An empty or over-long text is refused with a message (in the user's language), nothing searched."""
    response = login(users["county_office"]).get(URL, {"q": q})
    page = response.content.decode()
    assert response.status_code == 200 and response.context["results"] is None
    assert 'id="search-error"' in page and message in page


def test_x4_results_in_english(users, records, client, login):
    """X4 the results page in English: the kinds and the summary are English, the data stays as entered."""
    client = login(users["county_office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(URL, {"q": "正定"}).content.decode()
    assert 'lang="en"' in page and "results for “正定”" in page
    assert ">Units <" in page and ">Cadres <" in page and "正定镇" in page


def test_without_a_query_the_page_explains_what_it_finds(users, login):
    page = login(users["county_office"]).get(URL).content.decode()
    assert 'id="search-hint"' in page and 'id="search-error"' not in page


# --- the header


@pytest.mark.parametrize("name", ["home", "dashboards:home", "units:tree", "units:cadre_list", "campaign:notices",
                                  "supervision:card_list", "feedback:messages", "campaign:notifications"])
def test_search_box_in_the_header_of_logged_in_pages(users, campaign, login, name):
    """The box is in the header of every logged-in page, labelled for screen readers."""
    page = login(users["county_office"]).get(reverse(name), follow=True).content.decode()
    assert 'id="site-search"' in page and '<label for="site-search-q"' in page


def test_search_box_keeps_the_query(users, login):
    page = login(users["county_office"]).get(URL, {"q": "正定"}).content.decode()
    assert 'id="site-search-q" name="q" value="正定"' in page


def test_no_search_box_for_the_public(client):
    page = client.get(reverse("feedback:board")).content.decode()
    assert 'id="site-search"' not in page
