"""Issue 15: a user's signed-in sessions — recorded at log-in, ended at log-out, listed on "My account" and ended
there by their user; a password change ends all the others."""
from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import UserSession
from .permissions import require


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_started(*, request, user) -> UserSession | None:
    """At log-in (``user_logged_in``): the new session, with the client's address and browser."""
    from config.security import client_ip

    key = getattr(getattr(request, "session", None), "session_key", None)
    if not key:
        return None
    row, _ = UserSession.objects.update_or_create(session_key=key, defaults={
        "user": user, "ip": client_ip(request) or None, "ended_at": None, "created_at": timezone.now(),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]})
    return row


def session_ended(*, session_key: str | None) -> None:
    """At log-out: the row ends (the session store forgets the session itself)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(ended_at=timezone.now())


def sessions_live(user) -> list[UserSession]:
    """The user's sessions still open: recorded, not ended, and still in the session store (one that expired
    or was flushed is marked ended on the way)."""
    rows = list(UserSession.objects.visible_to(user).live())
    gone = [row.pk for row in rows if not _store(row.session_key).exists(row.session_key)]
    if gone:
        UserSession.objects.filter(pk__in=gone).update(ended_at=timezone.now())
    return [row for row in rows if row.pk not in gone]


@transaction.atomic
def session_end(*, user, session: UserSession) -> None:
    """Issue 15 the user ends one of their sessions: whoever holds it is logged out at the next request."""
    require(user, "units.end_session", session)
    _store(session.session_key).delete(session.session_key)
    UserSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=timezone.now())


def session_renamed(*, old_key: str | None, new_key: str | None) -> None:
    """Django gives a session a new key when it changes privilege (log-in, password change): follow it."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def sessions_end_others(*, user, keep_key: str | None) -> int:
    """A password change ends every other session of the user (Django already refuses them; this also removes
    them from the store and from the list)."""
    rows = list(UserSession.objects.filter(user=user, ended_at__isnull=True).exclude(session_key=keep_key or ""))
    for row in rows:
        _store(row.session_key).delete(row.session_key)
    return UserSession.objects.filter(pk__in=[r.pk for r in rows]).update(ended_at=timezone.now())


def sessions_purge(*, now=None) -> tuple[int, int]:
    """Issue 15 the daily sweep of signed-in sessions: the session store forgets expired sessions (Django's
    ``clearsessions``, which nothing ran before), the rows of sessions gone from the store are marked ended,
    and ended rows older than the audit retention are removed. Set-based for the database store; for another
    store only the retention applies (a live session there is checked when its user lists them).

    Returns (rows marked ended, rows removed)."""
    import datetime

    from django.contrib.sessions.models import Session

    now = now or timezone.now()
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    ended = 0
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        ended = UserSession.objects.live().exclude(
            session_key__in=Session.objects.values("session_key")).update(ended_at=now)
    days = max(180, int(getattr(settings, "AUDIT_RETENTION_DAYS", 365)))
    removed, _ = UserSession.objects.filter(ended_at__lt=now - datetime.timedelta(days=days)).delete()
    return ended, removed
