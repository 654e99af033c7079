"""R1.2 three checks: self-check against the eight special rectifications, verification, spot checks."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from ..querysets import SelfCheckQuerySet, SpotCheckQuerySet
from .cards import ProblemCategory, SupervisionCard
from .groups import SupervisionGroup


class RectificationItem(models.Model):
    """R1.2 one of the campaign's eight special rectifications (campaign data, the notice's as defaults)."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="rectification_items",
                                 verbose_name=_("campaign"), db_index=False)
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("special rectification")
        verbose_name_plural = _("special rectifications")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "order"], name="unique_rectification_order")]

    def __str__(self) -> str:
        return self.title


class EntryStatus(models.TextChoices):
    NO_PROBLEM = "no_problem", _("No problem found")
    PROBLEM = "problem", _("Problem found, being rectified")
    RECTIFIED = "rectified", _("Problem found and rectified")


class CheckVerdict(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


class SelfCheck(models.Model):
    """R1.2 a unit's self-check (自查) in a campaign: one entry per special rectification."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.PROTECT, related_name="self_checks",
                                 verbose_name=_("campaign"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="self_checks", verbose_name=_("unit"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"))
    updated_at = models.DateTimeField(_("last changed"))

    objects = SelfCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unique_self_check")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.campaign}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:self_check_unit", args=[self.unit_id])


class SelfCheckEntry(models.Model):
    """One item of a self-check: what the unit found, and the verifier's word on it (核查)."""

    self_check = models.ForeignKey(SelfCheck, on_delete=models.CASCADE, related_name="entries", db_index=False)
    item = models.ForeignKey(RectificationItem, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("special rectification"))
    status = models.CharField(_("result"), max_length=16, choices=EntryStatus.choices)
    finding = models.TextField(_("what was found and done"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("entered by"))
    answered_at = models.DateTimeField(_("entered"))
    verdict = models.CharField(_("verification"), max_length=16, choices=CheckVerdict.choices,
                               default=CheckVerdict.PENDING)
    verdict_note = models.TextField(_("verification note"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-check item")
        verbose_name_plural = _("self-check items")
        ordering = ["self_check", "item__order"]
        constraints = [models.UniqueConstraint(fields=["self_check", "item"], name="unique_self_check_item")]

    def __str__(self) -> str:
        return f"{self.self_check.unit} · {self.item}"


class SpotCheck(models.Model):
    """R1.2 a spot check (抽查) by a supervision group of a key department and its key posts on the
    eight-point regulation."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.PROTECT, related_name="spot_checks",
                                 verbose_name=_("campaign"))
    group = models.ForeignKey(SupervisionGroup, on_delete=models.PROTECT, related_name="spot_checks",
                              verbose_name=_("supervision group"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="spot_checks", verbose_name=_("unit"))
    department = models.CharField(_("key department"), max_length=100)
    posts = models.CharField(_("key posts checked"), max_length=200)
    checked_on = models.DateField(_("checked on"))
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"))

    objects = SpotCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.department}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:spot_check_detail", args=[self.pk])


class SpotFinding(models.Model):
    """A finding of a spot check; the group may turn it into a supervision card."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("finding"))
    category = models.CharField(_("problem"), max_length=32, choices=ProblemCategory.choices, blank=True)
    card = models.ForeignKey(SupervisionCard, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="spot_findings", verbose_name=_("card made from it"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("spot-check finding")
        verbose_name_plural = _("spot-check findings")
        ordering = ["spot_check", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
