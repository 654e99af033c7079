"""Scoping: a user sees and changes only their subtree; out of scope is a 404 (DESIGN "Scoping", R0.1, R0.2).

Three users per case: in scope with write (正定县's office), in scope read-only (the leader),
out of scope (迁安市's office).
"""
from __future__ import annotations

from django.urls import reverse

from units.models import Cadre, Unit
from units.scoping import scope_q


def test_r0_1_visible_to_limits_units_and_cadres_to_the_subtree(tree, users):
    county_units = set(Unit.objects.visible_to(users["county_office"]).values_list("name", flat=True))
    assert county_units == {"正定县", "正定镇", "塔元庄村"}
    other = set(Unit.objects.visible_to(users["county_office_b"]).values_list("name", flat=True))
    assert other == {"迁安市", "迁安镇"}
    assert set(Cadre.objects.visible_to(users["county_office"])) == {tree.cadre_a}
    assert set(Cadre.objects.visible_to(users["county_office_b"])) == {tree.cadre_b}
    assert Unit.objects.visible_to(users["no_role"]).count() == 0
    assert Unit.objects.visible_to(users["leader"]).count() == Unit.objects.count()


def test_r0_1_two_roles_join_into_one_filter_without_duplicates(tree, users):
    """Overlapping grants (province and a county inside it) give each row once."""
    from units.models import RoleAssignment

    user = users["county_office"]
    RoleAssignment.objects.create(user=user, unit=tree.city_a, role="leader")
    RoleAssignment.objects.create(user=user, unit=tree.county_b, role="supervisor")
    user = type(user).objects.get(pk=user.pk)  # drop the cached grants
    names = list(Unit.objects.visible_to(user).values_list("name", flat=True))
    assert len(names) == len(set(names))
    assert set(names) == {"石家庄市", "正定县", "行唐县", "正定镇", "塔元庄村", "迁安市", "迁安镇"}
    # the nested county grant is folded into the city's: two prefixes, one query
    assert str(scope_q(user)).count("path__startswith") == 2


def test_r0_1_other_county_cannot_open_or_change_units(login, tree, users):
    client = login(users["county_office_b"])
    for name in ("units:unit_detail", "units:unit_children", "units:unit_edit", "units:unit_add_child",
                 "units:cadre_add"):
        assert client.get(reverse(name, args=[tree.county_a.pk])).status_code == 404, name
    response = client.post(reverse("units:unit_edit", args=[tree.county_a.pk]),
                           {"name": "被改名", "code": "130123", "level": 3, "kind": "party_committee"})
    assert response.status_code == 404
    tree.county_a.refresh_from_db()
    assert tree.county_a.name == "正定县"
    response = client.post(reverse("units:cadre_add", args=[tree.county_a.pk]), {"name": "外人", "rank": "section"})
    assert response.status_code == 404
    assert not Cadre.objects.filter(name="外人").exists()


def test_r0_2_other_county_cannot_open_change_or_delete_cadres(login, tree, users):
    client = login(users["county_office_b"])
    for name in ("units:cadre_detail", "units:cadre_edit", "units:cadre_delete"):
        assert client.get(reverse(name, args=[tree.cadre_a.pk])).status_code == 404, name
    assert client.post(reverse("units:cadre_delete", args=[tree.cadre_a.pk])).status_code == 404
    assert client.post(reverse("units:cadre_edit", args=[tree.cadre_a.pk]),
                       {"name": "改", "rank": "section"}).status_code == 404
    tree.cadre_a.refresh_from_db()
    assert tree.cadre_a.name == "王正定"


def test_r0_1_other_county_lists_and_searches_show_nothing_of_the_first(login, tree, users):
    client = login(users["county_office_b"])
    page = client.get(reverse("units:cadre_list")).content.decode()
    assert "李迁安" in page and "王正定" not in page
    page = client.get(reverse("units:tree"), {"q": "正定"}).content.decode()
    assert "正定县" not in page and "正定镇" not in page
    export = client.get(reverse("units:cadre_list"), {"export": "xlsx"})
    from reports.excel import read_table

    rows = read_table(export.content, "export.xlsx")
    assert [r[0] for r in rows[1:]] == ["李迁安"]


