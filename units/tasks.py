from celery import shared_task

from .sessions import sessions_purge


@shared_task(name="units.sessions_purge")
def sessions_purge_task() -> tuple[int, int]:
    """Issue 15 the daily sweep of signed-in sessions (expired ones leave the store and the list)."""
    return sessions_purge()
