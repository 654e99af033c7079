"""Issue 15 item 3: log-ins, failed log-ins, log-outs and role changes into the audit log."""
from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from units.models import RoleChange

from .models import Kind
from .services import record


@receiver(user_logged_in, dispatch_uid="audit.login")
def on_login(sender, request, user, **kwargs) -> None:
    record(Kind.LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit.logout")
def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    record(Kind.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150], request=request)


@receiver(post_save, sender=RoleChange, dispatch_uid="audit.role_change")
def on_role_change(sender, instance: RoleChange, created: bool, **kwargs) -> None:
    if not created:
        return
    kind = Kind.ROLE_GRANTED if instance.action == RoleChange.Action.GRANTED else Kind.ROLE_REVOKED
    record(kind, user=instance.by, detail=f"{instance.user.username}: {instance.get_role_display()} · {instance.unit.name}")
