"""Issue 15 who may do what with their own second factor (django-rules; loaded in ``AccountsConfig.ready``).

Each is registered twice under one name: as a permission (``user.has_perm``, for the URL walk and the admin) and as
a rule, which is what this app checks (``allowed``/``require_rule``, ``{% test_rule %}``). Django's ``has_perm``
grants an active superuser *every permission*; through ``has_perm`` a superuser's stolen password would replace the
phone without the second step. The rules hold for everyone.

Every rule here is about the user's own account: nobody manages another user's second factor through the
portal's pages (an administrator removes a lost one in the admin site, which the audit log records)."""
from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied

from units.permissions import manages_account

from .policy import second_factor_required


def _both(name: str, predicate) -> None:
    rules.add_perm(name, predicate)
    rules.add_rule(name, predicate)


def allowed(user, name: str, obj=None) -> bool:
    """The rule itself, with no superuser bypass."""
    return rules.test_rule(name, user, obj)


def require_rule(user, name: str, obj=None) -> None:
    if not allowed(user, name, obj):
        raise PermissionDenied


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def has_second_factor(user) -> bool:
    from .selectors import totp_device

    return totp_device(user) is not None


@rules.predicate
def must_have_second_factor(user) -> bool:
    return second_factor_required(user)


@rules.predicate
def passed_second_step(user) -> bool:
    """The session has passed the second step (``OTPMiddleware`` sets ``is_verified`` on the user)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


# setting up (or replacing) one's authenticator: a first set-up needs the password only; replacing one that is
# on needs this session to have passed it (a stolen password must not swap the phone)
_both("accounts.set_up_second_factor", is_signed_in & (~has_second_factor | passed_second_step))
_both("accounts.make_recovery_codes", is_signed_in & has_second_factor & passed_second_step)
# turning it off: only who may go without it
_both("accounts.turn_off_second_factor",
               is_signed_in & has_second_factor & passed_second_step & ~must_have_second_factor)


@rules.predicate
def account_has_second_factor(user, account) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return account is not None and TOTPDevice.objects.filter(user=account, confirmed=True).exists()


@rules.predicate
def is_own_account(user, account) -> bool:
    return account is not None and account.pk == getattr(user, "pk", None)


# a lost phone without recovery codes: the office that manages the account (the same rule as resetting its
# password) resets its second factor; the user sets up a new one at the next log-in. Never one's own.
_both("accounts.reset_second_factor", manages_account & account_has_second_factor & ~is_own_account)
