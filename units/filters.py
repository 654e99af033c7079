"""Filters of the units app (django-filter) and the one unit filter every app's lists use.

``UnitFilter`` has one meaning everywhere: "the unit's name or code contains the text, within the
viewer's subtree". The queryset handed to a FilterSet is already scoped (``visible_to``); when the
FilterSet knows its user (``web.lists.FilterSet(user=...)``) the filter limits to the viewer's subtree
again, so a list reached through a relation (a group, a notice) never names a unit outside it.
"""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from web.lists import AnyYesNo, FilterSet

from .models import Cadre, Level, Rank, SpecialGroup, Unit
from .querysets import unit_matching_q
from .scoping import scope_q


#: The drill-down of the dashboards: ``?within=<unit code>`` limits a list to that unit's subtree (a unit
#: the viewer sees; another code lists nothing). Read by every ``UnitFilter``, so each list has it.
WITHIN = "within"


class UnitFilter(django_filters.CharFilter):
    """R0.1 a unit by name or code (contains), within the viewer's subtree.

    ``relations`` lead from the listed record to the unit (``"unit"`` by default; ``""`` on a Unit
    queryset); with several (``UnitFilter("cadre__unit", "host_unit")``) a record matches through any
    of them. The list's ``?within=<code>`` (a dashboard figure's link) also limits it to that unit's
    subtree: unit codes do not always nest (a county's 130123 does not contain its city's 130100), so
    "code contains" alone cannot say "this city and everything below it"."""

    def __init__(self, *relations: str, label=None, **kwargs):
        self.relations = relations or ("unit",)
        kwargs.setdefault("max_length", 100)
        super().__init__(self.relations[0], label=label or _("Unit name or code"), **kwargs)

    def _prefixes(self) -> list[str]:
        return [f"{relation}__" if relation else "" for relation in self.relations]

    def _user(self):
        return getattr(self.parent, "user", None) if self.parent is not None else None

    def _within(self, qs):
        data = getattr(self.parent, "data", None) if self.parent is not None else None
        code = str((data.get(WITHIN) if data is not None else "") or "").strip()
        if not code:
            return qs
        units = Unit.objects.filter(code=code)
        if (user := self._user()) is not None:
            units = units.visible_to(user)
        root = units.only("path").first()
        if root is None:
            return qs.none()
        q = Q(pk__in=[])
        for prefix in self._prefixes():
            q |= Q(**{f"{prefix}path__startswith": root.path})
        return qs.filter(q)

    def filter(self, qs, value):
        qs = self._within(qs)
        text = (value or "").strip()
        if not text:
            return qs
        user = self._user()
        q = Q(pk__in=[])
        for prefix in self._prefixes():
            one = unit_matching_q(text, prefix)
            q |= (one & scope_q(user, prefix)) if user is not None else one
        return qs.filter(q)


#: R0.1 the cadre list's choice of units: those in operation unless asked (the empty choice, as the home page and
#: the dashboards count), or those closed or merged mid-campaign, or both.
UNIT_STATUS_CLOSED, UNIT_STATUS_ALL = "closed", "all"


class CadreFilter(FilterSet):
    """R0.2 the cadre list's filters (the queryset handed in is already scoped). R0.1: the cadres of units closed
    or merged mid-campaign are left out unless asked for, so the list holds what the home page and the dashboards
    count."""

    q = django_filters.CharFilter(label=_("Name or post"), method="filter_q")
    unit = UnitFilter()
    level = django_filters.ChoiceFilter(label=_("Unit level"), field_name="unit__level", choices=Level.choices)
    rank = django_filters.ChoiceFilter(label=_("Rank"), choices=Rank.choices)
    is_top_leader = django_filters.BooleanFilter(widget=AnyYesNo, label=_("Top leader"))
    is_team_member = django_filters.BooleanFilter(widget=AnyYesNo, label=_("Leadership team member"))
    is_party_secretary = django_filters.BooleanFilter(widget=AnyYesNo, label=_("Party secretary"))
    special_group = django_filters.ChoiceFilter(
        label=_("Special group"), choices=[c for c in SpecialGroup.choices if c[0]]
    )
    unit_status = django_filters.ChoiceFilter(
        label=_("Unit status"), method="filter_unit_status", empty_label=_("Units in operation"),
        choices=[(UNIT_STATUS_CLOSED, _("Closed or merged units")), (UNIT_STATUS_ALL, _("All units"))])

    class Meta:
        model = Cadre
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.matching(value)

    def filter_unit_status(self, queryset, name, value):
        return queryset.filter(unit_path__in=_closed_paths()) if value == UNIT_STATUS_CLOSED else queryset

    def rows(self):
        """The rows the filters let through; only the open units' while the unit status is left empty."""
        rows = super().rows()
        chosen = self.form.cleaned_data.get("unit_status") if self.is_bound and self.is_valid() else ""
        return rows if chosen else rows.exclude(unit_path__in=_closed_paths())


def _closed_paths() -> list[str]:
    """The paths of the closed units (one query; they are few). Issue 13: a cadre's ``unit_path`` is in the list's
    index, so a deep page is still read from the index alone — through the join to the units, page 6,000 of the
    province took 217 ms, not 72; and given the paths as a subquery PostgreSQL guessed it would drop half the rows
    and sorted the table instead (200 ms)."""
    return list(Unit.objects.filter(closed_on__isnull=False).values_list("path", flat=True))
