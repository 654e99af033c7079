"""Issue 12 / R0.4: a checked spreadsheet left unconfirmed waits on its uploader's to-do list (imports waiting
for confirmation), from where it is confirmed or discarded; nobody else sees or settles it; beat forgets it
after IMPORT_PENDING_DAYS."""
from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from units.models import Unit
from web.models import PendingImport

UNIT_HEADER = ["编码", "名称", "上级编码", "层级", "类型", "后进村", "最难单位"]
ROWS = [UNIT_HEADER, ["130123002", "新安镇", "130123", "乡镇", "基层党组织", "", ""],
        ["130123003", "新城镇", "130123", "乡镇", "基层党组织", "", ""]]


def _csv(rows) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8-sig")


def _upload(client, name="乡镇.csv"):
    response = client.post(reverse("units:import"), {"kind": "units", "file": SimpleUploadedFile(name, _csv(ROWS))})
    assert response.context["plan"].ok
    return response


def _imports_section(client):
    response = client.get(reverse("home"))
    office = next(g for g in response.context["todo"].groups if g.key == "office")
    return next(s for s in office.sections if s.key == "imports")


def _client(user) -> Client:
    c = Client()
    c.force_login(user, backend="accounts.backends.PasswordBackend")
    return c


def test_issue12_r0_4_an_unconfirmed_import_waits_on_the_uploaders_todo_and_is_confirmed_from_there(
        login, users, tree, campaign, django_capture_on_commit_callbacks):
    """The office uploads, sees the preview and leaves: the file is on its to-do (count = rows of the list
    behind it), one click from the list that confirms it; confirming writes the rows and settles the item."""
    client = login(users["county_office"])
    preview = _upload(client).content.decode()
    assert reverse("web:pending_imports") in preview and 'id="import-discard"' in preview
    section = _imports_section(client)
    assert section.count == 1 and section.items[0].title == "乡镇.csv"
    assert "2" in section.items[0].detail and section.items[0].url.startswith(reverse("web:pending_imports"))
    listing = client.get(section.list_url)
    assert len(listing.context["pending"]) == section.count
    page = listing.content.decode()
    pending = PendingImport.objects.get()
    assert f'id="import-{pending.token}"' in page and pending.confirm_url in page
    assert not Unit.objects.filter(code="130123002").exists()  # waiting writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pending.confirm_url, follow=True)
    assert response.status_code == 200 and "乡镇.csv" in response.content.decode()
    assert set(Unit.objects.filter(code__in=["130123002", "130123003"]).values_list("name", flat=True)) == {
        "新安镇", "新城镇"}
    section = _imports_section(client)
    assert section.count == 0 and section.empty in client.get(reverse("home")).content.decode()
    assert not PendingImport.objects.exists() and not list(Path(settings.IMPORT_DIR).iterdir())
    assert "pending-imports-empty" in client.get(reverse("web:pending_imports")).content.decode()


def test_issue12_r0_1_another_office_neither_sees_nor_settles_someone_elses_import(login, users, tree, campaign):
    """R0.1 a pending import is its uploader's: the city office above sees none on its to-do or list, and its
    discard or confirm of the token answers 404 and changes nothing."""
    _upload(login(users["county_office"]))
    pending = PendingImport.objects.get()
    other = _client(users["city_office"])
    assert _imports_section(other).count == 0
    assert pending.token not in other.get(reverse("web:pending_imports")).content.decode()
    assert other.post(reverse("web:pending_import_discard", args=[pending.token])).status_code == 404
    assert other.post(pending.confirm_url).status_code == 404
    assert PendingImport.objects.filter(pk=pending.pk).exists()
    assert not Unit.objects.filter(code="130123002").exists()


def test_issue12_r0_4_discarding_writes_nothing_and_settles_the_item(login, users, tree, campaign,
                                                                     django_capture_on_commit_callbacks):
    """Discard from the preview: back on the upload page with a message, the file gone, nothing written,
    the to-do empty; the discarded token cannot be confirmed afterwards."""
    client = login(users["county_office"])
    _upload(client)
    pending = PendingImport.objects.get()
    stored = Path(settings.IMPORT_DIR) / pending.file
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:pending_import_discard", args=[pending.token]),
                               {"next": pending.again_url}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("units:import")
    assert "乡镇.csv" in response.content.decode()
    assert not PendingImport.objects.exists() and not stored.exists()
    assert _imports_section(client).count == 0
    assert client.post(pending.confirm_url).status_code == 404
    assert not Unit.objects.filter(code="130123002").exists()
    # an outside address in "next" is not followed
    _upload(client)
    again = PendingImport.objects.get()
    response = client.post(reverse("web:pending_import_discard", args=[again.token]), {"next": "https://evil.example/"})
    assert response.url == reverse("web:pending_imports")


