"""X2, R5.1: the campaign and its parameters, deadlines by unit level, and the working-day calendar.

Every threshold of the notice lives here once, as data an office can change; the notice's
values are the defaults.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Level
from web.compiled import Compiled


class CampaignQuerySet(models.QuerySet):
    def current(self) -> "Campaign | None":
        """The active campaign (the newest one marked active)."""
        return self._newest_active().first()

    def current_ref(self) -> "Campaign | None":
        """The active campaign with only its key loaded: a reference to store with a record, for a hot path that
        reads none of its rules (issue 13: the public board's post; its ~40 columns cost more than the row, and
        compiling the query more than running it: the query of all campaigns is compiled once)."""
        if self.query.where:  # asked of a filtered queryset: compiled each time, with its filter
            return self._newest_active().only("pk").first()
        rows = _CURRENT_REF.rows()
        return Campaign.from_db(self.db, [Campaign._meta.pk.attname], rows[0]) if rows else None

    def _newest_active(self) -> "CampaignQuerySet":
        return self.filter(is_active=True).order_by("-start_date", "-pk")


class Campaign(models.Model):
    """X2 one campaign with every deadline, minimum and threshold of the notice as editable data."""

    name = models.CharField(_("name"), max_length=200, default="第二批党的群众路线教育实践活动")
    notice_number = models.CharField(_("notice number"), max_length=64, default="冀群组发〔2014〕34号", blank=True)
    start_date = models.DateField(_("start date"), default=datetime.date(2014, 1, 20))
    end_date = models.DateField(_("end date"), default=datetime.date(2014, 9, 30))
    is_active = models.BooleanField(_("active"), default=True)
    # R5.1: study-and-opinion stage ends by level; democratic life meetings not before a date
    study_end_city_county = models.DateField(_("study stage ends (city and county)"), default=datetime.date(2014, 4, 30))
    study_end_grassroots = models.DateField(_("study stage ends (grassroots)"), default=datetime.date(2014, 5, 15))
    democratic_meeting_earliest = models.DateField(
        _("earliest democratic life meeting"), default=datetime.date(2014, 5, 21)
    )
    # R2.2 minimum study sessions
    min_study_provincial = models.PositiveSmallIntegerField(
        _("minimum study sessions, provincial-level leaders"), default=5, validators=[MinValueValidator(1)]
    )
    min_study_other = models.PositiveSmallIntegerField(
        _("minimum study sessions, other party-member leaders"), default=3, validators=[MinValueValidator(1)]
    )
    # R2.6 exam
    exam_full_mark = models.PositiveSmallIntegerField(_("exam full mark"), default=100, validators=[MinValueValidator(1)])
    exam_pass_mark = models.PositiveSmallIntegerField(_("exam pass mark"), default=60)
    # R4.1 field research, R6.3 public criticism
    min_field_research_days = models.PositiveSmallIntegerField(
        _("minimum field-research days"), default=3, validators=[MinValueValidator(1)]
    )
    criticism_count = models.PositiveSmallIntegerField(
        _("units for public criticism"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # reminders: days before a deadline (first and second), then on the day and when overdue
    reminder_lead_days_first = models.PositiveSmallIntegerField(_("first reminder, days before"), default=7)
    reminder_lead_days_second = models.PositiveSmallIntegerField(_("second reminder, days before"), default=1)
    # R1.3 escalation ladder of supervision cards: days between steps (used by supervision)
    escalation_reminder_days = models.PositiveSmallIntegerField(_("days overdue before a reminder"), default=1)
    escalation_letter_days = models.PositiveSmallIntegerField(_("days after the reminder before a letter"), default=3)
    escalation_interview_days = models.PositiveSmallIntegerField(_("days after the letter before an interview"), default=5)
    escalation_accountability_days = models.PositiveSmallIntegerField(
        _("days after the interview before an accountability proposal"), default=7
    )
    # R6.3 ranking: weights (percent, summing to 100) of the composite score units are ranked by
    rank_weight_progress = models.PositiveSmallIntegerField(_("ranking weight: progress against deadlines"), default=30,
                                                            validators=[MaxValueValidator(100)])
    rank_weight_study = models.PositiveSmallIntegerField(_("ranking weight: study compliance"), default=20,
                                                         validators=[MaxValueValidator(100)])
    rank_weight_exam = models.PositiveSmallIntegerField(_("ranking weight: exam pass rate"), default=15,
                                                        validators=[MaxValueValidator(100)])
    rank_weight_cards = models.PositiveSmallIntegerField(_("ranking weight: supervision cards"), default=20,
                                                         validators=[MaxValueValidator(100)])
    rank_weight_messages = models.PositiveSmallIntegerField(_("ranking weight: answers to the public"), default=15,
                                                            validators=[MaxValueValidator(100)])
    # R4.4 answers to public messages, in working days
    message_answer_working_days = models.PositiveSmallIntegerField(_("working days to answer a message"), default=10)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if self.exam_pass_mark is not None and self.exam_full_mark and self.exam_pass_mark > self.exam_full_mark:
            errors["exam_pass_mark"] = _("The pass mark is above the full mark.")
        if (self.reminder_lead_days_first is not None and self.reminder_lead_days_second is not None
                and self.reminder_lead_days_second >= self.reminder_lead_days_first):
            errors["reminder_lead_days_second"] = _("The second reminder must come after the first one.")
        if self.study_end_grassroots and self.study_end_city_county and (
                self.study_end_grassroots < self.study_end_city_county):
            errors["study_end_grassroots"] = _("Grassroots units cannot end their study stage before cities and counties.")
        weights = self.rank_weights
        if all(w is not None for w in weights.values()) and sum(weights.values()) != 100:
            errors["rank_weight_progress"] = _("The ranking weights must add up to 100 (now %(sum)s).") % {
                "sum": sum(weights.values())}
        if errors:
            raise ValidationError(errors)

    @property
    def rank_weights(self) -> dict[str, int]:
        """R6.3 the composite score's weights by component, in percent."""
        return {"progress": self.rank_weight_progress, "study": self.rank_weight_study,
                "exam": self.rank_weight_exam, "cards": self.rank_weight_cards,
                "messages": self.rank_weight_messages}

    def study_end_for(self, level: int) -> datetime.date:
        """R5.1 the end of the study-and-opinion stage for a unit level."""
        return self.study_end_city_county if level <= Level.COUNTY else self.study_end_grassroots

    @property
    def reminder_lead_days(self) -> tuple[int, int]:
        return (self.reminder_lead_days_first, self.reminder_lead_days_second)


class Phase(models.Model):
    """The campaign's phases (study and opinion seeking, finding problems, rectification…)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases", db_index=False)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "order"], name="unique_phase_order")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Swapped working day")


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday, or a weekend day worked instead."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


#: ``CampaignQuerySet.current_ref``'s query, compiled once
_CURRENT_REF = Compiled(lambda: Campaign.objects.all()._newest_active().only("pk")[:1])
