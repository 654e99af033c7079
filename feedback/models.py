"""R4: the public message board with letters and visits (R4.3, R4.4), opinion seeking (R4.2) and
field research stays (R4.1).

A message, whatever its channel, runs one pipeline: received → triaged by the activity office of
its level → forwarded to a unit (or a named cadre) with a due date → answered → published (or sent
back). A citizen follows it by an unguessable tracking code and never sees anyone's contact details.
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, FourWinds
from units.models import Cadre, Unit
from web.fields import EncryptedCharField
from web.history import HistoricalRecords

from .querysets import FieldResearchStayQuerySet, MessageQuerySet, OpinionSessionQuerySet, OfficeDigestQuerySet

#: R4.4 a citizen's message may not be longer than this (characters); answers likewise.
MESSAGE_MAX_LENGTH = 2000


class Category(models.TextChoices):
    """R4.4 what a message is about: one of the four winds (same values as the problem register), or other."""

    FORMALISM = FourWinds.FORMALISM.value, FourWinds.FORMALISM.label
    BUREAUCRATISM = FourWinds.BUREAUCRATISM.value, FourWinds.BUREAUCRATISM.label
    HEDONISM = FourWinds.HEDONISM.value, FourWinds.HEDONISM.label
    EXTRAVAGANCE = FourWinds.EXTRAVAGANCE.value, FourWinds.EXTRAVAGANCE.label
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    """R4.3, R4.4 how a message came in."""

    BOARD = "board", _("Message board")
    LETTER = "letter", _("Incoming letter")
    VISIT = "visit", _("Visit")


class MessageStatus(models.TextChoices):
    """R4.4 the steps of the pipeline."""

    RECEIVED = "received", _("Waiting for triage")
    FORWARDED = "forwarded", _("Forwarded for an answer")
    ANSWERED = "answered", _("Answer under review")
    PUBLISHED = "published", _("Answer published")
    REJECTED = "rejected", _("Not accepted")
    MERGED = "merged", _("Merged with the same matter")


OPEN_STATUSES = (MessageStatus.RECEIVED, MessageStatus.FORWARDED, MessageStatus.ANSWERED)


class Message(models.Model):
    """R4.3, R4.4 a citizen's message from the board, or a letter or visit recorded by staff."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="messages")
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.BOARD)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="feedback_messages",
                             verbose_name=_("unit concerned"))
    # R4.4: the activity office of the same level, fixed when the message arrives
    office_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="feedback_office_messages",
                                    verbose_name=_("activity office"), db_index=False)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    text = models.TextField(_("message"))
    # R4.4: contact details, shown only to the staff who handle the message; never public, never exported.
    # Issue 15: the phone is encrypted at rest (web.fields) and masked except for the answering office
    # (``feedback.see_citizen_phone``); it cannot be searched by value.
    citizen_name = models.CharField(_("citizen's name"), max_length=50, blank=True)
    citizen_phone = EncryptedCharField(_("citizen's phone"), max_length=20, blank=True)
    # R4.3 letters and visits: who received it, and when
    received_by = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("received by"))
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices,
                              default=MessageStatus.RECEIVED)
    is_notable = models.BooleanField(_("notable"), default=False)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates",
                                    verbose_name=_("merged into"))
    rejection_reason = models.TextField(_("reason"), blank=True)
    # forwarding
    assigned_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="feedback_assigned_messages", verbose_name=_("answering unit"),
                                      db_index=False)
    assigned_cadre = models.ForeignKey(Cadre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                       verbose_name=_("cadre concerned"))
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    due_date = models.DateField(_("answer due"), null=True, blank=True)
    return_reason = models.TextField(_("reasons for sending back"), blank=True)
    # the answer
    answer = models.TextField(_("answer to the citizen"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()
    # who changed the message or its answer, and when; the citizen's contact details stay out of it
    history = HistoricalRecords(excluded_fields=["citizen_name", "citizen_phone"])

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["office_unit", "status"]),
            models.Index(fields=["assigned_unit", "status"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["received_on"]),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("feedback:message_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        """R4.4 forwarded and not answered by its due date."""
        return self.status == MessageStatus.FORWARDED and self.due_date is not None and self.due_date < today


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    CLASSIFIED = "classified", _("Classified")
    MERGED = "merged", _("Merged")
    REJECTED = "rejected", _("Rejected as not our business")
    FORWARDED = "forwarded", _("Forwarded")
    ANSWERED = "answered", _("Unit answered")
    RETURNED = "returned", _("Sent back")
    PUBLISHED = "published", _("Answer published")
    REMINDED = "reminded", _("Overdue reminder sent")


class MessageEvent(models.Model):
    """R4.4 one step of a message's handling: who, when, what (the staff-side history)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("handling step"), max_length=16, choices=EventKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.message} · {self.get_kind_display()}"


class OverdueReminder(models.Model):
    """R4.4 the claim of the overdue reminder of one message for one due date: sent exactly once."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="overdue_reminders", db_index=False)
    due_date = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "due_date"], name="unique_overdue_reminder")]


class OfficeDigest(models.Model):
    """R4.4 the weekly summary of an activity office's messages, as PDF and Excel: one per ISO week."""

    office_unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="feedback_digests",
                                    verbose_name=_("activity office"), db_index=False)
    iso_year = models.PositiveSmallIntegerField(_("year"))
    iso_week = models.PositiveSmallIntegerField(_("week"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    received_count = models.PositiveIntegerField(_("received"), default=0)
    overdue_count = models.PositiveIntegerField(_("overdue"), default=0)
    pdf = models.FileField(_("PDF"), upload_to="feedback/digests/%Y/")
    xlsx = models.FileField(_("Excel"), upload_to="feedback/digests/%Y/")
    created_at = models.DateTimeField(_("made"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = OfficeDigestQuerySet.as_manager()

    class Meta:
        verbose_name = _("message digest")
        verbose_name_plural = _("message digests")
        ordering = ["-iso_year", "-iso_week", "office_unit__path"]
        constraints = [models.UniqueConstraint(fields=["office_unit", "iso_year", "iso_week"],
                                               name="unique_office_digest_week")]

    def __str__(self) -> str:
        return f"{self.office_unit} {self.iso_year}-W{self.iso_week:02d}"


class TargetGroup(models.TextChoices):
    """R4.2 the groups whose opinions must be sought."""

    REGULATED = "regulated", _("Regulated parties")
    SERVICE_USERS = "service_users", _("Service users")
    PUBLIC_REPRESENTATIVES = "representatives", _("Public representatives")
    SUPERVISING_LEADERS = "supervising_leaders", _("Supervising leaders")
    SUBORDINATE_UNITS = "subordinate_units", _("Subordinate units")
    OLD_PARTY_MEMBERS = "old_party_members", _("Old party members")
    OLD_CADRES = "old_cadres", _("Old cadres")
    OLD_MODELS = "old_models", _("Old models")


class OpinionSession(models.Model):
    """R4.2 a session where a unit sought the opinions of one target group."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="opinion_sessions", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="opinion_sessions", verbose_name=_("unit"))
    target_group = models.CharField(_("target group"), max_length=24, choices=TargetGroup.choices)
    held_on = models.DateField(_("date"))
    form = models.CharField(_("how opinions were sought"), max_length=100, blank=True,
                            help_text=_("e.g. forum, door-to-door visit, questionnaire"))
    people_count = models.PositiveIntegerField(_("people"), validators=[MinValueValidator(1)])
    opinion_count = models.PositiveIntegerField(_("opinions"))
    summary = models.TextField(_("main opinions"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OpinionSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("opinion session")
        verbose_name_plural = _("opinion sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["campaign", "unit", "target_group"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_target_group_display()} · {self.held_on}"


class FieldResearchStay(models.Model):
    """R4.1 a cadre's field research stay at a host unit, from one date to another (both counted)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="field_research_stays")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="field_research_stays",
                              verbose_name=_("cadre"))
    host_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="hosted_research_stays",
                                  verbose_name=_("host unit"))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    # kept with the row (end − start + 1) so the compliance list aggregates it in the database
    days = models.PositiveSmallIntegerField(_("days"), editable=False)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FieldResearchStayQuerySet.as_manager()
    # R4.1 corrections change the compliance of top leaders: who changed or deleted a stay is kept
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("field research stay")
        verbose_name_plural = _("field research stays")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="stay_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.host_unit} · {self.start_date}–{self.end_date}"

    def save(self, *args, **kwargs) -> None:
        self.days = stay_days(self.start_date, self.end_date)
        super().save(*args, **kwargs)


def stay_days(start, end) -> int:
    """R4.1 days of a stay, both ends counted: a stay from Monday to Wednesday is 3 days."""
    return (end - start).days + 1


class SpentCaptcha(models.Model):
    """R4.4 a board captcha that has been answered (right or wrong): its token cannot be used again. The
    sums themselves live in the tokens (``feedback.captcha``); beat deletes rows past ``expires_at``."""

    token_hash = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("spent captcha")
        verbose_name_plural = _("spent captchas")

    def __str__(self) -> str:
        return self.token_hash[:12]
