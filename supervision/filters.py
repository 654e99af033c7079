"""Filters of the card list (django-filter); the queryset handed in is already scoped."""
from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .models import CardStatus, ProblemCategory, StepKind, SupervisionCard, SupervisionGroup


class CardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Card number"), field_name="number", lookup_expr="icontains")
    unit = django_filters.CharFilter(label=_("Unit name or code"), method="filter_unit")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CardStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    group = django_filters.ModelChoiceFilter(label=_("Supervision group"), queryset=SupervisionGroup.objects.none())
    problem = django_filters.ChoiceFilter(label=_("Problem"), choices=ProblemCategory.choices,
                                          field_name="problems__category", distinct=True)
    level = django_filters.ChoiceFilter(label=_("Highest step reached"), choices=StepKind.choices,
                                        field_name="level")

    class Meta:
        model = SupervisionCard
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].queryset = SupervisionGroup.objects.visible_to(user)

    def filter_unit(self, queryset, name, value):
        # A unit given by code means its whole subtree; by name, units whose name matches.
        value = value.strip()
        if not value:
            return queryset
        unit = Unit.objects.filter(code=value).only("path").first()
        if unit is not None:
            return queryset.filter(unit__path__startswith=unit.path)
        return queryset.filter(unit__name__icontains=value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.overdue(today) if value else queryset.not_overdue(today)
