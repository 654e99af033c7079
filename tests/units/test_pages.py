"""Unit tree browser, unit detail, cadre list and their figures (R0.1–R0.3)."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from reports.excel import read_table
from tests.factories import CadreFactory, add
from units.models import Cadre, Level, Rank, Unit, UnitKind
from units.services import unit_close


def test_r0_1_tree_starts_at_the_users_scope_and_expands_children(login, tree, users):
    """R0.1: a county office starts at its county; expanding shows its townships."""
    client = login(users["county_office"])
    page = client.get(reverse("units:tree")).content.decode()
    assert "正定县" in page and "石家庄市" not in page
    fragment = client.get(reverse("units:unit_children", args=[tree.county_a.pk]), HTTP_HX_REQUEST="true")
    assert "正定镇" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_r0_1_tree_search_finds_units_in_scope_with_their_path(login, tree, users):
    client = login(users["city_office"])
    page = client.get(reverse("units:tree"), {"q": "塔元"}).content.decode()
    assert "塔元庄村" in page
    assert "石家庄市 / 正定县 / 正定镇" in page
    empty = client.get(reverse("units:tree"), {"q": "不存在的单位"})
    assert not empty.context["page"].object_list
    assert 'id="search-empty"' in empty.content.decode()


def test_r0_1_r0_3_unit_detail_shows_sub_units_cadres_flags_and_counts(login, tree, users):
    """R0.1–R0.3: the county page lists its township, its top leader and the subtree's figures."""
    CadreFactory(unit=tree.village_a, name="孙二线", special_group="stepped_back")
    client = login(users["county_office"])
    response = client.get(reverse("units:unit_detail", args=[tree.county_a.pk]))
    page = response.content.decode()
    assert "正定镇" in page and "王正定" in page
    counts = response.context["counts"]
    assert dict(counts.by_level) == {Level.TOWNSHIP.label: 1, Level.VILLAGE.label: 1}
    assert counts.cadres == 2
    assert counts.hardest_units == 1 and counts.backward_villages == 1
    assert [n for _, n in counts.special] == [1, 0, 0]  # stepped back, sanctioned, mobile


def test_r0_1_unit_detail_counts_only_open_units_and_says_how_many_were_left_out(login, tree, users):
    """R0.1: a village closed mid-campaign, with its cadre, leaves its county's figures as it leaves the home page's
    and the dashboards'; the county's page says one closed unit below is not counted. The closed village's own page
    still counts the cadre it held, beside the list that shows it."""
    CadreFactory(unit=tree.village_a, name="孙二线")
    client = login(users["county_office"])
    url = reverse("units:unit_detail", args=[tree.county_a.pk])
    before = client.get(url)
    assert before.context["counts"].cadres == 2 and before.context["counts"].backward_villages == 1
    assert 'id="unit-counts-closed"' not in before.content.decode()

    unit_close(user=users["county_office"], unit=tree.village_a, on=timezone.localdate())
    after = client.get(url)
    counts = after.context["counts"]
    assert dict(counts.by_level) == {Level.TOWNSHIP.label: 1}
    assert counts.cadres == 1 and counts.top_leaders == 1  # 王正定 of the county; 孙二线's village is closed
    assert counts.backward_villages == 0 and counts.hardest_units == 1  # the closed village was the backward one
    assert counts.closed_units == 1
    assert "下属已撤并的 1 个单位及其干部不计入以上数字。" in after.content.decode()
    home = client.get(reverse("home")).context["figures"]
    assert (home.units, home.cadres) == (2, counts.cadres)  # the county and its township; the same cadres

    client.cookies["django_language"] = "en"
    assert "One closed or merged unit below, and its cadres, is not counted." in client.get(url).content.decode()
    closed = client.get(reverse("units:unit_detail", args=[tree.village_a.pk]))
    assert closed.context["counts"].cadres == 1 and closed.context["counts"].closed_units == 0
    assert "孙二线" in closed.content.decode() and 'id="unit-counts-closed"' not in closed.content.decode()


