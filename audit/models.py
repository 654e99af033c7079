"""Issue 15 item 3: the audit log — who did what, when, from which address. Append-only from the portal:
a row is never changed or deleted through it (only the retention sweep removes rows older than the
setting)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed log-in")
    LOGOUT = "logout", _("Logged out")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    DOWNLOAD = "download", _("Export or download")
    DENIED = "denied", _("Permission denied")
    TOKEN_MADE = "token_made", _("API token made")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    OTP_ENROLLED = "otp_enrolled", _("Two-step sign-in set up")
    OTP_VERIFIED = "otp_verified", _("Two-step code accepted")
    OTP_FAILED = "otp_failed", _("Wrong two-step code")
    OTP_LOCKED = "otp_locked", _("Two-step sign-in locked")
    OTP_CODES = "otp_codes", _("Recovery codes made")
    OTP_REMOVED = "otp_removed", _("Two-step sign-in turned off")


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditEventQuerySet":
        """A superuser and a provincial administrator read every event (failed log-ins naming nobody included);
        an administrator below reads the events of the accounts holding a role in their subtree."""
        from units.models import RoleAssignment, Unit
        from units.scoping import scope_paths, scope_q

        if not getattr(user, "is_authenticated", False):
            return self.none()
        paths = scope_paths(user, {"admin"})
        if paths is None or any(len(p) == Unit.steplen for p in paths):  # everything, or a root of the tree
            return self.all()
        holders = RoleAssignment.objects.filter(scope_q(user, "unit__", roles={"admin"})).values("user_id")
        return self.filter(user_id__in=holders)

    def update(self, **kwargs):
        raise AppendOnly("audit events are never changed")


class AppendOnly(Exception):
    """The audit log is never changed or deleted through the portal."""


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("user"))
    #: the name as typed (a failed log-in may name nobody) and as it was (the account may be renamed or gone)
    username = models.CharField(_("username"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)
    detail = models.CharField(_("what"), max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnly("an audit event is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("an audit event is never deleted through the portal")
