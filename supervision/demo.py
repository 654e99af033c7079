"""Demo records of supervision (R1.1–R1.3, R3.3, R4.3, R5.3, R5.4): a group of 石家庄市, cards in every
state, dispatches, the three checks, special and cross inspections, and the key contacts they make.

The group is sent by 石家庄市's leading group, led by the demo user ``supervisor`` and assigned
正定县, 长安区 and 平山县. Its cards cover every state a newcomer should see at once: waiting for a
signature, signed, answered and waiting for verification, sent back, closed, an extension waiting
for a decision, overdue ones — one at the reminder, one at the letter step, and one whose interview
of the top leader awaits the approval of the demo user ``leader``. Beside them: dispatches of top
leaders (a follow-up overdue), 正定县's verified self-check with a disputed item, spot checks (a finding
made into a card), a special inspection that makes 平山县 a focus unit, a running incomplete cross
inspection into 唐山市 and an earlier one reported. Everything goes through the services, dated
relative to ``today``.
"""
from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from units.models import Cadre, Level, Rank, Unit

from . import policy
from .models import StepKind, SupervisionGroup
from .selectors.attention import key_contact_unit_ids
from .services import cards as card_services
from .services import checks as check_services
from .services.common import site_language
from .services import dispatch as dispatch_services
from .services import escalation as escalation_services
from .services import inspections as inspection_services

GROUP_UNITS = ("130123", "130102", "130131")  # 正定县, 长安区, 平山县

FACTS = {
    "awareness": "县委常委会研究教育实践活动仅一次，主要负责同志对活动重要性认识不足，存在“过关”思想。",
    "study": "专题学习以读文件为主，班子成员交流发言照本宣科，未结合本单位实际谈体会。",
    "opinions": "征求意见座谈会参加人员以机关干部为主，服务对象和基层群众代表偏少，意见梳理不细。",
    "progress": "所属乡镇进度不一，部分村尚未开展集体学习讨论。",
    "two_skins": "活动与中心工作“两张皮”，台账材料齐全但群众反映的实际问题未见解决。",
    "poor_rectification": "上次督导指出的公车私用问题整改不到位，仍有车辆未按规定封存。",
    "rushing": "为赶进度压缩学习时间，专题民主生活会准备不充分。",
}
ACTIONS = "一、主要负责同志亲自研究部署，补上相关环节；二、逐项列出整改措施、责任人和时限；三、整改情况及佐证材料按期报督导组。"


def _evidence(name: str) -> ContentFile:
    # a small real PDF (the type check reads the first bytes)
    return ContentFile(b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name=name)


