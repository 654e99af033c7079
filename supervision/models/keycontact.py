"""R5.4: failings noted against a unit (by a card or an inspection) that put it on key contact."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from ..querysets import UnitFailingQuerySet
from .cards import ProblemCategory, SupervisionCard
from .inspections import CrossTarget, InspectionUnit


class FailingSource(models.TextChoices):
    CARD = "card", _("Supervision card")
    INSPECTION = "inspection", _("Special inspection")
    CROSS = "cross", _("Cross inspection")


class UnitFailing(models.Model):
    """R5.4 one failing (following the crowd, two skins, rushing, poor rectification) noted at a unit.

    A unit with any such row in the campaign is on key contact since the earliest one; its open
    cards go on the escalation queue. One row per source and failing, so noting again changes nothing.
    """

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.PROTECT, related_name="unit_failings",
                                 verbose_name=_("campaign"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="failings", verbose_name=_("unit"))
    category = models.CharField(_("failing"), max_length=32, choices=ProblemCategory.choices)
    noted_on = models.DateField(_("noted on"))
    source = models.CharField(_("noted by"), max_length=16, choices=FailingSource.choices)
    card = models.ForeignKey(SupervisionCard, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    inspection_row = models.ForeignKey(InspectionUnit, on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="failings")
    cross_target = models.ForeignKey(CrossTarget, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="failings")

    objects = UnitFailingQuerySet.as_manager()

    class Meta:
        verbose_name = _("R5.4 failing")
        verbose_name_plural = _("R5.4 failings")
        ordering = ["unit__path", "noted_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["card", "category"], condition=Q(card__isnull=False),
                                    name="unique_failing_card"),
            models.UniqueConstraint(fields=["inspection_row", "category"], condition=Q(inspection_row__isnull=False),
                                    name="unique_failing_inspection"),
            models.UniqueConstraint(fields=["cross_target", "category"], condition=Q(cross_target__isnull=False),
                                    name="unique_failing_cross"),
        ]
        indexes = [models.Index(fields=["campaign", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_category_display()}"
