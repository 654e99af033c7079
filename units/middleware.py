"""R0.1 an account with a one-time password (new, or reset by an office) changes it before anything else."""
from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

#: the session key set at login when the account still has a one-time password
MUST_CHANGE_PASSWORD = "must_change_password"
#: the pages such a user may still open
ALLOWED = ("password_change", "password_change_done", "logout", "set_language")


class PasswordChangeRequiredMiddleware:
    """Send a user who must replace a one-time password to Django's password change page until done.

    The flag is read from the profile once, at login, into the session: no query on each request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(MUST_CHANGE_PASSWORD) and getattr(request, "user", None) is not None \
                and request.user.is_authenticated:
            allowed = {reverse(name) for name in ALLOWED}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("password_change")
        return self.get_response(request)


def on_login(sender, request, user, **kwargs) -> None:
    """At login: remember in the session whether the account must change its password."""
    from .models import AccountProfile

    if request is None or not hasattr(request, "session"):
        return
    if AccountProfile.objects.filter(user=user, must_change_password=True).exists():
        request.session[MUST_CHANGE_PASSWORD] = True
    else:
        request.session.pop(MUST_CHANGE_PASSWORD, None)
