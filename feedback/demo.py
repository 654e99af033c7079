"""R4 demo records for the tree of ``demo_data``, made after the campaign demo (it needs its campaign).

Messages in every state of the pipeline (waiting for triage, forwarded, overdue, answered, published,
rejected, merged) for 正定县's, 石家庄市's and 迁安市's offices, letters and visits received by the
supervision group, the overdue reminders the sweep sends, last week's digest of each office, opinion
sessions with groups left out, and field research stays of 石家庄市's top leaders — some short.
Messages go through the services (routing, tracking codes, due dates); their timestamps are then moved
back to the days the steps happened, which no service can do.
"""
from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from campaign.models import Campaign
from units.models import Cadre, Level, Unit

from . import policy
from .models import Channel, EventKind, FieldResearchStay, Message, MessageEvent, OpinionSession, TargetGroup
from .services import digests as digest_services
from .services import messages as services

#: (category, text) — what citizens write about
TEXTS = [
    ("formalism", "镇里一个月开了六次动员会，村干部天天填表报材料，真正入户走访的时间反而少了。"),
    ("formalism", "县里检查评比太多，一项工作要迎接好几拨检查，能不能合并？"),
    ("formalism", "宣传栏里的活动照片都是摆拍的，群众提的意见没有下文。"),
    ("bureaucratism", "到县社保局办退休手续，跑了四趟还没办完，每次都说缺材料，一次性告知制度没有落实。"),
    ("bureaucratism", "镇政府便民服务大厅中午没人值班，外出务工人员回来办事很不方便。"),
    ("bureaucratism", "村里的道路硬化申请报上去半年了，一直说在研究。"),
    ("bureaucratism", "给县长信箱写信反映路灯不亮，三个月没有回音。"),
    ("hedonism", "有干部工作日中午在饭店喝酒，下午上班满身酒气。"),
    ("hedonism", "听说某局领导周末用公车接送家人去郊游。"),
    ("extravagance", "镇政府刚装修完的办公室又要重新装修，群众看了有意见。"),
    ("extravagance", "村委会换届后大摆宴席，花的是集体的钱。"),
    ("extravagance", "县里举办的节庆活动规模太大，搭的舞台用一天就拆了。"),
    ("other", "建议在村里设一个固定的意见箱，定期公开处理结果。"),
    ("other", "希望县医院增加周末门诊，方便上班族看病。"),
]
ANSWERS = [
    "经核查，反映情况基本属实。已责成相关单位立即整改，精简会议文件，严格控制检查评比，整改情况将在县政府网站公开。",
    "已对窗口工作人员进行批评教育，全面落实首问负责制和一次性告知制度，并设立“办不成事”反映窗口。",
    "经调查，相关人员违反中央八项规定精神，已给予党内警告处分，并在全县通报。",
    "已将该项目列入今年民生实事计划，预计年内完工，请群众监督。",
]
REJECT_REASONS = [
    "所反映问题属民事纠纷，不属于教育实践活动受理范围，请向当地人民法院或司法所咨询。",
    "所反映问题属于其他县（市、区），已告知来信人向当地活动办公室反映。",
]
LETTER_TEXTS = [
    (Channel.LETTER, "extravagance", "来信反映某乡镇违规新建办公楼，面积严重超标。"),
    (Channel.VISIT, "bureaucratism", "来访群众反映低保评定不公开、不透明，要求公示评定结果。"),
    (Channel.LETTER, "hedonism", "来信反映个别干部出入私人会所。"),
    (Channel.VISIT, "formalism", "来访群众反映村里“两委”班子很少开会研究群众关心的事。"),
]
OPINION_FORMS = ["座谈会", "个别谈话", "问卷调查", "入户走访", "设置意见箱"]
OPINION_SUMMARIES = [
    "会议多、文件多，基层干部陷于事务；办事程序繁琐，群众跑腿多。",
    "希望领导干部多下基层，少在办公室听汇报。",
    "建议公开办事流程和收费标准，接受群众监督。",
    "部分干部作风漂浮，对群众反映的问题推诿扯皮。",
]
FINDINGS = [
    "村集体经济薄弱，道路和饮水问题突出；帮助理清发展思路，协调解决安全饮水工程。",
    "村“两委”班子软弱涣散，党员作用发挥不够；督促整顿班子，建立党员联系户制度。",
    "群众反映看病难、上学远；与县卫生、教育部门现场办公，提出解决方案。",
]


#: how long ago messages in each state arrived (days): recent ones wait, old ones are done or late
DAYS_AGO = {"received": (0, 6), "forwarded": (2, 6), "overdue": (20, 30), "answered": (6, 12),
            "published": (8, 30), "rejected": (3, 20)}


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _backdate(message: Message, steps: dict[str, datetime.date]) -> None:
    """Move the timestamps of the steps that happened to the days they happened."""
    fields = {"created_at": _aware(steps[EventKind.RECEIVED], 9)}
    for kind, field_name in ((EventKind.FORWARDED, "forwarded_at"), (EventKind.ANSWERED, "answered_at"),
                             (EventKind.PUBLISHED, "published_at")):
        if kind in steps:
            fields[field_name] = _aware(steps[kind], 15)
    Message.objects.filter(pk=message.pk).update(**fields)
    for kind, day in steps.items():
        MessageEvent.objects.filter(message=message, kind=kind).update(at=_aware(day, 10))


