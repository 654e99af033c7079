"""R2.3, R2.4, R2.6, R3.1, R3.2, R5.1: what each unit owes the campaign, due when, and whether done."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .campaign import Campaign


class ObligationKind(models.TextChoices):
    ENLARGED_MEETING = "enlarged_meeting", _("Enlarged party committee meeting")
    DISCUSSION_MEETING = "discussion_meeting", _("Special discussion meeting")
    COLLECTIVE_STUDY = "collective_study", _("Collective study discussion")
    EDUCATION_FILM = "education_film", _("Special education film")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    EXAM = "exam", _("Exam for leading cadres")
    FOUR_WINDS_LIST = "four_winds_list", _("Four-winds problem list")
    COMPARISON_MATERIAL = "comparison_material", _("Comparison-check material approved")
    DEMOCRATIC_MEETING = "democratic_meeting", _("Democratic life meeting")


class Deadline(models.Model):
    """R5.1 a due date per campaign, obligation kind and unit level: data, not code."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines", db_index=False)
    kind = models.CharField(_("obligation"), max_length=32, choices=ObligationKind.choices)
    level = models.PositiveSmallIntegerField(_("unit level"), choices=Unit._meta.get_field("level").choices)
    due_date = models.DateField(_("due date"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["campaign", "due_date", "level", "kind"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind", "level"], name="unique_deadline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_level_display()} · {self.due_date}"


class ObligationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ObligationQuerySet":
        from units.scoping import scope_q

        return self.filter(scope_q(user, "unit__"))

    def live(self) -> "ObligationQuerySet":
        """Obligations still owed or done: not cancelled with their unit's closing."""
        return self.filter(cancelled_on__isnull=True)

    def open(self) -> "ObligationQuerySet":
        return self.filter(completed_on__isnull=True, cancelled_on__isnull=True)

    def overdue(self, today) -> "ObligationQuerySet":
        return self.open().filter(due_date__lt=today)


class Obligation(models.Model):
    """One thing one unit owes in one campaign; done when its record or evidence exists."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="obligations", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("unit"))
    kind = models.CharField(_("obligation"), max_length=32, choices=ObligationKind.choices)
    due_date = models.DateField(_("due date"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence_note = models.CharField(_("evidence"), max_length=200, blank=True)
    evidence_url = models.CharField(max_length=200, blank=True)
    #: set when the unit closed before the obligation was done: no longer owed, reminded or counted
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_date", "kind"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "kind"], name="unique_obligation")]
        indexes = [models.Index(fields=["campaign", "completed_on", "due_date"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()}"

    def state(self, today) -> str:
        if self.completed_on:
            return "done"
        if self.cancelled_on:
            return "cancelled"
        return "overdue" if self.due_date < today else "due"
