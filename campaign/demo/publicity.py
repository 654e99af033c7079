"""Demo publicity (R6.1, R6.2, R6.4, R6.5) and exposure (R6.3): the two columns the notice names, published
articles and drafts, a published press conference of 石家庄市 and a draft of 正定县, posters and slogans with
photos, a media coverage log, exposed disciplinary cases and one published public criticism, so the public
pages show something at once.

Everything goes through the services, as the system (``DemoActor``); photos are small generated PNGs.
"""
from __future__ import annotations

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from units.models import Cadre, RoleAssignment, Unit

from ..models import Campaign, PublicCriticism
from ..services.criticism import criticism_issue, criticism_publish
from ..services.publicity import (
    disciplinary_case_publish,
    disciplinary_case_save,
    media_coverage_save,
    poster_record,
    press_conference_publish,
    press_conference_save,
    publicity_article_publish,
    publicity_article_save,
    publicity_column_save,
)
from .meetings import DemoActor

PROVINCE, CITY, COUNTY = "130000", "130100", "130123"
COLUMNS = [
    ("让群众好办事·为群众办好事", "各地各部门为群众办实事、解难题的做法和成效。"),
    ("做焦裕禄式的好党员好干部", "学习弘扬焦裕禄精神的先进典型和感人事迹。"),
]
#: (unit code, column index or None, kind, title, byline, summary, paragraphs, days ago published or None)
ARTICLES = [
    (PROVINCE, None, "commentary", "把教育实践活动引向深入", "本报评论员", "以整风精神推进第二批教育实践活动。", [
        "第二批教育实践活动开展以来，各地按照中央和省委部署，扎实推进学习教育、听取意见各项工作。",
        "把活动引向深入，关键是坚持问题导向，聚焦“四风”，真正做到边学边查边改，让群众看到实实在在的变化。",
    ], 12),
    (COUNTY, 0, "experience", "正定县：便民服务“一站式”办结", "正定县活动办", "群众办事从“跑多趟”到“跑一趟”。", [
        "正定县把解决群众办事难作为活动的切入点，在县乡两级设立便民服务中心，推行一站式办理、限时办结。",
        "活动开展以来，共梳理便民服务事项86项，简化办事环节120余个，群众满意率明显提升。",
    ], 8),
    (COUNTY, 1, "model_story", "扎根基层的“焦裕禄式”村支书", "正定县活动办", "三十年如一日带领群众致富。", [
        "他三十年扎根农村，带领群众修路打井、发展产业，把一个后进村建成了远近闻名的富裕村。",
        "群众说：“有这样的好支书，我们心里踏实。”",
    ], 5),
    (CITY, 0, "news", "石家庄市集中整治“门难进、脸难看、事难办”", "石家庄市活动办", "", [
        "石家庄市在全市窗口单位开展作风整治，公开服务承诺，设立群众评议台，接受社会监督。",
    ], 3),
    (COUNTY, 0, "experience", "正定镇：党员干部“包村联户”听民声", "正定镇", "", [
        "正定镇组织机关干部包村联户，逐户走访，收集意见建议。",
    ], None),
]
SLOGANS = [
    ("slogan", "深入开展党的群众路线教育实践活动", "县委大院门口", (183, 28, 28)),
    ("banner", "为民务实清廉", "镇政府办公楼", (200, 40, 40)),
    ("board", "学习焦裕禄精神 做人民满意公仆", "村文化广场宣传栏", (30, 90, 160)),
    ("poster", "让群众好办事·为群众办好事", "便民服务中心大厅", (210, 120, 30)),
]
MEDIA = [
    ("河北日报", "newspaper", "正定县便民服务“一站式”办结获群众点赞", 9),
    ("河北电视台", "television", "石家庄：作风整治让群众办事更顺心", 7),
    ("长城网", "online", "我省第二批教育实践活动扎实推进", 6),
    ("石家庄日报", "newspaper", "正定县开展“包村联户”听民声活动", 4),
    ("正定县广播电视台", "radio", "县领导深入后进村蹲点调研", 2),
]
CASES = [
    # (issuer, unit, post, violation, handling, days ago closed, publish)
    (PROVINCE, "130131", "县直某局局长", "违规使用公车办理私事", "给予党内警告处分，收回违规使用车辆", 20, True),
    (PROVINCE, COUNTY, "某乡镇党委副书记", "违规组织公款吃喝", "给予党内严重警告处分，个人退赔相关费用", 15, True),
    (CITY, "130102", "某街道办事处科室负责人", "对群众办事推诿扯皮、吃拿卡要", "给予行政记过处分，调离工作岗位", 6, False),
]
CRITICISM_NUMBER = "冀群组发〔2014〕41号"
CRITICISM_REASONS = {
    "130131": "学习教育走过场，班子成员学习次数未达要求，专题讨论流于形式。",
    "130102": "征求意见不深入，问题查摆不聚焦，对照检查材料被退回修改。",
    "130200": "活动进展不平衡，部分基层单位未按时完成规定动作。",
}