class _Builder:
    def __init__(self, campaign: Campaign, today: datetime.date, rng: random.Random) -> None:
        self.campaign, self.today, self.rng = campaign, today, rng
        users = get_user_model().objects.in_bulk(field_name="username")
        self.office = {code: users.get(name) for code, name in
                       (("130123", "county_office"), ("130100", "city_office"), ("130283", "county_office_b"),
                        ("130000", "prov_office"))}
        self.liaison = users.get("liaison")
        self.supervisor = users.get("supervisor")
        self.count = 0

    def _answerer(self, unit: Unit):
        if self.liaison is not None and unit.code == "130123":
            return self.liaison
        return self.office.get(policy.office_unit_for(unit).code)

    def message(self, unit: Unit, state: str, days_ago: int, text: tuple[str, str] | None = None,
                channel: str = Channel.BOARD, received_by: Unit | None = None) -> Message:
        """A message about ``unit`` received ``days_ago`` days ago and brought to ``state``."""
        category, body = text or self.rng.choice(TEXTS)
        received = self.today - datetime.timedelta(days=days_ago)
        name, phone = self.rng.choice([("", ""), ("张先生", "13803110000"), ("李女士", "13932100000"), ("", "")])
        message = services.message_submit(
            campaign=self.campaign, unit=unit, category=category, text=body, citizen_name=name, citizen_phone=phone,
            channel=channel, received_by=received_by, received_on=received,
            by=self.supervisor if channel != Channel.BOARD else None)
        office_user = self.office.get(message.office_unit.code)
        steps = {EventKind.RECEIVED: received}
        if state == "rejected":
            services.message_reject(message=message, reason=self.rng.choice(REJECT_REASONS), by=office_user)
            steps[EventKind.REJECTED] = received + datetime.timedelta(days=1)
        elif state in ("forwarded", "overdue", "answered", "published"):
            forwarded_on = received + datetime.timedelta(days=1)
            if state == "overdue":  # forwarded long enough ago for the answer to be late
                forwarded_on = self.today - datetime.timedelta(days=self.campaign.message_answer_working_days * 2)
                steps[EventKind.RECEIVED] = received = min(received, forwarded_on - datetime.timedelta(days=1))
                Message.objects.filter(pk=message.pk).update(received_on=received)
            if message.category != "other" and self.rng.random() < 0.3:
                services.message_classify(message=message, category=message.category, is_notable=True,
                                          by=office_user)
            cadre = (Cadre.objects.filter(unit=unit, is_top_leader=True).first()
                     if message.category == "hedonism" else None)
            services.message_forward(message=message, campaign=self.campaign, unit=unit, cadre=cadre,
                                     today=forwarded_on, by=office_user)
            steps[EventKind.FORWARDED] = forwarded_on
            if state in ("answered", "published"):
                answered_on = min(forwarded_on + datetime.timedelta(days=4), self.today)
                services.message_answer(message=message, text=self.rng.choice(ANSWERS), by=self._answerer(unit))
                steps[EventKind.ANSWERED] = answered_on
                if state == "published":
                    services.message_publish(message=message, text=message.answer, by=office_user)
                    steps[EventKind.PUBLISHED] = min(answered_on + datetime.timedelta(days=1), self.today)
        _backdate(message, steps)
        self.count += 1
        return message


def _messages(builder: _Builder, units: dict[str, Unit], rng: random.Random) -> int:
    county = units["130123"]
    township_ids = list(Unit.objects.filter(path__startswith=county.path, level=Level.TOWNSHIP)
                        .values_list("pk", flat=True))
    villages = list(Unit.objects.filter(path__startswith=county.path, level=Level.VILLAGE).order_by("path")[:40])
    townships = list(Unit.objects.filter(pk__in=township_ids).order_by("path"))
    near = [county, *townships[:4], *rng.sample(villages, min(6, len(villages)))]
    plan = (["received"] * 5 + ["forwarded"] * 4 + ["overdue"] * 4 + ["answered"] * 3 + ["published"] * 6
            + ["rejected"] * 2)
    first = None
    for index, state in enumerate(plan):
        message = builder.message(near[index % len(near)], state, days_ago=rng.randint(*DAYS_AGO[state]))
        first = first or message
    # a duplicate of the first message, merged into it
    duplicate = builder.message(first.unit, "received", days_ago=0, text=(first.category, first.text))
    services.message_merge(message=duplicate, into=first, by=builder.office.get("130123"))
    # 石家庄市's office: 行唐县 has no office of its own; 迁安市's office; the province's for 唐山市
    for code, states in (("130125", ["received", "overdue", "published"]), ("130100", ["received", "answered"]),
                         ("130283", ["received", "forwarded", "overdue", "published"]),
                         ("130200", ["received", "published"])):
        if code in units:
            for state in states:
                builder.message(units[code], state, days_ago=rng.randint(*DAYS_AGO[state]))
    # R4.3 letters and visits received by the city's supervision group
    if "130100" in units:
        targets = [county, *townships[:3]]
        for (channel, category, body), target, state in zip(LETTER_TEXTS, targets,
                                                            ["received", "forwarded", "published", "overdue"]):
            builder.message(target, state, days_ago=rng.randint(*DAYS_AGO[state]), text=(category, body),
                            channel=channel, received_by=units["130100"])
    return builder.count


