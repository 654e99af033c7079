"""Reads of the supervision app that span relations: the data behind its pages and documents."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from units.models import Unit
from units.scoping import scope_q

from ..models import (
    CardAnswer,
    CardEvent,
    CardStatus,
    EscalationStep,
    ExtensionRequest,
    StepStatus,
    SupervisionCard,
    SupervisionGroup,
)


def card_rows(qs: QuerySet) -> QuerySet:
    """R1.3 the card list: unit, group, problems and the highest rung reached, in three queries."""
    return (qs.select_related("unit", "group").prefetch_related("problems")
            .annotate(level=Max("steps__step")).order_by("-issued_at", "-pk"))


def group_rows(user) -> QuerySet:
    """R1.3 the groups the user sees, with their assigned units and the cards in the user's scope: a group
    the user does not act for counts only the units and cards of the user's own subtree."""
    from ..querysets import acts_for_group_q

    in_scope = scope_q(user, "cards__unit__")
    cards = Count("cards", distinct=True, filter=in_scope) if in_scope else Count("cards", distinct=True)
    own_units = scope_q(user, "units__")
    units = (Count("units", distinct=True, filter=own_units | acts_for_group_q(user)) if own_units
             else Count("units", distinct=True))
    return (SupervisionGroup.objects.visible_to(user).select_related("leading_unit", "leader")
            .annotate(unit_count=units, card_count=cards).order_by("leading_unit__path", "name", "pk"))


def visible_card_ids(user, ids) -> set[int]:
    """R1.2, R1.3 which of the cards ``ids`` the user sees (one query, none without ids): a card made from a
    spot check goes to the group's unit over the department, which may lie above the viewer's subtree."""
    if not ids:
        return set()
    return set(SupervisionCard.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def group_units(group: SupervisionGroup, user) -> list[Unit]:
    """R1.3 the group's assigned units shown to ``user``: all of them to those who act for the group, else
    only those in the user's own subtree (seeing a group does not show its work elsewhere)."""
    from ..permissions import acts_for_group

    units = group.units.order_by("path")
    if not acts_for_group(user, group):
        units = units.filter(scope_q(user))
    return list(units)


@dataclass
class CardDetail:
    """R1.3 everything about one card: its answers with evidence, extensions, ladder and history."""

    card: SupervisionCard
    problems: list[str]
    answers: list[CardAnswer]
    extensions: list[ExtensionRequest]
    steps: list[EscalationStep]
    events: list[CardEvent]
    pending_extension: ExtensionRequest | None = None


def card_detail(card_id: int, scoped: QuerySet) -> CardDetail:
    """One card from a scoped queryset, with its whole history (a fixed number of queries)."""
    from django.shortcuts import get_object_or_404

    card = get_object_or_404(
        scoped.select_related("unit", "group__leading_unit", "issued_by", "signed_by", "top_leader", "campaign")
        .prefetch_related(
            "problems",
            Prefetch("answers", queryset=CardAnswer.objects.select_related("answered_by", "verified_by")
                     .prefetch_related("evidence")),
            Prefetch("extensions", queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by")),
            Prefetch("steps", queryset=EscalationStep.objects.select_related("proposed_by", "decided_by",
                                                                              "outcome_by")),
            Prefetch("events", queryset=CardEvent.objects.select_related("actor", "step")),
        ),
        pk=card_id)
    extensions = list(card.extensions.all())
    return CardDetail(
        card=card, problems=card.problem_labels(), answers=list(card.answers.all()), extensions=extensions,
        steps=list(card.steps.all()), events=list(card.events.all()),
        pending_extension=next((e for e in extensions if e.status == "pending"), None))


@dataclass
class GroupFigures:
    """R1.3 a group's cards by state, over the cards the viewer may see."""

    total: int
    by_status: list[tuple[str, str, int]]
    overdue: int
    escalated: int
    awaiting_approval: int


def group_figures(group: SupervisionGroup, scoped_cards: QuerySet, today: datetime.date) -> GroupFigures:
    """Counts of the group's cards (one query)."""
    cards = scoped_cards.filter(group=group)
    agg = cards.aggregate(
        total=Count("pk", distinct=True),
        overdue=Count("pk", distinct=True, filter=Q(status__in=["issued", "signed", "returned"], due_date__lt=today)),
        escalated=Count("pk", distinct=True, filter=Q(steps__isnull=False)),
        awaiting=Count("steps", distinct=True, filter=Q(steps__status=StepStatus.PROPOSED)),
        **{f"s_{s.value}": Count("pk", distinct=True, filter=Q(status=s.value)) for s in CardStatus},
    )
    return GroupFigures(
        total=agg["total"], overdue=agg["overdue"], escalated=agg["escalated"], awaiting_approval=agg["awaiting"],
        by_status=[(s.value, s.label, agg[f"s_{s.value}"]) for s in CardStatus])


@dataclass
class EscalatedUnit:
    """A unit on the escalation report, with its escalated cards."""

    unit: Unit
    top_leader_name: str
    cards: list[CardDetail] = field(default_factory=list)


def escalation_report(group: SupervisionGroup, scoped_cards: QuerySet) -> list[EscalatedUnit]:
    """R1.3 every escalated card of the group, grouped by unit in tree order, with steps and history."""
    cards = list(
        scoped_cards.filter(group=group).escalated().select_related("unit", "group")
        .prefetch_related(
            "problems",
            Prefetch("steps", queryset=EscalationStep.objects.select_related("proposed_by", "decided_by",
                                                                              "outcome_by")),
            Prefetch("events", queryset=CardEvent.objects.select_related("actor", "step")),
        ).order_by("unit__path", "year", "serial"))
    units: dict[int, EscalatedUnit] = {}
    for card in cards:
        entry = units.setdefault(card.unit_id, EscalatedUnit(unit=card.unit, top_leader_name=card.top_leader_name))
        entry.cards.append(CardDetail(card=card, problems=card.problem_labels(), answers=[], extensions=[],
                                      steps=list(card.steps.all()), events=list(card.events.all())))
    return list(units.values())


def awaiting_approval(scoped_cards: QuerySet) -> QuerySet:
    """R1.3 proposed interviews and accountability steps on cards the user sees."""
    return (EscalationStep.objects.filter(status=StepStatus.PROPOSED, card__in=scoped_cards.values("pk"))
            .select_related("card__unit", "card__group", "proposed_by").order_by("created_at", "pk"))


# the marks and lists of R3.3 and R5.4, for the pages here and for dashboards
from .attention import focus_unit_ids, key_contact_unit_ids, mark_units  # noqa: E402,F401
