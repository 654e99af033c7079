"""Celery tasks of the campaign app: thin wrappers that call services."""
from celery import shared_task


@shared_task(name="campaign.reminders_send_due", acks_late=True)
def reminders_send_due() -> int:
    from .services.notifications import reminders_send_due as sweep

    return sweep()


@shared_task(name="campaign.notifications_email_pending", acks_late=True)
def notifications_email_pending() -> int:
    from .services.notifications import notifications_email_pending as send

    return send()


@shared_task(name="campaign.progress_reports_remind", acks_late=True)
def progress_reports_remind() -> int:
    from .services.liaison import progress_reports_remind as sweep

    return sweep()
