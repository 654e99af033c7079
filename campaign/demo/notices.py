"""X3 demo notices: the province to its cities (the seed notice 冀群组发〔2014〕34号 among them) and
石家庄市 to its counties, some read, some not, so every demo account finds an inbox and a read list.

Records are written directly rather than through ``notice_issue``: the demo back-dates issue and read
times relative to ``today``, which the service (it stamps ``now``) cannot do. Users bound to units that
have not read a notice get its notification, as issuing would have sent them.
"""
from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from units.models import Level, RoleAssignment, Unit, UnitKind

from ..models import Campaign, Notice, NoticeRecipient, Notification
from ..services.notices import addressee_message

# A short excerpt of the provincial notice (seed 000_9a05cc43a8767791.txt), embedded: the demo runs on
# machines without the shared seed folder.
SEED_NUMBER = "冀群组发〔2014〕34号"
SEED_TITLE = "关于把第二批教育实践活动引向深入的通知"
SEED_EXCERPT = """全省第二批教育实践活动启动以来，各级党组织高度重视、加强领导，各级督导组及时跟进、从严把关，\
各项工作有力有序、稳步推进，活动开局良好。但也存在认识不到位、学习不深入、氛围不够浓、重点不聚焦、\
征求意见不够实、活动进展不平衡等问题。现就深化第二批教育实践活动的有关要求，通知如下。
一、进一步提高认识，启发思想自觉。用总书记在兰考调研重要讲话精神统一思想，深学、细照、笃行、带头，从根本上克服“惰”的问题。
二、深化学习教育，确保入心入脑、触及灵魂。省级领导干部至少学习5次以上，其他党员领导干部至少学习3次以上。
三、聚焦活动重点，确保不散光、不跑题。
四、广泛听取意见，找准找实突出问题。
五、准确把握节奏，协调推进活动开展。
六、持续宣传造势，进一步浓厚活动氛围。"""

#: (number, title, body, days before today, share of addressees that have read it)
PROVINCIAL = [
    ("冀群组发〔2014〕30号", "关于认真学习总书记在兰考调研指导时重要讲话精神的通知",
     "请各地把总书记在兰考县调研指导时的重要讲话作为教育实践活动的“必修课”，认真组织学习。", 34, 1.0),
    (SEED_NUMBER, SEED_TITLE, SEED_EXCERPT, 17, 0.7),
    ("冀群组发〔2014〕38号", "关于报送市县党委书记学习体会文章的通知",
     "请各市于规定时间前报送市委书记和所辖县（市、区）委书记学习体会文章各一篇。", 3, 0.2),
]
CITY = [
    ("石群组发〔2014〕12号", "关于转发《关于把第二批教育实践活动引向深入的通知》的通知",
     "现将冀群组发〔2014〕34号文件转发给你们，请结合实际认真贯彻落实。", 15, 0.6),
    ("石群组发〔2014〕15号", "关于组织领导干部学习考试的通知",
     "全市县处级领导干部统一参加学习考试，考试不合格的补课后再考。", 2, 0.0),
]


def _stamp(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(8 + rng.randrange(10), rng.randrange(60)))
    return timezone.make_aware(moment)


def _issue(issuer: Unit, units: list[Unit], spec: tuple, today: datetime.date, rng: random.Random,
           office_users: dict[int, int], bound: dict[int, list[int]]) -> tuple[int, int, list[Notification]]:
    number, title, body, days_ago, share = spec
    issued_on = today - datetime.timedelta(days=days_ago)
    notice = Notice.objects.create(issuer=issuer, number=number, title=title, body=body, issued_on=issued_on,
                                   issued_by_id=office_users.get(issuer.pk))
    read_units = set(rng.sample([u.pk for u in units], round(share * len(units))))
    rows, notes = [], []
    for unit in units:
        readers = bound.get(unit.pk, [])
        if unit.pk in read_units:
            when = _stamp(issued_on + datetime.timedelta(days=rng.randrange(max(days_ago, 1))), rng)
            rows.append(NoticeRecipient(notice=notice, unit=unit, read_at=min(when, timezone.now()),
                                        read_by_id=readers[0] if readers else None))
        else:
            rows.append(NoticeRecipient(notice=notice, unit=unit))
            message = addressee_message(notice)
            notes += [Notification(user_id=uid, title=message["title"][:200], body=message["body"], url=message["url"])
                      for uid in readers]
    NoticeRecipient.objects.bulk_create(rows)
    return len(rows), len(read_units), notes


@transaction.atomic
def build(*, campaign: Campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """X3 a few notices down the demo tree (campaign is unused: notices are not campaign records)."""
    province = Unit.objects.filter(code="130000").first()
    city = Unit.objects.filter(code="130100").first()
    if province is None:
        return {"notices": 0, "notice_recipients": 0, "notices_read": 0}
    targets = [(province, [c for c in Unit.objects.get_children(province)
                           if c.level == Level.CITY and c.kind == UnitKind.PARTY_COMMITTEE], PROVINCIAL)]
    if city is not None:
        targets.append((city, list(Unit.objects.get_children(city)), CITY))
    unit_ids = {u.pk for _, units, _ in targets for u in units} | {issuer.pk for issuer, _, _ in targets}
    bound: dict[int, list[int]] = {}
    office_users: dict[int, int] = {}
    for user_id, unit_id, role in (RoleAssignment.objects.filter(unit_id__in=unit_ids, user__is_active=True)
                                   .order_by("pk").values_list("user_id", "unit_id", "role")):
        bound.setdefault(unit_id, []).append(user_id)
        if role in ("office", "admin"):
            office_users.setdefault(unit_id, user_id)
    notices = recipients = read = 0
    notes: list[Notification] = []
    for issuer, units, specs in targets:
        if not units:
            continue
        for spec in specs:
            added, marked, pending = _issue(issuer, units, spec, today, rng, office_users, bound)
            notices, recipients, read = notices + 1, recipients + added, read + marked
            notes += pending
    Notification.objects.bulk_create(notes)
    return {"notices": notices, "notice_recipients": recipients, "notices_read": read}
