"""R3.3, R5.3 forms of special inspections and cross inspections (field-level validation only)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Level, Rank, Unit
from units.scoping import WRITE_ROLES, grants_of, scope_q

from ..models import R54_CATEGORIES, FindingResult, ProblemCategory
from . import DATE_INPUT, _helper

R54_CHOICES = [c for c in ProblemCategory.choices if c[0] in R54_CATEGORIES]


def _unit_label(unit: Unit) -> str:
    return "　" * max(unit.depth - 2, 0) + gettext("%(name)s (%(detail)s)") % {"name": unit.name, "detail": unit.get_level_display()}


class InspectionForm(forms.Form):
    """R3.3 a special inspection led by a department-level cadre over units of the creator's scope."""

    title = forms.CharField(label=_("Title"), max_length=200)
    organising_unit = forms.ModelChoiceField(label=_("Organised by"), queryset=Unit.objects.none())
    leader = forms.ModelChoiceField(label=_("Led by (department-level cadre)"), queryset=Cadre.objects.none(),
                                    error_messages={"invalid_choice": _(
                                        "Choose a department-level cadre of your scope.")})
    topic = forms.CharField(label=_("What is inspected"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("End date"), widget=DATE_INPUT)
    units = forms.ModelMultipleChoiceField(label=_("Units inspected"), queryset=Unit.objects.none(),
                                           widget=forms.SelectMultiple(attrs={"size": 14}),
                                           error_messages={"invalid_choice": _(
                                               "A unit chosen is outside your scope.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        writable = Unit.objects.filter(scope_q(user, roles=WRITE_ROLES))
        own = [g for g in grants_of(user) if g.role in WRITE_ROLES]
        top = min((g.depth for g in own), default=1)
        self.fields["organising_unit"].queryset = writable.filter(pk__in=[g.unit_id for g in own]).order_by("path") \
            if own else writable.filter(depth=1)
        self.fields["leader"].queryset = (Cadre.objects.visible_to(user).filter(rank=Rank.DEPARTMENT)
                                          .select_related("unit").order_by("unit__path", "name"))
        self.fields["leader"].label_from_instance = lambda c: gettext("%(name)s (%(detail)s)") % {"name": c.name, "detail": f"{c.unit.name} {c.post}"}
        self.fields["units"].queryset = (writable.filter(depth__gt=top, depth__lte=top + 2, level__lte=Level.TOWNSHIP)
                                         .order_by("path"))
        self.fields["units"].label_from_instance = _unit_label
        self.helper = _helper(_("Create the inspection"))


class FindingForm(forms.Form):
    """R3.3, R5.3, R5.4 what was found at a unit: the result, the findings and any R5.4 failings."""

    result = forms.ChoiceField(label=_("Result"), widget=forms.RadioSelect, choices=[
        (FindingResult.CLEAR, FindingResult.CLEAR.label), (FindingResult.PROBLEM, FindingResult.PROBLEM.label)])
    finding = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5}))
    failings = forms.MultipleChoiceField(
        label=_("R5.4 failings found"), choices=R54_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Any of these puts the unit on key contact and its open cards on the escalation queue."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the findings"))


class CrossPlanForm(forms.Form):
    """R5.3 a cross-inspection plan: dates and the counties to dissect and townships to verify."""

    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("End date"), widget=DATE_INPUT)
    targets = forms.ModelMultipleChoiceField(
        label=_("Counties to dissect and townships to verify"), queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 16}),
        help_text=_("At least one county and one township, in a region other than the group's own."),
        error_messages={"invalid_choice": _("Choose counties and townships of your scope.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = (Unit.objects.filter(scope_q(user, roles=WRITE_ROLES))
                                           .filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("path"))
        self.fields["targets"].label_from_instance = _unit_label
        self.helper = _helper(_("Save the plan"))


class CrossCloseForm(forms.Form):
    summary = forms.CharField(label=_("Overall conclusion for the upper party committee"),
                              widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Report the results"))
