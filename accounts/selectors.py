"""Issue 15 reading a user's second factor: the confirmed authenticator and the recovery codes left."""
from __future__ import annotations

from dataclasses import dataclass

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

#: the names of the two devices a user may have (one authenticator app, one set of recovery codes)
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator (cached on the user for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_dudao_totp"):
        user._dudao_totp = TOTPDevice.objects.filter(user=user, confirmed=True, name=AUTHENTICATOR).first()
    return user._dudao_totp


def forget_cached(user) -> None:
    """After a change: the next ``totp_device`` reads again (works through the request's lazy user)."""
    try:
        delattr(user, "_dudao_totp")
    except AttributeError:
        pass


@dataclass(frozen=True)
class SecondFactorStatus:
    on: bool
    since: object  # datetime | None
    last_used: object  # datetime | None
    codes_left: int


def second_factor_status(user) -> SecondFactorStatus:
    """What "My account" shows: on or off, since when, last used, recovery codes left (two queries)."""
    device = totp_device(user)
    if device is None:
        return SecondFactorStatus(False, None, None, 0)
    left = StaticToken.objects.filter(device__user=user, device__name=RECOVERY, device__confirmed=True).count()
    return SecondFactorStatus(True, device.created_at, device.last_used_at, left)


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY, confirmed=True).first()
