"""R2.7 reflection articles: requests to city and county secretaries, submission with a file, the best
compiled into a PDF volume, the scoped list with filters and Excel export."""
from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.errors import CampaignError
from campaign.forms.articles import MAX_UPLOAD_BYTES
from campaign.models import ArticleRequest, Notification
from campaign.services import articles as services
from reports.excel import read_table
from tests.factories import CadreFactory
from units.models import Level, Rank

DUE = datetime.date(2014, 4, 25)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(*paragraphs: str) -> bytes:
    """A minimal Word file: the zip with word/document.xml that Word and WPS write."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                                              f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n% fake but well-signed\n"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def article(campaign, tree):
    return ArticleRequest.objects.create(campaign=campaign, cadre=tree.cadre_a, due_date=DUE)


def submit(client, article, **data):
    return client.post(reverse("campaign:article_submit", args=[article.pk]), data)


# --- requests

def test_r2_7_provincial_office_requests_articles_and_units_are_notified(login, users, tree, campaign):
    client = login(users["prov_office"])
    response = client.post(reverse("campaign:article_request"),
                           {"cadres": [tree.cadre_a.pk, tree.cadre_b.pk], "due_date": "2014-04-25"})
    assert response.status_code == 302
    assert set(ArticleRequest.objects.values_list("cadre__name", flat=True)) == {"王正定", "李迁安"}
    notified = set(Notification.objects.values_list("user__username", flat=True))
    # the liaison and office of 正定县, the office of 迁安市 — nobody else
    assert notified == {"liaison", "county_office", "county_office_b"}
    # the due date as Chinese writes it, not 2014-04-25
    assert Notification.objects.filter(title="向王正定约稿学习体会文章，截止 2014年4月25日").count() == 2


def test_r2_7_only_city_and_county_secretaries_may_be_asked(users, tree, campaign):
    township_secretary = CadreFactory(unit=tree.township_a, name="镇书记", is_party_secretary=True)
    county_deputy = CadreFactory(unit=tree.county_a, name="副县长", rank=Rank.COUNTY)
    for cadre in (tree.cadre_province, township_secretary, county_deputy):
        with pytest.raises(CampaignError):
            services.articles_request(campaign=campaign, cadres=[tree.cadre_a, cadre], due_date=DUE,
                                      by=users["prov_office"])
    assert not ArticleRequest.objects.exists()  # all or nothing: 王正定 was not asked either
    assert not Notification.objects.exists()
    city_secretary = CadreFactory(unit=tree.city_a, name="石书记", is_party_secretary=True, rank=Rank.DEPARTMENT)
    created = services.articles_request(campaign=campaign, cadres=[city_secretary], due_date=DUE,
                                        by=users["prov_office"])
    assert [a.cadre.name for a in created] == ["石书记"]


def test_r2_7_request_form_offers_only_eligible_secretaries(login, users, tree, campaign):
    response = login(users["prov_office"]).get(reverse("campaign:article_request"))
    offered = set(response.context["form"].fields["cadres"].queryset.values_list("name", flat=True))
    assert offered == {"王正定", "李迁安"}


def test_r2_7_a_second_request_to_the_same_secretary_is_refused(login, users, tree, campaign, article):
    client = login(users["prov_office"])
    response = client.post(reverse("campaign:article_request"),
                           {"cadres": [tree.cadre_a.pk, tree.cadre_b.pk], "due_date": "2014-04-25"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert ArticleRequest.objects.count() == 1


def test_r2_7_due_date_outside_the_campaign_is_refused(login, users, tree, campaign):
    response = login(users["prov_office"]).post(reverse("campaign:article_request"),
                                                {"cadres": [tree.cadre_a.pk], "due_date": "2015-01-10"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not ArticleRequest.objects.exists()


@pytest.mark.parametrize("role", ["city_office", "county_office", "liaison", "leader", "supervisor"])
def test_r2_7_only_the_provincial_office_requests(login, users, tree, campaign, role):
    response = login(users[role]).post(reverse("campaign:article_request"),
                                       {"cadres": [tree.cadre_a.pk], "due_date": "2014-04-25"})
    assert response.status_code == 403
    assert not ArticleRequest.objects.exists()


# --- submission

def test_r2_7_docx_text_is_taken_over_when_the_text_box_is_empty(login, users, article):
    response = submit(login(users["liaison"]), article, title="学习焦裕禄精神的体会",
                      body="", file=upload("体会.docx", make_docx("第一段，学习兰考讲话。", "第二段，对照检查。")))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "学习焦裕禄精神的体会"
    assert article.body == "第一段，学习兰考讲话。\n第二段，对照检查。"
    assert article.submitted_at is not None and article.submitted_by == users["liaison"]
    assert article.file_name.endswith(".docx")


def test_r2_7_gb18030_text_file_is_read(login, users, article):
    submit(login(users["county_office"]), article, title="体会", body="",
           file=upload("tihui.txt", "为民务实清廉".encode("gb18030")))
    article.refresh_from_db()
    assert article.body == "为民务实清廉"


def test_r2_7_typed_text_wins_over_the_file(login, users, article):
    submit(login(users["county_office"]), article, title="体会", body="手写正文",
           file=upload("tihui.docx", make_docx("文件正文")))
    article.refresh_from_db()
    assert article.body == "手写正文"


def test_r2_7_pdf_needs_the_text_box_and_nothing_is_written_without_it(login, users, article, settings):
    client = login(users["liaison"])
    response = submit(client, article, title="体会", body="", file=upload("体会.pdf", PDF_BYTES))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    article.refresh_from_db()
    assert article.submitted_at is None and not article.file and not article.title
    assert not list(settings.MEDIA_ROOT.rglob("*.pdf"))

    response = submit(client, article, title="体会", body="粘贴的正文", file=upload("体会.pdf", PDF_BYTES))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "粘贴的正文" and article.file_name == "体会.pdf"
    assert "体会" not in article.file.name  # stored under a random name (issue 15), shown under the title


@pytest.mark.parametrize("name,data,code", [
    ("体会.doc", b"\xd0\xcf\x11\xe0old word", "extension"),
    ("体会.exe", b"MZ", "extension"),
    ("体会.pdf", b"not a pdf", "signature"),
    ("体会.docx", b"not a zip", "signature"),
    ("体会.txt", b"x" * (MAX_UPLOAD_BYTES + 1), "size"),
])
def test_r2_7_bad_files_are_refused_in_the_form(login, users, article, name, data, code):
    response = submit(login(users["liaison"]), article, title="体会", body="正文", file=upload(name, data))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == [code]
    article.refresh_from_db()
    assert article.submitted_at is None


def test_r2_7_damaged_docx_gives_a_message_not_an_error_page(login, users, article):
    broken = b"PK\x03\x04" + b"\x00" * 100
    response = submit(login(users["liaison"]), article, title="体会", body="", file=upload("体会.docx", broken))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    article.refresh_from_db()
    assert article.submitted_at is None


def test_r2_7_docx_with_an_entity_declaration_is_refused():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("word/document.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                                              f'<w:document xmlns:w="{W_NS}"><w:body/></w:document>')
    with pytest.raises(CampaignError):
        services.text_from_file(upload("bomb.docx", bomb.getvalue()))


def test_r2_7_docx_hiding_an_entity_declaration_in_utf16_is_refused():
    """A UTF-16 document.xml would slip a DTD past a byte search for <!DOCTYPE."""
    bomb = io.BytesIO()
    xml = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>')
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("word/document.xml", xml.encode("utf-16"))
    with pytest.raises(CampaignError):
        services.text_from_file(upload("bomb.docx", bomb.getvalue()))


@pytest.mark.parametrize("role,status", [("supervisor", 403), ("leader", 403), ("county_office_b", 404),
                                         ("no_role", 404)])
def test_r2_7_only_writers_of_the_authors_unit_submit(login, users, article, role, status):
    response = submit(login(users[role]), article, title="体会", body="正文")
    assert response.status_code == status
    article.refresh_from_db()
    assert article.submitted_at is None


def test_r2_7_uploaded_file_is_downloaded_only_within_scope(login, users, article):
    submit(login(users["liaison"]), article, title="体会", body="",
           file=upload("体会.txt", "全文".encode()))
    url = reverse("campaign:article_file", args=[article.pk])
    response = login(users["city_office"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "全文".encode()
    assert "attachment" in response["Content-Disposition"]
    assert login(users["county_office_b"]).get(url).status_code == 404


def test_r2_7_no_file_means_404(login, users, article):
    assert login(users["prov_office"]).get(reverse("campaign:article_file", args=[article.pk])).status_code == 404


# --- the best and the volume

def test_r2_7_only_a_submitted_article_can_be_selected(login, users, article):
    client = login(users["prov_office"])
    client.post(reverse("campaign:article_best", args=[article.pk]), {"selected": "1"})
    article.refresh_from_db()
    assert not article.is_best


def test_r2_7_selection_is_the_provincial_offices_and_locks_the_article(login, users, article):
    submit(login(users["liaison"]), article, title="体会", body="正文")
    url = reverse("campaign:article_best", args=[article.pk])
    assert login(users["city_office"]).post(url, {"selected": "1"}).status_code == 403
    login(users["prov_office"]).post(url, {"selected": "1"})
    article.refresh_from_db()
    assert article.is_best
    submit(login(users["liaison"]), article, title="改过的标题", body="改过的正文")
    article.refresh_from_db()
    assert article.title == "体会"  # selected for the volume: no more changes
    login(users["prov_office"]).post(url, {"selected": "0"})
    article.refresh_from_db()
    assert not article.is_best


def _submitted(campaign, cadre, title: str, body: str, best: bool) -> ArticleRequest:
    return ArticleRequest.objects.create(campaign=campaign, cadre=cadre, due_date=DUE, title=title, body=body,
                                         submitted_at=timezone.now(), is_best=best)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_r2_7_volume_holds_only_the_best_articles_with_author_and_unit(login, users, tree, campaign, tmp_path):
    _submitted(campaign, tree.cadre_a, "在为民务实清廉上作表率", "要把群众路线贯穿始终。\n第二段落。", best=True)
    _submitted(campaign, tree.cadre_b, "未入选的文章标题", "不会出现在汇编里。", best=False)
    city_secretary = CadreFactory(unit=tree.city_a, name="石家庄书记", post="市委书记", is_party_secretary=True)
    _submitted(campaign, city_secretary, "弘扬焦裕禄精神", "市委书记的体会。", best=True)
    response = login(users["prov_office"]).get(reverse("campaign:articles_volume"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "volume.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    squeezed = "".join(text.split())
    for expected in ("在为民务实清廉上作表率", "王正定", "正定县", "弘扬焦裕禄精神", "石家庄书记", "石家庄市",
                     "要把群众路线贯穿始终"):
        assert expected in squeezed
    assert "未入选的文章标题" not in squeezed and "李迁安" not in squeezed
    # a city comes before its counties, and each title appears twice: in the contents and as a heading
    assert squeezed.index("弘扬焦裕禄精神") < squeezed.index("在为民务实清廉上作表率")
    assert squeezed.count("弘扬焦裕禄精神") == 2
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))) >= 4


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_r2_7_volume_carries_its_creation_date_and_counts_pages_from_the_cover(login, users, tree, campaign,
                                                                               tmp_path):
    """Issue 12: the cover and the PDF's properties show the day it was compiled (not 2000-01-01), and
    the page numbers are the viewer's: the cover is page 1, the contents page 2 (第 2 页 共 N 页)."""
    from tests.reports.test_pdf import has_label, label_re

    _submitted(campaign, tree.cadre_a, "在为民务实清廉上作表率", "要把群众路线贯穿始终。", best=True)
    today = timezone.localdate()
    pdf = tmp_path / "volume.pdf"
    pdf.write_bytes(login(users["prov_office"]).get(reverse("campaign:articles_volume")).content)

    def run(*args: str) -> str:
        return subprocess.run([*args, str(pdf)] if args[0] == "pdfinfo" else [*args, str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout

    info = dict(line.split(":", 1) for line in run("pdfinfo", "-isodates").splitlines() if ":" in line)
    assert info["CreationDate"].strip().startswith(today.isoformat())
    total = int(info["Pages"])
    cover = run("pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1")
    assert f"{today.year}年{today.month}月{today.day}日" in cover and not label_re().search(cover)
    contents = run("pdftotext", "-enc", "UTF-8", "-f", "2", "-l", "2")
    assert has_label(contents, 2, total)
    last = run("pdftotext", "-enc", "UTF-8", "-f", str(total), "-l", str(total))
    assert has_label(last, total, total)


def test_r2_7_volume_without_a_selected_article_sends_back_with_a_message(login, users, article):
    response = login(users["prov_office"]).get(reverse("campaign:articles_volume"))
    assert response.status_code == 302 and response["Location"] == reverse("campaign:articles")


# --- the list

def test_r2_7_list_is_scoped_to_the_authors_units(login, users, tree, campaign):
    _submitted(campaign, tree.cadre_a, "正定体会", "正文", best=False)
    ArticleRequest.objects.create(campaign=campaign, cadre=tree.cadre_b, due_date=DUE)

    def authors(role):
        response = login(users[role]).get(reverse("campaign:articles"))
        return {row.record.cadre.name for row in response.context["table"].paginated_rows}

    assert authors("prov_office") == {"王正定", "李迁安"}
    assert authors("city_office") == {"王正定"}
    assert authors("county_office_b") == {"李迁安"}
    assert authors("no_role") == set()


@pytest.mark.parametrize("state,expected", [("submitted", {"王正定", "石书记"}), ("pending", {"李迁安"}),
                                            ("overdue", {"李迁安"}), ("best", {"石书记"})])
def test_r2_7_list_filters_by_state(login, users, tree, campaign, state, expected):
    _submitted(campaign, tree.cadre_a, "正定体会", "正文", best=False)
    _submitted(campaign, CadreFactory(unit=tree.city_a, name="石书记", is_party_secretary=True), "市体会", "正文",
               best=True)
    ArticleRequest.objects.create(campaign=campaign, cadre=tree.cadre_b, due_date=DUE)  # 2014: long overdue
    response = login(users["prov_office"]).get(reverse("campaign:articles"), {"state": state})
    assert {row.record.cadre.name for row in response.context["table"].paginated_rows} == expected


def test_r2_7_excel_export_follows_the_filters(login, users, tree, campaign):
    _submitted(campaign, tree.cadre_a, "正定体会", "正文", best=True)
    ArticleRequest.objects.create(campaign=campaign, cadre=tree.cadre_b, due_date=DUE)
    response = login(users["prov_office"]).get(reverse("campaign:articles"), {"state": "best", "export": "xlsx"})
    rows = read_table(response.content, "a.xlsx")
    assert len(rows) == 2 and rows[1][0] == "王正定" and rows[1][2] == "正定县" and rows[1][4] == "正定体会"


def test_r2_7_list_uses_a_fixed_number_of_queries(login, users, tree, campaign, django_assert_max_num_queries):
    client = login(users["prov_office"])

    def add_requests(count: int, start: int) -> None:
        for n in range(start, start + count):
            cadre = CadreFactory(unit=tree.county_b, name=f"书记{n}", is_party_secretary=True)
            _submitted(campaign, cadre, f"体会{n}", "正文", best=n % 2 == 0)

    add_requests(2, 0)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("campaign:articles"))
    add_requests(30, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("campaign:articles"))


def test_r2_7_demo_shows_requests_in_every_state(db):
    import random

    from campaign.demo import articles as demo_articles
    from campaign.services.campaign import campaign_create
    from units import demo

    demo.build("demo", seed=2014)
    today = timezone.localdate()
    campaign = campaign_create(shift_to=today - datetime.timedelta(days=10))
    counts = demo_articles.build(campaign=campaign, today=today, rng=random.Random(2014))
    articles = list(ArticleRequest.objects.select_related("cadre__unit"))
    assert counts["reflection articles requested"] == len(articles) == 8
    assert {a.state(today) for a in articles} == {"best", "submitted", "overdue", "due"}
    assert all(a.cadre.unit.level in (Level.CITY, Level.COUNTY) and a.cadre.is_party_secretary for a in articles)
    assert sum(a.is_best for a in articles) == 1
    assert any(a.file_name.endswith(".txt") and a.body for a in articles)
