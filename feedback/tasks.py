"""Celery tasks of the feedback app: thin wrappers around the sweeps (schedule in config/celery.py)."""
from celery import shared_task


@shared_task(name="feedback.messages_flag_overdue", acks_late=True)
def messages_flag_overdue() -> int:
    """R4.4 remind each overdue answer once per due date."""
    from .services.messages import messages_flag_overdue as sweep

    return sweep()


@shared_task(name="feedback.digest_send_weekly", acks_late=True)
def digest_send_weekly() -> int:
    """R4.4 make each office's digest of the last completed week (idempotent: one per office and week)."""
    from .services.digests import digests_send_weekly as sweep

    return sweep()


@shared_task(name="feedback.captchas_purge", acks_late=True)
def captchas_purge() -> int:
    """Issue 13: spent board captchas whose tokens have expired anyway are deleted here, hourly."""
    from .captcha import purge

    return purge()
