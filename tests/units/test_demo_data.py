"""Tests of ``manage.py demo_data`` and ``units.demo``: the R0.1 unit tree of Hebei, R0.2 cadres,
R0.3 special groups and the demo accounts. Only the small ``demo`` scale runs here; the
``province`` scale is measured by hand (it takes ~15–20 s)."""
from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from units import demo
from units.models import Cadre, Level, Rank, Role, RoleAssignment, SpecialGroup, Unit, UnitKind

HEBEI_CITIES = {
    "130100": "石家庄市", "130200": "唐山市", "130300": "秦皇岛市", "130400": "邯郸市",
    "130500": "邢台市", "130600": "保定市", "130700": "张家口市", "130800": "承德市",
    "130900": "沧州市", "131000": "廊坊市", "131100": "衡水市",
}

pytestmark = pytest.mark.django_db


def run_demo_data(*args: str) -> str:
    """Run the command at the demo scale and return what it printed on stdout."""
    out = io.StringIO()
    call_command("demo_data", "--scale", "demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot() -> tuple[int, int, int, int]:
    return (
        Unit.objects.count(),
        Cadre.objects.count(),
        get_user_model().objects.count(),
        RoleAssignment.objects.count(),
    )


@pytest.fixture
def loaded() -> str:
    return run_demo_data()


# --- R0.1 the unit tree -----------------------------------------------------------------------
def test_r0_1_root_and_the_eleven_real_cities(loaded: str) -> None:
    """R0.1: one root 河北省 (130000) and the 11 prefecture-level cities by real name and code."""
    root = Unit.objects.get(depth=1)
    assert (root.name, root.code, root.level, root.kind) == ("河北省", "130000", Level.PROVINCE,
                                                             UnitKind.PARTY_COMMITTEE)
    cities = Unit.objects.get_children(root).filter(kind=UnitKind.PARTY_COMMITTEE)
    assert {c.code: c.name for c in cities} == HEBEI_CITIES
    assert all(c.level == Level.CITY for c in cities)
    for city in cities:
        counties = Unit.objects.get_children(city)
        assert counties.count() >= 3, city.name
        assert all(c.level == Level.COUNTY and c.code[:4] == city.code[:4] for c in counties)


def test_r0_1_account_units_sit_where_they_belong(loaded: str) -> None:
    """R0.1: 正定县 (130123) is under 石家庄市, 迁安市 (130283) under 唐山市, with real townships."""
    zhengding = Unit.objects.get(code="130123")
    assert zhengding.name == "正定县"
    assert Unit.objects.get_parent(zhengding).name == "石家庄市"
    township_names = [t.name for t in Unit.objects.get_children(zhengding)]
    assert "正定镇" in township_names
    assert all(t.code.startswith("130123") and len(t.code) == 9 for t in Unit.objects.get_children(zhengding))
    zhengding_town = Unit.objects.get(name="正定镇")
    assert "塔元庄村" in [v.name for v in Unit.objects.get_children(zhengding_town)]
    qianan = Unit.objects.get(code="130283")
    assert (qianan.name, Unit.objects.get_parent(qianan).name) == ("迁安市", "唐山市")


def test_r0_1_level_counts_in_expected_ranges(loaded: str) -> None:
    """R0.1 demo scale: 3 counties per city, 3 townships per county, 4 villages per township."""
    counties = Unit.objects.filter(level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    townships = Unit.objects.filter(level=Level.TOWNSHIP)
    villages = Unit.objects.filter(level=Level.VILLAGE)
    assert 33 <= counties.count() <= 45
    assert 90 <= townships.count() <= 150
    assert 350 <= villages.count() <= 700
    assert set(townships.values_list("kind", flat=True)) == {UnitKind.GRASSROOTS}
    assert set(villages.values_list("kind", flat=True)) == {UnitKind.VILLAGE, UnitKind.COMMUNITY}
    # Codes nest: township = county code + 3 digits, village = township code + 3 digits.
    for village in villages[:50]:
        parent = Unit.objects.get_parent(village)
        assert village.code[:-3] == parent.code and len(village.code) == 12
    assert all(name.endswith(("村", "社区")) for name in villages.values_list("name", flat=True))
    assert all(name.endswith(("镇", "乡", "街道")) for name in townships.values_list("name", flat=True))


def test_r0_1_enterprises_and_universities_beside_the_cities(loaded: str) -> None:
    """R0.1: province-managed enterprises and province-run universities hang off the root, with
    subordinate units at county level."""
    root = Unit.objects.get(code="130000")
    enterprises = Unit.objects.get_children(root).filter(kind=UnitKind.ENTERPRISE)
    universities = Unit.objects.get_children(root).filter(kind=UnitKind.UNIVERSITY)
    assert {"河北钢铁集团", "开滦集团", "冀中能源集团"} <= set(enterprises.values_list("name", flat=True))
    assert {"河北大学", "河北师范大学", "燕山大学", "河北工业大学"} <= set(
        universities.values_list("name", flat=True)
    )
    for top in [*enterprises, *universities]:
        assert top.level == Level.CITY and top.code[0] in "EU"
        children = Unit.objects.get_children(top)
        assert children.exists(), top.name
        assert all(child.level == Level.COUNTY and child.code.startswith(top.code) for child in children)


def test_r0_1_backward_villages_and_one_hardest_unit_per_county(loaded: str) -> None:
    """R0.1 flags: some villages are backward (~5%); every county has exactly one hardest unit,
    a township or a village in its own subtree."""
    villages = Unit.objects.filter(kind=UnitKind.VILLAGE)
    backward = Unit.objects.filter(is_backward_village=True)
    assert backward.exists()
    assert set(backward.values_list("kind", flat=True)) == {UnitKind.VILLAGE}
    assert backward.count() <= 0.15 * villages.count()
    for county in Unit.objects.filter(level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE):
        hardest = Unit.objects.filter(path__startswith=county.path).filter(is_hardest_unit=True)
        assert hardest.count() == 1, county.name
        assert hardest.get().level in (Level.TOWNSHIP, Level.VILLAGE)
    assert Unit.objects.filter(is_hardest_unit=True).count() == Unit.objects.filter(
        level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE
    ).count()


def test_r0_1_tree_is_consistent_for_treebeard(loaded: str) -> None:
    """R0.1: the hand-computed materialized paths are what treebeard expects: no problems found,
    numchild right, siblings in code order (node_order_by), and add_child still slots in."""
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    # The (deprecated in treebeard 7, still used by older code) instance API works too.
    with pytest.warns(DeprecationWarning):
        assert [c.name for c in Unit.objects.get(code="130123").get_children()][0] == "正定镇"
    for unit in Unit.objects.filter(level__lte=Level.COUNTY):
        children = list(Unit.objects.get_children(unit))
        assert unit.numchild == len(children)
        codes = [child.code for child in children]
        assert codes == sorted(codes)
    # Depth equals level in the administrative tree (province 1, city 2, county 3).
    assert not Unit.objects.filter(kind=UnitKind.PARTY_COMMITTEE).exclude(depth=F("level")).exists()

    county = Unit.objects.get(code="130123")
    Unit.objects.add_child(
        county, {"name": "新设乡", "code": "130123000", "level": Level.TOWNSHIP, "kind": UnitKind.GRASSROOTS}
    )
    county.refresh_from_db()
    assert [c.code for c in Unit.objects.get_children(county)][0] == "130123000"
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_r0_1_path_step_matches_treebeard() -> None:
    """R0.1: our path segments use treebeard's base-36 alphabet with steplen 4."""
    assert demo.path_step(1) == "0001"
    assert demo.path_step(10) == "000A"
    assert demo.path_step(36) == "0010"
    assert demo.path_step(1295) == "00ZZ"
    assert demo.path_step(1) == Unit._get_path(None, 1, 1)
    assert demo.path_step(37) == Unit._get_path("0001", 2, 37)[4:]


# --- R0.2 cadres, R0.3 special groups ---------------------------------------------------------
def test_r0_2_every_unit_with_cadres_has_exactly_one_top_leader(loaded: str) -> None:
    """R0.2: each unit has cadres, exactly one of them the top leader; the top leader is a team
    member and, for party committees, the party secretary."""
    units = Unit.objects.annotate(
        n=Count("cadres"), tops=Count("cadres", filter=Q(cadres__is_top_leader=True))
    )
    assert not units.filter(n=0).exists()
    assert not units.filter(n__gt=0).exclude(tops=1).exists()
    assert 3 * Unit.objects.count() <= Cadre.objects.count() <= 7 * Unit.objects.count()
    assert 1500 <= Cadre.objects.count() <= 4500
    tops = Cadre.objects.filter(is_top_leader=True)
    assert not tops.filter(is_team_member=False).exists()
    assert not tops.filter(unit__kind=UnitKind.PARTY_COMMITTEE, is_party_secretary=False).exists()
    assert Cadre.objects.filter(is_party_secretary=True).count() == tops.count()
    assert tops.get(unit__code="130123").post == "县委书记"
    assert tops.get(unit__code="130283").post == "市委书记"
    # issue 13: written as plain rows, each cadre still holds its unit's path (the cadre list's order)
    assert not Cadre.objects.exclude(unit_path=F("unit__path")).exists()


def test_r0_2_ranks_follow_the_level(loaded: str) -> None:
    """R0.2 ranks: ~6 provincial-level cadres at the root; city team department-level; county team
    county-level; township and below section-level."""
    root_cadres = Cadre.objects.filter(unit__code="130000")
    assert 5 <= root_cadres.count() <= 8
    assert set(root_cadres.values_list("rank", flat=True)) == {Rank.PROVINCIAL}
    assert Cadre.objects.filter(rank=Rank.PROVINCIAL).count() == root_cadres.count()
    team = Cadre.objects.filter(is_team_member=True, unit__kind=UnitKind.PARTY_COMMITTEE)
    assert set(team.filter(unit__level=Level.CITY).values_list("rank", flat=True)) == {Rank.DEPARTMENT}
    assert set(team.filter(unit__level=Level.COUNTY).values_list("rank", flat=True)) == {Rank.COUNTY}
    assert set(
        Cadre.objects.filter(unit__level__gte=Level.TOWNSHIP).values_list("rank", flat=True)
    ) == {Rank.SECTION}


def test_r0_2_names_posts_and_phones_look_real(loaded: str) -> None:
    """R0.2: Chinese names of 2–3 characters, posts filled, mobile numbers of 11 digits."""
    for cadre in Cadre.objects.all()[:500]:
        assert 2 <= len(cadre.name) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in cadre.name)
        assert cadre.post
        assert len(cadre.phone) == 11 and cadre.phone.startswith("1") and cadre.phone.isdigit()
    posts = set(Cadre.objects.values_list("post", flat=True))
    assert {"县委书记", "县长", "镇党委书记", "镇长", "村党支部书记", "村委会主任", "校长"} <= posts


def test_r0_3_special_groups_are_each_about_two_percent(loaded: str) -> None:
    """R0.3: stepped-back, sanctioned and mobile-member cadres each make up ~2%; top leaders are
    in none; mobile party members are party members; some cadres are not party members."""
    total = Cadre.objects.count()
    for group in (SpecialGroup.STEPPED_BACK, SpecialGroup.SANCTIONED, SpecialGroup.MOBILE_MEMBER):
        share = Cadre.objects.filter(special_group=group).count() / total
        assert 0.005 <= share <= 0.05, (group, share)
    assert not Cadre.objects.filter(is_top_leader=True).exclude(special_group=SpecialGroup.NONE).exists()
    assert not Cadre.objects.filter(special_group=SpecialGroup.MOBILE_MEMBER, is_party_member=False).exists()
    assert not Cadre.objects.filter(special_group=SpecialGroup.STEPPED_BACK, is_team_member=True).exists()
    assert Cadre.objects.filter(is_party_member=False).exists()


# --- demo accounts ----------------------------------------------------------------------------
EXPECTED_ACCOUNTS = {
    "admin": (Role.ADMIN, "河北省"),
    "prov_office": (Role.OFFICE, "河北省"),
    "city_office": (Role.OFFICE, "石家庄市"),
    "county_office": (Role.OFFICE, "正定县"),
    "county_office_b": (Role.OFFICE, "迁安市"),
    "supervisor": (Role.SUPERVISOR, "石家庄市"),
    "liaison": (Role.LIAISON, "正定县"),
    "leader": (Role.LEADER, "河北省"),
}


def test_r0_1_demo_accounts_can_log_in_with_their_roles(loaded: str) -> None:
    """One demo login per role, bound to its unit (R0.1 subtree as scope), password Demo@2014."""
    User = get_user_model()
    for username, (role, unit_name) in EXPECTED_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.check_password(demo.DEMO_PASSWORD), username
        assert user.is_active
        # issue 12: the demo admin is a superuser (the Django admin is for superusers); no one else is staff
        assert user.is_staff == user.is_superuser == (username == "admin")
        assert user.first_name and not user.first_name.isascii()
        assignment = RoleAssignment.objects.get(user=user)
        assert (assignment.role, assignment.unit.name) == (role, unit_name)
        assert username in loaded
    assert "Demo@2014" in loaded


# --- the command's safety rules ---------------------------------------------------------------
def test_r0_1_second_run_without_if_empty_refuses_and_writes_nothing(loaded: str) -> None:
    """R0: demo data only goes into a fresh database; a second run fails and changes nothing."""
    before = snapshot()
    with pytest.raises(CommandError, match="fresh database"):
        run_demo_data()
    assert snapshot() == before


def test_r0_1_if_empty_on_a_loaded_database_exits_cleanly(loaded: str) -> None:
    """R0: with --if-empty a loaded database is left alone, and the accounts are still listed."""
    before = snapshot()
    output = run_demo_data("--if-empty")
    assert "already there" in output
    assert "county_office_b" in output and "Demo@2014" in output
    assert snapshot() == before


def test_r0_1_if_empty_on_an_empty_database_loads() -> None:
    """R0.1: --if-empty on an empty database loads as usual."""
    output = run_demo_data("--if-empty")
    assert "Loaded" in output
    assert Unit.objects.filter(code="130123").exists()


def test_r0_1_existing_units_block_loading_even_if_not_demo() -> None:
    """R0: any unit already present (real data) blocks loading; nothing is deleted."""
    Unit.objects.add_root(
        {"name": "某单位", "code": "X1", "level": Level.PROVINCE, "kind": UnitKind.PARTY_COMMITTEE}
    )
    with pytest.raises(CommandError):
        run_demo_data()
    assert list(Unit.objects.values_list("code", flat=True)) == ["X1"]
    with pytest.raises(demo.DemoDataError):
        demo.build("demo")
    assert Unit.objects.count() == 1 and Cadre.objects.count() == 0


def test_r0_1_build_is_deterministic_per_seed() -> None:
    """R0.1/R0.2: the same seed gives the same tree and cadres; another seed differs."""

    def fingerprint() -> list[tuple]:
        return list(Cadre.objects.order_by("unit__code", "pk").values_list("unit__code", "name", "post", "phone"))

    def wipe() -> None:
        Cadre.objects.all().delete()
        Unit.objects.all().delete()

    counts = demo.build("demo", seed=7)
    assert counts["cities"] == 11 and counts["cadres"] == Cadre.objects.count()
    first = fingerprint()
    wipe()
    demo.build("demo", seed=7)
    assert fingerprint() == first
    wipe()
    demo.build("demo", seed=8)
    assert fingerprint() != first


def test_r0_1_unknown_scale_is_rejected() -> None:
    """The command accepts only the scales it knows."""
    with pytest.raises(CommandError):
        call_command("demo_data", "--scale", "country", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(ValueError):
        demo.build("country")
    assert not Unit.objects.exists()


def test_r0_1_the_demo_shows_a_campaign_that_changed_on_the_way(loaded: str) -> None:
    """R0.1, R5.1: a newcomer sees a township added after the start (owing only what lies ahead), a village
    closed (its open obligations cancelled), and a deadline extended after its overdue reminders, announced
    to the liaison of 正定县."""
    from django.utils import timezone

    from campaign.models import Notification, Obligation

    today = timezone.localdate()
    added = Unit.objects.get(name="新城镇")
    assert Obligation.objects.filter(unit=added).exists()
    assert not Obligation.objects.filter(unit=added, due_date__lt=today).exists()
    closed = Unit.objects.get(closed_on__isnull=False)
    assert closed.level == Level.VILLAGE
    assert not Obligation.objects.filter(unit=closed).open().exists()
    assert Obligation.objects.filter(unit=closed, cancelled_on__isnull=False).exists()
    moved = Notification.objects.filter(title__startswith="截止日期调整")
    users = list(moved.values_list("user_id", flat=True))
    assert users and len(users) == len(set(users))  # one notice per person concerned
    new_date = today + datetime.timedelta(days=15)
    assert Obligation.objects.filter(due_date=new_date).open().exists()
    assert all(f"{new_date.year}年{new_date.month}月{new_date.day}日" in t for t in moved.values_list("title", flat=True))
