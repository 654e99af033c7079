"""Issue 14: the API's filters (django-filter). Every filter narrows a queryset already scoped to the user;
a unit named in a filter is looked up in the user's scope too, so a filter can never widen what is seen."""
from __future__ import annotations

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import ExamResult, Meeting, Notice, Obligation, StudySession
from feedback.models import Message
from supervision.models import EscalationStep, SupervisionCard
from units.models import Cadre, Unit


class IdFilter(df.NumberFilter):
    """A record's id: a whole number (``4.9`` or ``4e0`` is a 400, not unit 4)."""

    field_class = forms.IntegerField


class FilterSet(df.FilterSet):
    """Base of the API's filter sets. A foreign key (``?unit=``, ``?cadre=``, ``?card=``…) filters by its id, never
    looked up: the queryset is scoped already, so an id outside the user's subtree lists nothing — as one that
    does not exist. (django-filter's default looked the id up over the whole table: a 400 for an id that does
    not exist, an empty list for one that does, which told another county's ids apart.)"""

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        if field.many_to_one and lookup_expr in (None, "exact"):
            return IdFilter(field_name=field_name, min_value=1, label=field.verbose_name)
        return super().filter_for_field(field, field_name, lookup_expr)


def _scoped_unit(request, pk) -> Unit | None:
    return Unit.objects.visible_to(request.user).filter(pk=pk).first() if request is not None else None


class WithinFilter(IdFilter):
    """``?within=<unit id>``: the records of that unit's subtree (nothing when the unit is out of scope)."""

    def __init__(self, path_field: str, **kwargs) -> None:
        kwargs.setdefault("label", _("Within the subtree of unit (id)"))
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)
        self.path_field = path_field

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        unit = _scoped_unit(self.parent.request, value)
        if unit is None:
            return qs.none()
        return qs.filter(**{f"{self.path_field}__startswith": unit.path})


class UnitFilter(FilterSet):
    q = df.CharFilter(method="search", label=_("Name or code contains"))
    parent = IdFilter(method="children_of", label=_("Children of unit (id)"), min_value=1)
    within = WithinFilter("path")
    closed = df.BooleanFilter(field_name="closed_on", lookup_expr="isnull", exclude=True, label=_("Closed"))

    class Meta:
        model = Unit
        fields = ["level", "kind", "is_hardest_unit", "is_backward_village"]

    def search(self, qs, name, value):
        return qs.matching(value)

    def children_of(self, qs, name, value):
        unit = _scoped_unit(self.request, value)
        if unit is None:
            return qs.none()
        return qs.filter(path__startswith=unit.path, depth=unit.depth + 1)


class CadreFilter(FilterSet):
    q = df.CharFilter(method="search", label=_("Name or post contains"))
    within = WithinFilter("unit_path")
    # R0.1 the cadres of units closed or merged mid-campaign (true), or of the units in operation (false); all when
    # left out, as the API has always listed them (the web list shows the units in operation unless asked)
    unit_closed = df.BooleanFilter(field_name="unit__closed_on", lookup_expr="isnull", exclude=True,
                                   label=_("Unit closed or merged"))

    class Meta:
        model = Cadre
        fields = ["unit", "rank", "is_top_leader", "is_team_member", "is_party_secretary"]

    def search(self, qs, name, value):
        return qs.matching(value)


STATES = [("done", _("done")), ("overdue", _("overdue")), ("due", _("due")), ("cancelled", _("cancelled"))]


class ObligationFilter(FilterSet):
    within = WithinFilter("unit__path")
    state = df.ChoiceFilter(choices=STATES, method="by_state", label=_("State"))

    class Meta:
        model = Obligation
        fields = ["unit", "kind", "campaign"]

    def by_state(self, qs, name, value):
        today = timezone.localdate()
        return {
            "done": lambda: qs.filter(completed_on__isnull=False, cancelled_on__isnull=True),
            "cancelled": lambda: qs.filter(cancelled_on__isnull=False),
            "overdue": lambda: qs.overdue(today),
            "due": lambda: qs.open().filter(due_date__gte=today),
        }[value]()


class DatedFilter(FilterSet):
    within = WithinFilter("unit__path")
    date_from = df.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = df.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))


class StudySessionFilter(DatedFilter):
    class Meta:
        model = StudySession
        fields = ["unit", "kind", "campaign"]


class MeetingFilter(DatedFilter):
    class Meta:
        model = Meeting
        fields = ["unit", "kind", "campaign"]


class ExamResultFilter(FilterSet):
    within = WithinFilter("cadre__unit_path")

    class Meta:
        model = ExamResult
        fields = ["exam", "cadre", "passed"]


class CardFilter(FilterSet):
    within = WithinFilter("unit__path")
    overdue = df.BooleanFilter(method="by_overdue", label=_("Overdue"))

    class Meta:
        model = SupervisionCard
        fields = ["unit", "group", "status", "campaign"]

    def by_overdue(self, qs, name, value):
        today = timezone.localdate()
        return qs.overdue(today) if value else qs.not_overdue(today)


class EscalationStepFilter(FilterSet):
    within = WithinFilter("card__unit__path")

    class Meta:
        model = EscalationStep
        fields = ["card", "step", "status"]


class MessageFilter(FilterSet):
    within = WithinFilter("unit__path")
    awaiting = df.BooleanFilter(method="by_awaiting", label=_("Waiting for me"))

    class Meta:
        model = Message
        fields = ["unit", "assigned_unit", "status", "category", "channel", "is_notable"]

    def by_awaiting(self, qs, name, value):
        mine = qs.awaiting(self.request.user)
        return mine if value else qs.exclude(pk__in=mine.values("pk"))


class NoticeFilter(FilterSet):
    q = df.CharFilter(method="search", label=_("Number or title contains"))
    unread = df.BooleanFilter(method="by_unread", label=_("Unread by one of my units"))

    class Meta:
        model = Notice
        fields = ["issuer"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else qs

    def by_unread(self, qs, name, value):
        from campaign.selectors.notices import bound_unit_ids

        unread = Notice.objects.addressed_to(bound_unit_ids(self.request.user), unread=True).values("pk")
        return qs.filter(pk__in=unread) if value else qs.exclude(pk__in=unread)