def test_r0_1_in_scope_writer_changes_and_reader_cannot(login, tree, users):
    writer = login(users["county_office"])
    response = writer.post(reverse("units:unit_edit", args=[tree.township_a.pk]),
                           {"name": "正定镇（新）", "code": "130123001", "level": 4, "kind": "grassroots",
                            "is_hardest_unit": "on"})
    assert response.status_code == 302
    tree.township_a.refresh_from_db()
    assert tree.township_a.name == "正定镇（新）"

    reader = login(users["leader"])
    assert reader.get(reverse("units:unit_detail", args=[tree.township_a.pk])).status_code == 200
    response = reader.post(reverse("units:unit_edit", args=[tree.township_a.pk]),
                           {"name": "领导改的", "code": "130123001", "level": 4, "kind": "grassroots"})
    assert response.status_code == 403
    tree.township_a.refresh_from_db()
    assert tree.township_a.name == "正定镇（新）"


def test_r0_2_liaison_writes_own_unit_cadres_only(login, tree, users):
    client = login(users["liaison"])
    response = client.post(reverse("units:cadre_add", args=[tree.county_a.pk]),
                           {"name": "张联络", "post": "办公室主任", "rank": "section", "is_party_member": "on"})
    assert response.status_code == 302
    assert Cadre.objects.get(name="张联络").unit == tree.county_a
    # a township below the liaison's unit is visible but not theirs to write
    assert client.get(reverse("units:cadre_add", args=[tree.township_a.pk])).status_code == 403


def test_issue13_r0_1_a_dashboards_header_reads_roots_and_breadcrumb_in_one_query(tree, users, group,
                                                                                 django_assert_num_queries):
    """Issue 13, R0.1: ``roots_and_ancestors`` gives exactly ``scope_roots`` and ``ancestors_in_scope`` — for a
    superuser, the province's leader, a county's office, a supervisor with two counties through a group (two
    roots), a liaison and a user without a role (no query at all) — for every unit of the tree, in one query."""
    from units.models import RoleAssignment
    from units.scoping import grants_of
    from units.selectors import ancestors_in_scope, roots_and_ancestors, scope_roots

    from tests.factories import UserFactory

    RoleAssignment.objects.create(user=users["county_office_b"], unit=tree.township_a, role="leader")
    people = {**users, "root": UserFactory(username="root", is_superuser=True)}
    shapes = set()
    for name, user in people.items():
        grants_of(user)  # loaded once per request, before the header
        for unit in Unit.objects.all():
            expected = (scope_roots(user), ancestors_in_scope(user, unit))
            with django_assert_num_queries(0 if name == "no_role" else 1):
                got = roots_and_ancestors(user, unit)
            assert got == expected, (name, unit.name)
            shapes.add((len(got[0]), len(got[1])))
    assert len(shapes) > 4  # one root or several, short and long breadcrumbs: the cases differ


def test_r0_1_path_prefixes_walk_up_the_tree_as_treebeard_stores_it(tree):
    """R0.1 ``Unit.path_prefixes``, the one way the apps walk up the tree without a query: the ancestors' paths root
    first, the unit's own last (or left out), each a unit treebeard holds."""
    village = tree.village_a
    ancestors = list(Unit.objects.filter(path__in=Unit.path_prefixes(village.path, include_self=False)).order_by("path"))
    assert [u.name for u in ancestors] == [u.name for u in Unit.objects.get_ancestors(village)]
    assert Unit.path_prefixes(village.path) == [*Unit.path_prefixes(village.path, include_self=False), village.path]
    assert Unit.path_prefixes(tree.province.path) == [tree.province.path]
    assert Unit.path_prefixes(tree.province.path, include_self=False) == []
