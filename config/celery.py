"""The Celery app. The beat schedule lives here, in one place (DESIGN.md)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("dudao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Sweeps are short and idempotent; each claims its items through a unique key,
# so a run that is late, doubled or interrupted loses and repeats nothing.
app.conf.beat_schedule = {
    "reminders-send-due": {"task": "campaign.reminders_send_due", "schedule": 15 * 60},
    "notifications-email-pending": {"task": "campaign.notifications_email_pending", "schedule": 5 * 60},
    "supervision-cards-escalate-overdue": {"task": "supervision.cards_escalate_overdue", "schedule": 60 * 60},
    # R5.2: each missing progress report (unit, period) reminded once; idempotent
    "progress-reports-remind": {"task": "campaign.progress_reports_remind", "schedule": 60 * 60},
    "messages-flag-overdue": {"task": "feedback.messages_flag_overdue", "schedule": 15 * 60},
    # hourly but idempotent: a week's digest is made once, after the week is over
    "digest-send-weekly": {"task": "feedback.digest_send_weekly", "schedule": 60 * 60},
    # hourly: expired captchas of the public board (a post no longer deletes them: issue 13)
    "captchas-purge": {"task": "feedback.captchas_purge", "schedule": 60 * 60},
    # issue 13: the dashboards' rollups — rebuilt once a day (overdue figures depend on the day), in
    # between the units marked by writes are settled, so a dashboard rarely has any to count itself: every minute,
    # as a busy board marks thousands of units in a few (an idle run: a handful of queries, two of them counts
    # of the units and their rows, a few milliseconds at province scale)
    "rollups-refresh": {"task": "dashboards.rollups_refresh", "schedule": 60},
    # daily: one-time form tokens older than a month are forgotten (web.forms.form_once)
    "form-submissions-purge": {"task": "web.form_submissions_purge", "schedule": 24 * 60 * 60},
    "audit-purge": {"task": "audit.audit_purge", "schedule": 24 * 60 * 60},
    "sessions-purge": {"task": "units.sessions_purge", "schedule": 24 * 60 * 60},
    # daily: checked spreadsheets left unconfirmed for IMPORT_PENDING_DAYS are forgotten (web.imports)
    "pending-imports-purge": {"task": "web.pending_imports_purge", "schedule": 24 * 60 * 60},
}


@app.task(name="config.ping")
def ping() -> str:
    """Round trip through the broker and a worker: used by the health check and its test."""
    return "pong"
