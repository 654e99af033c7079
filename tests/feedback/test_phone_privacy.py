"""Issue 15 item 5: citizens' phone numbers encrypted at rest (keys from FIELD_ENCRYPTION_KEYS, rotation by
``manage.py rotate_encryption_keys``), masked (138****1234) for staff other than the office answering the
message, never in history, logs or exports; production refuses to start without a key."""
from __future__ import annotations

import io
import logging
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.views.debug import ExceptionReporter
from openpyxl import load_workbook

from feedback.models import Message
from feedback.services import messages as services
from tests.test_operations import ROOT, _environment
from web.fields import DecryptionError, mask_phone

pytestmark = pytest.mark.django_db

PHONE = "13812341234"
MASKED = "138****1234"


def submit(campaign, unit, phone: str = PHONE, **kw) -> Message:
    return services.message_submit(campaign=campaign, unit=unit, category="formalism", text="村里开会太多",
                                   citizen_name="王大姐", citizen_phone=phone, **kw)


def raw_phone(message: Message) -> str:
    """The column as the database holds it, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT citizen_phone FROM feedback_message WHERE id = %s", [message.pk])
        return cursor.fetchone()[0]


# --- at rest

def test_issue15_the_column_holds_a_token_and_the_model_reads_the_number(campaign, tree):
    """Issue 15: no digit group of the number in the column; the model gives the number back; empty stays empty."""
    message = submit(campaign, tree.county_a)
    stored = raw_phone(message)
    assert stored.startswith("gAAAAA") and len(stored) > 80  # a Fernet token
    assert PHONE not in stored and PHONE[:7] not in stored and PHONE[-7:] not in stored
    assert Fernet(settings.FIELD_ENCRYPTION_KEYS[0]).decrypt(stored).decode() == PHONE
    assert Message.objects.get(pk=message.pk).citizen_phone == PHONE
    assert Message.objects.filter(pk=message.pk).values_list("citizen_phone", flat=True).get() == PHONE
    assert raw_phone(submit(campaign, tree.county_a, phone="")) == ""
    assert Message.objects.filter(citizen_phone="").count() == 1


def test_issue15_the_ciphertext_cannot_be_searched_by_value(campaign, tree):
    """Issue 15: a search by value would compare a fresh token with the stored ones and silently find nothing:
    it is refused instead."""
    submit(campaign, tree.county_a)
    for lookup in ({"citizen_phone": PHONE}, {"citizen_phone__contains": "1234"}, {"citizen_phone__in": [PHONE]}):
        with pytest.raises(FieldError):
            list(Message.objects.filter(**lookup))


def test_issue15_rotation_add_a_key_re_encrypt_drop_the_old_one(campaign, tree, capsys):
    """Issue 15: rows written under the old key read with the new key added in front; the command
    re-encrypts them, after which the new key alone reads them (and before it, the new key alone cannot)."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        message = submit(campaign, tree.county_a)
        empty = submit(campaign, tree.county_a, phone="")
    before = raw_phone(message)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]), pytest.raises(DecryptionError):
        Message.objects.get(pk=message.pk)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert Message.objects.get(pk=message.pk).citizen_phone == PHONE
        call_command("rotate_encryption_keys")
        assert "feedback.Message.citizen_phone: 1 value(s) re-encrypted" in capsys.readouterr().out
        call_command("rotate_encryption_keys")  # again: nothing left to do
        assert "feedback.Message.citizen_phone: 0 value(s)" in capsys.readouterr().out
    assert raw_phone(message) != before and raw_phone(empty) == ""
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        assert Message.objects.get(pk=message.pk).citizen_phone == PHONE
        assert Message.objects.get(pk=empty.pk).citizen_phone == ""


def test_issue15_rotation_stops_at_a_value_no_key_opens(campaign, tree):
    """Issue 15: the old key removed too early — the command fails, naming the column, and changes nothing."""
    from django.core.management.base import CommandError

    old, new, other = (Fernet.generate_key().decode() for _ in range(3))
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        first = submit(campaign, tree.county_a)
    with override_settings(FIELD_ENCRYPTION_KEYS=[other]):
        submit(campaign, tree.county_a)
    before = raw_phone(first)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]), pytest.raises(CommandError, match="citizen_phone"):
        call_command("rotate_encryption_keys")
    assert raw_phone(first) == before


