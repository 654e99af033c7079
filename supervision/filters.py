"""Filters of the supervision lists (django-filter); the queryset handed in is already scoped."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.filters import UnitFilter
from units.querysets import unit_matching_q
from units.scoping import scope_q
from web.lists import FilterSet

from .models import (
    R54_CATEGORIES,
    Attitude,
    CardStatus,
    CheckVerdict,
    CrossInspection,
    Dispatch,
    DispatchWay,
    ExtensionRequest,
    ExtensionStatus,
    InspectionUnit,
    ProblemCategory,
    SelfCheck,
    SpecialInspection,
    SpotCheck,
    StepKind,
    SupervisionCard,
    SupervisionGroup,
    UnitFailing,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class UnitFilterSet(FilterSet):
    """A filter set whose lists can be narrowed to a unit: name or code contains, within the viewer's
    subtree (``units.filters.UnitFilter``, the one meaning every list shares; ``?within=<code>`` limits
    to a subtree)."""

    unit = UnitFilter("unit")


class CardFilter(UnitFilterSet):
    q = django_filters.CharFilter(label=_("Card number"), field_name="number", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CardStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    open = django_filters.BooleanFilter(label=_("Open"), method="filter_open")
    escalated = django_filters.BooleanFilter(label=_("Escalated"), method="filter_escalated")
    group = django_filters.ModelChoiceFilter(label=_("Supervision group"), queryset=SupervisionGroup.objects.none())
    problem = django_filters.ChoiceFilter(label=_("Problem"), choices=ProblemCategory.choices,
                                          field_name="problems__category", distinct=True)
    level = django_filters.ChoiceFilter(label=_("Highest step reached"), choices=StepKind.choices,
                                        field_name="level")
    extension = django_filters.BooleanFilter(label=_("Extension request awaiting my decision"),
                                             method="filter_extension")

    class Meta:
        model = SupervisionCard
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].queryset = SupervisionGroup.objects.visible_to(self.user)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.overdue(today) if value else queryset.not_overdue(today)

    def filter_open(self, queryset, name, value):
        """The dashboards' "open cards" figure links here (R1.3)."""
        if value is None:
            return queryset
        return queryset.open() if value else queryset.filter(status=CardStatus.CLOSED)

    def filter_escalated(self, queryset, name, value):
        """The dashboards' "escalated cards" figure links here (R1.3)."""
        if value is None:
            return queryset
        escalated = queryset.model.objects.escalated().values("pk")
        return queryset.filter(pk__in=escalated) if value else queryset.exclude(pk__in=escalated)


    def filter_extension(self, queryset, name, value):
        """R1.3 cards with an extension request that the user, acting for the card's group, is to decide
        (the to-do home links here)."""
        from .querysets import acts_for_group_q

        if value is None:
            return queryset
        pending = (ExtensionRequest.objects.filter(acts_for_group_q(self.user, "card__group__"),
                                                   status=ExtensionStatus.PENDING).values("card_id"))
        return queryset.filter(pk__in=pending) if value else queryset.exclude(pk__in=pending)


class DispatchFilter(UnitFilterSet):
    """R1.1 dispatches by unit, way, attitude found, date and the state of the follow-up."""

    way = django_filters.ChoiceFilter(label=_("Way"), choices=DispatchWay.choices)
    attitude = django_filters.ChoiceFilter(label=_("Attitude found"), choices=Attitude.choices,
                                           field_name="attitudes__attitude", distinct=True)
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte", widget=DATE_INPUT)
    follow_up = django_filters.ChoiceFilter(label=_("Follow-up"), method="filter_follow_up", choices=[
        ("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done"))])

    class Meta:
        model = Dispatch
        fields: list[str] = []

    def filter_follow_up(self, queryset, name, value):
        if value == "overdue":
            return queryset.follow_up_overdue(timezone.localdate())
        if value == "done":
            return queryset.filter(follow_up_done_on__isnull=False)
        if value == "open":
            return queryset.filter(follow_up_due__isnull=False, follow_up_done_on__isnull=True)
        return queryset


