"""R4 list filters (django-filter on ``web.lists.FilterSet``). The querysets handed in are already scoped
(``visible_to``); the unit filter is ``units.filters.UnitFilter`` — "name or code contains, within the
viewer's subtree", and ``?within=<code>`` (a dashboard figure's link) for that unit's subtree."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.forms.core import DATE_INPUT
from units.filters import UnitFilter
from units.models import Cadre, Level, Unit
from web.lists import FilterSet

from . import policy
from .models import (
    Category,
    Channel,
    FieldResearchStay,
    Message,
    MessageStatus,
    OfficeDigest,
    OpinionSession,
    TargetGroup,
)
from .policy import tracking_code_candidates

def _checkbox(label, method: str) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(label=label, method=method, widget=forms.CheckboxInput)


class MessageFilterSet(FilterSet):
    """R4.4 status, category, channel, overdue, notable, unit concerned, text or tracking code."""

    unit = UnitFilter()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MessageStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    overdue = _checkbox(_("Overdue answers"), "filter_overdue")
    notable = _checkbox(_("Notable"), "filter_notable")
    q = django_filters.CharFilter(label=_("Text or tracking code"), method="filter_q")

    class Meta:
        model = Message
        fields: list[str] = []

    def __init__(self, *args, today=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(self.today) if value else queryset

    def filter_notable(self, queryset, name, value):
        return queryset.filter(is_notable=True) if value else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(text__icontains=value) | Q(tracking_code__in=tracking_code_candidates(value))
                               | Q(answer__icontains=value))


class DigestFilterSet(FilterSet):
    """R4.4 the digests of one office."""

    office = django_filters.NumberFilter(label=_("Office"), field_name="office_unit_id", widget=forms.HiddenInput)

    class Meta:
        model = OfficeDigest
        fields: list[str] = []


class OpinionFilterSet(FilterSet):
    """R4.2 unit, target group, dates."""

    unit = UnitFilter()
    target_group = django_filters.ChoiceFilter(label=_("Target group"), choices=TargetGroup.choices)
    held_after = django_filters.DateFilter(label=_("From"), field_name="held_on", lookup_expr="gte", widget=DATE_INPUT)
    held_before = django_filters.DateFilter(label=_("To"), field_name="held_on", lookup_expr="lte", widget=DATE_INPUT)

    class Meta:
        model = OpinionSession
        fields: list[str] = []

    def focus_unit(self) -> Unit | None:
        """The one unit of the viewer's scope the filter names exactly (by name or code), if any."""
        text = (self.form.cleaned_data.get("unit") or "").strip() if self.is_bound and self.is_valid() else ""
        if not text or self.user is None:
            return None
        found = list(Unit.objects.visible_to(self.user).filter(Q(code=text) | Q(name=text))[:2])
        return found[0] if len(found) == 1 else None


class CoverageFilterSet(FilterSet):
    """R4.2 which units the coverage table shows (the queryset is annotated with ``groups_asked``)."""

    unit = UnitFilter("")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All levels"))
    gaps = _checkbox(_("Only units with groups not asked"), "filter_gaps")

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_gaps(self, queryset, name, value):
        return queryset.filter(groups_asked__lt=len(TargetGroup.values)) if value else queryset


class ComplianceFilterSet(FilterSet):
    """R4.1 which top leaders the compliance list shows: by default those short of the campaign's minimum.

    Bind it to the query string even when it is empty (the default is a filter too)."""

    unit = UnitFilter()
    everyone = _checkbox(_("Also those who comply"), "filter_everyone")
    priority = _checkbox(_("Only city, county and township party secretaries"), "filter_priority")

    class Meta:
        model = Cadre
        fields: list[str] = []

    def __init__(self, *args, minimum: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.minimum = minimum

    def by_unit(self, cadres):
        """``cadres`` limited by the unit filter alone (the figures above the list follow the unit only)."""
        value = self.form.cleaned_data.get("unit", "") if self.is_bound and self.is_valid() else ""
        return self.filters["unit"].filter(cadres, value)

    def filter_everyone(self, queryset, name, value):
        if value:
            return queryset
        return queryset.filter(Q(longest__lt=self.minimum) | Q(longest__isnull=True))

    def filter_priority(self, queryset, name, value):
        return queryset.filter(policy.research_priority_q()) if value else queryset

    @property
    def shows_everyone(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.form.cleaned_data.get("everyone"))


class StayFilterSet(FilterSet):
    """R4.1 the cadre's unit or the host unit; stays at hardest units or backward villages."""

    unit = UnitFilter("cadre__unit", "host_unit")
    marked = _checkbox(_("At hardest units or backward villages"), "filter_marked")

    class Meta:
        model = FieldResearchStay
        fields: list[str] = []

    def filter_marked(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(host_unit__is_hardest_unit=True) | Q(host_unit__is_backward_village=True))
