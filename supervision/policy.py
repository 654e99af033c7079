"""R1.3: the escalation ladder's timing, read from the campaign's policy (X2: days are data, not code)."""
from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import ngettext

from campaign.models import Campaign

from .models import EscalationStep, StepKind, SupervisionCard

#: The campaign field holding the days before each rung (counted from the due date for the
#: reminder, and from the day the previous rung took effect for the others).
STEP_DAYS_FIELD = {
    StepKind.REMINDER: "escalation_reminder_days",
    StepKind.LETTER: "escalation_letter_days",
    StepKind.INTERVIEW: "escalation_interview_days",
    StepKind.ACCOUNTABILITY: "escalation_accountability_days",
}


def last_step(steps: Sequence[EscalationStep]) -> EscalationStep | None:
    return max(steps, key=lambda s: s.step, default=None)


def next_rung(steps: Sequence[EscalationStep]) -> StepKind | None:
    """The rung after the steps taken; ``None`` at the top, or while the last one is not in effect
    (awaiting approval, refused or withdrawn: the ladder waits for, or stops at, a leader's word)."""
    last = last_step(steps)
    if last is None:
        return StepKind.REMINDER
    if last.step == StepKind.ACCOUNTABILITY or not last.in_effect:
        return None
    return StepKind(last.step + 1)


def next_step_due(card: SupervisionCard, steps: Sequence[EscalationStep], campaign: Campaign
                  ) -> tuple[StepKind, datetime.date] | None:
    """R1.3 the next rung of an overdue card and the day it falls due under the campaign's policy."""
    rung = next_rung(steps)
    if rung is None:
        return None
    start = card.due_date if rung == StepKind.REMINDER else last_step(steps).effective_on
    return rung, start + datetime.timedelta(days=getattr(campaign, STEP_DAYS_FIELD[rung]))


def overdue_reason(card: SupervisionCard, today: datetime.date) -> str:
    """R1.3 why the overdue sweep took a rung, stored with the step in the active language: the card, its due
    date as that language writes dates (2014年4月30日) and the days since, one day said as one."""
    days = card.days_overdue(today)
    return ngettext("Card %(number)s was due on %(date)s and is %(days)s day overdue.",
                    "Card %(number)s was due on %(date)s and is %(days)s days overdue.", days) % {
        "number": card.number, "date": date_format(card.due_date), "days": days}


#: R1.2 the eight special rectifications (八个专项整治) of the second batch's drive to correct conduct
#: and enforce discipline (正风肃纪): the defaults each campaign starts from; an office may edit them.
DEFAULT_RECTIFICATIONS: tuple[tuple[str, str], ...] = (
    ("整治“庸懒散奢”等不良风气", "门难进、脸难看、事难办，工作推诿扯皮、敷衍塞责，上班迟到早退、吃空饷等问题。"),
    ("整治软弱涣散基层党组织", "班子不团结、战斗力不强、长期不开展组织生活、带头人不胜任等问题。"),
    ("整治联系服务群众“最后一公里”问题", "便民服务不到位、办事程序繁琐、服务窗口作风不实等问题。"),
    ("整治基层干部吃拿卡要、优亲厚友、与民争利", "在低保、救灾救济、危房改造等工作中优亲厚友、吃拿卡要等问题。"),
    ("整治教育乱收费", "违规收取择校费、补课费，强制征订教辅资料等问题。"),
    ("整治医药购销和医疗服务中的不正之风", "收受回扣、红包，过度检查、过度医疗等问题。"),
    ("整治征地拆迁和涉农资金管理使用中侵害群众利益问题", "违规征地拆迁、克扣截留挪用涉农补贴资金等问题。"),
    ("整治执法不公和乱收费、乱罚款、乱摊派", "执法不公、执法不严、选择性执法，以及向企业和群众乱收费、乱罚款、乱摊派等问题。"),
)
