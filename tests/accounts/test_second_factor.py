"""Issue 15 item 1 and its bad input: the second factor (TOTP by django-otp, QR enrolment, recovery codes).

Office staff, leaders and administrators (the site setting ``SECOND_FACTOR_ROLES``) cannot open a page with
their password alone; a liaison may turn it on; five wrong codes lock the second step like wrong passwords, a
replayed code is refused, a recovery code works once, and every step is in the audit log."""
from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent, Kind

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["home", "units:cadre_list", "account_me", "audit:log"]


@pytest.fixture
def required(settings):
    settings.SECOND_FACTOR_ROLES = ["office", "leader", "admin"]
    return settings


def _code(device: TOTPDevice, *, step_offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def _password_login(client, username: str, password: str):
    response = client.post(reverse("login"), {"username": username, "password": password},
                           REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302, response.content[:500]
    return response


def _enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    page = client.get(reverse("accounts:setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("accounts:setup"), {"code": _code(device)})
    assert done.status_code == 200
    codes = re.findall(r'</span> ([a-z2-7]{8})</li>', done.content.decode())
    device.refresh_from_db()
    return device, codes


def test_issue15_a_password_alone_never_reaches_a_staff_page(client, users, password, required):
    """Office staff log in with the password: every page sends them to set up the second step (the API answers
    403), until the first code from the app is typed; then the pages open."""
    _password_login(client, "county_office", password)
    for name in STAFF_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:setup")), name
    assert client.get("/admin/").status_code == 302
    api = client.get("/api/v1/units/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_needed"
    htmx = client.get(reverse("units:cadre_list"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"].startswith(reverse("accounts:setup"))

    page = client.get(reverse("accounts:setup"))
    assert b"<svg" in page.content and b"totp-secret" in page.content
    assert "动态码".encode() in page.content or b"code" in page.content
    device = TOTPDevice.objects.get(user=users["county_office"], confirmed=False)
    wrong = client.post(reverse("accounts:setup"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("units:cadre_list")).status_code == 302  # still not through

    done = client.post(reverse("accounts:setup"), {"code": _code(device)})
    assert done.status_code == 200
    codes = re.findall(r'</span> ([a-z2-7]{8})</li>', done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("units:cadre_list")).status_code == 200
    assert client.get("/api/v1/units/").status_code == 200
    assert AuditEvent.objects.filter(kind=Kind.OTP_ENROLLED, user=users["county_office"]).exists()


def test_issue15_next_login_asks_for_the_code_and_refuses_a_replay(client, users, password, required):
    """The second log-in asks for the code; the right one opens the pages; the same code in a new session is
    refused as already used; a recovery code works once."""
    _password_login(client, "leader", password)
    device, codes = _enrol(client, users["leader"])
    client.post(reverse("logout"))

    _password_login(client, "leader", password)
    response = client.get(reverse("units:cadre_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:verify"))
    code = _code(device, step_offset=1)  # the next time step: the enrolment used this one
    passed = client.post(reverse("accounts:verify") + "?next=/cadres/", {"code": code})
    assert passed.status_code == 302 and passed["Location"] == "/cadres/"
    assert client.get(reverse("units:cadre_list")).status_code == 200
    client.post(reverse("logout"))

    _password_login(client, "leader", password)
    replay = client.post(reverse("accounts:verify"), {"code": code})
    assert replay.status_code == 400
    assert "已经用过".encode() in replay.content
    assert client.get(reverse("units:cadre_list")).status_code == 302
    assert AuditEvent.objects.filter(kind=Kind.OTP_FAILED, user=users["leader"]).exists()

    assert client.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("units:cadre_list")).status_code == 200
    client.post(reverse("logout"))
    _password_login(client, "leader", password)
    assert client.post(reverse("accounts:verify"), {"code": codes[0]}).status_code == 400  # used up
    assert client.post(reverse("accounts:verify"), {"code": codes[1]}).status_code == 302


def test_issue15_five_wrong_codes_lock_like_wrong_passwords(client, users, password, required, settings):
    """Five wrong codes in a row: the lock page (429), the half-signed session ends; logging in again with the
    right password does not buy more guesses — even the right code is refused until the cool-off ends."""
    _password_login(client, "admin", password)
    device, _codes = _enrol(client, users["admin"])
    client.post(reverse("logout"))
    _password_login(client, "admin", password)
    right = _code(device, step_offset=1)
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("accounts:verify"), {"code": wrong}).status_code == 400
    locked = client.post(reverse("accounts:verify"), {"code": wrong})
    assert locked.status_code == 429
    assert "动态码错误次数过多".encode() in locked.content
    assert client.get(reverse("units:cadre_list"))["Location"].startswith(reverse("login"))  # logged out

    _password_login(client, "admin", password)
    again = client.post(reverse("accounts:verify"), {"code": right})
    assert again.status_code == 429
    assert client.get(reverse("units:cadre_list"))["Location"].startswith(reverse("login"))
    kinds = list(AuditEvent.objects.filter(user=users["admin"]).values_list("kind", flat=True))
    assert kinds.count(Kind.OTP_FAILED) == settings.AXES_FAILURE_LIMIT and Kind.OTP_LOCKED in kinds

    TOTPDevice.objects.filter(pk=device.pk).update(  # the cool-off has passed
        throttling_failure_timestamp=device.created_at.replace(year=2000))
    _password_login(client, "admin", password)
    assert client.post(reverse("accounts:verify"), {"code": right}).status_code == 302
    assert client.get(reverse("units:cadre_list")).status_code == 200


def test_issue15_a_stolen_password_cannot_replace_the_phone(client, users, password, required):
    """With the password only, the set-up page (which would register the thief's phone) sends to the code."""
    _password_login(client, "prov_office", password)
    device, _ = _enrol(client, users["prov_office"])
    client.post(reverse("logout"))
    _password_login(client, "prov_office", password)
    response = client.get(reverse("accounts:setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.filter(user=users["prov_office"]).count() == 1


def test_issue15_liaisons_choose_and_staff_cannot_turn_it_off(client, users, password, required):
    """A liaison logs in with the password alone, may turn the second step on from My account (then it is
    asked at every log-in) and off again; office staff see no "turn off" and get 403 if they try."""
    _password_login(client, "liaison", password)
    me = client.get(reverse("account_me"))
    assert me.status_code == 200 and reverse("accounts:setup").encode() in me.content
    assert reverse("accounts:turn_off").encode() not in me.content
    device, _ = _enrol(client, users["liaison"])
    me = client.get(reverse("account_me"))
    assert reverse("accounts:turn_off").encode() in me.content and b"codes-left" in me.content
    client.post(reverse("logout"))
    _password_login(client, "liaison", password)
    assert client.get(reverse("account_me"))["Location"].startswith(reverse("accounts:verify"))
    client.post(reverse("accounts:verify"), {"code": _code(device, step_offset=1)})
    assert client.post(reverse("accounts:turn_off")).status_code == 302
    assert not TOTPDevice.objects.filter(user=users["liaison"]).exists()
    assert AuditEvent.objects.filter(kind=Kind.OTP_REMOVED, user=users["liaison"]).exists()

    client.post(reverse("logout"))
    _password_login(client, "city_office", password)
    _enrol(client, users["city_office"])
    me = client.get(reverse("account_me"))
    assert reverse("accounts:turn_off").encode() not in me.content
    assert client.post(reverse("accounts:turn_off")).status_code == 403
    assert TOTPDevice.objects.filter(user=users["city_office"], confirmed=True).exists()


def test_issue15_new_recovery_codes_void_the_old(client, users, password, required):
    _password_login(client, "county_office", password)
    device, old = _enrol(client, users["county_office"])
    page = client.post(reverse("accounts:recovery_codes"))
    new = re.findall(r'</span> ([a-z2-7]{8})</li>', page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    client.post(reverse("logout"))
    _password_login(client, "county_office", password)
    assert client.post(reverse("accounts:verify"), {"code": old[0]}).status_code == 400
    assert client.post(reverse("accounts:verify"), {"code": new[0]}).status_code == 302
    assert AuditEvent.objects.filter(kind=Kind.OTP_CODES, user=users["county_office"]).exists()


def test_issue15_not_required_by_default_in_the_embedded_mode(client, users, password, settings):
    """With the setting empty (make run's default) nobody is asked unless they turned it on."""
    settings.SECOND_FACTOR_ROLES = []
    _password_login(client, "county_office", password)
    assert client.get(reverse("units:cadre_list")).status_code == 200


def test_issue15_the_office_resets_a_lost_phone(client, users, password, required):
    """The county office resets the second factor of its office user who lost the phone: the user sets up a
    new one at the next log-in, a session that passed with the old one must pass again; another county's
    office does not find the account; nobody resets their own."""
    from django.test import Client

    _password_login(client, "county_office", password)
    _enrol(client, users["county_office"])
    assert client.get(reverse("units:cadre_list")).status_code == 200
    city = Client()
    _password_login(city, "city_office", password)
    _enrol(city, users["city_office"])
    detail = city.get(reverse("units:account_detail", args=[users["county_office"].pk]))
    assert reverse("accounts:reset", args=[users["county_office"].pk]).encode() in detail.content
    other = Client()
    _password_login(other, "county_office_b", password)
    _enrol(other, users["county_office_b"])
    assert other.post(reverse("accounts:reset", args=[users["county_office"].pk])).status_code == 404
    assert client.post(reverse("accounts:reset", args=[users["county_office"].pk])).status_code == 403  # own
    assert TOTPDevice.objects.filter(user=users["county_office"]).exists()

    assert city.post(reverse("accounts:reset", args=[users["county_office"].pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=users["county_office"], confirmed=True).exists()
    assert AuditEvent.objects.filter(kind=Kind.OTP_REMOVED, user=users["city_office"],
                                     detail__contains="county_office").exists()
    # the session that passed with the old phone is stopped, and sent to set up a new one
    response = client.get(reverse("units:cadre_list"))
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith(reverse("accounts:setup"))
    _enrol(client, users["county_office"])
    assert client.get(reverse("units:cadre_list")).status_code == 200


def test_issue15_a_superusers_password_alone_cannot_replace_the_phone(client, users, required):
    """Django grants a superuser every permission; the second factor's rules hold for them too: with the
    password only, the set-up page sends to the code, and a required factor cannot be turned off."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root_admin", "root@example.cn", "Root#2014-secret")
    root = get_user_model().objects.get(username="root_admin")
    _password_login(client, "root_admin", "Root#2014-secret")
    device, _ = _enrol(client, root)
    assert client.post(reverse("accounts:turn_off")).status_code == 403  # required of an administrator
    assert reverse("accounts:turn_off").encode() not in client.get(reverse("account_me")).content
    client.post(reverse("logout"))
    _password_login(client, "root_admin", "Root#2014-secret")
    response = client.get(reverse("accounts:setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:verify"))
    assert client.post(reverse("accounts:setup"), {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=root).values_list("pk", flat=True)) == [device.pk]
