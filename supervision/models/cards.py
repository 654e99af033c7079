"""R1.3, X1, R5.4: supervision cards, the unit's answers with evidence, extensions and the card's history."""
from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit
from web.history import HistoricalRecords

from ..querysets import CardQuerySet
from .groups import SupervisionGroup


class ProblemCategory(models.TextChoices):
    """X1 the six failings of the preamble, then the four of R5.4: the problem catalogue of a card."""

    AWARENESS = "awareness", _("Awareness not in place")
    STUDY = "study", _("Shallow study")
    ATMOSPHERE = "atmosphere", _("Weak atmosphere")
    FOCUS = "focus", _("Unfocused")
    OPINIONS = "opinions", _("Opinion seeking not solid")
    PROGRESS = "progress", _("Uneven progress")
    FOLLOWING_CROWD = "following_crowd", _("Following the crowd")
    TWO_SKINS = "two_skins", _("Two skins: form apart from substance")
    RUSHING = "rushing", _("Rushing blindly")
    POOR_RECTIFICATION = "poor_rectification", _("Poor rectification")


#: R5.4: the failings that put a unit on key contact and the escalation queue.
R54_CATEGORIES = frozenset({ProblemCategory.FOLLOWING_CROWD, ProblemCategory.TWO_SKINS, ProblemCategory.RUSHING,
                            ProblemCategory.POOR_RECTIFICATION})


class CardStatus(models.TextChoices):
    ISSUED = "issued", _("Issued, awaiting signature")
    SIGNED = "signed", _("Signed for, awaiting answer")
    ANSWERED = "answered", _("Answered, awaiting verification")
    RETURNED = "returned", _("Sent back for more rectification")
    CLOSED = "closed", _("Closed")


#: States in which the unit owes the next move; past the due date these cards are overdue.
UNIT_OWES = (CardStatus.ISSUED, CardStatus.SIGNED, CardStatus.RETURNED)


class CardNumberSequence(models.Model):
    """The last serial given per group and year; its row lock serialises concurrent issuers."""

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="unique_card_sequence")]


class SupervisionCard(models.Model):
    """R1.3 a supervision card (督导卡): problems found at a unit, facts, required actions, due date."""

    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="cards",
                              verbose_name=_("supervision group"), db_index=False)
    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.PROTECT, related_name="supervision_cards",
                                 verbose_name=_("campaign"))
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("card number"), max_length=64, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="supervision_cards", verbose_name=_("unit"))
    top_leader = models.ForeignKey(Cadre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("top leader"))
    # kept as printed on the card, even if the cadre later leaves the post
    top_leader_name = models.CharField(_("top leader"), max_length=50, blank=True)
    facts = models.TextField(_("facts found"))
    required_actions = models.TextField(_("required actions"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=CardStatus.choices, default=CardStatus.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("signed by"))
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision card")
        verbose_name_plural = _("supervision cards")
        ordering = ["-issued_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["group", "year", "serial"], name="unique_card_serial")]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("supervision:card_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == CardStatus.CLOSED

    @property
    def unit_owes(self) -> bool:
        return self.status in UNIT_OWES

    def is_overdue(self, today: datetime.date) -> bool:
        return self.unit_owes and self.due_date < today

    def days_overdue(self, today: datetime.date) -> int:
        return max((today - self.due_date).days, 0) if self.unit_owes else 0

    def problem_labels(self) -> list[str]:
        """Labels of the card's problems in catalogue order (uses prefetched ``problems``)."""
        codes = {p.category for p in self.problems.all()}
        return [str(c.label) for c in ProblemCategory if c.value in codes]


class CardProblem(models.Model):
    """One problem of the catalogue named on a card (a row, so dashboards can count by category)."""

    card = models.ForeignKey(SupervisionCard, on_delete=models.CASCADE, related_name="problems", db_index=False)
    category = models.CharField(_("problem"), max_length=32, choices=ProblemCategory.choices)

    class Meta:
        verbose_name = _("card problem")
        verbose_name_plural = _("card problems")
        constraints = [models.UniqueConstraint(fields=["card", "category"], name="unique_card_problem")]

    def __str__(self) -> str:
        return self.get_category_display()


class Verdict(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Sent back")


class CardAnswer(models.Model):
    """The unit's answer: the rectification done, with evidence; the group's verdict on it."""

    card = models.ForeignKey(SupervisionCard, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("rectification"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered"))
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, default=Verdict.PENDING)
    verdict_reason = models.TextField(_("reasons"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.card} · {self.answered_at:%Y-%m-%d}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # A random name: the original (often Chinese) name is kept in a field, never in the path.
    return f"supervision/evidence/{instance.answer.card_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Evidence(models.Model):
    """An evidence file of an answer (pdf, docx, jpg, png), downloaded only through a scoped view."""

    answer = models.ForeignKey(CardAnswer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    """R1.3 a unit asks, before the due date, for more time; the group approves or refuses."""

    card = models.ForeignKey(SupervisionCard, on_delete=models.CASCADE, related_name="extensions")
    previous_due_date = models.DateField(_("previous due date"))
    requested_due_date = models.DateField(_("requested due date"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"))
    status = models.CharField(_("status"), max_length=16, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["requested_at", "pk"]
        constraints = [
            # one open request at a time per card
            models.UniqueConstraint(fields=["card"], condition=models.Q(status="pending"),
                                    name="one_pending_extension"),
        ]

    def __str__(self) -> str:
        return f"{self.card} → {self.requested_due_date}"


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Issued")
    SIGNED = "signed", _("Signed for")
    ANSWERED = "answered", _("Answered")
    RETURNED = "returned", _("Sent back")
    CLOSED = "closed", _("Accepted and closed")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    ESCALATED = "escalated", _("Escalated")
    STEP_APPROVED = "step_approved", _("Step approved")
    STEP_REFUSED = "step_refused", _("Step refused")
    STEP_WITHDRAWN = "step_withdrawn", _("Step withdrawn")
    STEP_OUTCOME = "step_outcome", _("Outcome recorded")
    TRANSFERRED = "transferred", _("Transferred to the unit it merged into")
    CLOSED_WITH_UNIT = "closed_with_unit", _("Closed with its unit")


class CardEvent(models.Model):
    """One line of a card's history: who did what, when, and why."""

    card = models.ForeignKey(SupervisionCard, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)
    step = models.ForeignKey("supervision.EscalationStep", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("step"))

    class Meta:
        verbose_name = _("card event")
        verbose_name_plural = _("card events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.card} · {self.get_kind_display()}"
