"""Issue 15 item 3: writing the audit log. ``record`` takes the address and page from the request being
served (``AuditMiddleware`` keeps it for the request's duration), so a service deep down needs no request."""
from __future__ import annotations

import contextvars
import datetime
import logging

from django.conf import settings
from django.utils import timezone

from .models import AuditEvent

log = logging.getLogger(__name__)
_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)
#: the shortest retention the setting may ask for (days): 等保 asks for at least 180
MIN_RETENTION_DAYS = 180


def current_request():
    return _request.get()


def record(kind: str, *, user=None, username: str = "", detail: str = "", request=None) -> AuditEvent | None:
    """Store one event. It never breaks what it records: a failure to write is logged, not raised."""
    from config.security import client_ip

    request = request or _request.get()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    try:
        return AuditEvent.objects.create(
            kind=kind, user=user, username=(username or getattr(user, "username", ""))[:150],
            ip=(client_ip(request) or None) if request is not None else None,
            method=(request.method or "")[:8] if request is not None else "",
            path=request.get_full_path()[:300] if request is not None else "",
            detail=detail[:500])
    except Exception:  # noqa: BLE001  the audit must not turn a log-in or a download into a 500
        log.exception("audit event %s not stored", kind)
        return None


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", 365)))


def audit_purge(*, now: datetime.datetime | None = None) -> int:
    """Issue 15 remove events older than the retention (never fewer than 180 days); the only deletion."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    # a queryset delete (not the model's, which refuses): the retention sweep is the one way rows leave
    return AuditEvent.objects.filter(at__lt=cutoff).delete()[0]
