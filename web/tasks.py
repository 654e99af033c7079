"""Celery task of the web toolkit: a thin wrapper that forgets old one-time form tokens."""
from celery import shared_task


@shared_task(name="web.form_submissions_purge", acks_late=True)
def form_submissions_purge() -> int:
    from .forms import form_submissions_purge as purge

    return purge()