def _photo(colour: tuple[int, int, int], rng: random.Random) -> bytes:
    """A plain banner-like picture: a coloured field with a lighter band (no text: no font needed)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 300), colour)
    draw = ImageDraw.Draw(image)
    top = rng.randint(90, 130)
    draw.rectangle([30, top, 450, top + 70], fill=(250, 235, 200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _day(campaign: Campaign, today: datetime.date, days_ago: int) -> datetime.date:
    return max(campaign.start_date, min(today - datetime.timedelta(days=days_ago), campaign.end_date))


@transaction.atomic
def build(*, campaign: Campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """R6 columns, articles, press conferences, posters, media coverage, exposed cases and a public criticism."""
    codes = {PROVINCE, CITY, COUNTY, *CRITICISM_REASONS, *(c[1] for c in CASES)}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    if PROVINCE not in units or COUNTY not in units or CITY not in units:
        return {"publicity articles": 0}
    actor = DemoActor()
    columns = [publicity_column_save(user=actor, campaign=campaign, unit=units[PROVINCE], name=name,
                                     description=text, order=i) for i, (name, text) in enumerate(COLUMNS)]
    township = Unit.objects.get_children(units[COUNTY]).first()
    published = 0
    for code, column, kind, title, byline, summary, paragraphs, days_ago in ARTICLES:
        unit = township if byline == "正定镇" and township else units[code]
        article = publicity_article_save(user=actor, campaign=campaign, unit=unit, title=title, kind=kind,
                                         body="\n".join(paragraphs), byline=byline, summary=summary,
                                         column=columns[column] if column is not None else None)
        if days_ago is not None:
            publicity_article_publish(user=actor, article=article, on=_day(campaign, today, days_ago))
            published += 1
    conferences = 0
    city_leaders = list(Cadre.objects.filter(is_top_leader=True, unit__path__startswith=units[CITY].path,
                                             unit__depth__lte=units[CITY].depth + 1).order_by("unit__path")[:4])
    if city_leaders:
        conference = press_conference_save(
            user=actor, campaign=campaign, unit=units[CITY], title="石家庄市“四风”问题整改情况新闻发布会",
            held_on=_day(campaign, today, 5), location="市委宣传部新闻发布厅", speakers=city_leaders,
            topics="整治文山会海情况\n清理超标办公用房情况\n为群众办实事情况",
            release="市委和部分县（市、区）主要负责同志通报了本地区整治“四风”问题的进展，回答了记者提问。"
                    "会议公布了监督电话，欢迎社会各界监督。")
        press_conference_publish(user=actor, conference=conference, on=_day(campaign, today, 5))
        conferences += 1
    county_leaders = list(Cadre.objects.filter(unit=units[COUNTY], is_top_leader=True)[:1])
    if county_leaders:
        press_conference_save(user=actor, campaign=campaign, unit=units[COUNTY], title="正定县为民办实事新闻发布会",
                              held_on=_day(campaign, today, -3), speakers=county_leaders,
                              topics="便民服务中心建设\n后进村整顿")
        conferences += 1
    posters = 0
    sites = [units[COUNTY]] + list(Unit.objects.get_children(units[COUNTY])[:3])
    for i, (kind, wording, site, colour) in enumerate(SLOGANS):
        poster_record(user=actor, campaign=campaign, unit=sites[i % len(sites)], kind=kind, wording=wording,
                      site=site, put_up_on=_day(campaign, today, 30 - 6 * i), quantity=rng.randint(1, 20),
                      photo=SimpleUploadedFile(f"poster-{i + 1}.png", _photo(colour, rng)))
        posters += 1
    for outlet, kind, title, days_ago in MEDIA:
        media_coverage_save(user=actor, campaign=campaign, unit=units[COUNTY] if "正定" in title else units[CITY],
                            outlet=outlet, kind=kind, published_on=_day(campaign, today, days_ago), title=title,
                            link=f"https://www.example.org/news/{days_ago}")
    cases = 0
    for issuer, code, post, violation, handling, days_ago, publish in CASES:
        if issuer not in units or code not in units:
            continue
        case = disciplinary_case_save(user=actor, campaign=campaign, issuer=units[issuer], unit=units[code],
                                      post=post, violation=violation, handling=handling,
                                      closed_on=today - datetime.timedelta(days=days_ago))
        if publish:
            disciplinary_case_publish(user=actor, case=case, on=today - datetime.timedelta(days=days_ago - 2))
        cases += 1
    criticisms = 0
    entries = [(units[code], reason, None) for code, reason in CRITICISM_REASONS.items() if code in units]
    # a criticism is confirmed by a leader (R6.3): the demo's provincial leader account, when it exists
    leader = (RoleAssignment.objects.filter(role="leader", unit=units[PROVINCE], user__is_active=True)
              .select_related("user").order_by("pk").first())
    if leader and entries and not PublicCriticism.objects.filter(issuer=units[PROVINCE],
                                                                 number=CRITICISM_NUMBER).exists():
        criticism = criticism_issue(
            user=leader.user, campaign=campaign, issuer=units[PROVINCE], number=CRITICISM_NUMBER,
            title="关于对第二批教育实践活动组织不力单位的通报批评", entries=entries,
            body="根据督导检查和综合排名情况，经省委教育实践活动领导小组研究，决定对以下单位予以通报批评。\n"
                 "被通报单位要认真反思，深刻剖析原因，限期整改，并将整改情况报省活动办。")
        criticism_publish(user=leader.user, criticism=criticism, on=today)
        criticisms = 1
    return {"publicity articles": len(ARTICLES), "published articles": published, "press conferences": conferences,
            "posters and slogans": posters, "media reports": len(MEDIA), "disciplinary cases": cases,
            "public criticisms": criticisms}
