"""Issue 15 who may do what with their own second factor (django-rules; loaded in ``AccountsConfig.ready``).

Every rule here is about the user's own account: nobody manages another user's second factor through the
portal's pages (an administrator removes a lost one in the admin site, which the audit log records)."""
from __future__ import annotations

import rules

from units.permissions import manages_account

from .policy import second_factor_required


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
rules.add_perm("accounts.set_up_second_factor", is_signed_in & (~has_second_factor | passed_second_step))
rules.add_perm("accounts.make_recovery_codes", is_signed_in & has_second_factor & passed_second_step)
# turning it off: only who may go without it
rules.add_perm("accounts.turn_off_second_factor",
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
rules.add_perm("accounts.reset_second_factor", manages_account & account_has_second_factor & ~is_own_account)
