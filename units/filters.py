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


class CadreFilter(FilterSet):
    """R0.2 the cadre list's filters (the queryset handed in is already scoped)."""

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

    class Meta:
        model = Cadre
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.matching(value)
