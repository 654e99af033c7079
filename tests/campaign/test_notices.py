"""X3: notices issued down the tree (冀群组发〔2014〕34号 is one), read by their addressees, followed by the issuer."""
from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.models import Notice, NoticeRecipient, Notification
from campaign.services.notices import NoticeError, notice_issue, notice_mark_read
from reports.excel import read_table
from tests.factories import UserFactory, add, user_with_role
from units.models import Level, RoleAssignment, UnitKind

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _no_email_queue(monkeypatch):
    """notify() queues the e-mail sweep after commit; the tests look at the stored notifications."""
    from campaign import tasks

    monkeypatch.setattr(tasks.notifications_email_pending, "delay", lambda *a, **k: None)


def _listed(table) -> list:
    """The records of the page of a list (its django-tables2 table)."""
    return [row.record for row in table.paginated_rows]


def issue(client, issuer, addressees=(), **fields):
    data = {"issuer": issuer.pk, "number": "石群组发〔2014〕12号", "title": "关于深化学习教育的通知",
            "issued_on": "2014-04-05", "body": "各县（市、区）委教育实践活动领导小组：\n请认真贯彻落实。",
            "addressees": [u.pk for u in addressees]}
    data.update(fields)
    return client.post(reverse("campaign:notice_create"), data)


def make_notice(issuer, units, number="冀群组发〔2014〕34号", **fields) -> Notice:
    notice = Notice.objects.create(issuer=issuer, number=number, title=fields.pop("title", "关于把第二批教育实践活动引向深入的通知"),
                                   body=fields.pop("body", "现就深化第二批教育实践活动的有关要求，通知如下。"),
                                   issued_on=fields.pop("issued_on", datetime.date(2014, 4, 3)), **fields)
    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, unit=u) for u in units])
    return notice


# --- issuing

