"""Issue 15 (等保三级), the controls delivered so far: lockout per user *and* address (the real client behind
the proxy), idle timeout, passwords of at least 10 characters, a password change ending the other sessions,
no caching of signed-in pages, Permissions-Policy, no public /media/ route, random stored file names, and
spreadsheets checked for their unpacked size and length before they are read."""
from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.security import last_seen_set

pytestmark = pytest.mark.django_db


def _login(client, username: str, password: str, ip: str, **extra) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip,
                       **extra).status_code


def test_issue15_nobody_locks_another_user_out_from_elsewhere(client, users, password, settings):
    """Six wrong passwords for `leader` from six addresses, then the right one from a seventh: logged in."""
    for i in range(settings.AXES_FAILURE_LIMIT + 1):
        assert _login(client, "leader", "wrong", f"198.51.100.{i}") == 200
    assert _login(client, "leader", password, "203.0.113.9") == 302


def test_issue15_failures_lock_that_user_from_that_address_only(client, users, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "leader", "wrong", "198.51.100.7")
    assert _login(client, "leader", password, "198.51.100.7") == 429  # the guesser's address: locked
    assert _login(client, "county_office", password, "198.51.100.7") == 302  # another user there: not locked
    assert _login(client, "leader", password, "203.0.113.9") == 302  # the leader elsewhere: not locked


def test_issue15_behind_the_proxy_the_real_client_counts(client, users, password, settings):
    """Behind nginx every request comes from the proxy's address; the client's is in X-Real-IP. Five bad
    logins from one client lock that client, not everyone behind the proxy."""
    settings.BEHIND_PROXY = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "leader", "wrong", "127.0.0.1", HTTP_X_REAL_IP="198.51.100.7")
    assert _login(client, "leader", password, "127.0.0.1", HTTP_X_REAL_IP="198.51.100.7") == 429
    assert _login(client, "leader", password, "127.0.0.1", HTTP_X_REAL_IP="203.0.113.9") == 302


