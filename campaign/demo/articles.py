"""Demo reflection articles (R2.7): requests to city and county secretaries, some submitted, one overdue,
one selected for the volume, one with its text taken from an uploaded .txt file."""
from __future__ import annotations

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from ..models import Campaign
from ..selectors.articles import eligible_authors
from ..services.articles import article_select, article_submit, articles_request
from .meetings import DemoActor

#: 石家庄市, 正定县, 平山县, 唐山市 (asked early: their articles were due five days ago), then
#: 迁安市, 遵化市, 邯郸市, 涉县 (asked later: due in twelve days).
EARLY_CODES = ("130100", "130123", "130131", "130200")
LATE_CODES = ("130283", "130281", "130400", "130426")

ARTICLES = [
    ("做焦裕禄式的好党员好干部", [
        "反复学习习近平总书记在兰考县委常委扩大会议上的重要讲话，深感焦裕禄精神历久弥新。",
        "焦裕禄同志“心中装着全体人民、唯独没有他自己”，这是共产党人的本色。对照他的事迹，我们在联系群众、"
        "调查研究方面还有不小差距，有时满足于听汇报、看材料，深入基层、蹲点调研不够。",
        "下一步，要把学习焦裕禄精神同解决“四风”问题结合起来，坚持问题导向，真正做到为民务实清廉。",
    ]),
    ("以整风精神抓好教育实践活动", [
        "教育实践活动要防止“灯下黑”，领导班子和领导干部要带头查摆问题、带头开展批评和自我批评。",
        "我们把征求到的意见逐条梳理，建立台账，能改的立即改，一时改不了的明确时限、持续推进。",
    ]),
    ("在为民务实清廉上作表率", [
        "为民，就是要始终把群众安危冷暖放在心上；务实，就是要真抓实干、不搞形式主义；清廉，就是要严守八项规定。",
        "我们结合县情，深入乡村、企业和信访接待场所，听取群众意见，解决了一批群众反映强烈的突出问题。",
    ]),
    ("弘扬焦裕禄精神 推动活动深入", [
        "学习焦裕禄精神，关键在于学习他亲民爱民的公仆情怀、艰苦奋斗的作风和迎难而上的担当。",
        "要把学习成果转化为转变作风、推动发展的实际行动，让群众切实感受到教育实践活动带来的新变化。",
    ]),
]


def _clamp(day: datetime.date, campaign: Campaign) -> datetime.date:
    return max(campaign.start_date, min(day, campaign.end_date))


def build(*, campaign: Campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Requests to eight secretaries in two rounds; four submitted (one from a .txt upload), one of them
    selected for the volume; one of the early round left overdue."""
    actor = DemoActor()
    secretaries = {c.unit.code: c for c in eligible_authors().filter(unit__code__in=EARLY_CODES + LATE_CODES)
                   .select_related("unit").order_by("unit__path", "pk")}
    early = [secretaries[code] for code in EARLY_CODES if code in secretaries]
    late = [secretaries[code] for code in LATE_CODES if code in secretaries]
    requests = []
    if early:
        requests += articles_request(campaign=campaign, cadres=early, due_date=_clamp(today - datetime.timedelta(5),
                                                                                        campaign), by=actor)
    if late:
        requests += articles_request(campaign=campaign, cadres=late, due_date=_clamp(today + datetime.timedelta(12),
                                                                                       campaign), by=actor)
    # the first three of the early round and the first of the late one have written; 唐山市 is overdue
    writers = requests[:3] + requests[len(early):len(early) + 1]
    submitted = []
    for index, (article, (title, paragraphs)) in enumerate(zip(writers, ARTICLES)):
        text = "\n".join(paragraphs)
        if index == 1:  # sent as a plain-text file: the text box stays empty and the file's text is taken over
            upload = SimpleUploadedFile(f"{article.cadre.name}学习体会.txt", text.encode())
            submitted.append(article_submit(article=article, title=title, body="", file=upload, by=actor))
        else:
            submitted.append(article_submit(article=article, title=title, body=text, file=None, by=actor))
    best = 0
    if submitted:
        article_select(article=submitted[rng.randrange(min(2, len(submitted)))], selected=True)
        best = 1
    return {"reflection articles requested": len(requests), "reflection articles submitted": len(submitted),
            "articles selected for the volume": best}
