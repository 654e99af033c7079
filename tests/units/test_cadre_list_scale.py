"""Issue 13: the cadre list at province scale — each cadre keeps its unit's path (``Cadre.unit_path``) so the
list is scoped, sorted and paged on one index; deep pages read their ids first; the rows are written out by
one template. These tests hold what a user sees to what the tree says, also after the tree changes."""
from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ON_POSTGRES, CadreFactory, add
from units import services
from units.models import Cadre, Level, Rank, Unit, UnitKind
from units.receivers import cadre_paths_repair
from units.tables import CadreTable
from web import lists


def _listed(client, **params) -> list[str]:
    response = client.get(reverse("units:cadre_list"), params)
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].page.object_list]


def test_issue_13_a_cadre_keeps_its_units_path_when_added_and_transferred(tree):
    """R0.2: a cadre's copy of the path follows its unit on create and on a transfer (also with update_fields)."""
    cadre = CadreFactory(unit=tree.township_a, name="新干部")
    assert cadre.unit_path == tree.township_a.path
    cadre.unit = tree.township_b
    cadre.save(update_fields=["unit"])
    assert Cadre.objects.get(pk=cadre.pk).unit_path == tree.township_b.path


def test_issue_13_a_moved_unit_takes_its_cadres_out_of_the_old_countys_list(login, tree, users):
    """R0.1/R0.2 scoping after a move: 正定镇 moves from 正定县 to 迁安市; its cadres (and its village's) leave
    正定县's list and appear in 迁安市's, in the tree's order, through the same one scoping function."""
    CadreFactory(unit=tree.township_a, name="镇书记甲", is_top_leader=True)
    CadreFactory(unit=tree.village_a, name="村书记乙", is_top_leader=True)
    before_a = _listed(login(users["county_office"]))
    assert {"镇书记甲", "村书记乙"} <= set(before_a)

    services.unit_move(user=users["admin"], unit=tree.township_a, parent=tree.county_b)

    moved = Unit.objects.get(pk=tree.township_a.pk)
    assert set(Cadre.objects.filter(unit__path__startswith=moved.path).values_list("unit_path", flat=True)) <= {
        moved.path, Unit.objects.get(pk=tree.village_a.pk).path}
    assert {"镇书记甲", "村书记乙"}.isdisjoint(_listed(login(users["county_office"])))
    names_b = _listed(login(users["county_office_b"]))
    # 迁安市's own top leader first, then its townships in the tree's order (迁安镇 before the newcomer)
    assert names_b[0] == "李迁安" and names_b.index("镇书记甲") < names_b.index("村书记乙")
    assert Cadre.objects.visible_to(users["county_office"]).filter(name="镇书记甲").count() == 0
    # and the old county's user cannot open the moved cadre either
    cadre = Cadre.objects.get(name="镇书记甲")
    assert login(users["county_office"]).get(reverse("units:cadre_detail", args=[cadre.pk])).status_code in (403, 404)


