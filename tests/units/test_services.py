"""R0.1–R0.4 the writes of the units app live in its services, which check the permission and the
tree's shape rule (each level hangs only under its allowed parent levels)."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.units.test_import import UNIT_HEADER, _csv, _upload
from units import services
from units.errors import UnitsError
from units.models import ALLOWED_PARENT_LEVELS, Cadre, Level, Unit, placement_error


def test_r0_1_each_level_has_its_allowed_parent_levels():
    assert placement_error(Level.COUNTY, Level.CITY) is None
    assert placement_error(Level.COUNTY, Level.PROVINCE)  # a county never directly under the province
    assert placement_error(Level.VILLAGE, Level.COUNTY)
    assert placement_error(Level.PROVINCE, None) is None and placement_error(Level.CITY, None)
    assert set(ALLOWED_PARENT_LEVELS) == set(Level)


def test_r0_1_a_county_cannot_hang_directly_under_the_province(login, tree, users):
    with pytest.raises(UnitsError):
        services.unit_add_child(user=users["prov_office"], parent=tree.province, name="直属县", code="139001",
                                level=Level.COUNTY, kind="party_committee")
    response = login(users["prov_office"]).post(reverse("units:unit_add_child", args=[tree.province.pk]), {
        "name": "直属县", "code": "139001", "level": Level.COUNTY, "kind": "party_committee"})
    assert response.status_code == 200 and response.context["form"].errors["level"]
    assert not Unit.objects.filter(code="139001").exists()


def test_r0_1_editing_a_units_level_keeps_the_tree_shape(login, tree, users):
    response = login(users["city_office"]).post(reverse("units:unit_edit", args=[tree.county_a.pk]), {
        "name": "正定县", "code": "130123", "level": Level.TOWNSHIP, "kind": "party_committee"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    tree.county_a.refresh_from_db()
    assert tree.county_a.level == Level.COUNTY
    response = login(users["city_office"]).post(reverse("units:unit_edit", args=[tree.county_a.pk]), {
        "name": "正定县（新）", "code": "130123", "level": Level.COUNTY, "kind": "party_committee"})
    assert response.status_code == 302
    tree.county_a.refresh_from_db()
    assert tree.county_a.name == "正定县（新）"


def test_r0_4_import_refuses_a_unit_under_a_parent_of_a_disallowed_level(login, tree, users):
    rows = [UNIT_HEADER, ["139001", "直属县", "130000", "县", "党委", "", ""]]
    response = _upload(login(users["prov_office"]), "units", "units.csv", _csv(rows))
    plan = response.context["plan"]
    assert [r.line for r in plan.error_rows] == [2]
    assert not Unit.objects.filter(code="139001").exists()


def test_r0_2_services_check_the_permission(tree, users):
    """In scope but not permitted: the service refuses, whoever calls it (a page or the API)."""
    with pytest.raises(PermissionDenied):
        services.cadre_create(user=users["county_office_b"], unit=tree.county_a, name="越权", rank="section")
    with pytest.raises(PermissionDenied):
        services.cadre_update(user=users["leader"], cadre=tree.cadre_a, post="改")
    with pytest.raises(PermissionDenied):
        services.unit_update(user=users["liaison"], unit=tree.county_a, name="改名")
    with pytest.raises(UnitsError):
        services.cadre_delete(user=users["county_office_b"], cadre=tree.cadre_a)
    assert Cadre.objects.filter(pk=tree.cadre_a.pk, post="县委书记").exists()
    assert not Cadre.objects.filter(name="越权").exists()


def test_r0_2_liaison_adds_and_edits_own_units_cadres(login, tree, users):
    client = login(users["liaison"])
    response = client.post(reverse("units:cadre_add", args=[tree.county_a.pk]), {"name": "新干部", "rank": "section",
                                                                                 "is_party_member": "on"})
    assert response.status_code == 302
    cadre = Cadre.objects.get(name="新干部")
    assert cadre.unit == tree.county_a and cadre.is_party_member
    response = client.post(reverse("units:cadre_edit", args=[cadre.pk]), {"name": "新干部", "rank": "section",
                                                                         "post": "科员"})
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.post == "科员"
    # another county's cadre: 404 (out of scope), nothing written
    assert client.post(reverse("units:cadre_edit", args=[tree.cadre_b.pk]), {"name": "x", "rank": "section"}
                       ).status_code == 404
    tree.cadre_b.refresh_from_db()
    assert tree.cadre_b.name == "李迁安"


def test_r0_1_pages_offer_only_the_actions_the_user_has(login, tree, users):
    """No link that answers 403: a leader sees the unit and its cadre without edit links."""
    leader = login(users["leader"])
    unit_page = leader.get(reverse("units:unit_detail", args=[tree.county_a.pk])).content.decode()
    assert reverse("units:unit_edit", args=[tree.county_a.pk]) not in unit_page
    assert reverse("units:cadre_add", args=[tree.county_a.pk]) not in unit_page
    cadre_page = leader.get(reverse("units:cadre_detail", args=[tree.cadre_a.pk])).content.decode()
    assert reverse("units:cadre_edit", args=[tree.cadre_a.pk]) not in cadre_page
    office = login(users["county_office"]).get(reverse("units:unit_detail", args=[tree.county_a.pk]))
    assert reverse("units:unit_edit", args=[tree.county_a.pk]) in office.content.decode()


def test_r0_1_moving_a_unit_keeps_the_tree_shape(tree, users):
    """A township moves to another county (its subtree with it); a county cannot move under the province."""
    moved = services.unit_move(user=users["prov_office"], unit=tree.township_a, parent=tree.county_a2)
    assert Unit.objects.get_parent(moved) == tree.county_a2
    village = Unit.objects.get(pk=tree.village_a.pk)
    assert village.path.startswith(moved.path)
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    with pytest.raises(UnitsError):
        services.unit_move(user=users["prov_office"], unit=tree.county_a, parent=tree.province)
    with pytest.raises(UnitsError):
        services.unit_move(user=users["prov_office"], unit=tree.city_a, parent=tree.county_a)  # below itself
    with pytest.raises(PermissionDenied):  # county B's office over neither
        services.unit_move(user=users["county_office_b"], unit=tree.county_a2, parent=tree.city_b)
    assert Unit.objects.get_parent(Unit.objects.get(pk=tree.county_a.pk)) == tree.city_a


def test_r0_1_the_admin_tree_refuses_a_disallowed_move(client, tree):
    from tests.factories import UserFactory

    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user, backend="accounts.backends.PasswordBackend")
    move_url = reverse("admin:units_unit_changelist") + "move/"  # treebeard's drag-and-drop (unnamed URL)
    response = client.post(move_url, {"node": tree.county_a.pk, "target": tree.province.pk, "relation": "child"})
    assert response.status_code == 400
    assert Unit.objects.get_parent(Unit.objects.get(pk=tree.county_a.pk)) == tree.city_a

