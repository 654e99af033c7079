"""R1.3, R5.4: the escalation ladder of a supervision card, one row per step."""
from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from web.history import HistoricalRecords

from .cards import SupervisionCard


class StepKind(models.IntegerChoices):
    """The rungs of the ladder, in order: each may be taken once per card."""

    REMINDER = 1, _("Reminder")
    LETTER = 2, _("Letter or direct call to the top leader")
    INTERVIEW = 3, _("Interview by the upper leading group")
    ACCOUNTABILITY = 4, _("Accountability proposal")


#: Steps a leader must approve before they count (R1.3: interviews; R5.4: accountability).
NEEDS_APPROVAL = frozenset({StepKind.INTERVIEW, StepKind.ACCOUNTABILITY})


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    CALL = "call", _("Direct call (dispatch of the top leader)")


class StepStatus(models.TextChoices):
    TAKEN = "taken", _("Taken")
    PROPOSED = "proposed", _("Awaiting a leader's approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn (card closed)")


#: value → (lazy) label of the rungs and channels, read by ``EscalationStep.label`` (issue 13: ``get_…_display``
#: rebuilds and hashes the field's whole list of labels on every call; the escalation report names hundreds of steps)
_STEP_LABELS = dict(StepKind.choices)
_CHANNEL_LABELS = dict(Channel.choices)


def step_document_path(instance: "EscalationStep", filename: str) -> str:
    return f"supervision/steps/{instance.card_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class EscalationStep(models.Model):
    """One step of a card's ladder: who, when, why, outcome and the document that went with it.

    The unique key (card, step) is also the sweep's claim: the row is written in the same
    transaction as its notifications, so each step happens once however often the sweep runs.
    """

    card = models.ForeignKey(SupervisionCard, on_delete=models.CASCADE, related_name="steps", db_index=False)
    step = models.PositiveSmallIntegerField(_("step"), choices=StepKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=StepStatus.choices)
    automatic = models.BooleanField(_("by the overdue sweep"), default=False)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"))
    taken_on = models.DateField(_("date"))
    # the day the step took effect (taken, or approved); the next rung counts its days from here
    effective_on = models.DateField(_("in effect from"), null=True, blank=True)
    reason = models.TextField(_("why"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("outcome recorded by"))
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to=step_document_path, max_length=200, blank=True)
    document_name = models.CharField(_("document name"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["card", "step"]
        constraints = [models.UniqueConstraint(fields=["card", "step"], name="unique_card_step")]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.card} · {self.get_step_display()}"

    @property
    def needs_approval(self) -> bool:
        return self.step in NEEDS_APPROVAL

    @property
    def in_effect(self) -> bool:
        return self.status in (StepStatus.TAKEN, StepStatus.APPROVED)

    def label(self) -> str:
        """The step as people say it: the letter rung names its channel."""
        if self.step == StepKind.LETTER and self.channel:
            return str(_CHANNEL_LABELS.get(self.channel, self.channel))
        return str(_STEP_LABELS.get(self.step, self.step))
