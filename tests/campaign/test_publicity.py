"""R6.1, R6.2, R6.4, R6.5 publicity: columns and articles on public pages, press conferences with top-leader
speakers, posters and slogans with checked photos, the media coverage log; R6.3 public criticism and exposed
disciplinary cases on the public page and as a PDF notice."""
from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.errors import CampaignError
from campaign.models import (
    CriticismEntry,
    DisciplinaryCase,
    MediaCoverage,
    PosterRecord,
    PressConference,
    PublicCriticism,
    PublicityArticle,
    PublicityColumn,
)
from campaign.services import publicity as svc
from reports.excel import read_table
from tests.factories import CadreFactory
from tests.walk.campaign_publicity import tiny_png

D = datetime.date


def _listed(response) -> list:
    """The records of the page of a list (its django-tables2 table)."""
    return [row.record for row in response.context["table"].paginated_rows]


@pytest.fixture
def columns(users, tree, campaign):
    """The two columns the notice names, opened by the provincial office."""
    return [svc.publicity_column_save(user=users["prov_office"], campaign=campaign, unit=tree.province, name=name)
            for name in ("让群众好办事·为群众办好事", "做焦裕禄式的好党员好干部")]


def _article(users, tree, campaign, column=None, *, title="正定县：便民服务一站式办结", body="正文第一段。\n正文第二段。",
             user="liaison", unit=None):
    return svc.publicity_article_save(user=users[user], campaign=campaign, unit=unit or tree.county_a, title=title,
                                      body=body, kind="experience", column=column)


# --- R6.1 columns and articles


