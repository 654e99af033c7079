"""Issue 15 at log-in the session learns what it still owes before any page: a code, or a set-up."""
from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import SESSION_KEY, second_step_owed


@receiver(user_logged_in, dispatch_uid="accounts.second_step")
def on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    owed = second_step_owed(user)
    if owed:
        request.session[SESSION_KEY] = owed
    else:
        request.session.pop(SESSION_KEY, None)
