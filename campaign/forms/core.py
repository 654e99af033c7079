"""Forms of the campaign app's core pages (parameters, deadlines, calendar)."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CalendarDay, Campaign

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        exclude = ["is_active"]
        widgets = {f: DATE_INPUT for f in ("start_date", "end_date", "study_end_city_county", "study_end_grassroots",
                                           "democratic_meeting_earliest")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class DeadlineForm(forms.Form):
    due_date = forms.DateField(label=_("due date"), widget=DATE_INPUT)


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_class = "row row-cols-lg-auto g-2 align-items-end"
        self.helper.add_input(Submit("submit", _("Add")))
