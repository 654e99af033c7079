"""Issue 15 the second factor: setting up an authenticator app (TOTP, by QR code), recovery codes, the check
at log-in with its lock, turning it off. Every action is checked here (``accounts/permissions.py``) and written
to the audit log.

A wrong code counts toward a lock on the user (``AXES_FAILURE_LIMIT`` in a row lock the second step for
``AXES_COOLOFF_HOURS``), like wrong passwords; unlike axes' password counter, a fresh log-in with the right
password does not reset it, so the password alone buys no more guesses. A code already used is refused
(django-otp keeps the last time step used)."""
from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Kind
from audit.services import record

from .errors import SecondFactorError
from .permissions import require_rule
from .policy import lock_limit, lock_seconds
from .selectors import AUTHENTICATOR, RECOVERY, forget_cached

#: how many recovery codes a set holds
RECOVERY_CODES = 10
#: the session key that says what this session still owes: "verify" (a code) or "enrol" (a set-up)
SESSION_KEY = "second_step"


def _clean(code: str) -> str:
    return "".join(str(code).split()).lower()


@transaction.atomic
def authenticator_begin(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator with a fresh secret for the QR code. It counts only once a code from
    the app confirms it; an earlier unconfirmed one (a set-up left half way) is replaced."""
    require_rule(user, "accounts.set_up_second_factor")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=f"{AUTHENTICATOR}-new", confirmed=False)


def pending_authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def _codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def authenticator_confirm(*, user, device: TOTPDevice, code: str, request=None) -> list[str]:
    """The first code from the app confirms the set-up: the authenticator replaces any earlier one, a new set
    of recovery codes is made (returned, to be shown once), and this session has passed the second step."""
    require_rule(user, "accounts.set_up_second_factor")
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(_clean(code)):
        raise SecondFactorError(_("That code does not match. Check that the phone's clock is right and type "
                                  "the six digits the app shows now."))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.name, device.confirmed = AUTHENTICATOR, True
    device.save(update_fields=["name", "confirmed"])
    codes = _codes_replace(user)
    if request is not None:
        otp_login(request, device)
        request.session[SESSION_KEY] = "verify"
    forget_cached(user)
    record(Kind.OTP_ENROLLED, user=user, detail=_("authenticator app; %(n)d recovery codes") % {"n": len(codes)})
    return codes


@transaction.atomic
def recovery_codes_make(*, user) -> list[str]:
    """A new set of recovery codes; the old set stops working."""
    require_rule(user, "accounts.make_recovery_codes")
    codes = _codes_replace(user)
    record(Kind.OTP_CODES, user=user, detail=_("%(n)d recovery codes") % {"n": len(codes)})
    return codes


@transaction.atomic
def second_factor_turn_off(*, user, request=None) -> None:
    """Who may go without a second factor turns it off: the authenticator and recovery codes are deleted."""
    require_rule(user, "accounts.turn_off_second_factor")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if request is not None:
        request.session.pop(SESSION_KEY, None)
    forget_cached(user)
    record(Kind.OTP_REMOVED, user=user)


class Outcome(enum.Enum):
    PASSED = "passed"
    WRONG = "wrong"
    REPLAYED = "replayed"
    LOCKED = "locked"


@dataclass(frozen=True)
class Check:
    outcome: Outcome
    locked_until: datetime.datetime | None = None
    by_recovery_code: bool = False


def lock_until(device: TOTPDevice, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the second step opens again for this user, or None when it is open."""
    if device.throttling_failure_count < lock_limit() or device.throttling_failure_timestamp is None:
        return None
    until = device.throttling_failure_timestamp + datetime.timedelta(seconds=lock_seconds())
    return until if until > (now or timezone.now()) else None


def _replayed(device: TOTPDevice, code: str) -> bool:
    """A code the app showed in a time step already used (the same code sent twice)."""
    if not code.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return bool(totp.verify(int(code), device.tolerance)) and totp.t() <= device.last_t


@transaction.atomic
def second_step_check(*, user, code: str, request=None) -> Check:
    """Issue 15 the second step at log-in: a code from the authenticator app, or one recovery code (used up).

    Wrong and replayed codes count toward the lock; while locked nothing is checked at all."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True, name=AUTHENTICATOR).first()
    if device is None:
        raise SecondFactorError(_("Two-step sign-in is not set up for this account."))
    until = lock_until(device)
    if until is not None:
        return Check(Outcome.LOCKED, until)
    code = _clean(code)
    replayed = False
    passed_device = None
    if code.isdigit() and len(code) == device.digits:
        if device.verify_token(code):  # counts a failure itself (throttle_increment)
            passed_device = device
        else:
            device.refresh_from_db()
            replayed = _replayed(device, code)
    else:
        recovery = StaticDevice.objects.filter(user=user, name=RECOVERY, confirmed=True).first()
        if recovery is not None and recovery.verify_token(code):
            passed_device = recovery
            device.throttle_reset()
        else:
            device.throttle_increment()
    if passed_device is not None:
        if request is not None:
            otp_login(request, passed_device)
        by_recovery = not isinstance(passed_device, TOTPDevice)
        record(Kind.OTP_VERIFIED, user=user,
               detail=_("recovery code") if by_recovery else _("authenticator app"))
        return Check(Outcome.PASSED, by_recovery_code=by_recovery)
    device.refresh_from_db()
    record(Kind.OTP_FAILED, user=user, username=user.username,
           detail=_("code already used") if replayed else _("wrong code"))
    until = lock_until(device)
    if until is not None:
        record(Kind.OTP_LOCKED, user=user, username=user.username,
               detail=_("%(n)d wrong codes in a row") % {"n": device.throttling_failure_count})
        return Check(Outcome.LOCKED, until)
    return Check(Outcome.REPLAYED if replayed else Outcome.WRONG)


def second_step_owed(user) -> str | None:
    """At log-in: what this session owes before any page — "verify" (the user has an authenticator),
    "enrol" (the site requires one and there is none yet), or nothing."""
    from .policy import second_factor_required
    from .selectors import totp_device

    if totp_device(user) is not None:
        return "verify"
    if second_factor_required(user):
        return "enrol"
    return None


@transaction.atomic
def second_factor_reset(*, user, account) -> None:
    """Issue 15 an office resets the second factor of an account it manages (a lost phone, no recovery code
    left): the authenticator and recovery codes go; the user sets up a new one at the next log-in (or goes
    without, where the site does not require it). Sessions that passed with the old one must pass again."""
    require_rule(user, "accounts.reset_second_factor", account)
    TOTPDevice.objects.filter(user=account).delete()
    StaticDevice.objects.filter(user=account).delete()
    forget_cached(account)
    record(Kind.OTP_REMOVED, user=user, detail=_("reset for %(username)s") % {"username": account.username})
