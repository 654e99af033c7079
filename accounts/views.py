"""Issue 15 the second-factor pages: set up an authenticator app (QR code), type a code at log-in, recovery
codes, turn it off. Thin: the rules and the audit are the services'."""
from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from units.selectors import accounts_visible_to
from web.decorators import permission_required
from web.errors import DomainError
from web.redirects import next_or

from . import services
from .forms import CodeForm
from .middleware import step_url
from .permissions import allowed
from .selectors import totp_device


def _next(request: HttpRequest) -> str:
    return next_or(request, settings.LOGIN_REDIRECT_URL)


def _qr_svg(device) -> str:
    """The otpauth:// address as an inline SVG QR code (no image request, no inline style: CSP holds)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, title=_("QR code for the authenticator app"), dark="#000", light="#fff")


def _codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator: scan the QR code, type the first code. Replacing one that is on
    needs this session to have passed the second step; a password alone is sent to the code page."""
    user = request.user
    if not allowed(user, "accounts.set_up_second_factor"):
        if totp_device(user) is not None:
            return redirect(step_url("accounts:verify", request.get_full_path()))
        raise PermissionDenied
    # the secret stays the same while the set-up is pending: reloading the page must not void a scanned code
    device = services.pending_authenticator(user) or services.authenticator_begin(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.authenticator_confirm(user=user, device=device, code=form.cleaned_data["code"],
                                                   request=request)
        except DomainError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, _("Two-step sign-in is on. Keep the recovery codes below somewhere safe."))
            return _codes_page(request, codes, _next(request))
    return render(request, "accounts/setup.html", {
        "form": form, "qr": _qr_svg(device), "secret": _grouped(device), "next": _next(request),
        "required": request.session.get(services.SESSION_KEY) == "enrol",
        "replacing": totp_device(user) is not None,
    }, status=400 if form.errors else 200)


def _grouped(device) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step at log-in. Five wrong codes in a row lock it (the lock page, as for wrong passwords) and
    end this half-signed session."""
    user = request.user
    if totp_device(user) is None:  # reset meanwhile by an office (or turned off in another session)
        owed = services.second_step_owed(user)
        if owed:
            request.session[services.SESSION_KEY] = owed
            return redirect(step_url("accounts:setup", _next(request)))
        request.session.pop(services.SESSION_KEY, None)
        return redirect(_next(request))
    if user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    device = totp_device(user)
    until = services.lock_until(device)
    if until is None and request.method == "POST" and form.is_valid():
        check = services.second_step_check(user=user, code=form.cleaned_data["code"], request=request)
        if check.outcome is services.Outcome.PASSED:
            if check.by_recovery_code:
                messages.warning(request, _("You signed in with a recovery code; it cannot be used again. Make "
                                            "new codes on “My account” when few are left."))
            return redirect(_next(request))
        if check.outcome is services.Outcome.LOCKED:
            until = check.locked_until
        elif check.outcome is services.Outcome.REPLAYED:
            form.add_error("code", _("That code has been used already. Wait for the app to show the next one."))
        else:
            form.add_error("code", _("That code is not right. Type the six digits the app shows now, or a "
                                     "recovery code."))
    if until is not None:
        logout(request)
        return render(request, "registration/locked_out.html", {
            "second_step": True, "until": date_format(localtime(until), "DATETIME_FORMAT")}, status=429)
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)},
                  status=400 if form.errors else 200)


@never_cache
@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """A new set of recovery codes, shown once; the old set stops working."""
    try:
        codes = services.recovery_codes_make(user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("account_me")
    messages.success(request, _("New recovery codes made; the old ones no longer work."))
    return _codes_page(request, codes, "")


@never_cache
@login_required
def turn_off(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in off (confirmed first) — only for who may go without it."""
    if not allowed(request.user, "accounts.turn_off_second_factor"):
        raise PermissionDenied
    if request.method == "POST":
        services.second_factor_turn_off(user=request.user, request=request)
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("account_me")
    return render(request, "accounts/turn_off.html")


@never_cache
@permission_required("accounts.reset_second_factor", accounts_visible_to)
def reset(request: HttpRequest, account) -> HttpResponse:
    """Issue 15 an office resets the second factor of an account it manages (confirmed first)."""
    if not allowed(request.user, "accounts.reset_second_factor", account):  # a superuser too: the rule holds
        raise PermissionDenied
    back = reverse("units:account_detail", args=[account.pk])
    if request.method == "POST":
        services.second_factor_reset(user=request.user, account=account)
        messages.success(request, _("Two-step sign-in of %(username)s reset: a new phone is set up at the next "
                                    "log-in.") % {"username": account.username})
        return redirect(back)
    return render(request, "units/account_confirm.html", {
        "account": account, "back": back, "title": _("Reset two-step sign-in"), "danger": True,
        "text": _("The account's authenticator app and recovery codes stop working. Do this only when you have "
                  "made sure, in person or by phone, that the user lost them."),
        "button": _("Reset two-step sign-in")})
