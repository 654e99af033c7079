"""R3.1 four-winds problem forms and filters; R3.2 comparison-check material forms and filters."""
from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from ..models import (
    CommonProblem,
    ComparisonMaterial,
    FourWinds,
    FourWindsProblem,
    MaterialStatus,
    MaterialSubject,
    ProblemRoute,
    ProblemStatus,
)
from .articles import DocumentFileField
from .core import DATE_INPUT


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class ProblemForm(forms.ModelForm):
    """R3.1 one problem: which wind, which common problem, how found, where from, why, and the fix."""

    class Meta:
        model = FourWindsProblem
        fields = ["category", "common_problem", "route", "source", "description", "root_cause", "rectification",
                  "status", "due_date"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "root_cause": forms.Textarea(attrs={"rows": 3}),
                   "rectification": forms.Textarea(attrs={"rows": 3}), "due_date": DATE_INPUT}
        help_texts = {"root_cause": _("Dig out the root cause in thinking, work style and system; the list cannot "
                                      "be submitted while a problem lacks it.")}

    def __init__(self, *args, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["common_problem"].queryset = CommonProblem.objects.filter(campaign=campaign)
        self.helper = _helper(_("Save"))


class MaterialForm(forms.Form):
    """R3.2 a version of a comparison-check material: text and/or a .docx, .pdf or .txt file."""

    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 16}),
                           help_text=_("Leave empty when you attach a .docx or .txt file: its text is taken over."))
    file = DocumentFileField(label=_("File"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Submit for review"))


class ReviewForm(forms.Form):
    """R3.2 the upper committee's decision on a material; a return needs comments (checked by the service)."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve")), ("return", _("Return for revision"))])
    comment = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Required when the material is returned: say what must change."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the decision"))


# --- filters of the lists (the querysets handed in are already scoped)

class UnitSubtreeFilter(django_filters.FilterSet):
    """A unit given by code or exact name means its whole subtree; otherwise units whose name matches."""

    unit = django_filters.CharFilter(label=_("Unit name or code"), method="filter_unit")

    focus_unit: Unit | None = None

    def filter_unit(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matches = list(Unit.objects.filter(Q(code=value) | Q(name=value)).only("pk", "path", "name")[:20])
        if not matches:
            return queryset.filter(unit__name__icontains=value)
        if len(matches) == 1:
            self.focus_unit = matches[0]
        subtree = Q()
        for unit in matches:
            subtree |= Q(unit__path__startswith=unit.path)
        return queryset.filter(subtree)


class ProblemFilter(UnitSubtreeFilter):
    """R3.1 filters: unit subtree, category, route, status, common problem, text."""

    category = django_filters.ChoiceFilter(label=_("Category"), choices=FourWinds.choices)
    route = django_filters.ChoiceFilter(label=_("How it was found"), choices=ProblemRoute.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProblemStatus.choices)
    common_problem = django_filters.ModelChoiceFilter(label=_("Common problem"), queryset=CommonProblem.objects.none())
    q = django_filters.CharFilter(label=_("Text"), method="filter_q")

    class Meta:
        model = FourWindsProblem
        fields: list[str] = []

    def __init__(self, *args, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["common_problem"].queryset = CommonProblem.objects.filter(campaign=campaign)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(description__icontains=value) | Q(root_cause__icontains=value)
                               | Q(rectification__icontains=value))


class MaterialFilter(UnitSubtreeFilter):
    """R3.2 filters: status, whose material, unit subtree, and what awaits the user's review."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=MaterialStatus.choices)
    subject = django_filters.ChoiceFilter(label=_("Whose material"), choices=MaterialSubject.choices)
    awaiting = django_filters.BooleanFilter(label=_("Awaiting my review"), method="filter_awaiting",
                                            widget=forms.CheckboxInput)

    class Meta:
        model = ComparisonMaterial
        fields: list[str] = []

    def __init__(self, *args, awaiting_q: Q, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.awaiting_q = awaiting_q

    def filter_awaiting(self, queryset, name, value):
        return queryset.filter(self.awaiting_q) if value else queryset