def test_issue_13_a_re_sort_among_siblings_keeps_the_cadres_paths_equal_to_their_units(tree):
    """treebeard rewrites paths when a sibling is added in front (units sort by code); the cadres' copies
    follow."""
    CadreFactory(unit=tree.county_a2, name="行唐干部")
    add(tree.city_a, name="阿城县", code="130101", level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    assert Unit.objects.get(pk=tree.county_a.pk).path != tree.county_a.path  # shifted behind the newcomer
    assert cadre_paths_repair(dry_run=True) == 0
    for cadre in Cadre.objects.select_related("unit"):
        assert cadre.unit_path == cadre.unit.path, cadre.name


def test_issue_13_rollups_verify_names_and_repairs_cadres_whose_path_drifted(tree, campaign, capsys):
    """A path written around the ORM (raw SQL) is caught by ``rollups_verify`` and repaired."""
    Cadre.objects.filter(pk=tree.cadre_a.pk).update(unit_path="9999")
    with pytest.raises(SystemExit):
        call_command("rollups_verify", "--dry-run")
    assert "1 cadres hold another path" in capsys.readouterr().out
    assert Cadre.objects.get(pk=tree.cadre_a.pk).unit_path == "9999"
    call_command("rollups_verify")
    assert Cadre.objects.get(pk=tree.cadre_a.pk).unit_path == tree.county_a.path


def test_issue_13_deep_pages_read_ids_first_and_show_the_same_rows(login, tree, users, settings, monkeypatch):
    """A deep page read ids first lists exactly the rows (and order) of the plain OFFSET page, sorted by the
    default order or by a column, with the next-page link where there is one."""
    settings.PAGE_SIZE = 4
    for i in range(11):
        CadreFactory(unit=tree.township_a if i % 2 else tree.village_a, name=f"干部{i:02}",
                     is_team_member=i % 3 == 0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(users["city_office"])
    for params in ({"page": 2}, {"page": 3}, {"page": 4}, {"page": 3, "sort": "-name"}, {"page": 2, "q": "干部"}):
        monkeypatch.setattr(lists.DeepPaginator, "deep", 10**9)  # plain OFFSET
        plain = _listed(client, **params)
        monkeypatch.setattr(lists.DeepPaginator, "deep", 0)  # every page ids first
        with CaptureQueriesContext(connection) as queries:
            assert _listed(client, **params) == plain, params
        ids_only = [q["sql"] for q in queries if re.match(r'SELECT "units_cadre"\."id"( AS "pk")? FROM', q["sql"])
                    and "OFFSET" in q["sql"]]
        assert ids_only, params  # the page's ids were read first, alone
        assert plain
    last = client.get(reverse("units:cadre_list"), {"page": 3})  # 12 cadres in 石家庄市
    assert 'id="page-next"' not in last.content.decode() and 'id="page-previous"' in last.content.decode()


def test_issue_13_search_without_letter_case_and_with_it(login, tree, users):
    """R0.2 ``q``: Chinese text is matched as typed; Latin letters whatever their case."""
    CadreFactory(unit=tree.township_a, name="张伟", post="镇党委副书记")
    CadreFactory(unit=tree.township_a, name="Zhang Wei", post="IT 专员")
    client = login(users["county_office"])
    assert _listed(client, q="张伟") == ["张伟"]
    assert set(_listed(client, q="书记")) >= {"张伟", "王正定"}
    assert _listed(client, q="zhang") == ["Zhang Wei"] == _listed(client, q="it 专")
    assert _listed(client, q="不存在") == []


def _cells(html: str) -> list[list[str]]:
    body = html[html.index("<tbody"):html.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [[" ".join(c.split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows]


def test_issue_13_the_cadre_rows_template_shows_what_the_table_columns_render(rf, tree, users):
    """The written-out rows (``units/cadre_table.html``) hold the same cells as django-tables2's generic
    rendering of ``CadreTable``: names and units linked, empty post as —, flags, rank and special group."""
    from django.template import Context, Template

    CadreFactory(unit=tree.township_a, name="无职务", post="", rank=Rank.SECTION, special_group="sanctioned")
    CadreFactory(unit=tree.village_a, name="村支书", post="村党支部书记", is_top_leader=True,
                 is_party_secretary=True)
    request = rf.get("/")
    request.user = users["prov_office"]
    rendered = {}
    for template in ("units/cadre_table.html", "web/table.html"):
        table = CadreTable(Cadre.objects.select_related("unit"), template_name=template)
        rendered[template] = Template("{% load django_tables2 %}{% render_table table %}").render(
            Context({"table": table, "request": request}))
    fast, generic = _cells(rendered["units/cadre_table.html"]), _cells(rendered["web/table.html"])
    assert len(fast) == Cadre.objects.count() >= 5
    assert fast == generic
    assert any("—" in row[2] and "受处分" in row[-1] for row in fast)


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks and collations need PostgreSQL (DATABASE_URL=postgres://…)")
@pytest.mark.django_db(transaction=True)
def test_issue_13_a_cadre_added_while_its_unit_moves_gets_the_new_path(tree, users):
    """A cadre saved while another connection moves its unit (not yet committed) waits for the move and takes
    the new path: it never stays in the old county's list. The copy is in the "C" collation, so a county's
    prefix is a range of the list's index."""
    import threading

    from django.db import connection, connections, transaction

    admin = users["admin"]
    moved, saved = threading.Event(), {}

    def mover() -> None:
        try:
            with transaction.atomic():
                services.unit_move(user=admin, unit=Unit.objects.get(pk=tree.township_a.pk),
                                   parent=Unit.objects.get(pk=tree.county_b.pk))
                moved.set()
                threading.Event().wait(1.0)  # the cadre's save runs now, against the uncommitted move
        finally:
            connections.close_all()

    thread = threading.Thread(target=mover)
    thread.start()
    assert moved.wait(10)
    cadre = CadreFactory(unit=Unit.objects.get(pk=tree.township_a.pk), name="新来的")  # blocks until the move commits
    thread.join()
    saved["path"] = Cadre.objects.get(pk=cadre.pk).unit_path
    assert saved["path"] == Unit.objects.get(pk=tree.township_a.pk).path
    assert saved["path"].startswith(Unit.objects.get(pk=tree.county_b.pk).path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT collation_name FROM information_schema.columns "
                       "WHERE table_name = 'units_cadre' AND column_name = 'unit_path'")
        assert cursor.fetchone()[0] == "C"
