"""R2.3, R5.1: enlarged and discussion meetings with who spoke; democratic life meetings."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit

from .campaign import Campaign
from .study import ScopedByUnitQuerySet


class MeetingKind(models.TextChoices):
    ENLARGED = "enlarged", _("Enlarged party committee meeting")
    DISCUSSION = "discussion", _("Special discussion meeting")
    DEMOCRATIC_LIFE = "democratic_life", _("Democratic life meeting")


class Meeting(models.Model):
    """R2.3 a meeting of a unit's leadership team; every team member speaks in turn."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="meetings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=32, choices=MeetingKind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    secretary_comment = models.TextField(_("party secretary's comment"), blank=True)
    supervision_comment = models.TextField(_("supervision group's comment"), blank=True)
    speakers = models.ManyToManyField(Cadre, through="MeetingSpeech", related_name="meetings_spoken",
                                      verbose_name=_("speakers"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:meeting_detail", args=[self.pk])


class MeetingSpeech(models.Model):
    """A team member spoke at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speeches", db_index=False)
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="speeches")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "cadre"], name="unique_speech")]
