"""Celery tasks of the web toolkit: thin wrappers that forget old one-time form tokens and imports left
unconfirmed."""
from celery import shared_task


@shared_task(name="web.form_submissions_purge", acks_late=True)
def form_submissions_purge() -> int:
    from .forms import form_submissions_purge as purge

    return purge()


@shared_task(name="web.pending_imports_purge", acks_late=True)
def pending_imports_purge() -> int:
    from .imports import pending_purge

    return pending_purge()
