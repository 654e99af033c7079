"""Forms of exams (R2.6): field-level checks only; the rules live in services.exams."""
from __future__ import annotations


from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import Cadre

from ..models import Campaign
from .core import DATE_INPUT


class ExamForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    is_resit = forms.BooleanField(label=_("Re-sit"), required=False,
                                  help_text=_("For cadres who failed: only those whose make-up study is recorded "
                                              "by the exam date may sit it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create the exam")))


def score_field_name(cadre_id: int) -> str:
    return f"score_{cadre_id}"


class ScoresForm(forms.Form):
    """One optional score field per cadre on the page; a blank field means no result entered."""

    def __init__(self, *args, cadres: list[Cadre], campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadres = cadres
        for cadre in cadres:
            self.fields[score_field_name(cadre.pk)] = forms.DecimalField(
                label=cadre.name, required=False, min_value=0, max_value=campaign.exam_full_mark,
                max_digits=5, decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.1", "class": "form-control form-control-sm score-input"}))

    def rows(self):
        """(cadre, bound field) pairs for the table of the page."""
        return [(cadre, self[score_field_name(cadre.pk)]) for cadre in self.cadres]

    def scores(self) -> dict:
        return {cadre.pk: self.cleaned_data[score_field_name(cadre.pk)] for cadre in self.cadres
                if self.cleaned_data.get(score_field_name(cadre.pk)) is not None}


class MakeupForm(forms.Form):
    on = forms.DateField(label=_("Make-up study done on"), widget=DATE_INPUT)