def test_r0_1_unit_detail_uses_a_fixed_number_of_queries(login, tree, users, django_assert_max_num_queries):
    """The figures are aggregates: more units and cadres do not mean more queries."""
    client = login(users["prov_office"])
    url = reverse("units:unit_detail", args=[tree.province.pk])
    with django_assert_max_num_queries(14):
        client.get(url)
    township = tree.township_a
    for i in range(30):
        village = add(township, name=f"新村{i}", code=f"X{i:03}", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
        CadreFactory.create_batch(3, unit=village)
    with django_assert_max_num_queries(14):
        client.get(url)


def test_r0_1_home_page_per_role(login, tree, users, django_assert_max_num_queries):
    """R0.1 the role cards and scope figures stay on the home page, below the to-do (issue 12: its sections
    are tested in tests/dashboards/test_todo.py, with the query bound of the whole page)."""
    for name, section in [("county_office", "home-office"), ("supervisor", "home-supervisor"),
                          ("liaison", "home-liaison"), ("leader", "home-leader"), ("admin", "home-admin")]:
        client = login(users[name])
        with django_assert_max_num_queries(30):
            response = client.get(reverse("home"))
        page = response.content.decode()
        assert f'id="{section}"' in page, name
    county = login(users["county_office"]).get(reverse("home"))
    assert county.context["figures"].units == 3  # 正定县, 正定镇, 塔元庄村
    leader = login(users["leader"]).get(reverse("home")).content.decode()
    assert 'id="home-office"' not in leader


def test_r0_2_cadre_list_filters_sorts_paginates(login, tree, users, settings):
    settings.PAGE_SIZE = 5
    for i in range(12):
        CadreFactory(unit=tree.township_a, name=f"镇干部{i:02}", rank=Rank.SECTION)
    client = login(users["county_office"])
    response = client.get(reverse("units:cadre_list"))
    assert len(response.context["table"].data) == 13
    assert len(response.context["table"].page.object_list) == 5
    assert response.context["table"].page.has_next()

    response = client.get(reverse("units:cadre_list"), {"rank": "county"})
    assert [c.name for c in response.context["table"].data] == ["王正定"]

    response = client.get(reverse("units:cadre_list"), {"q": "镇干部0", "sort": "-name"})
    names = [row.record.name for row in response.context["table"].page.object_list]
    assert names == sorted(names, reverse=True) and all(n.startswith("镇干部0") for n in names)

    # one unit filter: name or code contains (the township's code is in its villages' codes)
    response = client.get(reverse("units:cadre_list"), {"unit": "130123001"})
    assert len(response.context["table"].data) == 12
    response = client.get(reverse("units:cadre_list"), {"unit": "正定"})  # 正定县 and 正定镇
    assert len(response.context["table"].data) == 13


def test_r0_4_cadre_export_follows_the_filter(login, tree, users):
    """R0.4: the Excel export holds exactly the filtered rows, with a header."""
    CadreFactory(unit=tree.township_a, name="刘镇长", post="镇长", rank=Rank.SECTION, is_top_leader=True)
    client = login(users["city_office"])
    response = client.get(reverse("units:cadre_list"), {"is_top_leader": "true", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_table(response.content, "x.xlsx")
    assert sorted(r[0] for r in rows[1:]) == sorted(["王正定", "刘镇长"])
    assert len(rows[0]) == 11


def test_r0_1_add_sub_unit_keeps_the_tree_sound(login, tree, users):
    client = login(users["county_office"])
    response = client.post(reverse("units:unit_add_child", args=[tree.county_a.pk]),
                           {"name": "新安镇", "code": "130123002", "level": 4, "kind": "grassroots"})
    assert response.status_code == 302
    unit = Unit.objects.get(code="130123002")
    assert Unit.objects.get_parent(unit) == tree.county_a
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    # a level above the parent is refused with a message and nothing written
    response = client.post(reverse("units:unit_add_child", args=[tree.county_a.pk]),
                           {"name": "错层级", "code": "X1", "level": 2, "kind": "grassroots"})
    assert response.status_code == 200
    assert not Unit.objects.filter(code="X1").exists()
    assert response.context["form"].errors["level"]


def test_r0_2_cadre_delete_asks_for_confirmation(login, tree, users):
    client = login(users["county_office"])
    url = reverse("units:cadre_delete", args=[tree.cadre_a.pk])
    page = client.get(url).content.decode()
    assert "王正定" in page and Cadre.objects.filter(pk=tree.cadre_a.pk).exists()
    assert client.post(url).status_code == 302
    assert not Cadre.objects.filter(pk=tree.cadre_a.pk).exists()


def test_r0_2_bad_phone_is_refused_with_a_message(login, tree, users):
    client = login(users["county_office"])
    response = client.post(reverse("units:cadre_edit", args=[tree.cadre_a.pk]),
                           {"name": "王正定", "rank": "county", "phone": "call me"})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    tree.cadre_a.refresh_from_db()
    assert tree.cadre_a.phone == ""


def test_r0_2_deep_pages_of_the_cadre_list_never_count_the_table(login, tree, users, settings):
    """R0.2: a deep page reads one page (and one row more), never ``COUNT(*)`` over the cadres."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_SIZE = 5
    CadreFactory.create_batch(30, unit=tree.township_a)
    client = login(users["county_office"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("units:cadre_list"), {"page": 4, "sort": "name"})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 5
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "units_cadre" in q["sql"]]
    assert 'id="page-next"' in response.content.decode()


def test_r0_2_unit_filter_means_name_or_code_within_the_viewers_subtree(login, tree, users):
    """R0.2: ``unit`` is "name or code contains", and never reaches past the viewer's subtree."""
    client = login(users["county_office_b"])
    assert not client.get(reverse("units:cadre_list"), {"unit": "正定"}).context["table"].data
    assert [c.name for c in client.get(reverse("units:cadre_list"), {"unit": "1302"}).context["table"].data] == [
        "李迁安"]
    assert list(Unit.objects.matching("正定").values_list("code", flat=True)) == ["130123", "130123001"]
    assert set(Unit.objects.matching("13012300").values_list("code", flat=True)) == {"130123001", "130123001001"}


def test_r0_2_a_bad_filter_value_shows_a_field_error_not_a_500(login, tree, users):
    response = login(users["county_office"]).get(reverse("units:cadre_list"), {"rank": "emperor"})
    assert response.status_code == 200
    assert response.context["filter"].errors["rank"]
    assert not response.context["table"].data


def test_r0_2_within_lists_a_units_whole_subtree_in_scope(login, tree, users):
    """A dashboard figure's link (``?within=<code>``) lists the unit's subtree even where codes do not
    nest (the city 130100 holds the county 130123); a unit outside the viewer's scope lists nothing."""
    from tests.factories import CadreFactory as Cadres

    Cadres(unit=tree.village_a, name="孙支书")
    client = login(users["city_office"])
    names = {c.name for c in client.get(reverse("units:cadre_list"), {"within": "130100"}).context["table"].data}
    assert names == {"王正定", "孙支书"}
    assert not client.get(reverse("units:cadre_list"), {"within": "130200"}).context["table"].data
    assert not client.get(reverse("units:cadre_list"), {"within": "nonsense"}).context["table"].data
    page = client.get(reverse("units:unit_detail", args=[tree.city_a.pk])).content.decode()
    assert f'{reverse("units:cadre_list")}?within=130100' in page


def test_r0_1_cadre_list_leaves_out_closed_units_unless_asked(login, tree, users):
    """R0.1, R0.2: the cadres of a village closed mid-campaign leave the list (and its Excel) as they leave the home
    page's count; the unit status filter brings them back, alone or with the rest, and the closed village's page
    links to its cadres with the filter set."""
    from tests.factories import CadreFactory as Cadres

    Cadres(unit=tree.village_a, name="孙支书")
    unit_close(user=users["county_office"], unit=tree.village_a, on=timezone.localdate())
    client = login(users["county_office"])

    def names(**params):
        return sorted(c.name for c in client.get(reverse("units:cadre_list"), params).context["table"].data)

    assert names() == names(unit_status="") == ["王正定"]
    assert names(unit_status="closed") == ["孙支书"]
    assert names(unit_status="all") == ["孙支书", "王正定"]
    assert names(unit_status="closed", q="王") == []  # the filters still combine
    listed = client.get(reverse("units:cadre_list"), {"unit_status": "all"}).content.decode()
    assert listed.count("已撤并</span>") == 1  # 孙支书's village, marked
    every = read_table(client.get(reverse("units:cadre_list"), {"unit_status": "all", "export": "xlsx"}).content,
                       "x.xlsx")
    assert sorted(row[1] for row in every[1:]) == sorted([tree.county_a.name, f"{tree.village_a.name}（已撤并）"])
    assert client.get(reverse("units:cadre_list"), {"unit_status": "gone"}).context["filter"].errors["unit_status"]
    exported = read_table(client.get(reverse("units:cadre_list"), {"export": "xlsx"}).content, "x.xlsx")
    assert [row[0] for row in exported[1:]] == ["王正定"]
    page = client.get(reverse("units:cadre_list")).content.decode()
    assert '<option value="" selected>在册单位</option>' in page and 'id="closed-units-hint"' not in page
    # the closed village's code typed in the unit filter: nothing in operation, and the page says where to look
    empty = client.get(reverse("units:cadre_list"), {"unit": tree.village_a.code}).content.decode()
    assert 'id="closed-units-hint"' in empty and f"?unit={tree.village_a.code}&amp;unit_status=all" in empty
    assert names(unit=tree.village_a.code, unit_status="all") == ["孙支书"]
    village = client.get(reverse("units:unit_detail", args=[tree.village_a.pk])).content.decode()
    assert f'{reverse("units:cadre_list")}?within={tree.village_a.code}&amp;unit_status=closed' in village
    assert "孙支书" in village  # the closed unit's own page still lists its cadres
    county = client.get(reverse("units:unit_detail", args=[tree.county_a.pk])).content.decode()
    assert f'?within={tree.county_a.code}"' in county
