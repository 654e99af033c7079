from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CardEvent, CardProblem, EscalationStep, ExtensionRequest, SupervisionCard, SupervisionGroup


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "leading_unit", "leader", "card_prefix", "phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "card_prefix", "leading_unit__name")
    raw_id_fields = ("leading_unit", "leader")
    filter_horizontal = ("members", "units")


class CardProblemInline(admin.TabularInline):
    model = CardProblem
    extra = 0


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    extra = 0
    fields = ("step", "channel", "status", "taken_on", "reason", "outcome")
    readonly_fields = fields
    can_delete = False


class CardEventInline(admin.TabularInline):
    model = CardEvent
    extra = 0
    fields = ("at", "kind", "actor", "note")
    readonly_fields = fields
    can_delete = False


@admin.register(SupervisionCard)
class SupervisionCardAdmin(SimpleHistoryAdmin):
    list_display = ("number", "group", "unit", "status", "due_date")
    list_filter = ("status", "group")
    search_fields = ("number", "unit__name")
    raw_id_fields = ("group", "unit", "top_leader", "issued_by", "signed_by", "campaign")
    inlines = [CardProblemInline, EscalationStepInline, CardEventInline]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ("card", "previous_due_date", "requested_due_date", "status")
    list_filter = ("status",)
    raw_id_fields = ("card", "requested_by", "decided_by")
