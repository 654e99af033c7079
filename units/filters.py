"""Filters of the cadre list (django-filter); the queryset handed in is already scoped."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Cadre, Level, Rank, SpecialGroup


class AnyYesNo(django_filters.widgets.BooleanWidget):
    """A yes/no filter whose empty choice reads "any" rather than django-filter's "unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("Any")), ("true", _("Yes")), ("false", _("No")))


class CadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or post"), method="filter_q")
    unit = django_filters.CharFilter(label=_("Unit name or code"), method="filter_unit")
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
        return queryset.filter(Q(name__icontains=value) | Q(post__icontains=value)) if value else queryset

    def filter_unit(self, queryset, name, value):
        # A unit given by code means its whole subtree; by name, units whose name matches.
        from .models import Unit

        value = value.strip()
        if not value:
            return queryset
        unit = Unit.objects.filter(code=value).only("path").first()
        if unit is not None:
            return queryset.filter(unit__path__startswith=unit.path)
        return queryset.filter(unit__name__icontains=value)
