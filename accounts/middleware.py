"""Issue 15 a password alone never reaches a page: a session that owes its second step is sent to it.

What the session owes is decided once, at log-in (``accounts.receivers``), and kept in the session; passing the
step is django-otp's (``OTPMiddleware`` marks the user verified). Only the second-step pages themselves,
log-out, the language switch, the password change a one-time password forces first, and static files stay
open. The API answers 403 (a problem document) instead of a redirect; personal API tokens are a factor of
their own, made on a page behind the second step."""
from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .services import SESSION_KEY

#: the pages open to a session that has not passed its second step
OPEN = ("accounts:verify", "accounts:setup", "logout", "set_language", "password_change", "password_change_done")


def step_url(name: str, next_url: str | None = None) -> str:
    """The address of a second-step page (``accounts:verify`` or ``accounts:setup``), coming back to
    ``next_url`` once passed."""
    target = reverse(name)
    return f"{target}?next={quote(next_url)}" if next_url else target


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        user = getattr(request, "user", None)
        if owed and user is not None and user.is_authenticated and not user.is_verified():
            if request.path not in {reverse(name) for name in OPEN} \
                    and not request.path.startswith(settings.STATIC_URL):
                return self._send_to_step(request, owed)
        return self.get_response(request)

    @staticmethod
    def _send_to_step(request, owed: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"type": "about:blank", "title": _("Two-step sign-in needed"), "status": 403,
                                 "detail": _("Finish two-step sign-in in the browser first."),
                                 "code": "second_factor_needed"}, status=403,
                                content_type="application/problem+json")
        target = step_url("accounts:verify" if owed == "verify" else "accounts:setup",
                          request.get_full_path() if request.method == "GET" else None)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
