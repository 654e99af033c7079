from celery import shared_task

from .services import audit_purge


@shared_task(name="audit.audit_purge")
def audit_purge_task() -> int:
    """Issue 15 the daily retention sweep of the audit log (never younger than 180 days)."""
    return audit_purge()