def test_x3_city_office_issues_a_notice_and_addressees_are_notified_after_commit(
        login, tree, users, django_capture_on_commit_callbacks):
    """X3: stored with its addressees first; every user bound to an addressee unit is notified after commit."""
    township_user = user_with_role("township_liaison", "liaison", tree.township_a)  # below, not addressed
    client = login(users["city_office"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = issue(client, tree.city_a, [tree.county_a, tree.county_a2])
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("campaign:notice_detail", args=[notice.pk])
    assert notice.issuer == tree.city_a and notice.issued_by == users["city_office"]
    assert notice.issued_on == datetime.date(2014, 4, 5)
    assert set(notice.recipients.values_list("unit__name", flat=True)) == {"正定县", "行唐县"}
    assert not Notification.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"county_office", "liaison"}  # bound to 正定县; nobody is bound to 行唐县
    assert township_user.username not in notified
    note = Notification.objects.get(user=users["liaison"])
    assert notice.number in note.title and note.url == notice.get_absolute_url()


def test_x3_all_children_shortcut_and_a_deeper_unit_found_by_search(login, tree, users):
    """X3: "all children" addresses every unit directly below; deeper units come from a search in the subtree."""
    client = login(users["prov_office"])
    assert issue(client, tree.province, all_children="on", number="冀群组发〔2014〕35号").status_code == 302
    notice = Notice.objects.get(number="冀群组发〔2014〕35号")
    assert set(notice.recipients.values_list("unit__name", flat=True)) == {"石家庄市", "唐山市"}

    city = login(users["city_office"])
    found = city.get(reverse("campaign:notice_unit_search"), {"issuer": tree.city_a.pk, "unit_q": "塔元"},
                     HTTP_HX_REQUEST="true")
    assert list(found.context["units"]) == [tree.village_a] and "<html" not in found.content.decode()
    by_code = city.get(reverse("campaign:notice_unit_search"), {"unit_q": tree.township_a.code})
    # issue 10: one meaning of "a unit by name or code" — the code contains the text (the village's code
    # begins with its township's)
    assert list(by_code.context["units"]) == [tree.township_a, tree.village_a]
    outside = city.get(reverse("campaign:notice_unit_search"), {"unit_q": "迁安"})
    assert list(outside.context["units"]) == [] and 'id="unit-search-empty"' in outside.content.decode()
    assert city.get(reverse("campaign:notice_unit_search"), {"unit_q": "石家庄"}).context["units"] == []  # not itself

    assert issue(city, tree.city_a, [tree.village_a]).status_code == 302
    assert list(Notice.objects.get(issuer=tree.city_a).recipients.values_list("unit__name", flat=True)) == ["塔元庄村"]


def test_x3_issue_form_offers_the_issuers_children_as_checkboxes(login, tree, users):
    page = login(users["city_office"]).get(reverse("campaign:notice_create"))
    assert page.status_code == 200
    assert [u.name for u in page.context["choices"].children] == ["正定县", "行唐县"]
    html = page.content.decode()
    assert f'id="unit-{tree.county_a.pk}"' in html and 'id="id_all_children"' in html
    assert f'id="unit-{tree.county_b.pk}"' not in html


def test_x3_duplicate_number_per_issuer_is_refused_but_another_issuer_may_use_it(login, tree, users):
    client = login(users["city_office"])
    assert issue(client, tree.city_a, [tree.county_a]).status_code == 302
    again = issue(client, tree.city_a, [tree.county_a2], title="另一个通知")
    assert again.status_code == 200
    assert again.context["form"].errors["number"]
    assert "石家庄市" in again.context["form"].errors["number"][0]
    assert Notice.objects.count() == 1 and NoticeRecipient.objects.count() == 1
    # the number is unique per issuer only: 正定县 may use the same one
    assert issue(login(users["county_office"]), tree.county_a, [tree.township_a]).status_code == 302
    assert Notice.objects.count() == 2


@pytest.mark.parametrize("target", ["county_b", "city_a", "province", "county_a2_foreign"])
def test_x3_addressee_outside_the_issuers_subtree_is_refused_and_nothing_written(
        login, tree, users, target, django_capture_on_commit_callbacks):
    """X3: a tampered POST naming a unit that is not strictly below the issuer writes nothing, notifies nobody."""
    units = {"county_b": tree.county_b, "city_a": tree.city_a, "province": tree.province,
             "county_a2_foreign": tree.county_a2}
    client = login(users["county_office"])  # issues from 正定县
    with django_capture_on_commit_callbacks(execute=True):
        response = issue(client, tree.county_a, [tree.township_a, units[target]])
    assert response.status_code == 200
    assert response.context["form"].errors["addressees"]
    # R0.1 refused by its number: the message does not name a unit outside the office's subtree
    assert units[target].name not in " ".join(response.context["form"].errors["addressees"])
    assert not Notice.objects.exists() and not NoticeRecipient.objects.exists()
    assert not Notification.objects.exists()


def test_x3_at_least_one_addressee_and_body_or_pdf_required(login, tree, users):
    client = login(users["city_office"])
    no_addressee = issue(client, tree.city_a, [])
    assert no_addressee.status_code == 200 and no_addressee.context["form"].errors["addressees"]
    empty = issue(client, tree.city_a, [tree.county_a], body="  ")
    assert empty.status_code == 200 and empty.context["form"].errors["body"]
    assert not Notice.objects.exists()


def test_x3_issuer_is_the_unit_of_an_office_role_and_a_user_with_several_chooses(login, tree, users):
    """X3: a user holding office roles at 正定县 and 迁安市 issues from either, never from a unit above."""
    both = user_with_role("two_offices", "office", tree.county_a)
    RoleAssignment.objects.create(user=both, unit=tree.county_b, role="office")
    client = login(both)
    page = client.get(reverse("campaign:notice_create"), {"issuer": tree.county_b.pk})
    assert page.context["issuer"] == tree.county_b
    assert [u.name for u in page.context["choices"].children] == ["迁安镇"]
    assert 'id="issuer-choice"' in page.content.decode()
    assert issue(client, tree.county_b, [tree.township_b]).status_code == 302
    assert Notice.objects.get().issuer == tree.county_b
    tampered = issue(client, tree.city_a, [tree.county_a2], number="石群组发〔2014〕99号")
    assert tampered.status_code == 200 and tampered.context["form"].errors["issuer"]
    assert Notice.objects.count() == 1


def test_x3_service_refuses_issuing_from_a_unit_without_an_office_role(tree, users):
    with pytest.raises(NoticeError):
        notice_issue(user=users["supervisor"], issuer=tree.city_a, number="1", title="t", body="b",
                     issued_on=datetime.date(2014, 4, 5), addressees=[tree.county_a])
    with pytest.raises(NoticeError):  # the province office issues from the province, not for 石家庄市
        notice_issue(user=users["prov_office"], issuer=tree.city_a, number="1", title="t", body="b",
                     issued_on=datetime.date(2014, 4, 5), addressees=[tree.county_a])
    assert not Notice.objects.exists()


def test_x3_only_offices_may_open_the_issue_form(login, users):
    for name in ("supervisor", "liaison", "leader", "no_role"):
        assert login(users[name]).get(reverse("campaign:notice_create")).status_code == 403, name
        assert login(users[name]).post(reverse("campaign:notice_create"), {}).status_code == 403, name
    assert not Notice.objects.exists()


# --- the PDF file

def test_x3_pdf_only_notice_is_stored_and_served_only_to_the_issuer_side_and_addressees(login, tree, users):
    client = login(users["city_office"])
    upload = SimpleUploadedFile("通知.pdf", PDF_BYTES, content_type="application/pdf")
    assert issue(client, tree.city_a, [tree.county_a], body="", file=upload).status_code == 302
    notice = Notice.objects.get()
    assert notice.file and notice.body == ""
    url = reverse("campaign:notice_file", args=[notice.pk])
    for name in ("city_office", "prov_office", "county_office", "liaison", "supervisor"):
        response = login(users[name]).get(url)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
    for name in ("county_office_b", "no_role"):
        assert login(users[name]).get(url).status_code == 404, name
    # its printable form is the PDF itself
    assert login(users["liaison"]).get(reverse("campaign:notice_pdf", args=[notice.pk]))["Location"] == url


@pytest.mark.parametrize("name, content, problem", [
    ("notice.txt", PDF_BYTES, "extension"),
    ("notice.pdf", b"<html>not a pdf</html>", "header"),
    ("notice.pdf", PDF_BYTES + b"0" * 2048, "size"),
])
def test_x3_bad_pdf_is_refused_and_nothing_written(login, tree, users, settings, name, content, problem):
    settings.NOTICE_FILE_MAX_BYTES = 1024
    client = login(users["city_office"])
    response = issue(client, tree.city_a, [tree.county_a], body="",
                     file=SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert response.status_code == 200 and response.context["form"].errors["file"], problem
    assert not Notice.objects.exists()
    assert not any(settings.MEDIA_ROOT.rglob("*.*"))  # no stray file on disk either


# --- reading and acknowledging

def test_x3_addressee_marks_read_once_and_the_first_reader_is_kept(login, tree, users):
    notice = make_notice(tree.city_a, [tree.county_a, tree.county_a2])
    url = reverse("campaign:notice_read", args=[notice.pk])
    liaison = login(users["liaison"])
    page = liaison.get(notice.get_absolute_url())
    assert f'id="mark-read-{tree.county_a.pk}"' in page.content.decode()
    assert not page.context["detail"].issuer_side and page.context["recipients"] is None  # no one else's status
    assert liaison.post(url, {"unit": tree.county_a.pk}).status_code == 302
    first = NoticeRecipient.objects.get(notice=notice, unit=tree.county_a)
    assert first.read_by == users["liaison"] and first.read_at is not None
    assert login(users["county_office"]).post(url).status_code == 302  # a second mark, by a colleague
    again = NoticeRecipient.objects.get(notice=notice, unit=tree.county_a)
    assert (again.read_by, again.read_at) == (users["liaison"], first.read_at)
    assert NoticeRecipient.objects.get(notice=notice, unit=tree.county_a2).read_at is None


def test_x3_only_users_bound_to_an_addressee_unit_mark_it_read(login, tree, users):
    """In scope but not bound to an addressee: 403; out of scope: 404; nothing changes."""
    notice = make_notice(tree.province, [tree.city_a])
    url = reverse("campaign:notice_read", args=[notice.pk])
    assert login(users["prov_office"]).post(url).status_code == 403  # the issuer does not acknowledge it
    assert login(users["county_office"]).post(url).status_code == 404  # 正定县 is not addressed
    assert login(users["county_office_b"]).post(url).status_code == 404
    assert not NoticeRecipient.objects.filter(read_at__isnull=False).exists()
    assert login(users["supervisor"]).post(url).status_code == 302  # any role bound to 石家庄市
    assert NoticeRecipient.objects.get().read_by == users["supervisor"]
    with pytest.raises(NoticeError):
        notice_mark_read(user=users["leader"], notice=notice)


def test_x3_a_supervision_group_assigned_to_an_addressee_reads_but_does_not_acknowledge(
        login, tree, users, monkeypatch, django_capture_on_commit_callbacks):
    """A unit's scope granted through a supervision group (a provided grant, not a role row) shows the
    notice but neither notifies the group nor lets it mark the unit's copy read."""
    from units import scoping
    from units.scoping import Grant

    inspector = UserFactory(username="inspector")
    county = tree.county_a
    monkeypatch.setattr(scoping, "_providers", [
        lambda user: [Grant("supervisor", county.pk, county.path, county.name, county.depth)]
        if user.pk == inspector.pk else []])
    with django_capture_on_commit_callbacks(execute=True):
        issue(login(users["city_office"]), tree.city_a, [county])
    notice = Notice.objects.get()
    assert not Notification.objects.filter(user=inspector).exists()
    client = login(inspector)
    assert client.get(notice.get_absolute_url()).context["detail"].my_recipients == []
    assert client.post(reverse("campaign:notice_read", args=[notice.pk])).status_code == 403
    assert not NoticeRecipient.objects.filter(read_at__isnull=False).exists()


def test_x3_issuer_sees_who_has_read_filters_unread_and_exports_excel(login, tree, users):
    notice = make_notice(tree.city_a, [tree.county_a, tree.county_a2, tree.township_a])
    reader = UserFactory(username="reader", first_name="孙丽娜")
    RoleAssignment.objects.create(user=reader, unit=tree.county_a, role="liaison")
    notice_mark_read(user=reader, notice=notice)
    client = login(users["city_office"])
    page = client.get(notice.get_absolute_url())
    detail = page.context["detail"]
    assert detail.issuer_side and (detail.status.total, detail.status.read) == (3, 1)
    rows = {r.unit.name: r for r in _listed(page.context["recipients"])}
    assert rows["正定县"].read_by == reader and rows["行唐县"].read_at is None
    assert "孙丽娜" in page.content.decode()
    unread = client.get(notice.get_absolute_url(), {"unread": "1"})
    assert [r.unit.name for r in _listed(unread.context["recipients"])] == ["正定镇", "行唐县"]
    export = client.get(notice.get_absolute_url(), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    table = read_table(export.content, "status.xlsx")
    assert [row[0] for row in table[1:]] == ["正定县", "正定镇", "行唐县"]
    assert table[1][5] == "孙丽娜" and table[2][4] == ""
    only_unread = read_table(client.get(notice.get_absolute_url(), {"export": "xlsx", "unread": "1"}).content, "u.xlsx")
    assert [row[0] for row in only_unread[1:]] == ["正定镇", "行唐县"]
    # anyone whose scope covers the issuer sees it too; an addressee alone does not
    assert login(users["prov_office"]).get(notice.get_absolute_url()).context["detail"].issuer_side
    assert login(users["liaison"]).get(notice.get_absolute_url(), {"export": "xlsx"}).status_code == 403


def test_x3_detail_uses_a_fixed_number_of_queries(login, tree, users, django_assert_max_num_queries):
    notice = make_notice(tree.province, [tree.city_a, tree.city_b])
    client = login(users["prov_office"])
    with django_assert_max_num_queries(12):
        client.get(notice.get_absolute_url())
    for i in range(40):
        unit = add(tree.county_a2, name=f"乡镇{i}", code=f"T{i:03}", level=Level.TOWNSHIP, kind=UnitKind.GRASSROOTS)
        NoticeRecipient.objects.create(notice=notice, unit=unit, read_at=timezone.now() if i % 2 else None,
                                       read_by=users["liaison"] if i % 2 else None)
    with django_assert_max_num_queries(12):
        client.get(notice.get_absolute_url())


# --- who sees what

def test_x3_visible_to_issuer_side_and_addressees_only(tree, users):
    to_city = make_notice(tree.province, [tree.city_a], number="冀群组发〔2014〕34号")
    county_to_town = make_notice(tree.county_a, [tree.township_a], number="正群组发〔2014〕3号")
    expected = {
        "admin": {to_city, county_to_town}, "prov_office": {to_city, county_to_town},
        "leader": {to_city, county_to_town},
        "city_office": {to_city, county_to_town}, "supervisor": {to_city, county_to_town},
        "county_office": {county_to_town}, "liaison": {county_to_town},  # 34号 went to 石家庄市, not to 正定县
        "county_office_b": set(), "no_role": set(),
    }
    for name, notices in expected.items():
        assert set(Notice.objects.visible_to(users[name])) == notices, name
    township = user_with_role("town", "liaison", tree.township_a)
    assert set(Notice.objects.visible_to(township)) == {county_to_town}


def test_x3_superuser_sees_every_notice_even_one_without_addressees(tree):
    """A superuser's scope is everything: an empty scope Q must not collapse to the addressee half."""
    lonely = Notice.objects.create(issuer=tree.city_b, number="唐群组发〔2014〕1号", title="草稿", body="x",
                                   issued_on=datetime.date(2014, 4, 1))
    root = UserFactory(username="root", is_superuser=True, is_active=True)
    assert list(Notice.objects.visible_to(root)) == [lonely]


def test_x3_out_of_scope_notice_pages_are_404(login, tree, users):
    notice = make_notice(tree.city_b, [tree.county_b], number="唐群组发〔2014〕2号")
    client = login(users["county_office"])
    for name in ("campaign:notice_detail", "campaign:notice_pdf", "campaign:notice_file"):
        assert client.get(reverse(name, args=[notice.pk])).status_code == 404, name


# --- the list

def test_x3_list_search_boxes_and_unread_filter(login, tree, users, settings):
    settings.PAGE_SIZE = 2
    read = make_notice(tree.province, [tree.city_a], number="冀群组发〔2014〕30号", title="关于学习焦裕禄精神的通知")
    unread = make_notice(tree.province, [tree.city_a, tree.city_b], number="冀群组发〔2014〕34号")
    sent = make_notice(tree.city_a, [tree.county_a], number="石群组发〔2014〕12号", title="关于开展学习考试的通知")
    other = make_notice(tree.province, [tree.city_b], number="冀群组发〔2014〕36号")
    notice_mark_read(user=users["city_office"], notice=read)
    client = login(users["city_office"])

    def numbers(**params):
        response = client.get(reverse("campaign:notices"), params)
        assert response.status_code == 200
        return [n.number for n in _listed(response.context["table"])], response

    everything, response = numbers()
    assert response.context["table"].paginator.count == 3 and len(everything) == 2  # paginated
    assert other.number not in everything
    assert numbers(page=2)[0] == [read.number]
    assert numbers(box="inbox")[0] == [unread.number, read.number]
    assert numbers(box="inbox", unread="1")[0] == [unread.number]
    assert numbers(box="sent")[0] == [sent.number]
    assert numbers(q="焦裕禄")[0] == [read.number]
    assert numbers(q="石群组发")[0] == [sent.number]
    empty, response = numbers(q="不存在")
    assert empty == [] and 'id="notices-empty"' in response.content.decode()
    row = {n.number: n for n in _listed(numbers(box="inbox")[1].context["table"])}
    assert row[unread.number].unread_by_me and not row[read.number].unread_by_me
    assert not row[unread.number].issuer_side  # 石家庄市 does not see how the other cities read it
    sent_row = _listed(numbers(box="sent")[1].context["table"])[0]
    assert sent_row.issuer_side and (sent_row.recipient_count, sent_row.read_count) == (1, 0)
    table = read_table(client.get(reverse("campaign:notices"), {"box": "inbox", "export": "xlsx"}).content, "n.xlsx")
    assert [r[0] for r in table[1:]] == [unread.number, read.number]


def test_x3_list_uses_a_fixed_number_of_queries(login, tree, users, django_assert_max_num_queries):
    def grow(start: int, count: int) -> None:
        for i in range(start, start + count):
            notice = make_notice(tree.province, [tree.city_a, tree.city_b], number=f"冀群组发〔2014〕{i}号")
            if i % 2:
                notice_mark_read(user=users["city_office"], notice=notice)

    grow(1, 2)
    for name in ("city_office", "prov_office"):
        client = login(users[name])
        with django_assert_max_num_queries(9):
            client.get(reverse("campaign:notices"))
    grow(3, 30)
    for name, box in (("city_office", "inbox"), ("prov_office", "sent")):
        client = login(users[name])
        with django_assert_max_num_queries(9):
            response = client.get(reverse("campaign:notices"), {"box": box})
        assert response.context["table"].paginator.count == 32


# --- the printable PDF

@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_x3_printable_pdf_has_letterhead_number_title_and_addressees(login, tree, users, tmp_path):
    """X3 the issuer side prints every addressee; an addressee (issue 10) only those in its own subtree."""
    notice = make_notice(tree.province, [tree.city_a, tree.city_b])

    def printed(user) -> str:
        response = login(user).get(reverse("campaign:notice_pdf", args=[notice.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        path = tmp_path / "notice.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
        return "".join(text.split())

    squeezed = printed(users["prov_office"])
    assert "冀群组发〔2014〕34号" in squeezed
    assert "关于把第二批教育实践活动引向深入的通知" in squeezed
    assert "石家庄市、唐山市" in squeezed and "河北省" in squeezed
    assert "通知如下" in squeezed
    of_city_a = printed(users["supervisor"])
    assert "石家庄市：" in of_city_a and "唐山市" not in of_city_a


# --- demo

def test_x3_demo_builds_read_and_unread_notices(tree, users, campaign):
    import random

    from campaign.demo.notices import build

    counts = build(campaign=campaign, today=datetime.date(2014, 4, 20), rng=random.Random(2014))
    assert counts["notices"] == Notice.objects.count() >= 3
    seed = Notice.objects.get(number="冀群组发〔2014〕34号")
    assert seed.issuer == tree.province and "引向深入" in seed.title and "惰" in seed.body
    assert set(Notice.objects.values_list("issuer__name", flat=True)) >= {"河北省", "石家庄市"}
    assert Notice.objects.filter(issuer=tree.city_a, recipients__unit=tree.county_a).exists()
    assert NoticeRecipient.objects.filter(read_at__isnull=False).exists()
    assert NoticeRecipient.objects.filter(read_at__isnull=True).exists()
    for r in NoticeRecipient.objects.select_related("notice"):
        assert r.unit.path.startswith(r.notice.issuer.path) and r.unit.depth > r.notice.issuer.depth
        if r.read_at:
            assert r.read_at.date() >= r.notice.issued_on
    # the county's users find something unread at once
    assert Notice.objects.addressed_to([tree.county_a.pk], unread=True).exists()


# --- issue 10: visibility does not travel through a shared notice

@pytest.mark.parametrize("viewer, own, other", [("county_office_b", "迁安市", "正定县"),
                                                 ("county_office", "正定县", "迁安市")])
def test_x3_a_shared_notice_shows_nothing_of_the_other_county(login, tree, users, viewer, own, other):
    """X3 (issue 10): a provincial notice to 正定县 and 迁安市 — each county sees its own addressee row only:
    no read counts, names, read status, export or print of the other one, and cannot mark it read."""
    notice = make_notice(tree.province, [tree.county_a, tree.county_b])
    other_unit = tree.county_a if other == "正定县" else tree.county_b
    notice_mark_read(user=users["county_office" if other == "正定县" else "county_office_b"], notice=notice)
    client = login(users[viewer])
    page = client.get(notice.get_absolute_url())
    assert page.status_code == 200 and other not in page.content.decode()
    assert [r.unit.name for r in page.context["detail"].my_recipients] == [own]
    assert page.context["recipients"] is None
    row = _listed(client.get(reverse("campaign:notices")).context["table"])[0]
    assert (row.recipient_count, row.read_count) == (1, 0) and not row.issuer_side
    table = read_table(client.get(reverse("campaign:notices"), {"export": "xlsx"}).content, "n.xlsx")
    assert [str(v) for v in table[1][4:]] == ["1", "0", "1"]
    assert client.get(notice.get_absolute_url(), {"export": "xlsx"}).status_code == 403
    assert client.post(reverse("campaign:notice_read", args=[notice.pk]), {"unit": other_unit.pk}).status_code == 302
    assert NoticeRecipient.objects.get(notice=notice, unit=tree.county_a if own == "正定县" else tree.county_b
                                       ).read_at is None
    from campaign.selectors.notices import notice_document
    assert notice_document(notice, user=users[viewer]).addressees == f"{own}："
    # the province (issuer side) still sees both
    assert notice_document(notice, user=users["prov_office"]).addressees == "正定县、迁安市："


def test_x3_a_county_notice_is_404_for_the_other_county(login, tree, users):
    """X3 (issue 10): a notice of 正定县 to 正定镇 is out of 迁安市's scope: 404 on every page, GET and POST."""
    notice = make_notice(tree.county_a, [tree.township_a])
    client = login(users["county_office_b"])
    for name in ("notice_detail", "notice_file", "notice_pdf"):
        assert client.get(reverse(f"campaign:{name}", args=[notice.pk])).status_code == 404
    assert client.post(reverse("campaign:notice_read", args=[notice.pk])).status_code == 404
    assert not NoticeRecipient.objects.filter(read_at__isnull=False).exists()
