"""R3.1 four-winds problem forms; R3.2 comparison-check material forms (their list filters: campaign/filters.py)."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CommonProblem, FourWindsProblem
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
