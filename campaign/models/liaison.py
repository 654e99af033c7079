"""R5.2 liaison: the weekly liaison officers' meeting with its agenda and tracked action items, periodic
progress reports from lower offices to upper ones, and requests for instructions on important matters."""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit
from web.uploads import RandomName

from .campaign import Campaign
from .study import ScopedByUnitQuerySet

# --- the weekly liaison officers' meeting (每周联络员会议)


class LiaisonMeeting(models.Model):
    """R5.2 one liaison officers' meeting of an activity office: who came, the agenda, the minutes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="liaison_meetings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="liaison_meetings",
                             verbose_name=_("activity office"), db_index=False)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    location = models.CharField(_("location"), max_length=100, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="liaison_meetings_attended",
                                       verbose_name=_("meeting attendees"))
    guest_names = models.TextField(_("other attendees"), blank=True,
                                   help_text=_("Names of attendees without an account, one per line."))
    minutes = models.TextField(_("minutes"), blank=True)
    agenda_as_of = models.DateField(_("agenda as of"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison meeting")
        verbose_name_plural = _("liaison meetings")
        ordering = ["-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="unique_liaison_meeting_day")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.title} · {self.date}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:liaison_meeting_detail", args=[self.pk])

    @property
    def guest_list(self) -> list[str]:
        return [line.strip() for line in self.guest_names.splitlines() if line.strip()]


class AgendaSource(models.TextChoices):
    """Where an agenda item came from: built from overdue records, or added by the office."""

    OVERDUE_OBLIGATIONS = "overdue_obligations", _("Overdue obligations")
    STUDY_SHORTFALL = "study_shortfall", _("Study shortfall")
    EXAM_MAKEUP = "exam_makeup", _("Owed make-up study")
    MISSING_REPORTS = "missing_reports", _("Missing progress reports")
    OPEN_REQUESTS = "open_requests", _("Unanswered requests for instructions")
    OVERDUE_TASKS = "overdue_tasks", _("Overdue action items")
    OTHER_AREA = "other_area", _("Other areas")
    FREE = "free", _("Added by the office")


class AgendaItem(models.Model):
    """One item of a meeting's agenda; automatic items are a snapshot taken when the agenda was built."""

    meeting = models.ForeignKey(LiaisonMeeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=32, choices=AgendaSource.choices, default=AgendaSource.FREE)
    title = models.CharField(_("item"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.source == AgendaSource.FREE


class TaskStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class LiaisonTaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LiaisonTaskQuerySet":
        """Tasks of meetings in the user's subtrees, owned by a unit in them, or owned by the user."""
        from units.scoping import scope_paths, scope_q

        if scope_paths(user) is None:
            return self.all()  # (``Q() | other`` would narrow a superuser's "everything" to ``other``)
        owned = models.Q(owner_user=user) if getattr(user, "is_authenticated", False) else models.Q(pk__in=[])
        return self.filter(scope_q(user, "meeting__unit__") | scope_q(user, "owner_unit__") | owned)

    def open(self) -> "LiaisonTaskQuerySet":
        return self.filter(status=TaskStatus.OPEN)

    def overdue(self, today: datetime.date) -> "LiaisonTaskQuerySet":
        return self.filter(status=TaskStatus.OPEN, due_date__lt=today)


class LiaisonTask(models.Model):
    """R5.2 an action item of a meeting's minutes, tracked as a task with an owner and a due date."""

    meeting = models.ForeignKey(LiaisonMeeting, on_delete=models.CASCADE, related_name="tasks",
                                verbose_name=_("liaison meeting"))
    text = models.CharField(_("action item"), max_length=300)
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="liaison_tasks", verbose_name=_("owner (person)"))
    owner_unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="liaison_tasks", verbose_name=_("owner (unit)"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("outcome"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LiaisonTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(owner_user__isnull=False) | models.Q(owner_unit__isnull=False),
                                   name="liaison_task_has_owner"),
            models.CheckConstraint(
                condition=(models.Q(status=TaskStatus.DONE, done_on__isnull=False)
                           | (~models.Q(status=TaskStatus.DONE) & models.Q(done_on__isnull=True))),
                name="liaison_task_done_on_iff_done"),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == TaskStatus.OPEN and self.due_date < today

    @property
    def owner_label(self) -> str:
        parts = []
        if self.owner_unit_id:
            parts.append(self.owner_unit.name)
        if self.owner_user_id:
            parts.append(self.owner_user.get_full_name() or self.owner_user.username)
        return " · ".join(parts)


# --- periodic progress reports from lower offices to upper ones


class ReportFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


@dataclass(frozen=True)
class Period:
    """One reporting period: its first and last day and the day its report is due."""

    start: datetime.date
    end: datetime.date
    due: datetime.date


class ProgressReportSchedule(models.Model):
    """R5.2 the reporting period an upper office sets for its direct subordinates' progress reports."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="progress_schedules", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="progress_schedules",
                             verbose_name=_("upper office"))
    frequency = models.CharField(_("reporting period"), max_length=16, choices=ReportFrequency.choices,
                                 default=ReportFrequency.WEEKLY)
    due_weekday = models.PositiveSmallIntegerField(_("due weekday"), choices=Weekday.choices, default=Weekday.FRIDAY)
    due_day = models.PositiveSmallIntegerField(_("due day of the month"), default=25,
                                               validators=[MinValueValidator(1), MaxValueValidator(28)])
    starts_on = models.DateField(_("first period starts"))
    instructions = models.TextField(_("what to report"), blank=True)
    is_active = models.BooleanField(_("in force"), default=True)
    # The sweep's cursor: reminders are sent for periods due after this day (set when the schedule is
    # set, so a new schedule does not remind of periods long past).
    reminded_through = models.DateField(null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report schedule")
        verbose_name_plural = _("progress report schedules")
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unique_progress_schedule")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_frequency_display()}"

    def period_containing(self, day: datetime.date) -> Period:
        """The period ``day`` falls in (weeks start on Monday; fortnights count from ``starts_on``'s week)."""
        if self.frequency == ReportFrequency.MONTHLY:
            start = day.replace(day=1)
            end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
            return Period(start, end, start.replace(day=self.due_day))
        length = 14 if self.frequency == ReportFrequency.FORTNIGHTLY else 7
        anchor = self.starts_on - datetime.timedelta(days=self.starts_on.weekday())
        start = anchor + datetime.timedelta(days=(day - anchor).days // length * length)
        due = start + datetime.timedelta(days=length - 7 + self.due_weekday)
        return Period(start, start + datetime.timedelta(days=length - 1), due)

    def periods(self, *, until: datetime.date) -> list[Period]:
        """Every period from the one holding ``starts_on`` to the one holding ``until``, oldest first."""
        found: list[Period] = []
        day = self.starts_on
        while day <= until:
            period = self.period_containing(day)
            found.append(period)
            day = period.end + datetime.timedelta(days=1)
        return found


class ProgressReport(models.Model):
    """R5.2 a subordinate office's progress report for one period of its upper office's schedule."""

    schedule = models.ForeignKey(ProgressReportSchedule, on_delete=models.CASCADE, related_name="reports",
                                 db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="progress_reports",
                             verbose_name=_("reporting unit"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due date"))
    text = models.TextField(_("report"))
    file = models.FileField(_("file"), upload_to=RandomName("progress_reports/%Y/"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_start", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["schedule", "unit", "period_start"],
                                               name="unique_progress_report")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period_start}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:progress_report_detail", args=[self.pk])

    @property
    def is_late(self) -> bool:
        from django.utils import timezone

        return timezone.localtime(self.submitted_at).date() > self.due_date

    @property
    def file_name(self) -> str:
        """The name the file is shown and downloaded under (the stored name is random: issue 15)."""
        return f"{self.unit.name}-{_('progress report')}{PurePath(self.file.name).suffix}" if self.file else ""


class ProgressReportReminder(models.Model):
    """The claim of the reminder for one missing report (unit, period): its unique key sends it once."""

    schedule = models.ForeignKey(ProgressReportSchedule, on_delete=models.CASCADE, related_name="reminders",
                                 db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schedule", "unit", "period_start"],
                                               name="unique_progress_reminder")]


# --- requests for instructions on important matters (重要事项请示报告)


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Awaiting reply")
    ANSWERED = "answered", _("Replied")
    CLOSED = "closed", _("Settled")


class InstructionRequest(models.Model):
    """R5.2 a lower office asks an upper one for instructions on an important matter; the upper one answers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="instruction_requests")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="instruction_requests",
                             verbose_name=_("asking unit"))
    addressee = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="instruction_requests_received",
                                  verbose_name=_("addressed to"))
    title = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("request"))
    file = models.FileField(_("file"), upload_to=RandomName("instruction_requests/%Y/"), blank=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    answer = models.TextField(_("reply"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    objects = ScopedByUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for instructions")
        verbose_name_plural = _("requests for instructions")
        ordering = ["-asked_at", "-pk"]
        indexes = [models.Index(fields=["status", "asked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=RequestStatus.ANSWERED) | models.Q(answered_at__isnull=False),
                name="instruction_answered_has_time"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaign:instruction_request_detail", args=[self.pk])

    @property
    def file_name(self) -> str:
        """The name the file is shown and downloaded under (the stored name is random: issue 15)."""
        return f"{self.title}{PurePath(self.file.name).suffix}" if self.file else ""
