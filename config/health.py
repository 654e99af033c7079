"""A health endpoint for operators and load balancers: database, broker, last beat sweep."""
from __future__ import annotations

import datetime

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

# A sweep runs at least hourly; two hours without one means beat is down.
BEAT_STALE_AFTER = datetime.timedelta(hours=2)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — reported, not raised: this page must answer
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _broker() -> dict:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport)}


def _beat() -> dict:
    from django_celery_beat.models import PeriodicTask

    try:
        last = (PeriodicTask.objects.filter(enabled=True, last_run_at__isnull=False)
                .order_by("-last_run_at").values_list("last_run_at", flat=True).first())
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    if last is None:
        return {"ok": False, "last_sweep": None}
    return {"ok": timezone.now() - last < BEAT_STALE_AFTER, "last_sweep": last.isoformat()}


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and broker answer; 503 otherwise. Beat staleness is reported, not fatal."""
    report = {"database": _database(), "broker": _broker(), "beat": _beat()}
    healthy = report["database"]["ok"] and report["broker"]["ok"]
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if healthy else 503)
