"""R3.3 special inspections led by department-level cadres; R5.3 cross inspections by supervision groups."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit

from ..querysets import CrossInspectionQuerySet, SpecialInspectionQuerySet
from .groups import SupervisionGroup


class FindingResult(models.TextChoices):
    PENDING = "pending", _("Not inspected yet")
    CLEAR = "clear", _("No problem found")
    PROBLEM = "problem", _("Problems found")


class SpecialInspection(models.Model):
    """R3.3 a special inspection (专题调研检查) of a list of units, led by a department-level cadre."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.PROTECT, related_name="special_inspections",
                                 verbose_name=_("campaign"))
    title = models.CharField(_("title"), max_length=200)
    organising_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="special_inspections_organised",
                                        verbose_name=_("organised by"),
                                        help_text=_("The unit whose activity office organises the inspection."))
    leader = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("led by"))
    # kept as it was, even if the cadre later moves
    leader_name = models.CharField(_("led by"), max_length=50)
    topic = models.TextField(_("what is inspected"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"))

    objects = SpecialInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("special inspection")
        verbose_name_plural = _("special inspections")
        ordering = ["-start_date", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:inspection_detail", args=[self.pk])


class InspectionUnit(models.Model):
    """A unit of a special inspection and what was found there; a problem makes it a focus unit."""

    inspection = models.ForeignKey(SpecialInspection, on_delete=models.CASCADE, related_name="rows", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspection_rows", verbose_name=_("unit"))
    result = models.CharField(_("result"), max_length=16, choices=FindingResult.choices,
                              default=FindingResult.PENDING)
    finding = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspected unit")
        verbose_name_plural = _("inspected units")
        ordering = ["inspection", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["inspection", "unit"], name="unique_inspection_unit")]
        indexes = [models.Index(fields=["result"])]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.unit}"


class TargetKind(models.TextChoices):
    """R5.3 each cross inspection dissects at least one county and verifies at least one township."""

    DISSECT = "dissect", _("County dissected")
    VERIFY = "verify", _("Township verified")


class CrossInspection(models.Model):
    """R5.3 a cross inspection (交叉互查) plan: a supervision group goes into another region."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.PROTECT, related_name="cross_inspections",
                                 verbose_name=_("campaign"))
    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="cross_inspections",
                              verbose_name=_("supervision group"))
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    summary = models.TextField(_("overall conclusion"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("planned by"))
    created_at = models.DateTimeField(_("planned"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("reported by"))
    closed_at = models.DateTimeField(_("reported"), null=True, blank=True)

    objects = CrossInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("cross inspection")
        verbose_name_plural = _("cross inspections")
        ordering = ["-start_date", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:cross_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_running(self, today: datetime.date) -> bool:
        """Between its dates and not yet reported: the group may enter the target units."""
        return not self.is_closed and self.start_date <= today <= self.end_date


class CrossTarget(models.Model):
    """A unit a cross inspection goes into: a county it dissects or a township it verifies, with findings."""

    plan = models.ForeignKey(CrossInspection, on_delete=models.CASCADE, related_name="targets", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cross_targets", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=16, choices=TargetKind.choices)
    result = models.CharField(_("result"), max_length=16, choices=FindingResult.choices,
                              default=FindingResult.PENDING)
    finding = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("cross-inspection target")
        verbose_name_plural = _("cross-inspection targets")
        ordering = ["plan", "kind", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="unique_cross_target")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.unit}"

    @property
    def has_finding(self) -> bool:
        return self.result != FindingResult.PENDING