def build(*, campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """R1.1–R1.3, R3.3, R4.3, R5.3, R5.4 the demo group, its cards in every state, an escalation ladder at
    each rung, and the dispatches, checks and inspections around them.

    The records are fixed (``rng`` is accepted for the common interface): each state appears once,
    so a tester knows what to look for. Needs the demo accounts; without them it writes nothing.
    """
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["supervisor", "liaison", "leader"])}
    supervisor, liaison = users.get("supervisor"), users.get("liaison")
    if supervisor is None or liaison is None:
        return {}
    units = {u.code: u for u in Unit.objects.filter(code__in=("130100", *GROUP_UNITS))}
    zhengding, changan, pingshan = (units[c] for c in GROUP_UNITS)
    group = SupervisionGroup.objects.create(
        leading_unit=units["130100"], leading_group_name="中共石家庄市委党的群众路线教育实践活动领导小组",
        name="石家庄市委第一督导组", card_prefix="石督卡", leader=supervisor,
        office_address="石家庄市长安区中山东路 39 号市委大院 3 号楼 210 室",
        phone="0311-86685210", email="sjzdd1@example.gov.cn",
        letters_and_visits="来信请寄：石家庄市长安区中山东路 39 号 石家庄市委第一督导组（邮编 050011），信封注明“教育实践活动”。\n"
                           "来访接待：工作日上午 9:00—11:30，下午 15:00—17:30，请携带身份证件。")
    group.members.add(supervisor)
    group.units.set([zhengding, changan, pingshan])

    def day(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    def issue(unit, problems, *, issued: int, due: int):
        return card_services.card_issue(
            user=supervisor, group=group, unit=unit, problems=problems, campaign=campaign, today=day(issued),
            facts="".join(FACTS[p] for p in problems if p in FACTS) or FACTS["study"],
            required_actions=ACTIONS, due_date=day(due))

    def sign_and_answer(card, *, signed: int, answered: int, text: str):
        card_services.card_sign(user=liaison, card=card, today=day(signed))
        card_services.card_answer(user=liaison, card=card, text=text, today=day(answered),
                                  files=[_evidence("整改情况报告.pdf")])

    cards = []
    # waiting for a signature (the demo liaison of 正定县 can sign one), and for 长安区 and 平山县
    cards.append(issue(zhengding, ["study"], issued=-1, due=7))
    cards.append(issue(changan, ["atmosphere", "opinions"], issued=-2, due=12))
    cards.append(issue(pingshan, ["progress"], issued=-5, due=9))
    # signed, with an extension request waiting for the group's decision
    extended = issue(zhengding, ["rushing"], issued=-6, due=3)
    card_services.card_sign(user=liaison, card=extended, today=day(-5))
    card_services.extension_request(user=liaison, card=extended, requested_due_date=day(10), today=day(-1),
                                    reason="需待县委常委会专题研究后落实，申请延期一周。")
    cards.append(extended)
    # answered, waiting for the group's verification
    answered = issue(zhengding, ["study", "two_skins"], issued=-15, due=2)
    sign_and_answer(answered, signed=-14, answered=-1,
                    text="已重新组织县委理论学习中心组专题学习两次，班子成员逐一撰写发言提纲并在会上交流，附会议记录。")
    cards.append(answered)
    # sent back with reasons
    returned = issue(zhengding, ["poor_rectification"], issued=-20, due=-6)
    sign_and_answer(returned, signed=-19, answered=-8, text="已下发通知要求各单位封存公车。")
    card_services.card_verify(user=supervisor, card=returned, accept=False, today=day(-4), new_due_date=day(5),
                              reason="只下发了通知，未见封存清单和核查记录，请补充佐证材料。")
    cards.append(returned)
    # closed after verification
    closed = issue(zhengding, ["opinions"], issued=-30, due=-15)
    sign_and_answer(closed, signed=-29, answered=-17, text="补充召开服务对象、基层群众代表座谈会 3 场，新征集意见 46 条，已分类梳理。")
    card_services.card_verify(user=supervisor, card=closed, accept=True, today=day(-16), reason="整改到位，同意销号。")
    cards.append(closed)
    # overdue: at the reminder (长安区), at the letter (平山县), interview awaiting the leader (正定县)
    reminded = issue(changan, ["awareness"], issued=-12, due=-3)
    overdue_letter = issue(pingshan, ["two_skins", "following_crowd"], issued=-25, due=-10)
    overdue_interview = issue(zhengding, ["awareness", "poor_rectification"], issued=-35, due=-20)
    card_services.card_sign(user=liaison, card=overdue_interview, today=day(-34))
    ladder = [(reminded, [(StepKind.REMINDER, -2)]),
              (overdue_letter, [(StepKind.REMINDER, -9), (StepKind.LETTER, -3)]),
              (overdue_interview, [(StepKind.REMINDER, -19), (StepKind.LETTER, -16), (StepKind.INTERVIEW, -11)])]
    steps = 0
    for card, rungs in ladder:
        for kind, when in rungs:
            card.refresh_from_db()
            with site_language():  # as the overdue sweep words it, in the portal's language
                reason = policy.overdue_reason(card, day(when))
            escalation_services.step_take(card=card, kind=kind, automatic=True, today=day(when), reason=reason)
            steps += 1
        cards.append(card)
    counts = {"supervision_groups": 1, "supervision_cards": len(cards), "escalation_steps": steps}
    people = {**users, **{u.username: u for u in User.objects.filter(username__in=["prov_office", "city_office"])}}
    if "prov_office" in people and "city_office" in people:
        counts.update(_dispatches(campaign=campaign, people=people, units=units, day=day))
        counts.update(_three_checks(campaign=campaign, people=people, units=units, group=group, day=day))
        counts["supervision_cards"] += counts.pop("cards_from_findings")
        counts.update(_inspections(campaign=campaign, people=people, units=units, day=day))
        counts.update(_cross_inspections(campaign=campaign, people=people, group=group, day=day))
    counts["key_contact_units"] = len(key_contact_unit_ids(campaign=campaign))
    return counts


def _dispatches(*, campaign, people, units, day) -> dict[str, int]:
    """R1.1 石家庄市's office dispatched its counties' top leaders (one follow-up overdue, one done);
    the provincial office dispatched 石家庄市's."""
    city, prov = people["city_office"], people["prov_office"]
    zhengding, changan, pingshan = (units[c] for c in GROUP_UNITS)
    record = dispatch_services.dispatch_record
    record(user=city, unit=zhengding, campaign=campaign, today=day(-12), date=day(-12), way="meeting",
           attitudes=["wait_and_see"],
           findings="县委书记对活动部署较多、亲自督促较少，存在等上级要求再推进的观望情绪；乡镇一级学习安排滞后。",
           follow_up="县委书记主持召开常委会专题研究活动推进，一周内报送推进方案。", follow_up_due=day(-5))
    done = record(user=city, unit=pingshan, campaign=campaign, today=day(-20), date=day(-20), way="on_site",
                  attitudes=["complacency", "fear_of_difficulty"],
                  findings="主要负责同志认为上半年工作基础好，对查摆问题存在畏难情绪，征求意见面窄。",
                  follow_up="扩大征求意见范围，补充召开服务对象座谈会。", follow_up_due=day(-10))
    dispatch_services.dispatch_update(
        user=city, dispatch=done, today=day(-9), date=done.date, way=done.way, findings=done.findings,
        attitudes=["complacency", "fear_of_difficulty"], follow_up=done.follow_up, follow_up_due=done.follow_up_due,
        follow_up_done_on=day(-9), follow_up_result="已补充召开座谈会 2 场，新征集意见 31 条。")
    record(user=city, unit=changan, campaign=campaign, today=day(-2), date=day(-2), way="phone", attitudes=[],
           findings="区委书记亲自抓学习教育，进度与质量均符合要求，未发现自满、观望、畏难情绪。")
    record(user=prov, unit=units["130100"], campaign=campaign, today=day(-6), date=day(-6), way="phone",
           attitudes=["complacency"], findings="市委对所属县区进度不平衡的情况掌握不够，满足于面上推进。",
           follow_up="逐县区排查进度，报送进度不平衡单位名单。", follow_up_due=day(4))
    return {"dispatches": 4}


def _three_checks(*, campaign, people, units, group, day) -> dict[str, int]:
    """R1.2 正定县's self-check verified (one item disputed, one left), 长安区's awaiting verification;
    the group's spot checks, one finding already made into a card."""
    items = check_services.rectification_items_for(campaign)
    zhengding, changan, pingshan = (units[c] for c in GROUP_UNITS)
    found = {1: ("rectified", "清理在编不在岗人员 3 名，已停发工资。"),
             3: ("problem", "县政务服务中心部分窗口一次性告知不到位，正在修订办事指南。"),
             7: ("problem", "个别乡镇涉农补贴公示不及时，已责令限期公示。")}
    answers = {i.pk: found.get(i.order, ("no_problem", "")) for i in items}
    check = check_services.self_check_submit(user=people["liaison"], unit=zhengding, campaign=campaign,
                                             answers=answers, today=day(-10))
    entries = {e.item.order: e for e in check.entries.select_related("item")}
    verdicts = {e.pk: ("confirmed", "") for order, e in entries.items() if order not in (3, 8)}
    verdicts[entries[3].pk] = ("disputed", "抽查发现窗口仍存在“来回跑”现象，整改措施不具体，请补充。")
    check_services.self_check_verify(user=people["city_office"], self_check=check, verdicts=verdicts, today=day(-6))
    check_services.self_check_submit(user=people["city_office"], unit=changan, campaign=campaign, today=day(-3),
                                     answers={i.pk: ("no_problem", "") for i in items})
    supervisor = people["supervisor"]
    spot = check_services.spot_check_record(
        user=supervisor, group=group, unit=zhengding, department="县国土资源局", posts="局长、财务科长、办公室主任",
        checked_on=day(-8), summary="查阅 2014 年以来公务接待、公车使用台账和财务凭证。", today=day(-8),
        findings=[("2014 年 3 月公务接待 3 次超出标准，陪餐人数超过规定。", ""),
                  ("局长 1 次使用公车办私事，未按规定登记。", "")])
    check_services.spot_check_record(user=supervisor, group=group, unit=pingshan, department="县财政局",
                                     posts="局长、预算股长", checked_on=day(-4), today=day(-4),
                                     summary="抽查“三公”经费支出，未发现违反八项规定问题。")
    finding = spot.findings.order_by("pk").last()
    check_services.spot_finding_make_card(
        user=supervisor, finding=finding, unit=zhengding, problems=["awareness"], today=day(-7),
        facts=f"抽查县国土资源局：{finding.text}", required_actions="一、对违规使用公车问题严肃处理；二、健全公车使用登记制度。",
        due_date=day(6))
    return {"self_checks": 2, "spot_checks": 2, "cards_from_findings": 1}


def _inspections(*, campaign, people, units, day) -> dict[str, int]:
    """R3.3 a provincial special inspection over three counties (problems at 平山县: a focus unit) and
    a city one over 长安区."""
    prov, city = people["prov_office"], people["city_office"]
    zhengding, changan, pingshan = (units[c] for c in GROUP_UNITS)
    province = Unit.objects.get(code="130000")
    # a county of 石家庄市 beside the group's three, whichever the demo scale has
    neighbour = (Unit.objects.filter(path__startswith=units["130100"].path, level=Level.COUNTY)
                .exclude(code__in=GROUP_UNITS).order_by("code").first())
    # a department-level cadre, as near the provincial office as the demo has one
    department = Cadre.objects.filter(rank=Rank.DEPARTMENT, is_top_leader=False)
    leader = department.order_by("unit__depth", "unit__path", "pk").first()
    city_leader = department.filter(unit=units["130100"]).order_by("pk").first()
    count = 0
    if leader is not None:
        inspection = inspection_services.inspection_create(
            user=prov, campaign=campaign, title="第二批活动学习教育、听取意见环节专题调研检查（石家庄片）",
            organising_unit=province, leader=leader, units=[u for u in (zhengding, pingshan, neighbour) if u],
            start_date=day(-9),
            end_date=day(5), topic="学习教育是否深入、征求意见是否扎实、一把手是否亲自抓。", today=day(-9))
        rows = {r.unit_id: r for r in inspection.rows.all()}
        inspection_services.inspection_finding_record(
            user=prov, row=rows[pingshan.pk], result="problem", failings=["following_crowd"], today=day(-4),
            finding="照搬上级方案，未结合本县实际；部分乡镇学习材料雷同，存在随大流现象。")
        if neighbour is not None:
            inspection_services.inspection_finding_record(
                user=prov, row=rows[neighbour.pk], result="clear", today=day(-3),
                finding=f"{neighbour.name}学习安排扎实，征求意见覆盖服务对象和基层群众代表，未发现明显问题。")
        count += 1
    if city_leader is not None:
        inspection = inspection_services.inspection_create(
            user=city, campaign=campaign, title="市委活动办专题调研检查（长安区）", organising_unit=units["130100"],
            leader=city_leader, units=[changan], start_date=day(-5), end_date=day(2), today=day(-5))
        inspection_services.inspection_finding_record(
            user=city, row=inspection.rows.get(), result="clear", today=day(-2),
            finding="区委常委会带头学习，各环节按计划推进。")
        count += 1
    return {"special_inspections": count}


def _cross_inspections(*, campaign, people, group, day) -> dict[str, int]:
    """R5.3 the provincial office sends the group across to 唐山市: a plan running now (the township not yet
    verified: incomplete), and an earlier one complete and reported."""
    prov, supervisor = people["prov_office"], people["supervisor"]
    tangshan = Unit.objects.get(code="130200")
    counties = list(Unit.objects.filter(path__startswith=tangshan.path, level=Level.COUNTY).order_by("code"))
    qianan = next((c for c in counties if c.code == "130283"), None)
    other = next((c for c in counties if c.code != "130283"), None)
    plans = 0
    for county, start, end in ((qianan, -3, 7), (other, -40, -30)):
        township = (Unit.objects.filter(path__startswith=county.path, level=Level.TOWNSHIP).order_by("path").first()
                    if county else None)
        if township is None:
            continue
        plan = inspection_services.cross_plan_save(
            user=prov, group=group, campaign=campaign, title=f"{group.name}赴{county.name}交叉互查",
            start_date=day(start), end_date=day(end), targets=[county, township], today=day(start - 2))
        targets = {t.unit_id: t for t in plan.targets.all()}
        inspection_services.cross_finding_record(
            user=supervisor, target=targets[county.pk], result="problem", failings=["rushing"], today=day(start + 2),
            finding=f"{county.name}为赶进度压缩学习时间，征求意见环节一周完成，个别乡镇台账后补。")
        plans += 1
        if end < 0:
            inspection_services.cross_finding_record(
                user=supervisor, target=targets[township.pk], result="clear", today=day(start + 4),
                finding=f"{township.name}集体学习讨论、专题教育片、党课均已开展，记录完整。")
            inspection_services.cross_close(
                user=supervisor, plan=plan, today=day(end + 1),
                summary=f"剖析{county.name}、核查{township.name}：县级存在盲目赶进度问题，已列为重点联系；乡镇工作扎实。")
    return {"cross_inspections": plans}


def build_all(*, scale: str, today: datetime.date, seed: int) -> dict[str, int]:
    """The hook ``demo_data`` calls after the campaign's demo: supervision on the current campaign."""
    from campaign.models import Campaign

    campaign = Campaign.objects.current()
    if campaign is None:
        return {}
    return build(campaign=campaign, today=today, rng=random.Random(seed))
