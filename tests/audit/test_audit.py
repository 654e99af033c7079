"""Issue 15 item 3: the audit log — each event is recorded with who, when, from which address and what;
administrators read, filter and export it; nobody changes or deletes it through the portal; it is kept at
least 180 days."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AppendOnly, AuditEvent, Kind
from audit.services import audit_purge

pytestmark = pytest.mark.django_db


def _events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def test_issue15_login_failure_and_logout_recorded_with_address(client, users, password):
    client.post(reverse("login"), {"username": "leader", "password": "wrong"}, REMOTE_ADDR="198.51.100.7")
    client.post(reverse("login"), {"username": "nobody-such", "password": "x"}, REMOTE_ADDR="198.51.100.7")
    client.post(reverse("login"), {"username": "leader", "password": password}, REMOTE_ADDR="203.0.113.9")
    client.post(reverse("logout"), REMOTE_ADDR="203.0.113.9")
    failed = _events(Kind.LOGIN_FAILED)
    assert [(e.username, e.ip, e.user) for e in failed] == [("leader", "198.51.100.7", None),
                                                           ("nobody-such", "198.51.100.7", None)]
    [login], [logout] = _events(Kind.LOGIN), _events(Kind.LOGOUT)
    assert login.user == users["leader"] and login.ip == "203.0.113.9" and login.path == "/accounts/login/"
    assert logout.user == users["leader"]


def test_issue15_role_grant_and_revoke_recorded(users, tree):
    from units.services import role_grant, role_revoke

    assignment = role_grant(user=users["county_office"], account=users["liaison"], unit=tree.township_a,
                            role="liaison")
    role_revoke(user=users["county_office"], assignment=assignment)
    [granted], [revoked] = _events(Kind.ROLE_GRANTED), _events(Kind.ROLE_REVOKED)
    assert granted.user == users["county_office"] and "liaison" in granted.detail and "正定镇" in granted.detail
    assert revoked.user == users["county_office"] and "正定镇" in revoked.detail


def test_issue15_exports_and_downloads_recorded(client, users, tree):
    client.force_login(users["county_office"], backend="accounts.backends.PasswordBackend")
    response = client.get(reverse("units:cadre_list") + "?export=xlsx", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    [event] = _events(Kind.DOWNLOAD)
    assert event.user == users["county_office"] and event.ip == "203.0.113.9"
    assert event.path.startswith("/cadres/") and ".xlsx" in event.detail
    client.get(reverse("units:cadre_list"))  # a page is no download
    assert len(_events(Kind.DOWNLOAD)) == 1


def test_issue15_permission_denial_recorded(client, users, tree):
    """A refused request (403) is recorded, though the request itself wrote nothing."""
    client.force_login(users["liaison"], backend="accounts.backends.PasswordBackend")
    response = client.get(reverse("units:unit_edit", args=[tree.county_a.pk]))
    assert response.status_code == 403
    [event] = _events(Kind.DENIED)
    assert event.user == users["liaison"] and event.path == reverse("units:unit_edit", args=[tree.county_a.pk])


def test_issue15_api_tokens_recorded(users, tree):
    from api.services import token_create, token_revoke

    made = token_create(user=users["liaison"], name="手机")
    token_revoke(user=users["liaison"], token=made.token)
    assert [e.kind for e in AuditEvent.objects.filter(user=users["liaison"]).order_by("id")] == [
        Kind.TOKEN_MADE, Kind.TOKEN_REVOKED]
    assert made.key not in str(list(AuditEvent.objects.values_list()))


def test_issue15_append_only(users, client):
    event = AuditEvent.objects.create(kind=Kind.LOGIN, user=users["admin"], username="admin")
    event.detail = "changed"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(detail="changed")
    # the admin site offers neither change nor delete
    client.force_login(users["admin"], backend="accounts.backends.PasswordBackend")
    users["admin"].is_staff = users["admin"].is_superuser = True
    users["admin"].save()
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"detail": "x"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_issue15_kept_at_least_180_days(users, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # asking for less than 180 keeps 180
    now = timezone.now()
    for days in (10, 179, 181, 400):
        AuditEvent.objects.create(kind=Kind.LOGIN, username=f"d{days}", at=now - datetime.timedelta(days=days))
    assert audit_purge(now=now) == 2
    assert sorted(AuditEvent.objects.values_list("username", flat=True)) == ["d10", "d179"]


def test_issue15_administrators_read_filter_and_export(client, users, password):
    client.post(reverse("login"), {"username": "leader", "password": "wrong"}, REMOTE_ADDR="198.51.100.7")
    client.force_login(users["admin"], backend="accounts.backends.PasswordBackend")
    page = client.get(reverse("audit:log"), {"kind": Kind.LOGIN_FAILED}).content.decode()
    assert "198.51.100.7" in page and "leader" in page
    assert "198.51.100.7" not in client.get(reverse("audit:log"), {"kind": Kind.LOGOUT}).content.decode()
    assert "198.51.100.7" in client.get(reverse("audit:log"), {"who": "198.51"}).content.decode()
    export = client.get(reverse("audit:log"), {"export": "xlsx"})
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    assert 'id="nav-audit"' in client.get(reverse("home")).content.decode()
    # an office is no administrator: no link, and 403
    client.force_login(users["prov_office"], backend="accounts.backends.PasswordBackend")
    assert 'id="nav-audit"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("audit:log")).status_code == 403
