"""Celery tasks of the dashboards (schedule in config/celery.py)."""
from celery import shared_task


@shared_task(name="dashboards.rollups_refresh", acks_late=True)
def rollups_refresh() -> dict:
    """Issue 13: rebuild the dashboards' rollups for the new day, or settle the units marked since."""
    from .rollups import refresh

    return refresh()
