"""R1.1 the dispatch form: field-level validation only; the rules live in services.dispatch."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Attitude, DispatchWay
from . import DATE_INPUT, _helper


class DispatchForm(forms.Form):
    """R1.1 a dispatch of a lower unit's top leader: date, way, attitudes found, findings, follow-up."""

    date = forms.DateField(label=_("Date of the dispatch"), widget=DATE_INPUT)
    way = forms.ChoiceField(label=_("Way"), choices=DispatchWay.choices, widget=forms.RadioSelect)
    attitudes = forms.MultipleChoiceField(
        label=_("Attitudes found"), choices=Attitude.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every wrong attitude the dispatch found; none when the top leader is fully engaged."))
    findings = forms.CharField(label=_("Findings: how the top leader organises and drives the campaign"),
                               widget=forms.Textarea(attrs={"rows": 5}))
    follow_up = forms.CharField(label=_("Follow-up required"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_due = forms.DateField(label=_("Follow-up due"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the dispatch"))


class DispatchEditForm(DispatchForm):
    """R1.1 correct a dispatch and report its follow-up done."""

    follow_up_done_on = forms.DateField(label=_("Follow-up done on"), required=False, widget=DATE_INPUT)
    follow_up_result = forms.CharField(label=_("Result of the follow-up"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))
