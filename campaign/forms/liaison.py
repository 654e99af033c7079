"""R5.2 forms of the liaison area (field checks only; the rules are in ``services.liaison``)."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from ..models import ReportFrequency, TaskStatus, Weekday
from .articles import DocumentFileField
from .core import DATE_INPUT


def submit_helper(label, *, tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = tag
    helper.add_input(Submit("submit", label))
    return helper


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return gettext("%(name)s (%(detail)s)") % {"name": unit.name, "detail": unit.code}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.username


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.username


class MeetingForm(forms.Form):
    """R5.2 a liaison meeting: which office, when, who attends, and the office's own agenda items."""

    unit = UnitChoiceField(label=_("Activity office"), queryset=Unit.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    title = forms.CharField(label=_("Title"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=100, required=False)
    attendees = PeopleChoiceField(label=_("Meeting attendees"), queryset=get_user_model().objects.none(),
                                  required=False, widget=forms.CheckboxSelectMultiple)
    guest_names = forms.CharField(label=_("Other attendees"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Names of attendees without an account, one per line."))
    free_items = forms.CharField(label=_("Further agenda items"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("One item per line. What is overdue is put on the agenda by itself."))

    def __init__(self, *args, units: list[Unit], people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
            self.fields["unit"].widget = forms.HiddenInput()
        self.fields["attendees"].queryset = people
        self.helper = submit_helper(_("Save"))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 10}))


class ActionItemForm(forms.Form):
    """One row of the minutes' action items; an untouched row is skipped."""

    text = forms.CharField(label=_("Action item"), max_length=300)
    owner_unit = UnitChoiceField(label=_("Owner (unit)"), queryset=Unit.objects.none(), required=False)
    owner_user = PersonChoiceField(label=_("Owner (person)"), queryset=get_user_model().objects.none(),
                                   required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT)

    def __init__(self, *args, owner_units=None, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if owner_units is not None:
            self.fields["owner_unit"].queryset = owner_units
        if people is not None:
            self.fields["owner_user"].queryset = people
        # rendered as a table row under column headings: each input names itself for screen readers
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.update({"class": css, "aria-label": str(field.label)})


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=30, validate_max=True)


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices)
    note = forms.CharField(label=_("Outcome"), max_length=300, required=False)
    on = forms.DateField(label=_("Done on"), required=False, widget=DATE_INPUT)


class ScheduleForm(forms.Form):
    """R5.2 the reporting period an upper office sets for its direct subordinates."""

    frequency = forms.ChoiceField(label=_("Reporting period"), choices=ReportFrequency.choices)
    due_weekday = forms.TypedChoiceField(label=_("Due weekday"), choices=Weekday.choices, coerce=int,
                                         help_text=_("For weekly and two-weekly reports: the day of the (second) "
                                                     "week the report is due."))
    due_day = forms.IntegerField(label=_("Due day of the month"), min_value=1, max_value=28,
                                 help_text=_("For monthly reports."))
    starts_on = forms.DateField(label=_("First period starts"), widget=DATE_INPUT)
    instructions = forms.CharField(label=_("What to report"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    is_active = forms.BooleanField(label=_("In force"), required=False, initial=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save the schedule"))


class ProgressReportForm(forms.Form):
    """R5.2 one period's progress report: text and an optional .docx, .pdf or .txt file."""

    period = forms.ChoiceField(label=_("Period"))
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 12}))
    file = DocumentFileField(label=_("File"), required=False)

    def __init__(self, *args, periods: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods
        self.helper = submit_helper(_("Send the report"))


class InstructionRequestForm(forms.Form):
    """R5.2 a request for instructions on an important matter, from one of the user's units to one above it."""

    unit = UnitChoiceField(label=_("Asking unit"), queryset=Unit.objects.none())
    addressee = UnitChoiceField(label=_("Addressed to"), queryset=Unit.objects.none(),
                                help_text=_("Usually the activity office directly above."))
    title = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Request"), widget=forms.Textarea(attrs={"rows": 10}))
    file = DocumentFileField(label=_("File"), required=False)

    def __init__(self, *args, units: list[Unit], addressees: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        self.fields["addressee"].queryset = Unit.objects.filter(pk__in=[u.pk for u in addressees]).order_by("path")
        self.helper = submit_helper(_("Send the request for instructions"))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}))