class SelfCheckFilter(UnitFilterSet):
    """R1.2 self-checks by unit and by the state of their verification."""

    state = django_filters.ChoiceFilter(label=_("Verification"), method="filter_state", choices=[
        (CheckVerdict.PENDING, _("Items awaiting verification")), (CheckVerdict.DISPUTED, _("Items disputed")),
        (CheckVerdict.CONFIRMED, _("Fully confirmed"))])

    class Meta:
        model = SelfCheck
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        if value == CheckVerdict.CONFIRMED:
            return queryset.exclude(entries__verdict__in=[CheckVerdict.PENDING, CheckVerdict.DISPUTED])
        if value:
            return queryset.filter(pk__in=SelfCheck.objects.filter(entries__verdict=value).values("pk"))
        return queryset


class SpotCheckFilter(UnitFilterSet):
    group = django_filters.ModelChoiceFilter(label=_("Supervision group"), queryset=SupervisionGroup.objects.none())
    with_card = django_filters.BooleanFilter(label=_("A finding became a card"), method="filter_with_card")

    class Meta:
        model = SpotCheck
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].queryset = SupervisionGroup.objects.visible_to(self.user)

    def filter_with_card(self, queryset, name, value):
        if value is None:
            return queryset
        carded = Q(pk__in=SpotCheck.objects.filter(findings__card__isnull=False).values("pk"))
        return queryset.filter(carded) if value else queryset.exclude(carded)


class InspectionFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Title or leader"), method="filter_q")
    unit = django_filters.CharFilter(label=_("Unit name or code"), method="filter_unit")
    state = django_filters.ChoiceFilter(label=_("State"), method="filter_state", choices=[
        ("running", _("Under way")), ("upcoming", _("Not started")), ("ended", _("Ended"))])

    class Meta:
        model = SpecialInspection
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "running":
            return queryset.running(today)
        if value == "upcoming":
            return queryset.filter(start_date__gt=today)
        if value == "ended":
            return queryset.filter(end_date__lt=today)
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(leader_name__icontains=value)) if value else queryset

    def filter_unit(self, queryset, name, value):
        if not value.strip():
            return queryset
        # only the viewer's own inspected units: the filter reveals nothing of the rows elsewhere
        rows = InspectionUnit.objects.filter(scope_q(self.user, "unit__") & unit_matching_q(value, "unit__"))
        return queryset.filter(pk__in=rows.values("inspection_id"))


class CrossFilter(FilterSet):
    group = django_filters.ModelChoiceFilter(label=_("Supervision group"), queryset=SupervisionGroup.objects.none())
    state = django_filters.ChoiceFilter(label=_("State"), method="filter_state", choices=[
        ("running", _("Running")), ("closed", _("Reported")), ("open", _("Not reported"))])

    class Meta:
        model = CrossInspection
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].queryset = SupervisionGroup.objects.visible_to(self.user)

    def filter_state(self, queryset, name, value):
        if value == "running":
            return queryset.running(timezone.localdate())
        if value == "closed":
            return queryset.filter(closed_at__isnull=False)
        if value == "open":
            return queryset.filter(closed_at__isnull=True)
        return queryset


class FailingFilter(UnitFilterSet):
    """R5.4 key-contact units by unit and by failing."""

    category = django_filters.ChoiceFilter(label=_("Failing"), choices=[
        c for c in ProblemCategory.choices if c[0] in R54_CATEGORIES])

    class Meta:
        model = UnitFailing
        fields: list[str] = []


class FocusFilter(UnitFilterSet):
    """R3.3 focus units by unit."""

    class Meta:
        model = InspectionUnit
        fields: list[str] = []


class QueueFilter(UnitFilterSet):
    group = django_filters.ModelChoiceFilter(label=_("Supervision group"), queryset=SupervisionGroup.objects.none())
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = SupervisionCard
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].queryset = SupervisionGroup.objects.visible_to(self.user)

    filter_overdue = CardFilter.filter_overdue
