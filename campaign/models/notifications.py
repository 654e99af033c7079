"""The in-app notification centre and the claims that make each reminder go out exactly once."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user, shown in the notification centre and e-mailed once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             db_index=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["emailed_at"]),
            # settling an item marks the unread notifications that link to it read, whoever got them (issue
            # 12); without this, each settle scanned every notification (86 ms at province scale, issue 13)
            models.Index(fields=["url"], condition=models.Q(read_at__isnull=True), name="notification_unread_url"),
        ]

    def __str__(self) -> str:
        return self.title


class ReminderStage(models.TextChoices):
    FIRST = "first", _("First reminder")
    SECOND = "second", _("Second reminder")
    DUE = "due", _("Due today")
    OVERDUE = "overdue", _("Overdue")


class ReminderClaim(models.Model):
    """The claim of one reminder stage of one obligation for the due date it announces: its unique key
    makes a sweep idempotent, and a moved deadline re-arms every stage for the new date."""

    obligation = models.ForeignKey("campaign.Obligation", on_delete=models.CASCADE, related_name="reminder_claims",
                                   db_index=False)
    stage = models.CharField(max_length=16, choices=ReminderStage.choices)
    due_date = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    notified = models.BooleanField(default=True)  # False: superseded by a later stage when a sweep ran late

    class Meta:
        constraints = [models.UniqueConstraint(fields=["obligation", "stage", "due_date"],
                                               name="unique_reminder_claim_per_date")]
