"""The world of the cross-subtree matrix (R0.1, issue 10 item 3): what 迁安市 (county B) holds, and the
shared relations through which 正定县 (county A) could reach it.

``build()`` makes, in order:

1. the small tree, its role users, the campaign, and the county-A-bound requesters (office, liaison,
   supervisor, leader of 正定县);
2. the *hubs* county A legitimately sees: a provincial group assigned 正定县 **and** 迁安市, 石家庄市's group
   assigned 正定县 only, a provincial notice sent to both counties, a provincial liaison meeting attended by
   both counties' liaisons;
3. a snapshot of every table's primary keys;
4. county B's records: every page of the URL × role walk (``tests/walk``) built a second time on a
   *mirrored* tree, where 石家庄市/正定县/正定镇 are replaced by 唐山市/迁安市/迁安镇 and 唐山市 by a third city
   (保定市) — so each kind of record a walked page shows exists for 迁安市 too, built by the walk's own
   builders (services, mostly) and new pages come along with their walk row; then what hangs off the hubs:
   the provincial group's card for 迁安市 (extension, answer with evidence, escalation steps) and spot
   check there, a cross inspection by 石家庄市's group into 迁安市 and 迁安镇 with a finding, 迁安市's action
   item on the provincial liaison meeting, a notification to 迁安市's liaison;
5. ``objects``: for each model, the rows created in step 4, plus 迁安市's units and cadres.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.factories import CadreFactory, Tree, add, build_tree, user_with_role
from units.models import Level, Rank, UnitKind

#: The roles bound in county A that the matrix walks (``county_office`` and ``liaison`` as in conftest,
#: plus a supervisor and a leader whose roles sit on 正定县).
REQUESTERS = {
    "county_office": ("office", "county_a"),
    "liaison": ("liaison", "county_a"),
    "supervisor_a": ("supervisor", "county_a"),
    "leader_a": ("leader", "county_a"),
}


@dataclass
class MirrorCtx:
    """The walk's ``Ctx`` (tests/walk), on a tree seen from the other side."""

    tree: Tree
    campaign: object
    users: dict
    calendar_day: object = None


@dataclass
class World:
    tree: Tree
    campaign: object
    users: dict  # the requesters and the conftest role users
    hubs: dict  # name → object county A sees on purpose
    objects: dict = field(default_factory=dict)  # model label → [county B rows]
    errors: dict = field(default_factory=dict)  # walked page → why its county-B twin could not be built


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _pks() -> dict:
    return {m._meta.label: set(m._base_manager.values_list("pk", flat=True)) for m in apps.get_models()}


def _mirror(tree: Tree, users: dict, campaign) -> MirrorCtx:
    """The tree as 迁安市 sees it: its walked records then belong to 唐山市, 迁安市 and 迁安镇."""
    zunhua = add(tree.city_b, name="遵化市", code="130281", level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    village = add(tree.township_b, name="迁安村", code="130283001001", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    city_c = add(tree.province, name="保定市", code="130600", level=Level.CITY, kind=UnitKind.PARTY_COMMITTEE)
    county_c = add(city_c, name="涿州市", code="130681", level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    township_c = add(county_c, name="涿州镇", code="130681001", level=Level.TOWNSHIP, kind=UnitKind.GRASSROOTS)
    # the tree is sorted: a sibling added before a unit renumbers its path, so read every unit again
    for unit in (*(getattr(tree, f) for f in ("province", "city_a", "county_a", "county_a2", "township_a",
                                               "village_a", "city_b", "county_b", "township_b")),
                 zunhua, village, city_c, county_c, township_c):
        unit.refresh_from_db()
    cadre_c = CadreFactory(unit=county_c, name="孙涿州", post="市委书记", rank=Rank.COUNTY, is_top_leader=True,
                           is_team_member=True, is_party_secretary=True)
    mirrored = replace(tree, city_a=tree.city_b, county_a=tree.county_b, county_a2=zunhua,
                       township_a=tree.township_b, village_a=village, city_b=city_c, county_b=county_c,
                       township_b=township_c, cadre_a=tree.cadre_b, cadre_b=cadre_c)
    mirror_users = dict(users) | {
        "city_office": user_with_role("b_city_office", "office", tree.city_b),
        "county_office": users["county_office_b"],
        "county_office_b": user_with_role("c_county_office", "office", county_c),
        "supervisor": user_with_role("b_supervisor", "supervisor", tree.city_b),
        "liaison": user_with_role("b_liaison", "liaison", tree.county_b),
    }
    return MirrorCtx(tree=mirrored, campaign=campaign, users=mirror_users)


def _hubs(tree: Tree, users: dict, campaign) -> dict:
    from campaign.models import LiaisonMeeting, LiaisonTask, Notice, NoticeRecipient
    from supervision.models import SupervisionGroup

    prov_supervisor = user_with_role("prov_supervisor", "supervisor", tree.province)
    shared = SupervisionGroup.objects.create(leading_unit=tree.province, name="省委第三督导组", card_prefix="冀督卡",
                                             leader=prov_supervisor, phone="0311-87000003")
    shared.units.set([tree.county_a, tree.county_b])
    group_a = SupervisionGroup.objects.create(leading_unit=tree.city_a, name="市委第二督导组", card_prefix="石二督卡",
                                              leader=users["supervisor"], phone="0311-86000002")
    group_a.units.set([tree.county_a])
    notice = Notice.objects.create(issuer=tree.province, number="冀群组发〔2014〕3号", title="关于报送学习情况的通知",
                                   body="请两县按时报送。", issued_on=datetime.date(2014, 4, 2))
    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, unit=unit)
                                         for unit in (tree.county_a, tree.county_b)])
    meeting = LiaisonMeeting.objects.create(campaign=campaign, unit=tree.province, date=datetime.date(2014, 4, 28),
                                            title="全省联络员会议")
    meeting.attendees.set([users["liaison"]])
    LiaisonTask.objects.create(meeting=meeting, text="正定县报送学习台账", owner_unit=tree.county_a,
                               due_date=datetime.date(2014, 5, 2))
    return {"shared_group": shared, "group_a": group_a, "notice": notice, "liaison_meeting": meeting,
            "prov_supervisor": prov_supervisor}


