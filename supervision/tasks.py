"""Celery tasks of the supervision app: thin wrappers that call services."""
from celery import shared_task


@shared_task(name="supervision.cards_escalate_overdue", acks_late=True)
def cards_escalate_overdue() -> int:
    from .services.escalation import cards_escalate_overdue as sweep

    return sweep()
