"""Forms of meetings (R2.3, R5.1): field-level checks only; the rules live in services.meetings."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Cadre

from ..models import MeetingKind
from ..services.meetings import CommentBy
from .core import DATE_INPUT


def _cadre_choices(cadres) -> list[tuple[int, str]]:
    return [(c.pk, gettext("%(name)s (%(detail)s)") % {"name": c.name, "detail": c.post} if c.post else c.name) for c in cadres]


class SpeakersField(forms.TypedMultipleChoiceField):
    """Team members who spoke. Repeated ids are kept (not merged) so the service can refuse them."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Team members who spoke"))
        super().__init__(**kwargs)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    speakers = SpeakersField()
    secretary_comment = forms.CharField(label=_("Party secretary's comment"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, team: list[Cadre], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speakers"].choices = _cadre_choices(team)
        if not team:
            self.fields["speakers"].help_text = _("This unit has no leadership team members on record yet.")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Record the meeting")))


class SpeakersAddForm(forms.Form):
    speakers = SpeakersField(required=True)

    def __init__(self, *args, missing: list[Cadre], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speakers"].choices = _cadre_choices(missing)


class CommentForm(forms.Form):
    by = forms.ChoiceField(choices=[(CommentBy.SECRETARY, CommentBy.SECRETARY),
                                    (CommentBy.SUPERVISION, CommentBy.SUPERVISION)], widget=forms.HiddenInput)
    text = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
