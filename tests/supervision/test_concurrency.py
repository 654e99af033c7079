"""Real concurrency on PostgreSQL (as in CI): card serials and ladder steps are claimed once under races.

These run whenever ``DATABASE_URL`` names PostgreSQL (``postgres://``, ``postgresql://``, ``postgis://``);
on the embedded SQLite default they are skipped, and the skip says why: SQLite takes one writer at a time,
so there is no row-lock race to prove."""
from __future__ import annotations

import datetime
import threading

import pytest
from django.db import IntegrityError, connections

from supervision.errors import SupervisionError
from supervision.models import EscalationStep, StepKind, SupervisionCard
from tests.factories import ON_POSTGRES

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="races of row locks need PostgreSQL: set DATABASE_URL=postgres://… to run them "
                            "(SQLite, the default, serialises writers, so there is no race to prove)")

TODAY = datetime.date(2014, 4, 10)


def _race(workers: int, job) -> list:
    barrier = threading.Barrier(workers)
    results: list = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(job(i))
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_r1_3_concurrent_issuers_never_share_a_number(issue):
    """R1.3 six members issuing at once get six different serials, 1 to 6."""
    results = _race(6, lambda i: issue(today=TODAY).serial)
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    assert SupervisionCard.objects.values("number").distinct().count() == 6


@pytest.mark.django_db(transaction=True)
def test_r1_3_two_sweeps_racing_take_a_step_once(issue):
    from supervision.services.escalation import step_take

    card = issue(today=TODAY, due=TODAY)
    results = _race(4, lambda i: step_take(card=card, kind=StepKind.REMINDER, reason="逾期", automatic=True,
                                           today=TODAY + datetime.timedelta(days=1)))
    assert sum(isinstance(r, EscalationStep) for r in results) == 1
    assert all(isinstance(r, (EscalationStep, SupervisionError, IntegrityError)) for r in results)
    assert EscalationStep.objects.filter(card=card).count() == 1