def test_issue15_idle_session_ends(client, users, password, settings):
    """A session unused for SESSION_IDLE_MINUTES ends: the next page asks to log in again and says why;
    a session in use stays."""
    assert _login(client, "county_office", password, "203.0.113.9") == 302
    assert client.get(reverse("units:cadre_list")).status_code == 200
    key = client.session.session_key
    last_seen_set(key, time.time() - (settings.SESSION_IDLE_MINUTES - 1) * 60)
    assert client.get(reverse("units:cadre_list")).status_code == 200  # still in use
    last_seen_set(key, time.time() - (settings.SESSION_IDLE_MINUTES + 1) * 60)
    response = client.get(reverse("units:cadre_list"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fcadres%2F"
    page = client.get(response["Location"]).content.decode()
    assert "分钟无操作" in page
    assert client.get(reverse("units:cadre_list")).status_code == 302  # logged out for good


def test_issue15_idle_htmx_fragment_sends_the_whole_page_to_log_in(client, users, password, settings):
    assert _login(client, "county_office", password, "203.0.113.9") == 302
    client.get(reverse("home"))
    last_seen_set(client.session.session_key, time.time() - (settings.SESSION_IDLE_MINUTES + 1) * 60)
    response = client.get(reverse("units:cadre_list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_issue15_users_change_their_own_password_at_the_guessed_address(client, users):
    client.force_login(users["liaison"], backend="accounts.backends.PasswordBackend")
    response = client.get("/accounts/password_change/", follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("password_change")


def test_issue15_signed_in_pages_are_never_cached(client, users, password):
    """Cadres' and citizens' data must not stay in a browser's or a proxy's cache."""
    anonymous = client.get(reverse("supervision:public_groups"))
    assert "no-store" not in anonymous.get("Cache-Control", "")
    assert "camera=()" in anonymous["Permissions-Policy"]
    client.force_login(users["county_office"], backend="accounts.backends.PasswordBackend")
    for name in ("units:cadre_list", "feedback:messages", "home"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert {"no-store", "private"} <= {p.strip() for p in response["Cache-Control"].split(",")}, name
    export = client.get(reverse("units:cadre_list") + "?export=xlsx")
    assert "no-store" in export["Cache-Control"]


def test_issue15_api_responses_are_never_cached(users, tree):
    from rest_framework.test import APIClient

    from api.services import token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + token_create(user=users["county_office"], name="OA").key)
    response = client.get("/api/v1/cadres/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_issue15_passwords_of_at_least_ten_characters(client, users, password):
    client.force_login(users["liaison"], backend="accounts.backends.PasswordBackend")
    response = client.post(reverse("password_change"), {"old_password": password, "new_password1": "Zd#20261x",
                                                        "new_password2": "Zd#20261x"})
    assert response.status_code == 200 and "10 个字符" in response.content.decode()
    users["liaison"].refresh_from_db()
    assert users["liaison"].check_password(password)


def test_issue15_changing_the_password_ends_the_other_sessions(client, users, password):
    from django.test import Client

    other = Client()
    assert _login(other, "liaison", password, "203.0.113.8") == 302
    assert _login(client, "liaison", password, "203.0.113.9") == 302
    new = "Zhengding#2026-new"
    response = client.post(reverse("password_change"), {"old_password": password, "new_password1": new,
                                                        "new_password2": new})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # this session goes on
    assert other.get(reverse("home")).status_code == 302  # the other one ended


def test_issue15_no_public_media_route(client, users, campaign, tree, settings, tmp_path):
    """An uploaded file is not served from /media/ (not even with DEBUG), only by the checked download view;
    its stored name is random, its download name the record's."""
    from campaign.services.notices import notice_issue

    pdf = SimpleUploadedFile("县委书记王正定的检讨.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    notice = notice_issue(user=users["prov_office"], issuer=tree.province, number="冀〔2014〕7号", title="通知",
                          issued_on=campaign.start_date, file=pdf, addressees=[tree.county_a])
    assert "王正定" not in notice.file.name and "检讨" not in notice.file.name
    assert len(notice.file.name.rsplit("/", 1)[-1]) == 32 + len(".pdf")
    client.force_login(users["county_office"], backend="accounts.backends.PasswordBackend")
    assert client.get(settings.MEDIA_URL + notice.file.name).status_code == 404
    download = client.get(reverse("campaign:notice_file", args=[notice.pk]))
    assert download.status_code == 200 and "7" in download["Content-Disposition"]


def _bomb(unpacked_mb: int) -> bytes:
    """A real .xlsx whose sheet XML unpacks to ``unpacked_mb`` MB of one repeated row."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "职务"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
                data = data.replace(b"</sheetData>", row * (unpacked_mb * 1024 * 1024 // len(row)) + b"</sheetData>")
            dst.writestr(item, data)
    return out.getvalue()


def test_issue15_zip_bomb_refused_before_it_is_read(settings):
    from reports.excel import TableReadError, read_table

    data = _bomb(40)
    assert len(data) < 1024 * 1024  # a small upload …
    with pytest.raises(TableReadError, match="倍"):  # … unpacking 40 MB: refused by its ratio
        read_table(data, "干部名单.xlsx")
    settings.IMPORT_MAX_EXPANDED_BYTES = 10 * 1024 * 1024
    with pytest.raises(TableReadError, match="10 MB"):
        read_table(_bomb(12), "干部名单.xlsx")


def test_issue15_too_many_rows_refused(settings):
    from reports.excel import TableReadError, read_table

    settings.IMPORT_MAX_ROWS = 5
    csv = "姓名,职务\n" + "".join(f"干部{i},科员\n" for i in range(5))
    with pytest.raises(TableReadError, match="5"):
        read_table(csv.encode("utf-8"), "干部.csv")
    assert len(read_table(("姓名,职务\n" + "王,科员\n" * 4).encode(), "干部.csv")) == 5


def test_issue15_a_user_sees_their_sessions_and_ends_one(users, password):
    """Two log-ins of the liaison (office PC, phone): My account lists both with their addresses and browsers;
    ending the phone's logs the phone out, the office PC goes on; nobody else can end them."""
    from django.test import Client

    from units.models import UserSession

    office, phone = Client(), Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile Safari")
    assert _login(office, "liaison", password, "203.0.113.9") == 302
    assert _login(phone, "liaison", password, "198.51.100.23") == 302
    page = office.get(reverse("account_me")).content.decode()
    assert "198.51.100.23" in page and "iPhone" in page and "203.0.113.9" in page
    phone_row = UserSession.objects.get(ip="198.51.100.23")
    # another user does not find it
    other = Client()
    other.force_login(users["county_office"], backend="accounts.backends.PasswordBackend")
    assert other.post(reverse("session_end", args=[phone_row.pk])).status_code == 404
    assert phone.get(reverse("home")).status_code == 200
    response = office.post(reverse("session_end", args=[phone_row.pk]))
    assert response.status_code == 302
    assert phone.get(reverse("home")).status_code == 302  # the phone is logged out
    assert office.get(reverse("home")).status_code == 200
    assert "198.51.100.23" not in office.get(reverse("account_me")).content.decode()
    # the log-out of the office PC ends its row too
    office.post(reverse("logout"))
    assert not UserSession.objects.live().filter(user=users["liaison"]).exists()


def test_issue15_password_change_lists_only_this_session_afterwards(client, users, password):
    from django.test import Client

    other = Client()
    assert _login(other, "liaison", password, "198.51.100.23") == 302
    assert _login(client, "liaison", password, "203.0.113.9") == 302
    new = "Zhengding#2026-new"
    client.post(reverse("password_change"), {"old_password": password, "new_password1": new, "new_password2": new})
    page = client.get(reverse("account_me")).content.decode()
    assert "198.51.100.23" not in page and "203.0.113.9" in page


def test_issue15_daily_sweep_forgets_expired_sessions(users, password):
    """The daily sweep (beat: units.sessions_purge) clears expired sessions from the store, marks their rows
    ended, keeps the live one, and removes ended rows older than the retention."""
    import datetime

    from django.contrib.sessions.models import Session
    from django.test import Client
    from django.utils import timezone

    from config.celery import app
    from units.models import UserSession
    from units.sessions import sessions_purge

    assert "units.sessions_purge" in {e["task"] for e in app.conf.beat_schedule.values()}
    old, live = Client(), Client()
    assert _login(old, "liaison", password, "198.51.100.23") == 302
    assert _login(live, "liaison", password, "203.0.113.9") == 302
    old_row = UserSession.objects.get(ip="198.51.100.23")
    Session.objects.filter(session_key=old_row.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1))
    ancient = UserSession.objects.create(user=users["leader"], session_key="x" * 32,
                                         ended_at=timezone.now() - datetime.timedelta(days=400))
    assert sessions_purge() == (1, 1)
    assert not Session.objects.filter(session_key=old_row.session_key).exists()
    old_row.refresh_from_db()
    assert old_row.ended_at is not None
    assert not UserSession.objects.filter(pk=ancient.pk).exists()
    assert list(UserSession.objects.live().filter(user=users["liaison"]).values_list("ip", flat=True)) == [
        "203.0.113.9"]
    assert live.get(reverse("home")).status_code == 200
