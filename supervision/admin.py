from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CardEvent,
    CardProblem,
    CrossInspection,
    CrossTarget,
    Dispatch,
    DispatchAttitude,
    EscalationStep,
    ExtensionRequest,
    InspectionUnit,
    RectificationItem,
    SelfCheck,
    SelfCheckEntry,
    SpecialInspection,
    SpotCheck,
    SpotFinding,
    SupervisionCard,
    SupervisionGroup,
    UnitFailing,
)


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


@admin.register(RectificationItem)
class RectificationItemAdmin(admin.ModelAdmin):
    """R1.2 the eight special rectifications are campaign data: the provincial office may reword them here."""

    list_display = ("order", "title", "campaign")
    list_filter = ("campaign",)
    ordering = ("campaign", "order")


class DispatchAttitudeInline(admin.TabularInline):
    model = DispatchAttitude
    extra = 0


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ("date", "unit", "top_leader_name", "by_unit", "way", "follow_up_due", "follow_up_done_on")
    list_filter = ("way",)
    search_fields = ("unit__name", "top_leader_name")
    raw_id_fields = ("campaign", "unit", "by_unit", "top_leader", "recorded_by")
    inlines = [DispatchAttitudeInline]


class SelfCheckEntryInline(admin.TabularInline):
    model = SelfCheckEntry
    extra = 0
    raw_id_fields = ("answered_by", "verified_by")


@admin.register(SelfCheck)
class SelfCheckAdmin(admin.ModelAdmin):
    list_display = ("unit", "campaign", "submitted_at", "updated_at")
    search_fields = ("unit__name",)
    raw_id_fields = ("campaign", "unit", "submitted_by")
    inlines = [SelfCheckEntryInline]


class SpotFindingInline(admin.TabularInline):
    model = SpotFinding
    extra = 0
    raw_id_fields = ("card", "created_by")


@admin.register(SpotCheck)
class SpotCheckAdmin(admin.ModelAdmin):
    list_display = ("checked_on", "group", "unit", "department", "posts")
    search_fields = ("unit__name", "department")
    raw_id_fields = ("campaign", "group", "unit", "created_by")
    inlines = [SpotFindingInline]


class InspectionUnitInline(admin.TabularInline):
    model = InspectionUnit
    extra = 0
    raw_id_fields = ("unit", "recorded_by")


@admin.register(SpecialInspection)
class SpecialInspectionAdmin(admin.ModelAdmin):
    list_display = ("title", "organising_unit", "leader_name", "start_date", "end_date")
    search_fields = ("title", "leader_name")
    raw_id_fields = ("campaign", "organising_unit", "leader", "created_by")
    inlines = [InspectionUnitInline]


class CrossTargetInline(admin.TabularInline):
    model = CrossTarget
    extra = 0
    raw_id_fields = ("unit", "recorded_by")


@admin.register(CrossInspection)
class CrossInspectionAdmin(admin.ModelAdmin):
    list_display = ("title", "group", "start_date", "end_date", "closed_at")
    raw_id_fields = ("campaign", "group", "created_by", "closed_by")
    inlines = [CrossTargetInline]


@admin.register(UnitFailing)
class UnitFailingAdmin(admin.ModelAdmin):
    list_display = ("unit", "category", "noted_on", "source")
    list_filter = ("category", "source")
    search_fields = ("unit__name",)
    raw_id_fields = ("campaign", "unit", "card", "inspection_row", "cross_target")
