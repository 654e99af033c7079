"""Demo records of supervision (R1.3, R4.3): a group of 石家庄市 and cards in every state.

The group is sent by 石家庄市's leading group, led by the demo user ``supervisor`` and assigned
正定县, 长安区 and 平山县. Its cards cover every state a newcomer should see at once: waiting for a
signature, signed, answered and waiting for verification, sent back, closed, an extension waiting
for a decision, overdue ones — one at the reminder, one at the letter step, and one whose interview
of the top leader awaits the approval of the demo user ``leader``. Everything goes through the
services, dated relative to ``today``.
"""
from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from units.models import Unit

from .models import StepKind, SupervisionGroup
from .services import cards as card_services
from .services import escalation as escalation_services

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
    """R1.3, R4.3 the demo group, its cards in every state and an escalation ladder at each rung.

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
            escalation_services.step_take(
                card=card, kind=kind, automatic=True, today=day(when),
                reason=f"{card.number}于{card.due_date:%Y-%m-%d}到期，逾期{(day(when) - card.due_date).days}天未反馈整改情况。")
            steps += 1
        cards.append(card)
    return {"supervision_groups": 1, "supervision_cards": len(cards), "escalation_steps": steps}


def build_all(*, scale: str, today: datetime.date, seed: int) -> dict[str, int]:
    """The hook ``demo_data`` calls after the campaign's demo: supervision on the current campaign."""
    from campaign.models import Campaign

    campaign = Campaign.objects.current()
    if campaign is None:
        return {}
    return build(campaign=campaign, today=today, rng=random.Random(seed))
