"""R4 forms: the public board (honeypot, math captcha), triage, answers, letters and visits,
opinion sessions and field research stays. Field-level validation only; the rules sit in the services."""
from __future__ import annotations

import functools

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from campaign.forms.core import DATE_INPUT
from units.models import Cadre, Unit

from . import captcha
from .models import MESSAGE_MAX_LENGTH, Category, Channel, Message, OpinionSession

PHONE = RegexValidator(r"^[0-9+\-() ]{5,20}$", _("Enter a phone number of digits (5 to 20 characters)."))


def _helper(label, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", label))
    return helper


#: Over the limit, a plain sentence with the count instead of Django's "Ensure this value has…".
TEXT_TOO_LONG = _("At most %(limit_value)s characters; this text has %(show_value)s.")
MESSAGE_TOO_LONG = _("A message has at most %(limit_value)s characters; this one has %(show_value)s.")


class CountedTextarea(forms.Textarea):
    """A text area with a live count of its limit (static/js/counter.js, loaded on every page). No
    ``maxlength`` attribute (a CharField adds one): a browser would cut a pasted text silently, where the
    count turns red and the citizen can shorten it; the server refuses it with the count."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("maxlength", None)
        return context


def counted_textarea(*, rows: int, max_length: int) -> forms.Textarea:
    return CountedTextarea(attrs={
        "rows": rows, "data-max-length": max_length,
        "data-counter": _("{n} of {max} characters"), "data-counter-over": _("{over} characters too many"),
    })


def _text(label, *, rows: int = 6, required: bool = True, help_text="", too_long=TEXT_TOO_LONG) -> forms.CharField:
    return forms.CharField(label=label, max_length=MESSAGE_MAX_LENGTH, required=required, help_text=help_text,
                           widget=counted_textarea(rows=rows, max_length=MESSAGE_MAX_LENGTH),
                           error_messages={"max_length": too_long})


# --- R4.4 the public message board

class BoardCaptchaWidget(forms.MultiWidget):
    """The sealed token (hidden) and the answer box. The board's template writes their markup itself (with
    the sum's picture); this widget reads them back from the post."""

    def __init__(self) -> None:
        super().__init__(widgets=[forms.HiddenInput, forms.TextInput(attrs={"inputmode": "numeric"})])

    def decompress(self, value):
        return [None, None]


class BoardCaptchaField(forms.MultiValueField):
    """R4.4 the math captcha (``feedback.captcha``): the sum sealed in the form's token, the answer typed.
    A token that opens is spent by its first attempt, right or wrong, so an answer cannot be guessed by
    trying again; an expired or altered token is refused like a wrong answer (issue 13: no row is written to
    open the board, one to post)."""

    widget = BoardCaptchaWidget

    def __init__(self, **kwargs) -> None:
        super().__init__(fields=(forms.CharField(), forms.CharField()), require_all_fields=True, **kwargs)

    def compress(self, data_list):
        return data_list

    def clean(self, value):
        token, response = super().clean(value)
        if not captcha.verify(token, response):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return [token, ""]


class BoardForm(forms.Form):
    """R4.4 a citizen's message: the unit (chosen from the search), what it is about, the text, optional
    contact details (never shown publicly), a honeypot and a math captcha."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.all(), widget=forms.HiddenInput,
        error_messages={"required": _("Choose the unit your message is about: search for it above."),
                        "invalid_choice": _("That unit does not exist; search for it again and choose it.")})
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices, widget=forms.RadioSelect)
    text = _text(_("Your message"), help_text=_("At most %(max)s characters. Do not write your phone number here: "
                                                 "use the fields below, which only the office sees.")
                 % {"max": MESSAGE_MAX_LENGTH}, too_long=MESSAGE_TOO_LONG)
    citizen_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    citizen_phone = forms.CharField(label=_("Your phone (optional)"), max_length=20, required=False,
                                    validators=[PHONE], widget=forms.TextInput(attrs={"inputmode": "tel"}))
    # a field people never see: a bot filling every input fills this one too. The view reads it and
    # answers as if the message were accepted, so a bot is never told it was caught.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    captcha = BoardCaptchaField(
        label=_("Work out the sum"),
        error_messages={"invalid": _("The answer to the sum is wrong. Try the new sum."),
                        "incomplete": _("Enter the answer to the sum."),
                        "required": _("Enter the answer to the sum.")})

    #: The message's limit, for the counter the board's template writes beside the text box.
    text_max_length = MESSAGE_MAX_LENGTH

    @functools.cached_property
    def captcha_token(self) -> str:
        """A new sum for this page (each rendering of the form asks a new one; a spent one never returns)."""
        return captcha.new_token()

    @property
    def caught_by_honeypot(self) -> bool:
        """The hidden field was filled: a bot, to be answered like a citizen and stored nowhere."""
        return bool(self.cleaned_data.get("website"))


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "class": "text-uppercase"}))


# --- R4.4 triage and answers (staff)

class ClassifyForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    is_notable = forms.BooleanField(label=_("Notable: name it in the digest"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the classification"))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("The message on the same matter"), queryset=Message.objects.none(),
                                  widget=forms.RadioSelect)

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates
        self.fields["into"].label_from_instance = lambda m: (
            f"{m.tracking_code} · {m.unit.name} · {date_format(m.received_on)} · {m.text[:60]}")
        self.helper = _helper(_("Merge"))


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), rows=4)

    def __init__(self, *args, submit_label, help_text="", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["reason"].help_text = help_text
        self.helper = _helper(submit_label)


class ForwardForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit that answers"), queryset=Unit.objects.none())
    cadre = forms.ModelChoiceField(label=_("Named cadre (optional)"), queryset=Cadre.objects.none(), required=False,
                                   help_text=_("Choose a cadre of the unit above when the message concerns one "
                                               "person."))

    def __init__(self, *args, units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        self.fields["cadre"].queryset = (Cadre.objects.filter(unit__in=[u.pk for u in units])
                                         .filter(Q(is_top_leader=True) | Q(is_team_member=True))
                                         .select_related("unit").order_by("unit__path", "-is_top_leader", "name"))
        self.fields["cadre"].label_from_instance = lambda c: f"{c.unit.name} · {c.name} · {c.post}"
        self.helper = _helper(_("Forward"))


class AnswerForm(forms.Form):
    text = _text(_("Answer to the citizen"), rows=8)

    def __init__(self, *args, submit_label, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label)


class ReturnForm(forms.Form):
    reason = _text(_("What must change"), rows=4)
    due_date = forms.DateField(label=_("New due date (optional)"), required=False, widget=DATE_INPUT,
                               help_text=_("Leave empty to keep the current due date."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send back"))


class LetterForm(forms.Form):
    """R4.3 a letter or visit received by a unit (a supervision group's, an office's): same pipeline."""

    channel = forms.ChoiceField(label=_("Channel"), choices=[(Channel.LETTER, Channel.LETTER.label),
                                                             (Channel.VISIT, Channel.VISIT.label)],
                                widget=forms.RadioSelect)
    received_by = forms.ModelChoiceField(label=_("Received by"), queryset=Unit.objects.none())
    received_on = forms.DateField(label=_("Received on"), widget=DATE_INPUT)
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), widget=forms.HiddenInput,
                                  error_messages={"required": _("Choose the unit concerned: search for it above."),
                                                  "invalid_choice": _("Choose the unit concerned from the search.")})
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    text = _text(_("Content"), rows=8)
    citizen_name = forms.CharField(label=_("Name of the writer or visitor"), max_length=50, required=False)
    citizen_phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[PHONE])

    def __init__(self, *args, receivers, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_by"].queryset = receivers
        self.fields["unit"].queryset = units
        self.helper = _helper(_("Record and send to the office"), form_tag=False)


# --- R4.2 opinion sessions, R4.1 field research stays

class OpinionSessionForm(forms.ModelForm):
    class Meta:
        model = OpinionSession
        fields = ["target_group", "held_on", "form", "people_count", "opinion_count", "summary"]
        widgets = {"held_on": DATE_INPUT, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))


class StayForm(forms.Form):
    host_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), widget=forms.HiddenInput,
                                       error_messages={"required": _("Choose the host unit: search for it above."),
                                                       "invalid_choice": _("Choose the host unit from the search.")})
    start_date = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("To"), widget=DATE_INPUT, help_text=_("Both days count: 1 to 3 June is 3 days."))
    findings = _text(_("Findings"), rows=6)

    def __init__(self, *args, hosts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_unit"].queryset = hosts
        self.helper = _helper(_("Save"), form_tag=False)
