"""Issue 13: the dashboards' per-unit rollups. The dashboard, the weekly report and the ranking read one row per
unit instead of counting the records, and what they read equals the live count after any writes (R1.3, R2.2,
R2.6, R4.1, R4.2, R4.4, R5.1, R6.3); a row that drifts is named and repaired by ``rollups_verify``."""
from __future__ import annotations

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.models import Attendance, ExamResult, Obligation, StudySession
from campaign.services.campaign import obligation_fulfil, obligation_reopen
from campaign.services.study import session_record
from dashboards import rollups
from dashboards.models import RollupState, UnitRollup
from dashboards.selectors.dashboard import dashboard
from dashboards.selectors.figures import Figures, collect
from dashboards.selectors.ranking import ranking
from dashboards.tasks import rollups_refresh
from feedback.models import FieldResearchStay, Message, MessageStatus, OpinionSession, TargetGroup
from supervision.models import CardStatus, EscalationStep, StepKind, StepStatus, SupervisionCard
from tests.dashboards.builders import seed
from tests.factories import add
from units.models import Cadre, Level, Unit, UnitKind
from units.services import unit_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tree, campaign):
    return seed(tree, campaign)


@pytest.fixture
def built(seeded, campaign):
    """The seeded campaign with its rollups built for today."""
    rollups.build(campaign, today=seeded.today)
    return seeded


def _live(unit, campaign, today, user=None):
    return collect(user=user, root=unit, depth=unit.depth + 1, campaign=campaign, today=today, detail=True)


def _nonempty(collected) -> dict[str, Figures]:
    return {path: f for path, f in collected.branches.items() if f != Figures()}


def assert_same(unit, campaign, today) -> None:
    """The figures the rollups give the dashboard of ``unit`` are the live count, branch by branch."""
    children = list(Unit.objects.get_children(unit))
    stored = rollups.collected(campaign=campaign, root=unit, children=children, today=today)
    assert stored is not None, "the rollups should serve today"
    live = _live(unit, campaign, today)
    assert _nonempty(stored) == _nonempty(live)
    assert stored.by_kind == live.by_kind
    assert {k: v for k, v in stored.card_status.items() if v} == live.card_status
    assert stored.by_level == live.by_level


def test_issue13_the_dashboard_reads_the_rollups_and_they_equal_the_live_count(tree, users, campaign, built, login):
    """R1.3, R2.2, R2.6, R4.1, R4.2, R4.4, R5.1 the page's figures, read from the rows, are those counted live."""
    for unit in (tree.province, tree.city_a, tree.county_a2, built.townships[0]):
        assert_same(unit, campaign, built.today)
    response = login(users["leader"]).get(reverse("dashboards:unit", args=[tree.county_a2.pk]))
    f = response.context["f"]
    # the figures test_dashboard asserts on the same seed, now from the rollups
    assert (f.units, f.opinion_covered, f.study_required, f.study_met) == (4, 1, 4, 2)
    assert (f.exam_sat, f.exam_passed, f.exam_owed, f.research_required, f.research_met) == (4, 2, 2, 2, 1)
    assert (f.cards, f.cards_open, f.cards_overdue, f.cards_escalated) == (8, 6, 4, 2)
    assert (f.messages, f.messages_open, f.messages_overdue, f.messages_answered, f.answer_days) == (8, 6, 2, 4, 2.0)


def test_issue13_a_write_marks_its_unit_and_the_next_page_shows_it(tree, users, campaign, built, login):
    """R1.3 a card closed and a new escalation: the unit's row is marked in the writing transaction and the
    dashboard above it counts the unit again before it reads."""
    township = built.townships[0]
    client = login(users["leader"])
    before = client.get(reverse("dashboards:unit", args=[tree.county_a.pk])).context["f"]
    card = SupervisionCard.objects.filter(unit=township, status=CardStatus.SIGNED).first()
    card.status = CardStatus.CLOSED
    card.save()
    assert UnitRollup.objects.get(campaign=campaign, unit=township).dirty
    after = client.get(reverse("dashboards:unit", args=[tree.county_a.pk])).context["f"]
    assert (after.cards_open, after.cards_overdue) == (before.cards_open - 1, before.cards_overdue - 1)
    assert not UnitRollup.objects.filter(campaign=campaign, dirty=True, unit__path__startswith=tree.county_a.path)
    # the province's row took the difference too
    assert_same(tree.province, campaign, built.today)


