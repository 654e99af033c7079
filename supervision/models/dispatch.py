"""R1.1: dispatches (调度) of a lower unit's top leader by an upper activity office."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit

from ..querysets import DispatchQuerySet


class DispatchWay(models.TextChoices):
    MEETING = "meeting", _("Dispatch meeting")
    PHONE = "phone", _("By phone")
    ON_SITE = "on_site", _("On site")


class Attitude(models.TextChoices):
    """R1.1 the wrong attitudes the notice asks upper groups to correct in time."""

    COMPLACENCY = "complacency", _("Complacency")
    WAIT_AND_SEE = "wait_and_see", _("Wait-and-see")
    FEAR_OF_DIFFICULTY = "fear_of_difficulty", _("Fear of difficulty")


class Dispatch(models.Model):
    """R1.1 one dispatch of a lower unit's top leader: how, what was found, and the follow-up."""

    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.PROTECT, related_name="dispatches",
                                 verbose_name=_("campaign"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("unit"))
    # the upper unit whose activity office dispatched (the nearest one above the unit the recorder works for)
    by_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dispatches_made",
                                verbose_name=_("dispatched by"))
    top_leader = models.ForeignKey(Cadre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("top leader"))
    # kept as dispatched, even if the cadre later leaves the post
    top_leader_name = models.CharField(_("top leader"), max_length=50)
    date = models.DateField(_("date of the dispatch"))
    way = models.CharField(_("way"), max_length=16, choices=DispatchWay.choices)
    findings = models.TextField(_("findings"))
    follow_up = models.TextField(_("follow-up required"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    follow_up_result = models.TextField(_("result of the follow-up"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"))

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["campaign", "date"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:dispatch_detail", args=[self.pk])

    def attitude_labels(self) -> list[str]:
        """The attitudes found, in catalogue order (uses prefetched ``attitudes``)."""
        codes = {a.attitude for a in self.attitudes.all()}
        return [str(a.label) for a in Attitude if a.value in codes]

    def follow_up_overdue(self, today) -> bool:
        return bool(self.follow_up_due and not self.follow_up_done_on and self.follow_up_due < today)


class DispatchAttitude(models.Model):
    """An attitude found at a dispatch (a row, so dashboards count units by attitude)."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="attitudes", db_index=False)
    attitude = models.CharField(_("attitude"), max_length=24, choices=Attitude.choices)

    class Meta:
        verbose_name = _("attitude found")
        verbose_name_plural = _("attitudes found")
        constraints = [models.UniqueConstraint(fields=["dispatch", "attitude"], name="unique_dispatch_attitude")]

    def __str__(self) -> str:
        return self.get_attitude_display()
