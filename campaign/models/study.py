"""R2.1, R2.2, R2.4, R2.5, R2.8: study plans, study sessions and attendance by cadre."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit
from web.history import HistoricalRecords

from .campaign import Campaign

COMPULSORY_TEXT = "习近平总书记在河南省兰考县委常委扩大会议上的重要讲话"


class ScopedByUnitQuerySet(models.QuerySet):
    """``visible_to`` for records that hang on a unit."""

    def visible_to(self, user):
        from units.scoping import scope_q

        return self.filter(scope_q(user, "unit__"))


class StudyPlan(models.Model):
    """R2.1 a unit's study plan: topics, required texts (the Lankao speech is compulsory), schedule."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="study_plans")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="study_plans", verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=200)
    topics = models.TextField(_("topics"))
    required_texts = models.TextField(_("required texts"), default=COMPULSORY_TEXT)
    schedule = models.TextField(_("schedule and requirements"), blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return self.title


class SessionKind(models.TextChoices):
    """R2.4, R2.5 forms of study."""

    CENTRAL_GROUP = "central_group", _("Central group study")
    COLLECTIVE_STUDY = "collective_study", _("Collective study discussion")
    EDUCATION_FILM = "education_film", _("Special education film")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    READ_ORIGINALS = "read_originals", _("Reading the originals")
    REPORT = "report", _("Hearing a report")


class StudySession(models.Model):
    """R2.2 one study session of a unit, with the cadres who attended."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="study_sessions")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="study_sessions", verbose_name=_("unit"))
    plan = models.ForeignKey(StudyPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions",
                             verbose_name=_("study plan"))
    kind = models.CharField(_("form"), max_length=32, choices=SessionKind.choices)
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, default=2)
    attendees = models.ManyToManyField(Cadre, through="Attendance", related_name="study_sessions",
                                       verbose_name=_("attendees"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByUnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.topic


class Attendance(models.Model):
    """A cadre attended a study session (at most once)."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendance", db_index=False)
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "cadre"], name="unique_attendance")]
