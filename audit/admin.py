from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never changed or deleted through the portal (issue 15)."""

    list_display = ("at", "kind", "username", "ip", "path", "detail")
    list_filter = ("kind",)
    search_fields = ("username", "ip", "path", "detail")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
