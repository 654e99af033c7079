"""Who changed what and when on a supervision card and its escalation steps (django-simple-history)."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from units.history import history_rows
from web.decorators import permission_required

from ..models import EscalationStep, SupervisionCard


@permission_required(None, SupervisionCard.objects.visible_to)
def card_history(request: HttpRequest, card: SupervisionCard) -> HttpResponse:
    """R1.3 the card's own changes and those of its escalation steps, newest first."""
    rows = history_rows(card.history.select_related("history_user"), subject=lambda r: r.number)
    rows += history_rows(EscalationStep.history.filter(card_id=card.pk).select_related("history_user"),
                         subject=lambda r: r.get_step_display())
    rows.sort(key=lambda row: row.when, reverse=True)
    return render(request, "history.html", {"title": card.number, "rows": rows,
                                            "back_url": reverse("supervision:card_detail", args=[card.pk])})


urlpatterns = [path("cards/<int:pk>/history/", card_history, name="card_history")]