def _county_b_on_hubs(tree: Tree, users: dict, hubs: dict, campaign, b_liaison) -> None:
    """What hangs off the hubs about 迁安市 only."""
    from campaign.models import LiaisonTask
    from campaign.services.notifications import notify
    from supervision.models import StepKind
    from supervision.services import cards, checks, escalation, inspections

    today = campaign.start_date
    lead = hubs["prov_supervisor"]
    card = cards.card_issue(user=lead, group=hubs["shared_group"], unit=tree.county_b, problems=["awareness"],
                            facts="迁安市为赶进度压缩学习时间", required_actions="补课",
                            due_date=today + datetime.timedelta(days=10), today=today)
    cards.extension_request(user=b_liaison, card=card, reason="需要时间", today=today,
                            requested_due_date=today + datetime.timedelta(days=20))
    cards.card_sign(user=b_liaison, card=card, today=today)
    cards.card_answer(user=b_liaison, card=card, text="迁安市已整改", today=today, files=[_pdf("迁安整改.pdf")])
    escalation.step_take(card=card, kind=StepKind.REMINDER, reason="提醒迁安市", user=lead, today=today,
                         document=_pdf("迁安提醒函.pdf"))
    escalation.step_take(card=card, kind=StepKind.LETTER, reason="写信", user=lead, today=today)
    escalation.step_take(card=card, kind=StepKind.INTERVIEW, reason="约谈", user=lead, today=today)
    checks.spot_check_record(user=lead, group=hubs["shared_group"], unit=tree.county_b, department="迁安市财政局",
                             posts="局长", checked_on=today, findings=[("迁安市公务接待超标", "")])
    real_today = datetime.date.today()
    plan = inspections.cross_plan_save(
        user=users["prov_office"], group=hubs["group_a"], title="跨区互查迁安", campaign=campaign,
        start_date=real_today - datetime.timedelta(days=1), end_date=real_today + datetime.timedelta(days=10),
        targets=[tree.county_b, tree.township_b])
    inspections.cross_finding_record(user=users["supervisor"], target=plan.targets.get(unit=tree.county_b),
                                     result="problem", finding="迁安市为赶进度压缩学习时间", failings=["two_skins"])
    LiaisonTask.objects.create(meeting=hubs["liaison_meeting"], text="迁安市报送学习台账", owner_unit=tree.county_b,
                               due_date=datetime.date(2014, 5, 2))
    notify(user_ids=[b_liaison.pk], title="迁安市的提醒")


def build() -> World:
    from campaign.models import CalendarDay
    from campaign.services.campaign import campaign_create, obligations_generate
    from tests.conftest import ROLE_USERS
    from tests.walk import collect

    tree = build_tree()
    users = {name: user_with_role(name, role, getattr(tree, unit) if unit else None)
             for name, (role, unit) in ROLE_USERS.items()}
    users |= {name: user_with_role(name, role, getattr(tree, unit)) for name, (role, unit) in REQUESTERS.items()
              if name not in users}
    campaign = campaign_create()
    obligations_generate(campaign=campaign)
    hubs = _hubs(tree, users, campaign)

    before = _pks()
    mirror = _mirror(tree, users, campaign)
    mirror.calendar_day = CalendarDay.objects.create(date=datetime.date(2014, 10, 1), kind="holiday", name="国庆节")
    world = World(tree=tree, campaign=campaign, users=users, hubs=hubs)
    pages, _ = collect()
    for name, (kwargs_of, _expected) in sorted(pages.items()):
        try:
            with transaction.atomic():  # a savepoint: a builder that fails leaves the others' rows intact
                kwargs_of(mirror)
        except Exception as exc:  # an area's builder in flux must not hide every other page
            world.errors[name] = f"{type(exc).__name__}: {exc}"
    _county_b_on_hubs(tree, users, hubs, campaign, mirror.users["liaison"])
    after = _pks()

    world.objects = {label: sorted(after[label] - before[label]) for label in after if after[label] - before[label]}
    # 迁安市 itself, its township and its cadres existed before: they are county B's too
    Unit, Cadre = apps.get_model("units", "Unit"), apps.get_model("units", "Cadre")
    b_units = list(Unit.objects.filter(path__startswith=tree.county_b.path).values_list("pk", flat=True))
    world.objects["units.Unit"] = b_units
    world.objects["units.Cadre"] = sorted(set(world.objects.get("units.Cadre", []))
                                          | set(Cadre.objects.filter(unit__in=b_units).values_list("pk", flat=True)))
    # a token is its owner's: the walk's account page gives every user of the mirrored world one, and the
    # requesters' own tokens among them are theirs to see, not county B's
    ApiToken = apps.get_model("api", "ApiToken")
    world.objects["api.ApiToken"] = sorted(
        ApiToken.objects.filter(pk__in=world.objects.get("api.ApiToken", []))
        .exclude(user__in=[users[name] for name in REQUESTERS]).values_list("pk", flat=True))
    # …and so are the obligations generated for them when the campaign began (issue 14: the API lists them)
    Obligation = apps.get_model("campaign", "Obligation")
    world.objects["campaign.Obligation"] = sorted(
        set(world.objects.get("campaign.Obligation", []))
        | set(Obligation.objects.filter(unit__in=b_units).values_list("pk", flat=True)))
    return world