def test_issue12_r0_4_a_file_that_fails_at_confirmation_leaves_the_todo_with_the_reason(login, users, tree,
                                                                                          campaign):
    """Rows checked at upload but no longer valid when confirmed (the same codes imported meanwhile through a
    second upload): nothing written by the stale one, its error shown, and it leaves the to-do."""
    client = login(users["county_office"])
    _upload(client, "第一份.csv")
    _upload(client, "第二份.csv")
    first, second = PendingImport.objects.order_by("created_at", "pk")
    assert _imports_section(client).count == 2
    assert [i.title for i in _imports_section(client).items] == ["第一份.csv", "第二份.csv"]  # oldest first
    client.post(second.confirm_url)
    response = client.post(first.confirm_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("units:import")
    assert "130123002" in response.content.decode()
    assert Unit.objects.filter(code="130123002").count() == 1
    assert _imports_section(client).count == 0


def test_issue12_r0_4_exam_results_waiting_name_the_exam(login, users, tree, campaign):
    from campaign.services.exams import exam_create

    exam = exam_create(user=users["county_office"], campaign=campaign, unit=tree.county_a,
                       title="第一次应知应会测试", date=datetime.date(2014, 6, 1))
    client = login(users["county_office"])
    response = client.post(reverse("campaign:exam_import", args=[exam.pk]),
                           {"file": SimpleUploadedFile("成绩.csv", "单位编码,姓名,分数\n".encode("utf-8-sig")
                                                       + "130123,王正定,88\n".encode())})
    assert response.status_code == 200
    item = _imports_section(client).items[0]
    assert "第一次应知应会测试" in item.detail
    # what the confirmation page checks is read from its view, so the list knows whom to offer it
    assert PendingImport.objects.get().permission == "campaign.manage_exam"


def test_issue12_r0_4_imports_left_unconfirmed_are_forgotten_by_beat(login, users, tree, campaign,
                                                                      django_capture_on_commit_callbacks):
    """The daily task forgets imports older than IMPORT_PENDING_DAYS, stored files and all; newer ones stay."""
    from config.celery import app
    from web.tasks import pending_imports_purge

    client = login(users["county_office"])
    _upload(client, "旧.csv")
    _upload(client, "新.csv")
    old = PendingImport.objects.get(name="旧.csv")
    PendingImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=settings.IMPORT_PENDING_DAYS, hours=1))
    old_file, new_file = Path(settings.IMPORT_DIR) / old.file, Path(settings.IMPORT_DIR) / PendingImport.objects.get(
        name="新.csv").file
    with django_capture_on_commit_callbacks(execute=True):
        assert pending_imports_purge.run() == 1
    assert list(PendingImport.objects.values_list("name", flat=True)) == ["新.csv"]
    assert not old_file.exists() and new_file.exists()
    assert "web.pending_imports_purge" in {e["task"] for e in app.conf.beat_schedule.values()}


def test_issue12_r0_1_an_uploader_who_lost_the_right_is_offered_only_to_discard(login, users, tree, campaign):
    """DESIGN: a page never offers an action that then answers 403. The county office uploads, then loses its
    role: its list still shows the file (to discard), without the button whose confirmation would be refused."""
    client = login(users["county_office"])
    _upload(client)
    pending = PendingImport.objects.get()
    assert pending.permission == "units.import_units"
    page = client.get(reverse("web:pending_imports")).content.decode()
    assert f'action="{pending.confirm_url}"' in page
    users["county_office"].role_assignments.all().delete()
    users["county_office"]._dudao_grants = None
    client = login(users["county_office"].__class__.objects.get(pk=users["county_office"].pk))
    page = client.get(reverse("web:pending_imports")).content.decode()
    assert f'action="{pending.confirm_url}"' not in page and "您已无权导入这些数据。" in page
    assert reverse("web:pending_import_discard", args=[pending.token]) in page
    assert client.post(pending.confirm_url).status_code == 403  # what the hidden button would have met


def test_issue12_r0_4_a_stored_file_the_reader_now_refuses_is_reported_not_a_500(login, users, tree, campaign):
    """Bad input: the file waiting was changed on disk (or the reader changed) and cannot be read any more —
    a message on the upload page, nothing written, the item gone from the to-do."""
    client = login(users["county_office"])
    _upload(client)
    pending = PendingImport.objects.get()
    (Path(settings.IMPORT_DIR) / pending.file).write_bytes(b"")  # the reader refuses an empty file
    response = client.post(pending.confirm_url, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("units:import")
    assert "乡镇.csv" in response.content.decode()  # the reader's message names the file
    assert not PendingImport.objects.exists() and not Unit.objects.filter(code="130123002").exists()
