"""Publicity (R6.1, R6.2, R6.4, R6.5) and public criticism (R6.3) in the URL × role walk.

The walked records belong to 正定县 (county_a): a column, an article and a press conference (published,
so the public pages show them), a poster with a real PNG photo, a media report, a disciplinary case and a
public criticism of 正定镇 that 正定县 issued and published. The public pages answer everyone, also
without login.
"""
from __future__ import annotations

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone

from . import (
    LOGGED_IN_OK,
    MANAGE_COUNTY_A,
    OFFICES,
    POST_ONLY,
    READ_COUNTY_A,
    ROLES,
    WRITE_COUNTY_A_RECORDS,
)

D = datetime.date
PUBLIC = {r: 200 for r in ROLES}
#: Offices and a unit's liaison write publicity records; supervisors, leaders and the role-less do not.
WRITERS = OFFICES | {"liaison": 200}


def tiny_png(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (8, 6)) -> bytes:
    """A real PNG image, small enough for tests."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _column(c):
    from campaign.models import PublicityColumn

    column, _ = PublicityColumn.objects.get_or_create(campaign=c.campaign, unit=c.tree.county_a,
                                                      name="让群众好办事·为群众办好事")
    return column


def _article(c, published: bool = False):
    from campaign.models import PublicityArticle

    article, _ = PublicityArticle.objects.get_or_create(
        campaign=c.campaign, unit=c.tree.county_a, title="正定县开门搞活动" + ("（已发布）" if published else ""),
        defaults={"column": _column(c), "body": "正文", "published_on": D(2014, 4, 20) if published else None})
    return {"pk": article.pk}


def _conference(c, published: bool = False):
    from campaign.models import PressConference

    conference, created = PressConference.objects.get_or_create(
        campaign=c.campaign, unit=c.tree.county_a, title="正定县整治四风新闻发布会" + ("（已发布）" if published else ""),
        defaults={"held_on": D(2014, 4, 22), "topics": "整治会所中的歌舞晏", "release": "通稿",
                  "published_on": D(2014, 4, 23) if published else None})
    if created:
        conference.speakers.set([c.tree.cadre_a])
    return {"pk": conference.pk}


def _poster(c):
    from campaign.models import PosterRecord

    poster = PosterRecord.objects.filter(unit=c.tree.county_a).first()
    if poster is None:
        poster = PosterRecord(campaign=c.campaign, unit=c.tree.county_a, wording="做焦裕禄式的好党员好干部",
                              site="县委大院门口", put_up_on=D(2014, 4, 2))
        poster.photo.save("标语.png", ContentFile(tiny_png()), save=True)
    return {"pk": poster.pk}


def _coverage(c):
    from campaign.models import MediaCoverage

    coverage, _ = MediaCoverage.objects.get_or_create(
        campaign=c.campaign, unit=c.tree.county_a, outlet="河北日报", title="正定县扎实开展教育实践活动",
        defaults={"published_on": D(2014, 4, 18), "link": "https://hebnews.cn/a"})
    return {"pk": coverage.pk}


def _case(c):
    from campaign.models import DisciplinaryCase

    case, _ = DisciplinaryCase.objects.get_or_create(
        campaign=c.campaign, issuer=c.tree.county_a, unit=c.tree.township_a, post="镇党委副书记",
        defaults={"violation": "违规公款吃喝", "handling": "党内警告处分", "closed_on": D(2014, 4, 10)})
    return {"pk": case.pk}


def _criticism(c):
    from campaign.models import CriticismEntry, PublicCriticism

    criticism, created = PublicCriticism.objects.get_or_create(
        campaign=c.campaign, issuer=c.tree.county_a, number="正群组发〔2014〕9号",
        defaults={"title": "关于对活动组织不力单位的通报批评", "body": "经县委活动领导小组研究，予以通报批评。",
                  "confirmed_at": timezone.now(), "published_on": D(2014, 4, 28)})
    if created:
        CriticismEntry.objects.create(criticism=criticism, unit=c.tree.township_a, reason="学习流于形式")
    return {"pk": criticism.pk}


PAGES = {
    "campaign:publicity_columns": (lambda c: {}, LOGGED_IN_OK),
    "campaign:publicity_column_create": (lambda c: {}, OFFICES),
    "campaign:publicity_column_edit": (lambda c: {"pk": _column(c).pk}, MANAGE_COUNTY_A),
    "campaign:publicity_articles": (lambda c: {}, LOGGED_IN_OK),
    "campaign:publicity_article_create": (lambda c: {}, WRITERS),
    "campaign:publicity_article_detail": (_article, READ_COUNTY_A),
    "campaign:publicity_article_edit": (_article, WRITE_COUNTY_A_RECORDS),
    "campaign:publicity_article_publish": (_article, POST_ONLY),
    "campaign:publicity_article_delete": (_article, WRITE_COUNTY_A_RECORDS),
    "campaign:press_conferences": (lambda c: {}, LOGGED_IN_OK),
    "campaign:press_conference_create": (lambda c: {}, WRITERS),
    "campaign:press_conference_detail": (_conference, READ_COUNTY_A),
    "campaign:press_conference_edit": (_conference, WRITE_COUNTY_A_RECORDS),
    "campaign:press_conference_publish": (_conference, POST_ONLY),
    "campaign:posters": (lambda c: {}, LOGGED_IN_OK),
    "campaign:poster_create": (lambda c: {}, WRITERS),
    "campaign:poster_detail": (_poster, READ_COUNTY_A),
    "campaign:poster_photo": (_poster, READ_COUNTY_A),
    "campaign:poster_delete": (_poster, WRITE_COUNTY_A_RECORDS),
    "campaign:media_coverage": (lambda c: {}, LOGGED_IN_OK),
    "campaign:media_coverage_create": (lambda c: {}, WRITERS),
    "campaign:media_coverage_edit": (_coverage, WRITE_COUNTY_A_RECORDS),
    "campaign:media_coverage_delete": (_coverage, WRITE_COUNTY_A_RECORDS),
    "campaign:criticisms": (lambda c: {}, LOGGED_IN_OK),
    "campaign:criticism_detail": (_criticism, READ_COUNTY_A),
    "campaign:criticism_publish": (_criticism, POST_ONLY),
    "campaign:criticism_pdf": (_criticism, READ_COUNTY_A),
    "campaign:disciplinary_cases": (lambda c: {}, LOGGED_IN_OK),
    "campaign:disciplinary_case_create": (lambda c: {}, OFFICES),
    "campaign:disciplinary_case_edit": (_case, MANAGE_COUNTY_A),
    "campaign:disciplinary_case_publish": (_case, POST_ONLY),
    "campaign:disciplinary_case_delete": (_case, MANAGE_COUNTY_A),
    # the public pages: no login
    "campaign:public_publicity": (lambda c: {}, PUBLIC),
    "campaign:public_articles": (lambda c: {}, PUBLIC),
    "campaign:public_article": (lambda c: _article(c, published=True), PUBLIC),
    "campaign:public_press_conferences": (lambda c: {}, PUBLIC),
    "campaign:public_press_conference": (lambda c: _conference(c, published=True), PUBLIC),
    "campaign:public_criticisms": (lambda c: {}, PUBLIC),
    "campaign:public_criticism_pdf": (_criticism, PUBLIC),
}
