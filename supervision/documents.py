"""R1.3 the printable supervision card and the escalation report, built on reports.pdf."""
from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.pdf import DocumentMeta, data_table, format_date_zh, heading, paragraph, render_pdf

from .models import CardStatus, EscalationStep, EventKind, StepKind, StepStatus, TargetKind
from .selectors import CardDetail, EscalatedUnit
from .selectors.inspections import CrossDetail


def _who(user) -> str:
    if user is None:
        return _("the overdue sweep")
    return user.get_full_name() or user.username


class _Labels:
    """The statuses' and events' labels in the active language, translated once per document (issue 13: a
    model's ``get_…_display`` rebuilds and hashes its whole list of lazy labels on every call — 1,800 calls were
    a fifth of a 200-card escalation report's time). A step names itself: ``EscalationStep.label``."""

    def __init__(self) -> None:
        self.status = {value: str(label) for value, label in StepStatus.choices}
        self.event = {value: str(label) for value, label in EventKind.choices}
        self.card = {value: str(label) for value, label in CardStatus.choices}


def _step_rows(steps: list[EscalationStep], labels: _Labels) -> list[list]:
    return [[s.label(), s.taken_on, _who(s.proposed_by) if s.proposed_by_id or s.automatic else "", s.reason,
             labels.status.get(s.status, s.status) + (f"（{_who(s.decided_by)}）" if s.decided_by_id else ""),
             s.outcome]
            for s in steps]


def _event_rows(detail: CardDetail, labels: _Labels) -> list[list]:
    rows = []
    sweep = _("the overdue sweep")
    for e in detail.events:
        what = labels.event.get(e.kind, e.kind)
        if e.step_id:
            what = f"{what}：{e.step.label()}"
        rows.append([e.at, what, _who(e.actor) if e.actor_id else sweep, e.note])
    return rows


def card_pdf(detail: CardDetail) -> bytes:
    """R1.3 the card as issued: letterhead of the group's leading group, number, unit, top leader,
    problems, facts, required actions and the due date; the signature once signed for."""
    card = detail.card
    meta = DocumentMeta(title=_("Supervision card"), number=card.number, issuer=card.group.issuer,
                        date=timezone.localtime(card.issued_at).date(), subtitle=card.group.name)

    def story(s):
        parts = [paragraph(f"{card.unit.name}：", s.body_flush),
                 data_table([_("Item"), _("Content")], [
                     [_("Unit"), card.unit.name],
                     [_("Top leader"), card.top_leader_name or "—"],
                     [_("Supervision group"), card.group.name],
                     [_("Problems found"), "、".join(detail.problems)],
                     [_("Due date"), card.due_date],
                 ], col_widths=["25%", "75%"]),
                 heading(_("1. Facts found")), paragraph(card.facts),
                 heading(_("2. Required actions")), paragraph(card.required_actions),
                 heading(_("3. Answer")),
                 paragraph(_("Report the rectification and its evidence to the supervision group by %(date)s; "
                             "an extension must be asked for before that day.")
                           % {"date": format_date_zh(card.due_date)})]
        if card.signed_at:
            parts.append(paragraph(_("Signed for by %(who)s on %(date)s.")
                                   % {"who": _who(card.signed_by), "date": format_date_zh(card.signed_at)},
                                   s.body_flush))
        return parts

    return render_pdf(meta, story)


