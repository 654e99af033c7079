"""Browser journey (R1.3): a group member files a card; the liaison signs and answers; the group sends
it back; time passes and the sweep escalates; a leader approves the interview; the escalation report
downloads as a PDF naming the unit in Chinese.

Selectors use ids, names and data attributes only: the UI may show English or Chinese."""
from __future__ import annotations

import datetime
import re
import subprocess

import pytest
from playwright.sync_api import Page, expect

from campaign.services.campaign import campaign_create
from supervision.models import EscalationStep, StepKind, SupervisionCard, SupervisionGroup
from supervision.services.escalation import cards_escalate_overdue
from tests.factories import PASSWORD, build_tree, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def test_card_answered_sent_back_escalated_and_interview_approved(page: Page, live_server, tmp_path):
    tree = build_tree()
    supervisor = user_with_role("supervisor", "supervisor", tree.city_a)
    user_with_role("liaison", "liaison", tree.county_a)
    user_with_role("leader", "leader", tree.province)
    campaign_create()
    group = SupervisionGroup.objects.create(leading_unit=tree.city_a, name="市委第一督导组", card_prefix="石督卡",
                                            leader=supervisor)
    group.units.set([tree.county_a, tree.county_a2])
    base = live_server.url
    due = datetime.date.today() + datetime.timedelta(days=10)

    # the group member files a card for 正定县
    log_in(page, base, "supervisor")
    page.goto(f"{base}/supervision/groups/{group.pk}/")
    page.locator("#issue-card").click()
    page.locator("select[name=unit]").select_option(str(tree.county_a.pk))
    page.locator("input[name=problems][value=study]").check()
    page.locator("input[name=problems][value=two_skins]").check()
    page.locator("textarea[name=facts]").fill("专题学习走过场，班子成员发言照本宣科。")
    page.locator("textarea[name=required_actions]").fill("重新组织专题学习，逐一谈认识。")
    page.locator("input[name=due_date]").fill(due.isoformat())
    page.locator("#submit-id-submit").click()
    expect(page.locator("#card-number")).to_have_text(re.compile(r"石督卡〔\d{4}〕1号"))
    expect(page.locator("#card-top-leader")).to_have_text("王正定")
    card = SupervisionCard.objects.get()

    # the liaison signs for it and answers with evidence
    log_in(page, base, "liaison")
    page.goto(f"{base}/supervision/cards/{card.pk}/")
    page.locator("#sign-card").click()
    expect(page.locator("#card-status [data-status]")).to_have_attribute("data-status", "signed")
    page.locator("#answer-card").click()
    page.locator("textarea[name=text]").fill("已重新组织专题学习。")
    evidence = tmp_path / "会议记录.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.locator("input[name=files]").set_input_files(str(evidence))
    page.locator("#submit-id-submit").click()
    expect(page.locator("#card-status [data-status]")).to_have_attribute("data-status", "answered")
    expect(page.locator("#answers")).to_contain_text("会议记录.pdf")

    # the group sends it back with reasons
    log_in(page, base, "supervisor")
    page.goto(f"{base}/supervision/cards/{card.pk}/")
    page.locator("#verify-card").click()
    page.locator("input[name=decision][value=return]").check()
    page.locator("textarea[name=reason]").fill("缺少班子成员发言材料。")
    page.locator("#submit-id-submit").click()
    expect(page.locator("#card-status [data-status]")).to_have_attribute("data-status", "returned")

    # time passes: the sweep reminds, writes to the top leader, and proposes an interview
    for days in (1, 4, 9):
        assert cards_escalate_overdue(today=due + datetime.timedelta(days=days)) == 1
    interview = EscalationStep.objects.get(card=card, step=StepKind.INTERVIEW)
    page.reload()
    expect(page.locator(f"#ladder [data-step='{StepKind.LETTER}']")).to_have_attribute("data-step-status", "taken")
    expect(page.locator(f"#ladder [data-step='{StepKind.INTERVIEW}']")).to_have_attribute(
        "data-step-status", "proposed")

    # a leader approves the interview
    log_in(page, base, "leader")
    page.goto(f"{base}/supervision/approvals/")
    page.locator(f"#approval-table tr[data-step='{interview.pk}'] a.btn").click()
    page.locator("input[name=decision][value=approve]").check()
    page.locator("#submit-id-submit").click()
    expect(page.locator(f"#ladder [data-step='{StepKind.INTERVIEW}']")).to_have_attribute(
        "data-step-status", "approved")

    # the escalation report downloads and names the unit in Chinese
    page.goto(f"{base}/supervision/groups/{group.pk}/")
    href = page.locator("#escalation-report").get_attribute("href")
    response = page.request.get(f"{base}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "正定县" in re.sub(r"\s+", "", text)
