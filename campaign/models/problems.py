"""R3.1 the four-winds problem register; R3.2 comparison-check materials reviewed upstream."""
from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit
from web.uploads import RandomName

from .campaign import Campaign
from .study import ScopedByUnitQuerySet


class FourWinds(models.TextChoices):
    FORMALISM = "formalism", _("Formalism")
    BUREAUCRATISM = "bureaucratism", _("Bureaucratism")
    HEDONISM = "hedonism", _("Hedonism")
    EXTRAVAGANCE = "extravagance", _("Extravagance")


class ProblemRoute(models.TextChoices):
    MASSES = "masses", _("Raised by the masses")
    SELF = "self", _("Found by oneself")
    MUTUAL = "mutual", _("Mutual help")
    SUPERIORS = "superiors", _("Pointed out by superiors")


class ProblemSource(models.TextChoices):
    CONGRESS = "congress", _("People's congress proposal")
    PETITION = "petition", _("Backlogged petition")
    PUBLIC_DEMAND = "public_demand", _("Public demand")
    MESSAGE_BOARD = "message_board", _("Message board")
    OTHER = "other", _("Other")


class ProblemStatus(models.TextChoices):
    FOUND = "found", _("Found")
    RECTIFYING = "rectifying", _("Being rectified")
    RECTIFIED = "rectified", _("Rectified")


class CommonProblem(models.Model):
    """One of the ten common problems of the implementation plan: campaign data."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="common_problems", db_index=False)
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("common problem")
        verbose_name_plural = _("common problems")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="unique_common_problem")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class FourWindsProblem(models.Model):
    """R3.1 a four-winds problem a unit found, with its route, source, root cause and rectification."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="problems")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="problems", verbose_name=_("unit"))
    category = models.CharField(_("category"), max_length=16, choices=FourWinds.choices)
    common_problem = models.ForeignKey(CommonProblem, on_delete=models.SET_NULL, null=True, blank=True,
                                       verbose_name=_("common problem"))
    route = models.CharField(_("how it was found"), max_length=16, choices=ProblemRoute.choices)
    source = models.CharField(_("source"), max_length=16, choices=ProblemSource.choices, default=ProblemSource.OTHER)
    description = models.TextField(_("problem"))
    root_cause = models.TextField(_("root cause"), blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.FOUND)
    due_date = models.DateField(_("rectify by"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("four-winds problem")
        verbose_name_plural = _("four-winds problems")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.description[:40]


class MaterialQuerySet(ScopedByUnitQuerySet):
    def latest_versions(self) -> "MaterialQuerySet":
        """Only the newest version of each (campaign, unit, subject): the one that counts."""
        newer = ComparisonMaterial.objects.filter(
            campaign=models.OuterRef("campaign"), unit=models.OuterRef("unit"), subject=models.OuterRef("subject"),
            version__gt=models.OuterRef("version"))
        return self.filter(~models.Exists(newer))


class MaterialSubject(models.TextChoices):
    TEAM = "team", _("Leadership team")
    TOP_LEADER = "top_leader", _("Top leader")


class MaterialStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


class ComparisonMaterial(models.Model):
    """R3.2 one version of a team's or top leader's comparison-check material, reviewed upstream."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="materials", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="materials", verbose_name=_("unit"))
    subject = models.CharField(_("whose material"), max_length=16, choices=MaterialSubject.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to=RandomName("materials/%Y/"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MaterialStatus.choices,
                              default=MaterialStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("comparison-check material")
        verbose_name_plural = _("comparison-check materials")
        ordering = ["unit", "subject", "-version"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "subject", "version"],
                                               name="unique_material_version")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_subject_display()} v{self.version}"

    @property
    def file_name(self) -> str:
        """The name the file is shown and downloaded under (the stored name is random: issue 15)."""
        return f"{self.unit.name}-{self.get_subject_display()}{PurePath(self.file.name).suffix}" if self.file else ""