def escalation_report_pdf(group, units: list[EscalatedUnit], today: datetime.date) -> bytes:
    """R1.3 for the upper leading group: each escalated unit, its cards and their ladder and history."""
    meta = DocumentMeta(title=_("Report on escalated supervision cards"), issuer=group.name, date=today,
                        subtitle=_("To %(issuer)s") % {"issuer": group.issuer})

    def story(s):
        parts = [paragraph(_("%(units)s units have escalated supervision cards as of %(date)s.")
                           % {"units": len(units), "date": format_date_zh(today)})]
        if not units:
            return parts
        labels = _Labels()
        parts.append(data_table(
            [_("Unit"), _("Top leader"), _("Cards"), _("Highest step")],
            [[u.unit.name, u.top_leader_name, len(u.cards),
              StepKind(max(s.step for c in u.cards for s in c.steps)).label] for u in units]))
        problems_due = _("Problems: %(problems)s. Due: %(date)s.")
        steps_title, history_title = _("Escalation steps"), _("History")
        step_headers = [_("Step"), _("Date"), _("By"), _("Why"), _("Status"), _("Outcome")]
        event_headers = [_("When"), _("What"), _("By"), _("Note")]
        for entry in units:
            parts.append(heading(f"{entry.unit.name}（{entry.top_leader_name or '—'}）", 1))
            for detail in entry.cards:
                card = detail.card
                parts.append(heading(f"{card.number} · {labels.card.get(card.status, card.status)}", 2))
                parts.append(paragraph(problems_due % {"problems": "、".join(detail.problems),
                                                       "date": format_date_zh(card.due_date)}, s.body_flush))
                parts.append(paragraph(card.facts))
                parts.append(heading(steps_title, 3))
                parts.append(data_table(step_headers, _step_rows(detail.steps, labels)))
                parts.append(heading(history_title, 3))
                parts.append(data_table(event_headers, _event_rows(detail, labels)))
        return parts

    # No printed table of contents: its extra layout passes over Chinese text took a city's report
    # with 200 escalated cards from 1.9 s to 5 s (target 3 s); every heading is still a PDF bookmark.
    return render_pdf(meta, story)


def cross_report_pdf(detail: CrossDetail, today: datetime.date) -> bytes:
    """R5.3 the results of a cross inspection, addressed to the top leader of the upper party committee."""
    plan = detail.plan
    addressee = detail.addressee.name if detail.addressee else ""
    leader = detail.addressee_leader.name if detail.addressee_leader else ""
    reported_on = timezone.localtime(plan.closed_at).date() if plan.closed_at else today
    meta = DocumentMeta(title=_("Report on the cross inspection: %(title)s") % {"title": plan.title},
                        issuer=plan.group.name, date=reported_on,
                        subtitle=_("To the top leader of the %(unit)s party committee, %(leader)s")
                        % {"unit": addressee, "leader": leader or "—"})

    def story(s):
        parts = [paragraph(_("From %(start)s to %(end)s, %(group)s, sent by %(issuer)s, inspected outside its own "
                             "region: %(n)s counties dissected and %(m)s townships verified.")
                           % {"start": format_date_zh(plan.start_date), "end": format_date_zh(plan.end_date),
                              "group": plan.group.name, "issuer": plan.group.issuer,
                              "n": sum(t.kind == TargetKind.DISSECT and t.has_finding for t in detail.targets),
                              "m": sum(t.kind == TargetKind.VERIFY and t.has_finding for t in detail.targets)}),
                 data_table([_("Unit"), _("Kind"), _("Result"), _("R5.4 failings")],
                            [[t.unit.name, t.get_kind_display(), t.get_result_display(),
                              "、".join(detail.failings.get(t.pk, [])) or "—"] for t in detail.targets])]
        if not detail.complete:
            parts.append(paragraph(_("The plan is incomplete: it needs at least one county dissected and one "
                                     "township verified, each with findings.")))
        for target in detail.targets:
            parts.append(heading(f"{target.unit.name}（{target.get_kind_display()}）", 2))
            parts.append(paragraph(target.finding or _("No findings recorded.")))
        parts.append(heading(_("Overall conclusion"), 1))
        if detail.partial:  # the conclusion covers targets outside the reader's subtree
            parts.append(paragraph(_("The conclusion covers units outside your scope; it is not shown.")))
        else:
            parts.append(paragraph(plan.summary or _("Not reported yet.")))
        return parts

    return render_pdf(meta, story)