def test_issue13_services_that_write_in_bulk_mark_their_units(tree, users, campaign, built):
    """R2.2, R5.1 a study session recorded with its attendance (bulk) and an obligation fulfilled (an UPDATE):
    no model signal, the service marks the units."""
    county = tree.county_a2
    cadre = Cadre.objects.filter(unit=county, is_top_leader=True).first()
    session_record(campaign=campaign, unit=county, kind="collective_study", date=campaign.start_date + datetime.timedelta(days=3),
                   topic="补学", hours=Decimal("2"), attendee_ids=[cadre.pk])
    ob = Obligation.objects.filter(campaign=campaign, unit=built.townships[1], completed_on__isnull=True).first()
    obligation_fulfil(campaign=campaign, unit=ob.unit, kind=ob.kind, on=built.today)
    assert set(UnitRollup.objects.filter(campaign=campaign, dirty=True).values_list("unit_id", flat=True)) >= {
        county.pk, ob.unit_id}
    assert_same(tree.province, campaign, built.today)
    assert rollups.verify(campaign, today=built.today) == []


def test_issue13_a_cadre_transferred_counts_for_both_units(tree, campaign, built):
    """R2.2 a leader moved from one county to another leaves the first's figures and joins the second's."""
    cadre = Cadre.objects.filter(unit=tree.county_a2, is_team_member=True, is_top_leader=False).first()
    cadre.unit = tree.county_b
    cadre.save()
    dirty = set(UnitRollup.objects.filter(campaign=campaign, dirty=True).values_list("unit_id", flat=True))
    assert {tree.county_a2.pk, tree.county_b.pk} <= dirty
    assert_same(tree.province, campaign, built.today)


