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

from web.lists import FilterSet

from .models import Cadre, Level, Rank, SpecialGroup, Unit
from .querysets import unit_matching_q
from .scoping import scope_q


#: The drill-down of the dashboards: ``?within=<unit code>`` limits a list to that unit's subtree (a unit
#: the viewer sees; another code lists nothing). Read by every ``UnitFilter``, so each list has it.
WITHIN = "within"


class UnitFilter(django_filters.CharFilter):
    """R0.1 a unit by name or code (contains), within the viewer's subtree.

    ``field_name`` is the relation to the unit (``"unit"`` by default; ``""`` on a Unit queryset).
    The list's ``?within=<code>`` (a dashboard figure's link) also limits it to that unit's subtree:
    unit codes do not always nest (a county's 130123 does not contain its city's 130100), so "code
    contains" alone cannot say "this city and everything below it"."""

    def __init__(self, field_name: str = "unit", *args, label=None, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(field_name, *args, label=label or _("Unit name or code"), **kwargs)

    def _user(self):
        return getattr(self.parent, "user", None) if self.parent is not None else None

    def _within(self, qs, prefix: str):
        data = getattr(self.parent, "data", None) if self.parent is not None else None
        code = str((data.get(WITHIN) if data is not None else "") or "").strip()
        if not code:
            return qs
        units = Unit.objects.filter(code=code)
        if (user := self._user()) is not None:
            units = units.visible_to(user)
        root = units.only("path").first()
        return qs.filter(**{f"{prefix}path__startswith": root.path}) if root is not None else qs.none()

    def filter(self, qs, value):
        prefix = f"{self.field_name}__" if self.field_name else ""
        qs = self._within(qs, prefix)
        text = (value or "").strip()
        if not text:
            return qs
        q = unit_matching_q(text, prefix)
        if (user := self._user()) is not None:
            q &= scope_q(user, prefix)
        return qs.filter(q)


class AnyYesNo(django_filters.widgets.BooleanWidget):
    """A yes/no filter whose empty choice reads "any" rather than django-filter's "unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("Any")), ("true", _("Yes")), ("false", _("No")))


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
        value = (value or "").strip()
        return queryset.filter(Q(name__icontains=value) | Q(post__icontains=value)) if value else queryset