def test_issue15_the_migration_encrypts_existing_numbers_and_back(campaign, tree):
    """Issue 15: the data migration encrypts plaintext rows, leaves tokens alone, and decrypts going back."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("feedback.migrations.0004_encrypt_citizen_phone")
    message = submit(campaign, tree.county_a)
    token = raw_phone(message)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE feedback_message SET citizen_phone = %s WHERE id = %s", [PHONE, message.pk])
    other = submit(campaign, tree.county_a, phone="13900001111")
    other_token = raw_phone(other)

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.encrypt_numbers(apps, editor)
    assert raw_phone(message) not in (PHONE, token) and raw_phone(other) == other_token
    assert Message.objects.get(pk=message.pk).citizen_phone == PHONE
    migration.decrypt_numbers(apps, editor)
    assert raw_phone(message) == PHONE and raw_phone(other) == "13900001111"


# --- masked in staff views

@pytest.mark.parametrize(("number", "shown"), [
    ("13812341234", "138****1234"), ("0311-87654321", "031******4321"), ("12345678", "123*5678"),
    ("8765432", "*****32"), ("12345", "***45"), ("1234", "****"), ("", "")])
def test_issue15_mask_phone(number, shown):
    """Issue 15: first three and last four characters; shorter numbers keep less."""
    assert mask_phone(number) == shown


def _detail(client, message) -> str:
    return client.get(message.get_absolute_url()).content.decode()


def test_issue15_the_detail_page_masks_the_phone_except_for_the_answering_office(campaign, tree, users, login):
    """Issue 15: the office the message is routed to (正定县) sees the number; the offices above it, which may
    handle it too, see 138****1234; then the answering unit's liaison sees it once the message is forwarded."""
    message = submit(campaign, tree.county_a)
    assert message.office_unit == tree.county_a
    page = _detail(login(users["county_office"]), message)
    assert f'id="citizen-phone">{PHONE}<' in page
    for name in ("city_office", "prov_office", "admin"):
        page = _detail(login(users[name]), message)
        assert f'id="citizen-phone">{MASKED}<' in page and PHONE not in page, name
    assert "citizen-phone" not in _detail(login(users["liaison"]), message)  # not handling it (yet)
    # a superuser (the technical administrator, whom Django grants every permission) does not answer it either
    root = get_user_model().objects.create_superuser("root_admin", "root@example.cn", "Root#2014-secret")
    page = _detail(login(root), message)
    assert f'id="citizen-phone">{MASKED}<' in page and PHONE not in page
    services.message_forward(message=message, campaign=campaign, unit=tree.county_a, cadre=None,
                             today=campaign.start_date, by=users["county_office"])
    assert f'id="citizen-phone">{PHONE}<' in _detail(login(users["liaison"]), message)
    assert f'id="citizen-phone">{MASKED}<' in _detail(login(users["city_office"]), message)


def test_issue15_the_api_masks_the_phone_except_for_the_answering_office(campaign, tree, users, login):
    """Issue 15: the API answers exactly as the page: full, masked, or nothing."""
    message = submit(campaign, tree.county_a)
    url = f"/api/v1/messages/{message.pk}/"
    expected = {"county_office": PHONE, "city_office": MASKED, "prov_office": MASKED, "leader": None,
                "supervisor": None}
    for name, phone in expected.items():
        data = login(users[name]).get(url).json()
        assert data["citizen_phone"] == phone, name
    listed = login(users["city_office"]).get("/api/v1/messages/").content.decode()
    assert PHONE not in listed and MASKED not in listed


def test_issue15_the_excel_export_of_messages_never_carries_the_number(campaign, tree, users, login):
    """Issue 15: neither the answering office's nor another office's export holds the number."""
    submit(campaign, tree.county_a)
    for name in ("county_office", "city_office"):
        response = login(users[name]).get(reverse("feedback:messages"), {"show": "all", "export": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        assert "村里开会太多" in texts, name
        assert not any(PHONE in t or "1234" in t for t in texts), name


# --- never in history or logs

def test_issue15_history_rows_never_hold_the_phone(campaign, tree, users, login):
    """Issue 15: the history table has no phone column; a change of the number leaves no trace in it."""
    message = submit(campaign, tree.county_a)
    message.citizen_phone = "13900009999"
    message.answer = "已压缩会议数量。"
    message.save()
    assert "citizen_phone" not in {f.name for f in Message.history.model._meta.fields}
    table = Message.history.model._meta.db_table
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        rows = cursor.fetchall()
    assert "citizen_phone" not in columns and len(rows) == 2
    assert not any(PHONE in str(v) or "13900009999" in str(v) for row in rows for v in row)
    page = login(users["county_office"]).get(reverse("feedback:message_history", args=[message.pk]))
    assert page.status_code == 200 and "13900009999" not in page.content.decode()


def test_issue15_the_boards_post_logs_no_number(campaign, tree, board_post, caplog):
    """Issue 15: posting a message (and a caught bot) logs nothing of the number, at any level."""
    caplog.set_level(logging.DEBUG)
    assert board_post(unit=tree.village_a.pk, citizen_name="张三", citizen_phone=PHONE).status_code == 302
    assert board_post(unit=tree.village_a.pk, citizen_phone=PHONE, website="http://spam").status_code == 302
    assert Message.objects.count() == 1
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert PHONE not in logged and "1234" not in logged


def test_issue15_an_error_while_storing_reports_no_number(campaign, tree, client, board_post, caplog, monkeypatch):
    """Issue 15: a server error during the board's POST is logged, and the error report made of it (the 500
    mail, the debug page) shows the phone neither in the POST data nor in any variable of the traceback."""
    def broken_code():
        raise RuntimeError("tracking codes exhausted")

    monkeypatch.setattr(services, "new_tracking_code", broken_code)
    client.raise_request_exception = False
    caplog.set_level(logging.INFO)
    assert board_post(unit=tree.village_a.pk, citizen_name="张三", citizen_phone=PHONE).status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request" and r.exc_info)
    report = ExceptionReporter(record.request, *record.exc_info)
    assert PHONE not in caplog.text
    text, html = report.get_traceback_text(), report.get_traceback_html()
    assert "broken_code" in text and "citizen_phone" in text  # the report is there, with the POST's keys
    assert PHONE not in text and PHONE not in html and "张三" not in text


# --- production start

def test_issue15_production_refuses_to_start_without_an_encryption_key():
    """Issue 15: DEBUG=false without FIELD_ENCRYPTION_KEYS — the portal does not start and says which variable
    is missing and how to make a key; a malformed key likewise."""
    base = {k: v for k, v in _environment(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50),
                                          ALLOWED_HOSTS="dudao.example.cn").items()
            if k != "FIELD_ENCRYPTION_KEYS"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=base, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr and "Fernet.generate_key()" in result.stderr
    bad = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                         env=base | {"FIELD_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},not-a-key"},
                         timeout=120)
    assert bad.returncode != 0 and "key number 2 is not a Fernet key" in bad.stderr
    good = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                          env=base | {"FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}, timeout=120)
    assert good.returncode == 0, good.stderr