def test_issue13_a_unit_added_or_closed_mid_campaign(tree, campaign, built):
    """R0.1 a unit added mid-campaign gets its row and counts at once; a closed one leaves the denominators."""
    new = add(built.townships[0], name="新村", code="NEWVILLAGE1", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    assert UnitRollup.objects.get(campaign=campaign, unit=new).dirty
    before = rollups.collected(campaign=campaign, root=tree.province, children=list(Unit.objects.get_children(tree.province)),
                               today=built.today).total()
    assert before.units == _live(tree.province, campaign, built.today).total().units
    closing = built.townships[1]
    closing.closed_on = built.today
    closing.save()
    after = rollups.collected(campaign=campaign, root=tree.province, children=list(Unit.objects.get_children(tree.province)),
                              today=built.today).total()
    assert after.units == before.units - 1
    assert_same(tree.province, campaign, built.today)


def test_issue13_rollups_serve_only_their_day_and_a_move_sends_pages_back_to_live(tree, users, campaign, built):
    """Overdue figures depend on the day: tomorrow the rows are not used until the beat rebuilds them; a unit
    moved in the tree stops them too, and the beat's sweep rebuilds."""
    tomorrow = built.today + datetime.timedelta(days=1)
    assert rollups.collected(campaign=campaign, root=tree.province, children=[], today=tomorrow) is None
    page = dashboard(user=users["admin"], unit=tree.province, campaign=campaign, today=tomorrow)
    assert page.total.obligations_overdue == _live(tree.province, campaign, tomorrow).total().obligations_overdue
    unit_move(unit=built.townships[0], parent=tree.county_a2, user=users["admin"])
    assert RollupState.objects.get(campaign=campaign).as_of is None
    assert rollups.collected(campaign=campaign, root=tree.province, children=[], today=built.today) is None
    rollups_refresh.apply()
    state = RollupState.objects.get(campaign=campaign)
    assert state.as_of == timezone.localdate() and state.built_at is not None
    assert_same(tree.county_a2, campaign, state.as_of)


def test_issue13_the_ranking_reads_the_rollups(tree, users, campaign, built):
    """R6.3 the ranking's figures of every ranked unit are the same from the rows as counted live."""
    from_rows = ranking(user=users["admin"], issuer=tree.province, campaign=campaign, today=built.today)
    RollupState.objects.filter(campaign=campaign).update(as_of=None)
    live = ranking(user=users["admin"], issuer=tree.province, campaign=campaign, today=built.today)
    assert [[(r.unit, r.figures, r.score) for r in peers.rows] for peers in from_rows.lists] == \
        [[(r.unit, r.figures, r.score) for r in peers.rows] for peers in live.lists]
    assert any(peers.rows for peers in from_rows.lists)


@pytest.mark.parametrize("scale", [1, 4])
def test_issue13_the_dashboard_from_rollups_makes_a_fixed_number_of_queries(
        tree, users, campaign, login, django_assert_max_num_queries, scale):
    """The rollup path: state, dirty units (counted again together), the unit's and children's rows; the
    same bound whatever the data and however many units were marked."""
    seeded = seed(tree, campaign, scale=scale)
    rollups.build(campaign, today=seeded.today)
    client = login(users["leader"])
    url = reverse("dashboards:unit", args=[tree.province.pk])
    with django_assert_max_num_queries(18):  # nothing marked: the rows only
        assert client.get(url).status_code == 200
    for township in seeded.townships:  # every township marked: counted again in one pass
        Cadre.objects.filter(unit=township).first().save()
    assert UnitRollup.objects.filter(dirty=True).count() == len(seeded.townships)
    with django_assert_max_num_queries(33):  # PostgreSQL also sets and restores the lock timeout
        assert client.get(url).status_code == 200
    assert not UnitRollup.objects.filter(dirty=True).exists()


def test_issue13_a_backlog_of_marks_is_settled_in_batches_and_equals_the_live_count(tree, campaign, built,
                                                                                     monkeypatch):
    """Many marked units (a busy hour of the board across the province) are settled in batches of
    ``SETTLE_BATCH``, each its own transaction (a pass's memory grows with its units); together they give what
    one pass gives: every row equal to a fresh count, no mark left."""
    monkeypatch.setattr(rollups, "SETTLE_BATCH", 2)
    passes = []
    settle = rollups._settle
    monkeypatch.setattr(rollups, "_settle", lambda *args: passes.append(len(args[2])) or settle(*args))
    for township in built.townships:
        Cadre.objects.filter(unit=township).first().save()
    for village in built.villages[:3]:
        add(village, name=f"{village.name}新组", code=f"{village.code}9", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    marked = UnitRollup.objects.filter(campaign=campaign, dirty=True).count()
    assert marked >= 5
    assert rollups.refresh_dirty(campaign, today=built.today) == marked
    assert passes == [2] * (marked // 2) + ([1] if marked % 2 else [])
    assert not UnitRollup.objects.filter(dirty=True).exists()
    assert_same(tree.province, campaign, built.today)
    assert rollups.verify(campaign, today=built.today) == []


def test_issue13_a_dashboard_settles_and_reads_only_the_marks_of_its_subtree(tree, campaign, built):
    """A busy board marks units all over the province between two beats: a county's dashboard settles its own
    marked units, asking the database for those alone (asking for every mark took a county's page 32 ms at
    province scale), and leaves another city's marks to the dashboards above them and to beat."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    inside = Cadre.objects.filter(unit__path__startswith=tree.county_a.path).first()
    outside = Cadre.objects.exclude(unit__path__startswith=tree.city_a.path).first()
    inside.save()
    outside.save()
    with CaptureQueriesContext(connection) as queries:
        assert rollups.refresh_dirty(campaign, today=built.today, under=tree.county_a) == 1
    assert tree.county_a.path in queries.captured_queries[0]["sql"]  # the marks asked for: the county's
    assert UnitRollup.objects.get(campaign=campaign, unit_id=outside.unit_id).dirty
    assert not UnitRollup.objects.get(campaign=campaign, unit_id=inside.unit_id).dirty
    assert_same(tree.county_a, campaign, built.today)
    assert rollups.refresh_dirty(campaign, today=built.today, under=tree.province) == 1  # the rest, from the top
    assert_same(tree.province, campaign, built.today)


@pytest.mark.django_db(transaction=True)
def test_issue13_a_batch_that_cannot_settle_leaves_the_batches_before_it_settled(tree, campaign, monkeypatch):
    """A batch that meets a writer holding a row (here: its work done, then the lock timeout) is undone and stops
    the settling — the page counts live (``None``) — while the batches before it, committed each in its own
    transaction, stay settled and right; the next reader settles the rest."""
    from django.db import OperationalError

    seeded = seed(tree, campaign)
    rollups.build(campaign, today=seeded.today)
    monkeypatch.setattr(rollups, "SETTLE_BATCH", 2)
    settle, calls = rollups._settle, []

    def second_times_out(*args):
        calls.append(set(args[2]))
        done = settle(*args)
        if len(calls) == 2:
            raise OperationalError("canceling statement due to lock timeout")
        return done

    monkeypatch.setattr(rollups, "_settle", second_times_out)
    for township in seeded.townships:
        Cadre.objects.filter(unit=township).first().save()
    assert UnitRollup.objects.filter(campaign=campaign, dirty=True).count() >= 3
    assert rollups.refresh_dirty(campaign, today=seeded.today) is None
    assert len(calls) == 2
    assert not UnitRollup.objects.filter(campaign=campaign, dirty=True, unit__path__in=calls[0]).exists()
    assert UnitRollup.objects.filter(campaign=campaign, dirty=True, unit__path__in=calls[1]).count() == len(calls[1])
    monkeypatch.setattr(rollups, "_settle", settle)
    assert rollups.verify(campaign, today=seeded.today) == []  # settles the rest first, as a page would
    assert_same(tree.province, campaign, seeded.today)


def test_issue13_rollups_verify_names_the_units_that_drift_and_repairs_them(tree, campaign, built):
    """Bad input: a row that differs from the records (here written behind the code's back) is reported by
    unit and repaired; --dry-run only reports, and exits 1."""
    row = UnitRollup.objects.get(campaign=campaign, unit=tree.county_b)
    row.own = rollups.combined(row.own, {"f": {"cards": 5}})
    row.save()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("rollups_verify", "--dry-run", stdout=out)
    assert exit_.value.code == 1
    assert f"{tree.county_b.path} ({tree.county_b.pk}): cards" in out.getvalue()
    assert rollups.verify(campaign, today=built.today)  # still there
    out = io.StringIO()
    call_command("rollups_verify", stdout=out)
    assert "1 units differ" in out.getvalue() and "repaired" in out.getvalue()
    assert rollups.verify(campaign, today=built.today) == []
    out = io.StringIO()
    call_command("rollups_verify", stdout=out)
    assert "equal a fresh count" in out.getvalue()


# --- the home page's figures of the user's scope (open units by level, their cadres)

def assert_home_from_rows(users: dict, today) -> None:
    """Each user's home figures, read from the rows (their marks left as they are), are the live count."""
    from dashboards.selectors.todo import home_figures
    from units import selectors as unit_selectors
    from units.selectors import scope_roots

    campaign = RollupState.objects.get().campaign
    for name in users:
        roots = scope_roots(users[name])
        if roots:
            assert rollups.scope_counts(campaign=campaign, roots=roots, today=today) is not None, name
        assert home_figures(users[name], today=today) == unit_selectors.home_figures(users[name]), name


def test_issue13_r0_1_home_figures_read_from_the_rows_after_writes_that_are_not_settled(tree, users, campaign, built,
                                                                                        login):
    """R0.1 the home page's units by level and cadres of the user's scope come from the rollups (the first page of
    every sign-in counted a province's 299,000 cadres), and equal the live count for every role — also after
    cadres added, removed and transferred, a unit added and one closed, and a message posted, none of them
    settled: reading the home page settles nothing (a GET writes nothing, and waits for no writer)."""
    from django.contrib.auth import get_user_model

    from feedback.services.messages import message_submit
    from units.selectors import scope_roots

    # every role of the test tree, a group's supervisor (its units granted) and a superuser (every root)
    users = {**users, "root": get_user_model().objects.create_superuser("root", "root@example.cn", "x" * 12)}
    built.group.members.add(users["supervisor"])
    built.group.units.set([tree.county_b])
    assert [u.name for u in scope_roots(users["supervisor"])] == ["石家庄市", "迁安市"]
    client = login(users["county_office"])
    figures = client.get(reverse("home")).context["figures"]
    live = collect(user=None, root=tree.county_a, depth=tree.county_a.depth, campaign=campaign, today=built.today)
    assert (figures.units, figures.cadres) == (live.total().units, live.total().cadres) and figures.cadres > 0
    assert_home_from_rows(users, built.today)

    township = built.townships[0]
    Cadre.objects.create(unit=township, name="新任干部", post="副镇长")
    Cadre.objects.filter(unit=built.townships[1]).first().delete()
    moved = Cadre.objects.filter(unit=tree.county_a2).first()
    moved.unit = tree.county_b
    moved.save()
    add(township, name="新设社区", code="NEWCOMMUNITY1", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    closing = built.villages[0]
    Cadre.objects.create(unit=closing, name="村支书", post="党支部书记")
    closing.closed_on = built.today
    closing.save()
    message_submit(campaign=campaign, unit=built.villages[1], category="formalism", text="反映问题。")
    marked = set(UnitRollup.objects.filter(campaign=campaign, dirty=True).values_list("unit_id", flat=True))
    assert {township.pk, tree.county_b.pk, closing.pk} <= marked

    after = client.get(reverse("home"))
    # in 正定县: a cadre and a community added, a village closed with the cadre it had (the cadre removed was of
    # 行唐县, the one transferred left 行唐县 for 迁安市)
    assert (after.context["figures"].units, after.context["figures"].cadres) == (figures.units, figures.cadres + 1)
    assert f'id="figure-cadres">{figures.cadres + 1:,}<' in after.content.decode()
    assert "不含已撤并的单位及其干部。" in after.content.decode()  # the page says what the count leaves out
    assert set(UnitRollup.objects.filter(campaign=campaign, dirty=True).values_list("unit_id", flat=True)) == marked
    assert_home_from_rows(users, built.today)
    # 迁安市's office counts the cadre transferred in
    b = login(users["county_office_b"]).get(reverse("home")).context["figures"]
    assert b.cadres == Cadre.objects.filter(unit__path__startswith=tree.county_b.path).count()
    assert moved.pk in Cadre.objects.filter(unit__path__startswith=tree.county_b.path).values_list("pk", flat=True)


def test_issue13_only_unit_and_cadre_writes_make_the_home_page_count_a_unit_again(tree, users, campaign, built):
    """The home page's figures are units and cadres. A message posted, a card closed, a study session recorded mark
    their units for the dashboards, not for the home page — a busy board marks thousands of units a minute and each
    home page counted every one of them again; a cadre added, imported or removed, a unit edited or added does.
    Settling clears both marks; the home figures equal the live count throughout."""
    from feedback.services.messages import message_submit
    from units.services import import_apply

    def row(unit):
        return UnitRollup.objects.get(campaign=campaign, unit=unit)

    village, township = built.villages[1], built.townships[0]
    message_submit(campaign=campaign, unit=village, category="formalism", text="反映问题。")
    card = SupervisionCard.objects.filter(unit=township, status=CardStatus.SIGNED).first()
    card.status = CardStatus.CLOSED
    card.save()
    cadre = Cadre.objects.filter(unit=tree.county_a2, is_top_leader=True).first()
    session_record(campaign=campaign, unit=tree.county_a2, kind="collective_study", topic="补学", hours=Decimal("2"),
                   date=campaign.start_date + datetime.timedelta(days=3), attendee_ids=[cadre.pk])
    edited = Cadre.objects.filter(unit=tree.county_b).first()  # a cadre edited in place stays one cadre of its unit
    edited.post, edited.is_top_leader = "调研员", not edited.is_top_leader
    edited.save()
    assert row(village).dirty and row(township).dirty and row(tree.county_a2).dirty and row(tree.county_b).dirty
    assert not UnitRollup.objects.filter(campaign=campaign, tree_dirty=True).exists()
    assert_home_from_rows(users, built.today)
    with CaptureQueriesContext(connection) as queries:  # the marked rows it reads are the tree-marked ones
        rollups.scope_counts(campaign=campaign, roots=[tree.province], today=built.today)
    marked_reads = [q["sql"] for q in queries.captured_queries if "dirty" in q["sql"]]
    assert marked_reads and all('"tree_dirty"' in sql and '"dirty"' not in sql for sql in marked_reads)

    Cadre.objects.create(unit=village, name="新任干部", post="村委委员")
    Cadre.objects.filter(unit=tree.county_b).first().delete()
    township.is_hardest_unit = not township.is_hardest_unit
    township.save()
    new = add(township, name="新设社区", code="NEWCOMMUNITY2", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    imported = ["130123001", "陈镇长", "镇长", "科级", "否", "是", "否", "是", "", "13800000001"]
    header = ["单位编码", "姓名", "职务", "级别", "一把手", "班子成员", "党委书记", "党员", "特殊群体", "电话"]
    assert import_apply(user=users["county_office"], kind="cadres", table=[header, imported]) == 1
    assert {u.pk for u in (village, tree.county_b, township, new, tree.township_a)} == set(
        UnitRollup.objects.filter(campaign=campaign, tree_dirty=True).values_list("unit_id", flat=True))
    assert_home_from_rows(users, built.today)

    rollups.refresh_dirty(campaign, today=built.today)
    assert not UnitRollup.objects.filter(campaign=campaign, dirty=True).exists()
    assert not UnitRollup.objects.filter(campaign=campaign, tree_dirty=True).exists()
    assert_home_from_rows(users, built.today)
    assert rollups.verify(campaign, today=built.today) == []

    # a row that a settle by the release before the flag left marked for the home page only (counted again, flag
    # kept, as during a rolling upgrade): the beat clears it
    UnitRollup.objects.filter(campaign=campaign, unit=village).update(tree_dirty=True)
    rollups.refresh(today=built.today)
    assert not row(village).tree_dirty
    assert_home_from_rows(users, built.today)


def test_issue13_r0_1_home_figures_count_live_when_the_rows_do_not_serve(tree, users, campaign, built):
    """Before the first build of the day (or after a move), the home page counts live: the same numbers."""
    from dashboards.selectors.todo import home_figures
    from units import selectors as unit_selectors

    for today in (built.today + datetime.timedelta(days=1), built.today):
        RollupState.objects.filter(campaign=campaign).update(as_of=None if today == built.today else built.today)
        assert rollups.scope_counts(campaign=campaign, roots=[tree.province], today=today) is None
        assert home_figures(users["leader"], today=today) == unit_selectors.home_figures(users["leader"])


@pytest.mark.parametrize("marked", [0, 1, 40])
def test_issue13_home_figures_from_the_rows_make_a_fixed_number_of_queries(tree, users, campaign, built, marked,
                                                                           django_assert_num_queries):
    """The rows of the scope's roots, the marked units' stored parts and their live count: four queries however
    many units are marked for the home page (``tree_dirty``, at most as many as the seed holds), for one root or
    several."""
    units = list(Unit.objects.order_by("pk").values_list("pk", flat=True)[:marked])
    rollups.mark(units, tree=True)
    assert UnitRollup.objects.filter(tree_dirty=True).count() == len(units)
    for roots in ([tree.province], [tree.county_a, tree.county_b]):
        with django_assert_num_queries(4):
            assert rollups.scope_counts(campaign=campaign, roots=roots, today=built.today) is not None


def test_issue13_rows_of_an_older_release_serve_no_page_until_the_beat_rebuilds_them(tree, users, campaign, built):
    """Rows built by the release before the cadres came into them (``RollupState.version`` 0, the column's default,
    which the migration gives every existing state) serve no page: the home page counts live, with cadres; an old
    release's build during the roll-out (it sets the day, not the version) does not bring them back; the beat's
    build does, with the cadres in every row; ``rollups_verify`` builds them too."""
    from dashboards.selectors.todo import home_figures
    from units import selectors as unit_selectors

    for row in UnitRollup.objects.filter(campaign=campaign):  # what the older release stored: no cadres
        row.own.get("f", {}).pop("cadres", None)
        row.subtree.get("f", {}).pop("cadres", None)
        row.save()
    RollupState.objects.filter(campaign=campaign).update(version=0)
    RollupState.objects.filter(campaign=campaign).update(as_of=built.today)  # the old code's build, after the migration
    leader = users["leader"]
    assert rollups.scope_counts(campaign=campaign, roots=[tree.province], today=built.today) is None
    assert rollups.collected(campaign=campaign, root=tree.province, children=[], today=built.today) is None
    live = unit_selectors.home_figures(leader)
    assert live.cadres == Cadre.objects.filter(unit__closed_on__isnull=True).count() > 0
    assert home_figures(leader, today=built.today) == live

    call_command("rollups_verify", stdout=io.StringIO())  # no rows in use: it builds them
    assert RollupState.objects.get(campaign=campaign).version == rollups.VERSION
    RollupState.objects.filter(campaign=campaign).update(version=0)
    rollups_refresh.apply()  # the beat
    state = RollupState.objects.get(campaign=campaign)
    assert state.version == rollups.VERSION and state.as_of == timezone.localdate()
    assert UnitRollup.objects.get(campaign=campaign, unit=tree.province).subtree["f"]["cadres"] == live.cadres
    assert rollups.scope_counts(campaign=campaign, roots=[tree.province], today=state.as_of) is not None
    assert home_figures(leader, today=state.as_of) == live


def test_issue13_home_figures_count_live_for_a_root_without_a_row(tree, users, campaign, built):
    """A scope root whose row is missing (loaded behind the signals' back): counted live, the same numbers."""
    from dashboards.selectors.todo import home_figures
    from units import selectors as unit_selectors

    UnitRollup.objects.filter(campaign=campaign, unit=tree.county_b).delete()
    assert rollups.scope_counts(campaign=campaign, roots=[tree.county_b], today=built.today) is None
    assert rollups.scope_counts(campaign=campaign, roots=[tree.county_a], today=built.today) is not None
    assert home_figures(users["county_office_b"], today=built.today) == unit_selectors.home_figures(
        users["county_office_b"])


@pytest.mark.django_db(transaction=True)
def test_issue13_home_figures_read_one_snapshot_while_a_dashboard_settles(tree, users, campaign):
    """The home page's reads see one snapshot: a dashboard (or the beat) settling the marked units between two of
    them (committed meanwhile) would otherwise take those units' stored part out and never add them back."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("isolation levels are PostgreSQL's")
    import threading

    seeded = seed(tree, campaign)
    rollups.build(campaign, today=seeded.today)
    for township in seeded.townships:
        Cadre.objects.create(unit=township, name="新任干部", post="副镇长")  # marked, committed
    expected = rollups.scope_counts(campaign=campaign, roots=[tree.province], today=seeded.today)
    assert expected[1] == Cadre.objects.filter(unit__closed_on__isnull=True).count()
    settled = []

    def settle_elsewhere():
        try:
            settled.append(rollups.refresh_dirty(campaign, today=seeded.today))
        finally:
            connections.close_all()

    def between(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if '"own" ->' in sql and not settled:  # the marked units' stored part was read
            thread = threading.Thread(target=settle_elsewhere)
            thread.start()
            thread.join()
        return result

    with connection.execute_wrapper(between):
        counts = rollups.scope_counts(campaign=campaign, roots=[tree.province], today=seeded.today)
    assert settled and settled[0] >= len(seeded.townships)
    assert counts == expected
    assert rollups.scope_counts(campaign=campaign, roots=[tree.province], today=seeded.today) == expected


# --- the property: after any writes, the rows equal the live count


def _pick(qs, k):
    n = qs.count()
    return qs.order_by("pk")[k % n] if n else None


def _op_attend(campaign, today, k):
    session = _pick(StudySession.objects.filter(campaign=campaign), k)
    cadre = _pick(Cadre.objects.all(), k // 7)
    Attendance.objects.get_or_create(session=session, cadre=cadre)


def _op_unattend(campaign, today, k):
    row = _pick(Attendance.objects.all(), k)
    if row:
        row.delete()


def _op_transfer(campaign, today, k):
    cadre = _pick(Cadre.objects.all(), k)
    cadre.unit = _pick(Unit.objects.all(), k // 3)
    cadre.save()


def _op_leader(campaign, today, k):
    cadre = _pick(Cadre.objects.all(), k)
    cadre.is_top_leader = not cadre.is_top_leader
    cadre.save()


def _op_fulfil(campaign, today, k):
    ob = _pick(Obligation.objects.filter(campaign=campaign), k)
    if ob.completed_on:
        obligation_reopen(campaign=campaign, unit=ob.unit, kind=ob.kind)
    else:
        obligation_fulfil(campaign=campaign, unit=ob.unit, kind=ob.kind, on=today)


def _op_card(campaign, today, k):
    card = _pick(SupervisionCard.objects.filter(campaign=campaign), k)
    card.status = list(CardStatus.values)[k % len(CardStatus.values)]
    card.due_date = today + datetime.timedelta(days=k % 5 - 2)
    card.save()


def _op_escalate(campaign, today, k):
    card = _pick(SupervisionCard.objects.filter(campaign=campaign), k)
    step = EscalationStep.objects.filter(card=card).first()
    if step:
        step.delete()
    else:
        EscalationStep.objects.create(card=card, step=StepKind.REMINDER, status=StepStatus.TAKEN, automatic=True,
                                      created_at=timezone.now(), taken_on=today, effective_on=today, reason="逾期")


def _op_message(campaign, today, k):
    message = _pick(Message.objects.filter(campaign=campaign), k)
    if k % 3 == 0:
        message.unit = _pick(Unit.objects.all(), k // 3)
    elif k % 3 == 1:
        message.status, message.due_date = MessageStatus.FORWARDED, today - datetime.timedelta(days=1)
        message.forwarded_at, message.answered_at = timezone.now() - datetime.timedelta(days=3), None
    else:
        message.status, message.answered_at = MessageStatus.ANSWERED, timezone.now()
    message.save()


def _op_exam(campaign, today, k):
    result = _pick(ExamResult.objects.all(), k)
    if k % 2:
        result.passed = not result.passed
    else:
        result.makeup_done_on = None if result.makeup_done_on else today
    result.save()


def _op_stay(campaign, today, k):
    stay = _pick(FieldResearchStay.objects.all(), k)
    stay.days = 1 + k % 5
    stay.save()


def _op_opinion(campaign, today, k):
    unit = _pick(Unit.objects.all(), k)
    group = TargetGroup.values[k % len(TargetGroup.values)]
    session = OpinionSession.objects.filter(campaign=campaign, unit=unit, target_group=group).first()
    if session:
        session.delete()
    else:
        OpinionSession.objects.create(campaign=campaign, unit=unit, target_group=group, held_on=today,
                                      people_count=5, opinion_count=1)


def _op_unit(campaign, today, k):
    parent = _pick(Unit.objects.filter(level__lt=Level.VILLAGE, closed_on__isnull=True), k)
    if k % 2:
        n = next(_new_units)
        add(parent, name=f"新单位{n}", code=f"NEW{n:07d}", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    elif parent.level > Level.CITY:
        parent.closed_on = today
        parent.save()


def _op_cadre(campaign, today, k):
    if k % 2:
        Cadre.objects.create(unit=_pick(Unit.objects.all(), k // 2), name=f"干部{k}", post="科员")
    else:
        try:
            _pick(Cadre.objects.all(), k).delete()  # with their attendance, results and stays
        except ProtectedError:  # named on a card or a message: kept
            pass


def _op_level(campaign, today, k):
    unit = _pick(Unit.objects.filter(level__gte=Level.TOWNSHIP), k)
    unit.level = Level.VILLAGE if unit.level == Level.TOWNSHIP else Level.TOWNSHIP
    unit.save()


_new_units = itertools.count(1)

OPS = [_op_attend, _op_unattend, _op_transfer, _op_leader, _op_fulfil, _op_card, _op_escalate, _op_message,
       _op_exam, _op_stay, _op_opinion, _op_unit, _op_cadre, _op_level]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 10_000)), min_size=1, max_size=10))
def test_issue13_property_after_random_writes_the_rollups_equal_the_live_count(tree, users, campaign, built, writes):
    """After any sequence of writes (saves, deletes, services that write in bulk), settling the marked rows
    leaves every unit's rollup equal to a fresh count of its records — own and subtree — and the
    province's dashboard equal to the live one."""
    with transaction.atomic():
        for op, k in writes:
            op(campaign, built.today, k)
        assert_home_from_rows(users, built.today)  # R0.1 before settling: the home page reads the rows as they are
        assert_same(tree.province, campaign, built.today)
        assert rollups.verify(campaign, today=built.today) == []
        transaction.set_rollback(True)


def test_issue13_a_move_made_anywhere_sends_pages_back_to_live_a_re_sort_does_not(tree, campaign, built):
    """The admin's drag and drop moves units without the services: treebeard's path rewrite is what the
    rollups listen to. A unit added among its siblings (paths re-sorted by code) changes no ancestor."""
    add(tree.county_a, name="甲镇", code="1300000", level=Level.TOWNSHIP, kind=UnitKind.GRASSROOTS)  # sorts first
    assert RollupState.objects.get(campaign=campaign).as_of == built.today
    assert_same(tree.province, campaign, built.today)
    Unit.objects.move(Unit.objects.get(pk=built.villages[0].pk), Unit.objects.get(pk=built.townships[1].pk),
                      pos="sorted-child")
    assert RollupState.objects.get(campaign=campaign).as_of is None


def test_issue13_campaign_edits_stop_the_rollups_only_when_a_rule_changes(campaign, built):
    """R2.2 a new minimum changes who meets it: counted live until rebuilt; a new description changes nothing."""
    campaign.refresh_from_db()
    campaign.name = "第二批党的群众路线教育实践活动（修订）"
    campaign.save()
    assert RollupState.objects.get(campaign=campaign).as_of == built.today
    campaign.min_study_other += 1
    campaign.save()
    assert RollupState.objects.get(campaign=campaign).as_of is None


def test_issue13_the_build_keeps_marks_so_a_write_during_it_is_counted_once(tree, campaign, built):
    """A unit marked before a build stays marked through it and is counted once, against what the build stored."""
    cadre = Cadre.objects.filter(unit=tree.county_a2, is_team_member=True, is_top_leader=False).first()
    cadre.unit = tree.county_b
    cadre.save()
    rollups.build(campaign, today=built.today)
    assert UnitRollup.objects.get(campaign=campaign, unit=tree.county_b).dirty
    assert_same(tree.province, campaign, built.today)
    assert rollups.verify(campaign, today=built.today) == []


@pytest.mark.django_db(transaction=True)
def test_issue13_a_page_never_waits_long_for_a_writer_it_counts_live(tree, campaign, users, client):
    """A writer holding a marked row (its transaction still open) does not hold up a dashboard: after half a
    second the page counts live, with the same numbers; the writer is never the one aborted."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    import threading
    import time

    seeded = seed(tree, campaign)
    rollups.build(campaign, today=seeded.today)
    township = seeded.townships[0]
    Cadre.objects.filter(unit=township).first().save()  # marked, committed
    locked, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                list(UnitRollup.objects.select_for_update().filter(unit=township))
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert locked.wait(10)
        started = time.perf_counter()
        assert rollups.collected(campaign=campaign, root=tree.county_a, children=list(
            Unit.objects.get_children(tree.county_a)), today=seeded.today) is None
        assert time.perf_counter() - started < 3
        client.force_login(users["leader"], backend="accounts.backends.PasswordBackend")
        page = client.get(reverse("dashboards:unit", args=[tree.county_a.pk]))
        live = _live(tree.county_a, campaign, seeded.today).total()
        assert (page.context["f"].study_required, page.context["f"].units) == (live.study_required, live.units)
    finally:
        release.set()
        thread.join()
    assert_same(tree.county_a, campaign, seeded.today)  # and once the writer is gone, the rows again
