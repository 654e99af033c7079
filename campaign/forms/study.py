"""Forms of the study area (R2.1, R2.2, R2.8): field-level validation only; the rules live in
``campaign.services.study``."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit

from ..models import SessionKind, StudyPlan
from .core import DATE_INPUT


def _submit_helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class StudyPlanForm(forms.ModelForm):
    """R2.1 a study plan; the required texts start with the compulsory Lankao speech."""

    class Meta:
        model = StudyPlan
        fields = ["title", "topics", "required_texts", "schedule", "start_date", "end_date"]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT,
                   "topics": forms.Textarea(attrs={"rows": 4}), "required_texts": forms.Textarea(attrs={"rows": 4}),
                   "schedule": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"required_texts": _("One text per line. The Lankao speech is compulsory and cannot be removed."),
                      "topics": _("One topic per line.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _submit_helper(_("Save"))


class AttendeesField(forms.ModelMultipleChoiceField):
    """Checkboxes of the unit's cadres; a cadre ticked twice (only possible in a forged request) is refused
    rather than silently merged."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        if value and not isinstance(value, (str, bytes)):
            values = [str(v) for v in value]
            if len(set(values)) != len(values):
                raise forms.ValidationError(_("A cadre is listed twice in the attendance."), code="duplicate")
        return super().clean(value)

    def label_from_instance(self, obj: Cadre) -> str:
        return gettext("%(name)s (%(detail)s)") % {"name": obj.name, "detail": obj.post} if obj.post else obj.name


class StudySessionForm(forms.Form):
    """R2.2, R2.4, R2.5 one study session of a unit, with its attendance."""

    kind = forms.ChoiceField(label=_("Form of study"), choices=SessionKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("For example Jiao Yulu's deeds and words, or the originals read."))
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1, initial=2)
    plan = forms.ModelChoiceField(label=_("Study plan"), queryset=StudyPlan.objects.none(), required=False)
    attendees = AttendeesField(label=_("Attendance"), queryset=Cadre.objects.none(), required=False)

    def __init__(self, *args, unit: Unit, campaign, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = StudyPlan.objects.filter(unit=unit, campaign=campaign)
        self.fields["attendees"].queryset = unit.cadres.order_by("-is_top_leader", "-is_team_member", "name")
        self.helper = _submit_helper(submit_label or _("Record the session"))

    @staticmethod
    def initial_of(session) -> dict:
        """The form's initial data for correcting ``session`` (R2.2)."""
        return {"kind": session.kind, "date": session.date, "topic": session.topic, "content": session.content,
                "hours": session.hours, "plan": session.plan_id,
                "attendees": list(session.attendance.values_list("cadre_id", flat=True))}


class UnitPickerForm(forms.Form):
    pick = forms.CharField(label=_("Unit name or code"), required=False)
