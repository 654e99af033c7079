"""Issue 14 item 5: schemathesis against the live schema, inside ``make test``.

The schema is read from ``/api/schema/`` through the WSGI application and every operation is called with
examples that schemathesis draws from it (``API_FUZZ_EXAMPLES`` per operation, 20 by default), each with the
token of a role drawn too (offices of province / county, liaison, supervisor, leader, a user with no role),
on a world with a card, a message and a notice whose ids the examples often use instead of random ones. Every
response must be no 5xx, with a status, content type and body the schema declares.
"""
from __future__ import annotations

import datetime
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import token_create

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "20"))
ROLES = ["prov_office", "county_office", "liaison", "supervisor", "leader", "no_role"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, inside the test's transaction: the handler's "close old connections" at
    each request would close the test's connection (Django's test client disconnects it the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(tree, users, campaign, group, settings):
    """Records of each kind the API serves, for the examples to find (ids by resource)."""
    from campaign.services.notices import notice_issue
    from feedback.services.messages import message_submit
    from campaign.models import Exam, ExamResult, Meeting, StudySession
    from supervision.models import StepKind
    from supervision.services.cards import card_issue
    from supervision.services.escalation import step_take

    settings.API_TOKEN_RATE = "1000000/min"
    card = card_issue(user=users["supervisor"], group=group, unit=tree.county_a, problems=["awareness"],
                      facts="学习走过场", required_actions="补学", due_date=datetime.date.today())
    message = message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text="会议太多")
    notice = notice_issue(user=users["prov_office"], issuer=tree.province, number="冀〔2014〕9号", title="通知", body="正文",
                          issued_on=datetime.date(2014, 3, 1), addressees=[tree.county_a, tree.county_b])
    step = step_take(card=card, kind=StepKind.REMINDER, reason="逾期", user=users["supervisor"])
    day = campaign.start_date
    session = StudySession.objects.create(campaign=campaign, unit=tree.county_a, kind="central_group", date=day,
                                          topic="学习", hours=2)
    meeting = Meeting.objects.create(campaign=campaign, unit=tree.county_a, kind="discussion", date=day)
    exam = Exam.objects.create(campaign=campaign, unit=tree.county_a, title="测试", date=day)
    result = ExamResult.objects.create(exam=exam, cadre=tree.cadre_a, score=90, passed=True)
    return {
        "escalation-steps": [step.pk], "study-sessions": [session.pk], "meetings": [meeting.pk],
        "exam-results": [result.pk],
        "units": [tree.county_a.pk, tree.county_b.pk, tree.province.pk],
        "cadres": [tree.cadre_a.pk, tree.cadre_b.pk],
        "cards": [card.pk], "messages": [message.pk], "notices": [notice.pk],
        "obligations": list(campaign.obligations.values_list("pk", flat=True)[:3]),
    }


def test_issue14_schemathesis_no_5xx_and_every_response_conforms(wsgi_app, fuzz_world, users):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    tokens = {role: token_create(user=users[role], name="fuzz").key for role in ROLES}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25, [op.label for op in operations]
    called: dict[str, set[int]] = {}

    for operation in operations:
        resource = operation.path.split("/")[3]
        real_ids = fuzz_world.get(resource, [])

        @given(case=operation.as_strategy(), role=st.sampled_from(ROLES), pick=st.integers(0, 9))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case, role, pick):
            if "id" in (case.path_parameters or {}) and real_ids and pick < 7:
                case.path_parameters["id"] = real_ids[pick % len(real_ids)]
            response = case.call(headers={"Authorization": f"Bearer {tokens[role]}"})
            called.setdefault(operation.label, set()).add(response.status_code)
            case.validate_response(response, checks=CHECKS)

        call()

    # the fuzzing reached the records, not only 404s: every read of a resource answered 200 at least once
    reads = {label: codes for label, codes in called.items() if label.startswith("GET")}
    assert all(200 in codes for codes in reads.values()), {k: v for k, v in reads.items() if 200 not in v}
