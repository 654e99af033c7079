"""R2.6: one exam per city and county; results by cadre; failures go to make-up study and a re-sit."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit
from web.history import HistoricalRecords

from .campaign import Campaign
from .study import ScopedByUnitQuerySet


class Exam(models.Model):
    """R2.6 the exam a city or county organises for its leading cadres."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="exams")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="exams", verbose_name=_("organised by"))
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    is_resit = models.BooleanField(_("re-sit"), default=False)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:exam_detail", args=[self.pk])


class ExamResult(models.Model):
    """A cadre's score in one exam; below the campaign's pass mark means make-up study and a re-sit."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="results", db_index=False)
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="exam_results", verbose_name=_("cadre"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("passed"))
    makeup_done_on = models.DateField(_("make-up study done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exam result")
        verbose_name_plural = _("exam results")
        constraints = [models.UniqueConstraint(fields=["exam", "cadre"], name="unique_exam_result")]

    def __str__(self) -> str:
        return f"{self.exam} · {self.cadre}"
