"""The real running parts: PostgreSQL in CI, and a real Celery worker on the configured broker."""
from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_database_matches_database_url():
    """With DATABASE_URL set (as .ci/run does) the suite runs on PostgreSQL, not SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if os.environ.get("CI"):
        assert url.startswith("postgres"), ".ci/run must set DATABASE_URL to PostgreSQL"
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected


@contextmanager
def real_worker(tmp_path: Path, extra_env: dict[str, str] | None = None):
    """Start ``celery worker`` in its own process on a private queue; yield an app that sends to it."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    broker = settings.CELERY_BROKER_URL
    if os.environ.get("CI"):
        assert broker.startswith("redis://"), ".ci/run must set REDIS_URL"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.base", PYTHONPATH=str(ROOT), **(extra_env or {}))
    client_app = Celery("dudao-test", broker=broker)
    if broker.startswith("redis"):
        backend = broker
    else:
        backend = f"file://{tmp_path / 'results'}"
        (tmp_path / "results").mkdir()
        env["CELERY_FILESYSTEM_DIR"] = str(tmp_path / "celery")
        folder = tmp_path / "celery" / "queue"
        folder.mkdir(parents=True)
        client_app.conf.broker_transport_options = {
            "data_folder_in": str(folder), "data_folder_out": str(folder),
            "control_folder": str(tmp_path / "celery" / "control"),
        }
    env["CELERY_RESULT_BACKEND"] = backend
    client_app.conf.result_backend = backend
    client_app.conf.task_default_queue = queue
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", queue,
         "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    log: dict[str, str] = {}
    try:
        yield client_app, log
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            log["output"], _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            log["output"], _ = worker.communicate()


@pytest.mark.celery_worker
def test_real_worker_runs_a_task(tmp_path):
    """A worker process started here takes a task from the broker (Redis in CI) and returns its result."""
    with real_worker(tmp_path) as (app, log):
        result = app.send_task("config.ping")
        assert result.get(timeout=90) == "pong"
    assert "config.ping" in log["output"]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_r5_1_real_worker_sends_due_reminders(tmp_path):
    """R5.1: the beat task, run by a real worker on the test database, stores each reminder once."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share with the test (PostgreSQL, as in CI)")
    from campaign.models import Notification
    from campaign.services.campaign import campaign_create, obligations_generate
    from django.utils import timezone
    from tests.factories import build_tree, user_with_role

    tree = build_tree()
    liaison = user_with_role("liaison", "liaison", tree.county_a)
    today = timezone.localdate()
    campaign = campaign_create(shift_to=today + datetime.timedelta(days=1))  # city/county deadline tomorrow
    obligations_generate(campaign=campaign)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    with real_worker(tmp_path, {"DATABASE_URL": url}) as (app, log):
        first = app.send_task("campaign.reminders_send_due").get(timeout=60, propagate=False)
        second = app.send_task("campaign.reminders_send_due").get(timeout=60, propagate=False)
    # 2 cities and 3 counties owe 4 things each by tomorrow; a second run finds nothing new
    assert (first, second) == (20, 0), log.get("output")
    assert Notification.objects.filter(user=liaison).count() == 4  # 正定县's liaison, one per obligation