def _opinions(campaign: Campaign, units: list[Unit], today: datetime.date, rng: random.Random) -> int:
    """R4.2 sessions of each unit with some target groups — most units leave one or more out."""
    start = max(campaign.start_date, today - datetime.timedelta(days=90))
    span = max((today - start).days, 1)
    rows = []
    for unit in units:
        asked = rng.sample(TargetGroup.values, rng.choice([8, 7, 6, 5, 3]))
        for group in asked:
            for _ in range(rng.choice([1, 1, 2])):
                people = rng.randint(6, 60)
                rows.append(OpinionSession(
                    campaign=campaign, unit=unit, target_group=group, form=rng.choice(OPINION_FORMS),
                    held_on=start + datetime.timedelta(days=rng.randrange(span)), people_count=people,
                    opinion_count=rng.randint(1, max(2, people // 3)), summary=rng.choice(OPINION_SUMMARIES)))
    OpinionSession.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _stays(campaign: Campaign, city: Unit, today: datetime.date, rng: random.Random) -> int:
    """R4.1 stays of the city's top leaders at hard units of their area: most long enough, some short,
    some not yet made."""
    minimum = campaign.min_field_research_days
    leaders = list(Cadre.objects.filter(policy.research_required_q(), unit__path__startswith=city.path)
                   .select_related("unit").order_by("unit__path"))
    marked = list(Unit.objects.filter(Q(is_hardest_unit=True) | Q(is_backward_village=True),
                                      path__startswith=city.path).only("pk", "path"))
    villages = list(Unit.objects.filter(path__startswith=city.path, level=Level.VILLAGE).only("pk", "path")[:2000])
    rows = []
    for index, cadre in enumerate(leaders):
        draw = rng.random()
        if index % 7 == 3 or draw < 0.12:
            continue  # not yet
        hosts = ([u for u in marked if u.path.startswith(cadre.unit.path) and u.pk != cadre.unit_id]
                 or [u for u in villages if u.path.startswith(cadre.unit.path)] or marked or villages)
        if not hosts:
            continue
        days = rng.randint(1, minimum - 1) if (index % 7 == 5 or draw < 0.25) and minimum > 1 else \
            rng.randint(minimum, minimum + 3)
        end = today - datetime.timedelta(days=rng.randint(3, 40))
        start = end - datetime.timedelta(days=days - 1)
        rows.append(FieldResearchStay(campaign=campaign, cadre=cadre, host_unit=rng.choice(hosts), start_date=start,
                                      end_date=end, days=days, findings=rng.choice(FINDINGS)))
    FieldResearchStay.objects.bulk_create(rows, batch_size=1000)  # bulk: ``days`` is set above, as save() would
    return len(rows)


def build_all(*, scale: str, today: datetime.date, seed: int) -> dict[str, int]:
    """R4 demo records; returns the counts ``demo_data`` prints. Needs the campaign of the campaign demo."""
    campaign = Campaign.objects.current()
    if campaign is None:
        return {}
    rng = random.Random(seed + 4)
    units = {u.code: u for u in Unit.objects.filter(code__in=["130000", "130100", "130123", "130125", "130200",
                                                               "130283"])}
    if "130123" not in units or "130100" not in units:
        return {}
    builder = _Builder(campaign, today, rng)
    counts = {"messages": _messages(builder, units, rng)}
    counts["overdue_reminders"] = services.messages_flag_overdue(today=today)
    # last week's digest of each office that has messages in its queue, as the weekly sweep makes it; the
    # other offices' (empty) digests are left to the sweep: at province scale they were 200 empty PDFs and
    # workbooks, a sixth of the load's time (issue 13)
    year, week, _weekday = (today - datetime.timedelta(days=today.isoweekday())).isocalendar()
    queues = set(Message.objects.values_list("office_unit_id", flat=True))
    counts["digests"] = sum(1 for office in digest_services.office_units() if office.pk in queues
                            and digest_services.digest_make(office_unit=office, year=year, week=week, today=today))
    city = units["130100"]
    opinion_units = list(Unit.objects.filter(Q(path__startswith=units["130123"].path, level__lte=Level.TOWNSHIP)
                                             | Q(pk=city.pk) | Q(path__startswith=city.path, level=Level.COUNTY))
                         .order_by("path")[:120])
    counts["opinion_sessions"] = _opinions(campaign, opinion_units, today, rng)
    counts["field_research_stays"] = _stays(campaign, city, today, rng)
    return counts