def test_r6_1_an_office_opens_a_column_and_names_are_unique_per_office(login, users, tree, campaign, columns):
    response = login(users["prov_office"]).post(reverse("campaign:publicity_column_create"), {
        "unit": tree.province.pk, "name": "让群众好办事·为群众办好事", "order": "0", "is_active": "on"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert PublicityColumn.objects.count() == 2
    # 正定县's office writes into the province's columns but does not run them
    assert login(users["county_office"]).get(reverse("campaign:publicity_column_edit",
                                                     args=[columns[0].pk])).status_code == 403


def test_r6_1_liaison_drafts_an_article_the_office_publishes_it_and_the_public_reads_it(client, login, users, tree,
                                                                                    campaign, columns):
    liaison = login(users["liaison"])
    response = liaison.post(reverse("campaign:publicity_article_create"), {
        "unit": tree.county_a.pk, "column": columns[0].pk, "kind": "experience", "title": "正定县：便民服务一站式办结",
        "byline": "正定县活动办", "body": "正定县把解决群众办事难作为切入点。"})
    article = PublicityArticle.objects.get()
    assert response.status_code == 302 and article.column == columns[0] and not article.is_published
    client.logout()
    assert client.get(reverse("campaign:public_article", args=[article.pk])).status_code == 404
    assert "正定县：便民服务一站式办结" not in client.get(reverse("campaign:public_articles")).content.decode()
    # the liaison writes but does not publish
    assert login(users["liaison"]).post(reverse("campaign:publicity_article_publish",
                                                args=[article.pk])).status_code == 403
    login(users["county_office"]).post(reverse("campaign:publicity_article_publish", args=[article.pk]))
    article.refresh_from_db()
    assert article.published_on == timezone.localdate()
    client.logout()
    public = client.get(reverse("campaign:public_articles"), {"column": columns[0].pk})
    assert [a.pk for a in _listed(public)] == [article.pk]
    page = client.get(reverse("campaign:public_article", args=[article.pk])).content.decode()
    assert "正定县把解决群众办事难作为切入点。" in page and 'name="viewport"' in page


def test_r6_1_public_pages_escape_what_offices_wrote(client, users, tree, campaign):
    article = _article(users, tree, campaign, title="<script>alert('t')</script>标题",
                       body="<img src=x onerror=alert(1)>正文", user="county_office")
    svc.publicity_article_publish(user=users["county_office"], article=article)
    page = client.get(reverse("campaign:public_article", args=[article.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;正文" in page


def test_r6_1_a_published_article_is_changed_only_by_the_office_and_deleted_only_when_withdrawn(users, tree,
                                                                                             campaign):
    article = _article(users, tree, campaign)
    svc.publicity_article_publish(user=users["county_office"], article=article)
    with pytest.raises(CampaignError):
        svc.publicity_article_save(user=users["liaison"], campaign=campaign, unit=tree.county_a, article=article,
                                   title="改过的标题", body="正文", kind="experience")
    with pytest.raises(CampaignError):
        svc.publicity_article_delete(user=users["county_office"], article=article)
    article.refresh_from_db()
    assert article.title == "正定县：便民服务一站式办结"
    svc.publicity_article_publish(user=users["county_office"], article=article, publish=False)
    svc.publicity_article_delete(user=users["liaison"], article=article)
    assert not PublicityArticle.objects.exists()


def test_r6_1_an_article_goes_only_into_columns_of_its_unit_or_above(users, tree, campaign, columns):
    other = svc.publicity_column_save(user=users["county_office_b"], campaign=campaign, unit=tree.county_b,
                                      name="迁安专栏")
    with pytest.raises(CampaignError):
        _article(users, tree, campaign, other)
    assert _article(users, tree, campaign, columns[1]).column == columns[1]
    assert PublicityArticle.objects.count() == 1


def test_r6_1_article_list_is_scoped_filtered_and_exported(login, users, tree, campaign, columns):
    draft = _article(users, tree, campaign, columns[0], title="草稿")
    done = _article(users, tree, campaign, columns[1], title="已发布")
    svc.publicity_article_publish(user=users["county_office"], article=done)
    client = login(users["city_office"])
    assert [a.pk for a in _listed(client.get(reverse("campaign:publicity_articles"),
                                             {"state": "draft"}))] == [draft.pk]
    assert [a.pk for a in _listed(client.get(reverse("campaign:publicity_articles"),
                                             {"column": columns[1].pk}))] == [done.pk]
    assert client.get(reverse("campaign:publicity_articles")).context["figures"].published == 1
    rows = read_table(client.get(reverse("campaign:publicity_articles"), {"export": "xlsx"}).content, "a.xlsx")
    assert {r[0] for r in rows[1:]} == {"草稿", "已发布"}
    assert login(users["county_office_b"]).get(reverse("campaign:publicity_articles")).context[
        "table"].paginator.count == 0


def test_r6_1_public_article_list_keeps_a_fixed_number_of_queries(client, users, tree, campaign, columns,
                                                                django_assert_max_num_queries):
    def publish(count, start):
        for n in range(start, start + count):
            article = _article(users, tree, campaign, columns[n % 2], title=f"文章{n}", user="county_office")
            svc.publicity_article_publish(user=users["county_office"], article=article)

    publish(2, 0)
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("campaign:public_articles"))
        client.get(reverse("campaign:public_publicity"))
    publish(20, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("campaign:public_articles"))
        client.get(reverse("campaign:public_publicity"))


# --- R6.2 press conferences


def test_r6_2_speakers_must_be_top_leaders_of_the_holding_units_subtree(users, tree, campaign):
    deputy = CadreFactory(unit=tree.county_a, name="副县长", is_top_leader=False)
    for speakers in ([deputy], [tree.cadre_b], []):
        with pytest.raises(CampaignError):
            svc.press_conference_save(user=users["county_office"], campaign=campaign, unit=tree.county_a,
                                      title="发布会", held_on=D(2014, 4, 22), topics="整治四风", speakers=speakers)
    assert not PressConference.objects.exists()


def test_r6_2_a_published_press_conference_is_public_with_speakers_topics_and_release(client, login, users, tree,
                                                                                    campaign):
    form = login(users["city_office"]).get(reverse("campaign:press_conference_create")).context["form"]
    assert set(form.fields["speakers"].queryset) == {tree.cadre_a}  # 正定县's top leader, directly below the city
    response = login(users["city_office"]).post(reverse("campaign:press_conference_create"), {
        "unit": tree.city_a.pk, "title": "石家庄市整治四风新闻发布会", "held_on": "2014-04-22", "location": "新闻发布厅",
        "speakers": [tree.cadre_a.pk], "topics": "清理办公用房\n为群众办实事", "release": ""})
    conference = PressConference.objects.get()
    assert response.status_code == 302
    with pytest.raises(CampaignError):  # no release text yet
        svc.press_conference_publish(user=users["city_office"], conference=conference)
    assert client.get(reverse("campaign:public_press_conference", args=[conference.pk])).status_code == 404
    svc.press_conference_save(user=users["city_office"], campaign=campaign, unit=tree.city_a, conference=conference,
                              title=conference.title, held_on=conference.held_on, topics=conference.topics,
                              speakers=[tree.cadre_a], release="县委书记王正定通报了整改进展。")
    svc.press_conference_publish(user=users["city_office"], conference=conference)
    client.logout()
    page = client.get(reverse("campaign:public_press_conference", args=[conference.pk]))
    assert page.status_code == 200
    assert [s.name for s in page.context["conference"].speakers.all()] == ["王正定"]
    assert page.context["conference"].topic_list == ["清理办公用房", "为群众办实事"]
    assert "县委书记王正定通报了整改进展。" in page.content.decode()


def test_r6_2_a_press_conference_outside_the_campaign_is_refused(login, users, tree, campaign):
    response = login(users["county_office"]).post(reverse("campaign:press_conference_create"), {
        "unit": tree.county_a.pk, "title": "发布会", "held_on": "2015-01-10", "speakers": [tree.cadre_a.pk],
        "topics": "议题"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not PressConference.objects.exists()


def test_r6_2_press_conference_list_keeps_a_fixed_number_of_queries(login, users, tree, campaign,
                                                                  django_assert_max_num_queries):
    client = login(users["prov_office"])

    def hold(count, start):
        for n in range(start, start + count):
            leader = CadreFactory(unit=tree.county_a, name=f"书记{n}", is_top_leader=True)
            svc.press_conference_save(user=users["county_office"], campaign=campaign, unit=tree.county_a,
                                      title=f"发布会{n}", held_on=D(2014, 4, 22), topics="议题",
                                      speakers=[tree.cadre_a, leader])

    hold(1, 0)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("campaign:press_conferences"))
    hold(15, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("campaign:press_conferences"))
    assert response.context["table"].paginator.count == 16


# --- R6.4 posters and slogans


def _jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _poster_post(client, tree, name, data):
    return client.post(reverse("campaign:poster_create"), {
        "unit": tree.township_a.pk, "kind": "slogan", "wording": "做焦裕禄式的好党员好干部", "site": "镇政府门口",
        "put_up_on": "2014-04-02", "quantity": "3", "photo": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("name,data", [("标语.png", tiny_png()), ("现场.JPG", _jpeg())])
def test_r6_4_a_poster_with_a_real_photo_is_kept_and_served_only_in_scope(login, users, tree, campaign, name, data):
    response = _poster_post(login(users["county_office"]), tree, name, data)
    poster = PosterRecord.objects.get()
    assert response.status_code == 302 and poster.unit == tree.township_a and poster.quantity == 3
    photo = login(users["liaison"]).get(reverse("campaign:poster_photo", args=[poster.pk]))
    assert photo["Content-Type"] == ("image/png" if name.endswith("png") else "image/jpeg")
    assert b"".join(photo.streaming_content) == data
    assert login(users["county_office_b"]).get(reverse("campaign:poster_photo", args=[poster.pk])).status_code == 404


@pytest.mark.parametrize("name,data", [
    ("renamed.png", b"<html><script>alert(1)</script></html>"),  # text dressed as a PNG
    ("gif.jpg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),  # another image type under a JPG name
    ("photo.jpg", tiny_png()),  # a PNG called .jpg: the first bytes do not match the name
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # the right first bytes, but no image behind them
    ("photo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ("photo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
])
def test_r6_4_anything_but_a_real_jpg_or_png_is_refused_and_nothing_written(login, users, tree, campaign, name, data):
    response = _poster_post(login(users["county_office"]), tree, name, data)
    assert response.status_code == 200 and "photo" in response.context["form"].errors
    assert not PosterRecord.objects.exists()


def test_r6_4_a_photo_over_the_size_limit_is_refused(login, users, tree, campaign, monkeypatch):
    monkeypatch.setattr(svc, "PHOTO_MAX_BYTES", 50)
    response = _poster_post(login(users["county_office"]), tree, "big.png", tiny_png(size=(64, 64)))
    assert "photo" in response.context["form"].errors and not PosterRecord.objects.exists()


def test_r6_4_deleting_a_poster_record_asks_first_and_removes_its_photo(login, users, tree, campaign, settings,
                                                                      django_capture_on_commit_callbacks):
    poster = svc.poster_record(user=users["county_office"], campaign=campaign, unit=tree.county_a, kind="banner",
                               wording="为民务实清廉", site="县委门口", put_up_on=D(2014, 4, 2),
                               photo=SimpleUploadedFile("a.png", tiny_png()))
    stored = settings.MEDIA_ROOT / poster.photo.name
    assert stored.exists()
    client = login(users["county_office"])
    assert client.get(reverse("campaign:poster_delete", args=[poster.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("campaign:poster_delete", args=[poster.pk]))
    assert not PosterRecord.objects.exists() and not stored.exists()


def test_r6_4_poster_list_filters_and_exports(login, users, tree, campaign):
    for unit, kind in ((tree.county_a, "slogan"), (tree.township_a, "poster")):
        svc.poster_record(user=users["county_office"], campaign=campaign, unit=unit, kind=kind, wording=f"{kind}标语",
                          site="广场", put_up_on=D(2014, 4, 2), photo=SimpleUploadedFile("a.png", tiny_png()))
    client = login(users["city_office"])
    assert client.get(reverse("campaign:posters"), {"kind": "poster"}).context["table"].paginator.count == 1
    assert client.get(reverse("campaign:posters"), {"unit": "正定镇"}).context["table"].paginator.count == 1
    rows = read_table(client.get(reverse("campaign:posters"), {"export": "xlsx"}).content, "p.xlsx")
    assert {r[1] for r in rows[1:]} == {"正定县", "正定镇"}


# --- R6.5 media coverage


def test_r6_5_media_reports_are_logged_and_bad_links_or_dates_refused(login, users, tree, campaign):
    client = login(users["liaison"])
    base = {"unit": tree.county_a.pk, "outlet": "河北日报", "kind": "newspaper", "published_on": "2014-04-18",
            "title": "正定县扎实开展教育实践活动"}
    for bad in ({"link": "javascript:alert(1)"}, {"link": "ftp://example.org/a"},
                {"published_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}):
        response = client.post(reverse("campaign:media_coverage_create"), base | bad)
        assert response.status_code == 200 and (response.context["form"].errors or
                                                response.context["form"].non_field_errors())
    assert not MediaCoverage.objects.exists()
    client.post(reverse("campaign:media_coverage_create"), base | {"link": "https://hebnews.cn/a.html"})
    coverage = MediaCoverage.objects.get()
    assert coverage.link == "https://hebnews.cn/a.html"
    rows = read_table(login(users["city_office"]).get(reverse("campaign:media_coverage"),
                                                      {"export": "xlsx", "q": "河北日报"}).content, "m.xlsx")
    assert rows[1][1] == "河北日报" and rows[1][4] == "https://hebnews.cn/a.html"
    assert login(users["county_office_b"]).get(reverse("campaign:media_coverage_edit",
                                                       args=[coverage.pk])).status_code == 404


# --- R6.3 public criticism and exposed cases


@pytest.fixture
def criticism(users, tree, campaign):
    from campaign.services.criticism import criticism_issue

    return criticism_issue(user=users["leader"], campaign=campaign, issuer=tree.province, number="冀群组发〔2014〕41号",
                           title="关于对活动组织不力单位的通报批评", body="经省委教育实践活动领导小组研究，予以通报批评。",
                           entries=[(tree.county_a, "学习教育走过场，专题讨论流于形式。", 41.5),
                                    (tree.city_b, "活动进展不平衡。", 45.0)])


def test_r6_3_staff_list_of_criticisms_is_scoped_by_issuer(login, users, tree, criticism):
    assert [c.pk for c in _listed(login(users["city_office"]).get(reverse("campaign:criticisms")))] == []
    client = login(users["prov_office"])
    assert [c.pk for c in _listed(client.get(reverse("campaign:criticisms")))] == [criticism.pk]
    assert client.get(reverse("campaign:criticism_detail", args=[criticism.pk])).context["can_publish"]
    rows = read_table(client.get(reverse("campaign:criticisms"), {"export": "xlsx"}).content, "c.xlsx")
    assert [(r[3], r[4]) for r in rows[1:]] == [("正定县", "学习教育走过场，专题讨论流于形式。"), ("唐山市", "活动进展不平衡。")]
    # 正定县 is criticised, but the list is the issuer's
    assert login(users["county_office"]).get(reverse("campaign:criticism_detail",
                                                     args=[criticism.pk])).status_code == 404


def test_r6_3_publishing_puts_the_units_and_reasons_on_the_public_page(client, login, users, tree, criticism):
    assert client.get(reverse("campaign:public_criticism_pdf", args=[criticism.pk])).status_code == 404
    assert "学习教育走过场" not in client.get(reverse("campaign:public_criticisms")).content.decode()
    # a supervisor reads but does not publish
    assert login(users["supervisor"]).post(reverse("campaign:criticism_publish",
                                                   args=[criticism.pk])).status_code == 404
    assert login(users["leader"]).post(reverse("campaign:criticism_publish", args=[criticism.pk])).status_code == 302
    criticism.refresh_from_db()
    assert criticism.published_on == timezone.localdate()
    client.logout()
    page = client.get(reverse("campaign:public_criticisms"))
    [shown] = page.context["criticisms"]
    assert [(e.unit.name, e.reason) for e in shown.entries.all()] == [
        ("正定县", "学习教育走过场，专题讨论流于形式。"), ("唐山市", "活动进展不平衡。")]
    # publishing twice is refused, nothing changes
    again = login(users["prov_office"]).post(reverse("campaign:criticism_publish", args=[criticism.pk]))
    assert again.status_code == 302
    criticism.refresh_from_db()
    assert criticism.published_on == timezone.localdate()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_r6_3_the_criticism_notice_pdf_has_letterhead_number_units_and_reasons(client, login, users, criticism,
                                                                               tmp_path):
    from campaign.services.criticism import criticism_publish

    staff = login(users["prov_office"]).get(reverse("campaign:criticism_pdf", args=[criticism.pk]))
    assert staff["Content-Type"] == "application/pdf"
    criticism_publish(user=users["prov_office"], criticism=criticism, on=D(2014, 5, 6))
    client.logout()
    public = client.get(reverse("campaign:public_criticism_pdf", args=[criticism.pk]))
    assert public.status_code == 200 and public.content.startswith(b"%PDF")
    path = tmp_path / "notice.pdf"
    path.write_bytes(public.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = "".join(text.split())
    for expected in ("冀群组发〔2014〕41号", "关于对活动组织不力单位的通报批评", "河北省", "正定县",
                     "学习教育走过场，专题讨论流于形式。", "唐山市", "2014年5月6日"):
        assert expected in flat
    # the same input gives the same file
    assert client.get(reverse("campaign:public_criticism_pdf", args=[criticism.pk])).content == public.content


def test_r6_3_a_closed_case_is_recorded_by_post_and_exposed_on_the_public_page(client, login, users, tree, campaign):
    office = login(users["county_office"])
    response = office.post(reverse("campaign:disciplinary_case_create"), {
        "issuer": tree.county_a.pk, "unit": "130123001", "post": "镇党委副书记", "violation": "违规公款吃喝",
        "handling": "党内警告处分", "closed_on": "2014-04-10"})
    case = DisciplinaryCase.objects.get()
    assert response.status_code == 302 and case.unit == tree.township_a and not case.is_published
    client.logout()
    assert "违规公款吃喝" not in client.get(reverse("campaign:public_criticisms")).content.decode()
    office = login(users["county_office"])
    office.post(reverse("campaign:disciplinary_case_publish", args=[case.pk]), {"publish": "1"})
    client.logout()
    page = client.get(reverse("campaign:public_criticisms"))
    assert [r.record.pk for r in page.context["cases"].paginated_rows] == [case.pk]
    html = page.content.decode()
    assert "正定镇 · 镇党委副书记" in html and "违规公款吃喝" in html and "党内警告处分" in html
    # the liaison reads the list but does not expose cases
    assert login(users["liaison"]).post(reverse("campaign:disciplinary_case_publish", args=[case.pk]),
                                        {"publish": "0"}).status_code == 403


@pytest.mark.parametrize("changes", [
    {"unit": "130283001"},  # 迁安镇: not in 正定县's subtree
    {"unit": "迁安镇"},  # the same unit, typed by its name
    {"unit": "不存在的单位"},
    {"closed_on": "2099-01-01"},  # not closed yet
    {"post": ""},
])
def test_r6_3_bad_cases_are_refused_and_nothing_written(login, users, tree, campaign, changes):
    response = login(users["county_office"]).post(reverse("campaign:disciplinary_case_create"), {
        "issuer": tree.county_a.pk, "unit": "130123001", "post": "镇长", "violation": "违规", "handling": "处分",
        "closed_on": "2014-04-10"} | changes)
    form = response.context["form"]
    assert response.status_code == 200 and (form.errors or form.non_field_errors())
    assert not DisciplinaryCase.objects.exists()
    if changes.get("unit") in ("130283001", "迁安镇"):  # R0.1 the other county's unit is not named, by code or name
        page = response.content.decode()
        assert "该单位不在正定县的管辖范围内" in page and "迁安镇" not in page.replace(changes["unit"], "", 1)
        assert "130283001" not in page.replace(changes["unit"], "", 1)


def test_r6_3_a_published_case_is_withdrawn_before_it_is_deleted(users, tree, campaign):
    case = svc.disciplinary_case_save(user=users["county_office"], campaign=campaign, issuer=tree.county_a,
                                      unit=tree.township_a, post="镇长", violation="违规", handling="处分",
                                      closed_on=D(2014, 4, 10))
    svc.disciplinary_case_publish(user=users["county_office"], case=case)
    with pytest.raises(CampaignError):
        svc.disciplinary_case_delete(user=users["county_office"], case=case)
    svc.disciplinary_case_publish(user=users["county_office"], case=case, publish=False)
    svc.disciplinary_case_delete(user=users["county_office"], case=case)
    assert not DisciplinaryCase.objects.exists()


def test_r6_3_public_criticism_page_keeps_a_fixed_number_of_queries(client, users, tree, campaign,
                                                                  django_assert_max_num_queries):
    def expose(count, start):
        for n in range(start, start + count):
            criticism = PublicCriticism.objects.create(campaign=campaign, issuer=tree.province, number=f"第{n}号",
                                                       title="通报", published_on=D(2014, 5, 6))
            CriticismEntry.objects.create(criticism=criticism, unit=tree.county_a, reason="原因")
            CriticismEntry.objects.create(criticism=criticism, unit=tree.county_b, reason="原因")
            DisciplinaryCase.objects.create(campaign=campaign, issuer=tree.province, unit=tree.county_a, post="局长",
                                            violation="违规", handling="处分", closed_on=D(2014, 4, 1),
                                            published_on=D(2014, 4, 3))

    expose(1, 0)
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("campaign:public_criticisms"))
    expose(12, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("campaign:public_criticisms"))
    assert len(response.context["criticisms"]) == 13


# --- demo data


def test_r6_demo_fills_the_public_pages(client, db):
    import random

    from campaign.demo import publicity as demo_publicity
    from campaign.services.campaign import campaign_create
    from units import demo

    demo.build("demo", seed=2014)
    demo.create_demo_accounts()
    today = timezone.localdate()
    campaign = campaign_create(shift_to=today - datetime.timedelta(days=10))
    counts = demo_publicity.build(campaign=campaign, today=today, rng=random.Random(2014))
    assert counts["published articles"] == 4 and counts["posters and slogans"] == 4
    home = client.get(reverse("campaign:public_publicity"))
    assert len(home.context["articles"]) == 4 and len(home.context["columns"]) == 2
    assert len(home.context["conferences"]) == 1
    criticism = client.get(reverse("campaign:public_criticisms")).context
    assert len(criticism["criticisms"]) == 1 and len(criticism["cases"].paginated_rows) == 2
    assert PublicityArticle.objects.filter(published_on__isnull=True).exists()
    assert all(p.photo.read(8).startswith(b"\x89PNG") for p in PosterRecord.objects.all())


def _fill(users, tree, campaign, count: int, start: int) -> None:
    """``count`` more records of every publicity kind in 正定县 (published where that applies)."""
    column = PublicityColumn.objects.first() or svc.publicity_column_save(
        user=users["prov_office"], campaign=campaign, unit=tree.province, name="专栏")
    for n in range(start, start + count):
        article = _article(users, tree, campaign, column, title=f"文章{n}", user="county_office")
        svc.publicity_article_publish(user=users["county_office"], article=article)
        svc.poster_record(user=users["county_office"], campaign=campaign, unit=tree.township_a, kind="slogan",
                          wording=f"标语{n}", site="广场", put_up_on=D(2014, 4, 2),
                          photo=SimpleUploadedFile("a.png", tiny_png()))
        svc.media_coverage_save(user=users["county_office"], campaign=campaign, unit=tree.county_a, outlet="河北日报",
                                kind="newspaper", published_on=D(2014, 4, 2), title=f"报道{n}")
        svc.disciplinary_case_save(user=users["county_office"], campaign=campaign, issuer=tree.county_a,
                                   unit=tree.township_a, post="站长", violation="违规", handling="处分",
                                   closed_on=D(2014, 4, 1))
        criticism = PublicCriticism.objects.create(campaign=campaign, issuer=tree.county_a, number=f"正群〔2014〕{n}号",
                                                   title="通报")
        CriticismEntry.objects.create(criticism=criticism, unit=tree.township_a, reason="原因")
        CriticismEntry.objects.create(criticism=criticism, unit=tree.village_a, reason="原因")


@pytest.mark.parametrize("name", ["campaign:publicity_articles", "campaign:publicity_columns", "campaign:posters",
                                  "campaign:media_coverage", "campaign:criticisms", "campaign:disciplinary_cases"])
def test_r6_staff_lists_keep_a_fixed_number_of_queries(login, users, tree, campaign, name,
                                                       django_assert_max_num_queries):
    client = login(users["county_office"])
    _fill(users, tree, campaign, 1, 0)
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse(name)).status_code == 200
    _fill(users, tree, campaign, 12, 1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


# --- issue 10: one permission model; visibility does not travel through a shared column or criticism


@pytest.mark.parametrize("viewer, own, other", [("county_office_b", "county_b", "county_a"),
                                                 ("county_office", "county_a", "county_b")])
def test_r6_1_a_shared_provincial_column_counts_only_the_viewers_articles(login, users, tree, campaign, columns,
                                                                        viewer, own, other):
    """R6.1 (issue 10): the province's column takes articles of both counties; each county sees the column
    with the counts of its own articles only, and none of the other county's articles, drafts or pages."""
    mine = _article(users, tree, campaign, columns[0], title="本县文章", user="county_office" if own == "county_a"
                    else "county_office_b", unit=getattr(tree, own))
    theirs = _article(users, tree, campaign, columns[0], title="外县草稿", user="county_office" if other == "county_a"
                      else "county_office_b", unit=getattr(tree, other))
    _article(users, tree, campaign, columns[0], title="外县文章二", user="county_office" if other == "county_a"
             else "county_office_b", unit=getattr(tree, other))
    client = login(users[viewer])
    listed = {c.pk: c for c in client.get(reverse("campaign:publicity_columns")).context["columns"]}
    assert listed[columns[0].pk].article_count == 1 and listed[columns[0].pk].published_count == 0
    assert [a.pk for a in _listed(client.get(reverse("campaign:publicity_articles")))] == [mine.pk]
    for name in ("publicity_article_detail", "publicity_article_edit", "publicity_article_delete"):
        assert client.get(reverse(f"campaign:{name}", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("campaign:publicity_article_publish", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.published_on is None
    # the province (the column's office) counts all three
    prov = {c.pk: c for c in login(users["prov_office"]).get(reverse("campaign:publicity_columns")).context["columns"]}
    assert prov[columns[0].pk].article_count == 3


def test_r6_3_a_county_criticism_and_case_are_404_to_the_other_county(login, users, tree, campaign):
    """R6.3 (issue 10): 正定县's criticism of 正定镇 and its case are out of 迁安市's scope: 404 to GET and POST,
    nothing written; 迁安市's lists and exports name nothing of 正定县."""
    criticism = PublicCriticism.objects.create(campaign=campaign, issuer=tree.county_a, number="正群〔2014〕1号",
                                               title="通报")
    CriticismEntry.objects.create(criticism=criticism, unit=tree.township_a, reason="正定镇的原因")
    case = svc.disciplinary_case_save(user=users["county_office"], campaign=campaign, issuer=tree.county_a,
                                      unit=tree.township_a, post="站长", violation="违规", handling="处分",
                                      closed_on=D(2014, 4, 1))
    client = login(users["county_office_b"])
    for name, pk in (("criticism_detail", criticism.pk), ("criticism_pdf", criticism.pk),
                     ("disciplinary_case_edit", case.pk), ("disciplinary_case_delete", case.pk)):
        assert client.get(reverse(f"campaign:{name}", args=[pk])).status_code == 404
    for name, pk in (("criticism_publish", criticism.pk), ("disciplinary_case_publish", case.pk),
                     ("disciplinary_case_delete", case.pk)):
        assert client.post(reverse(f"campaign:{name}", args=[pk]), {"publish": "1"}).status_code == 404
    criticism.refresh_from_db()
    case.refresh_from_db()
    assert criticism.published_on is None and case.published_on is None
    assert _listed(client.get(reverse("campaign:criticisms"))) == []
    assert len(read_table(client.get(reverse("campaign:criticisms"), {"export": "xlsx"}).content, "c.xlsx")) == 1
    assert _listed(client.get(reverse("campaign:disciplinary_cases"))) == []


def test_r6_3_in_scope_but_not_permitted_is_403_and_the_page_offers_no_such_action(login, users, tree, campaign,
                                                                                  criticism):
    """R6.3 (issue 10): the supervisor of 石家庄市 sees 正定县's case (in scope) but is not its office:
    publishing it answers 403, nothing is written, and the list offers no such button; the leader confirms
    criticisms of the province (``campaign.confirm_criticism`` on the issuing unit), an office does not."""
    case = svc.disciplinary_case_save(user=users["county_office"], campaign=campaign, issuer=tree.county_a,
                                      unit=tree.township_a, post="站长", violation="违规", handling="处分",
                                      closed_on=D(2014, 4, 1))
    supervisor = login(users["supervisor"])
    page = supervisor.get(reverse("campaign:disciplinary_cases")).content.decode()
    assert "违规" in page and reverse("campaign:disciplinary_case_publish", args=[case.pk]) not in page
    assert supervisor.post(reverse("campaign:disciplinary_case_publish", args=[case.pk]),
                           {"publish": "1"}).status_code == 403
    case.refresh_from_db()
    assert case.published_on is None
    office = login(users["county_office"]).get(reverse("campaign:disciplinary_cases")).content.decode()
    assert reverse("campaign:disciplinary_case_publish", args=[case.pk]) in office
    assert users["leader"].has_perm("campaign.confirm_criticism", tree.province)
    assert not users["county_office"].has_perm("campaign.confirm_criticism", tree.province)


@pytest.mark.parametrize("name, params", [
    ("campaign:posters", {"date_from": "not-a-date"}),
    ("campaign:media_coverage", {"date_to": "2014-13-45"}),
    ("campaign:publicity_articles", {"column": "abc", "state": "bogus"}),
    ("campaign:public_articles", {"column": "99999"}),
])
def test_r6_a_filter_value_that_does_not_parse_shows_the_list_with_a_field_error(client, login, users, campaign,
                                                                               name, params):
    """Issue 10: a bad filter value gives the list with a field error and no rows, never a 500."""
    response = (client if name.startswith("campaign:public_") else login(users["county_office"])).get(
        reverse(name), params)
    assert response.status_code == 200
    assert response.context["filter"].errors and _listed(response) == []
