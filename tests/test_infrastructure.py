"""The real running parts: PostgreSQL in CI, and a real Celery worker on the configured broker."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
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


@pytest.mark.celery_worker
def test_real_worker_runs_a_task(tmp_path):
    """A worker process started here takes a task from the broker (Redis in CI) and returns its result."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    broker = settings.CELERY_BROKER_URL
    if os.environ.get("CI"):
        assert broker.startswith("redis://"), ".ci/run must set REDIS_URL"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.base", PYTHONPATH=str(ROOT))
    if broker.startswith("redis"):
        backend = broker
    else:
        backend = f"file://{tmp_path / 'results'}"
        (tmp_path / "results").mkdir()
        env["CELERY_FILESYSTEM_DIR"] = str(tmp_path / "celery")
    env["CELERY_RESULT_BACKEND"] = backend

    client_app = Celery("dudao-test", broker=broker, backend=backend)
    if not broker.startswith("redis"):
        folder = str(tmp_path / "celery" / "queue")
        (tmp_path / "celery" / "queue").mkdir(parents=True)
        client_app.conf.broker_transport_options = {
            "data_folder_in": folder, "data_folder_out": folder, "control_folder": str(tmp_path / "celery" / "control"),
        }

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", queue,
         "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        result = client_app.send_task("config.ping", queue=queue)
        assert result.get(timeout=90) == "pong"
        assert result.successful()
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert "config.ping" in output
