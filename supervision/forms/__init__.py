"""Forms of the supervision app: field-level validation only; the rules live in services."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Level, Unit
from units.scoping import WRITE_ROLES, scope_q

from ..files import upload_problem
from ..models import Channel, ProblemCategory, StepKind, SupervisionGroup

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files in one input, each checked for type (pdf, docx, jpg, png) and size (≤ 10 MB)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        items = [item for item in items if item]
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        files = [super(EvidenceFilesField, self).clean(item, initial) for item in items]
        problems = [p for p in (upload_problem(f) for f in files) if p]
        if problems:
            raise forms.ValidationError(problems)
        return files


class DocumentField(forms.FileField):
    """One optional document (pdf, docx, jpg, png, ≤ 10 MB)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            problem = upload_problem(upload)
            if problem:
                raise forms.ValidationError(problem)
        return upload or None


def people_for(unit_q: Q):
    """Users holding a role in the given units: the people a group can be made of."""
    User = get_user_model()
    return User.objects.filter(is_active=True, pk__in=User.objects.filter(unit_q).values("pk")).order_by("username")


class GroupForm(forms.ModelForm):
    """R1.3, R4.3 a supervision group with its leader, members, assigned units and public contacts."""

    class Meta:
        model = SupervisionGroup
        fields = ["leading_unit", "leading_group_name", "name", "card_prefix", "leader", "members", "units",
                  "office_address", "phone", "email", "letters_and_visits", "is_active"]
        widgets = {"members": forms.SelectMultiple(attrs={"size": 8}),
                   "units": forms.SelectMultiple(attrs={"size": 12})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        leading = self.instance.leading_unit if self.instance.pk else None
        writable = Unit.objects.filter(scope_q(user, roles=WRITE_ROLES))
        self.fields["leading_unit"].queryset = writable.filter(level__lte=Level.COUNTY)
        if leading is not None:
            self.fields["leading_unit"].disabled = True
            below = Unit.objects.filter(path__startswith=leading.path, depth__gt=leading.depth,
                                        depth__lte=leading.depth + 2, level__lte=Level.TOWNSHIP)
            people = people_for(Q(role_assignments__unit__path__startswith=leading.path))
        else:
            below = writable.filter(level__gt=Level.PROVINCE, level__lte=Level.TOWNSHIP)
            people = people_for(scope_q(user, "role_assignments__unit__", roles=WRITE_ROLES))
        if self.instance.pk:  # keep current members and units selectable even if they moved away
            people = people | get_user_model().objects.filter(
                Q(pk=self.instance.leader_id) | Q(pk__in=self.instance.members.values("pk")))
            below = below | Unit.objects.filter(pk__in=self.instance.units.values("pk"))
        self.fields["units"].queryset = below.order_by("path")
        self.fields["leader"].queryset = people.distinct().order_by("username")
        self.fields["members"].queryset = people.distinct().order_by("username")
        self.fields["leader"].label_from_instance = self.fields["members"].label_from_instance = (
            lambda u: gettext("%(name)s (%(detail)s)") % {"name": u.get_full_name() or u.username, "detail": u.username})
        self.helper = _helper(_("Save"))

    def clean_card_prefix(self) -> str:
        prefix = self.cleaned_data["card_prefix"].strip()
        if any(ch in prefix for ch in "〔〕号"):
            raise forms.ValidationError(_("Give only the prefix, e.g. 冀督卡; the year and serial are added."))
        return prefix


class CardForm(forms.Form):
    """R1.3 a new supervision card for one of the group's units."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(),
                                  error_messages={"invalid_choice": _("This unit is not assigned to the group.")})
    problems = forms.MultipleChoiceField(label=_("Problems found"), choices=ProblemCategory.choices,
                                         widget=forms.CheckboxSelectMultiple)
    facts = forms.CharField(label=_("Facts found"), widget=forms.Textarea(attrs={"rows": 5}))
    required_actions = forms.CharField(label=_("Required actions"), widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT)

    def __init__(self, *args, group: SupervisionGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = group.units.order_by("path")
        self.helper = _helper(_("Issue the card"))


class AnswerForm(forms.Form):
    """R1.3 the unit's rectification and its evidence."""

    text = forms.CharField(label=_("Rectification done"), widget=forms.Textarea(attrs={"rows": 6}))
    files = EvidenceFilesField(label=_("Evidence files (PDF, Word .docx, JPG or PNG, at most 10 MB each)"),
                               required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send the answer"))


class VerifyForm(forms.Form):
    """R1.3 the group's verdict on an answer."""

    decision = forms.ChoiceField(label=_("Verdict"), widget=forms.RadioSelect, choices=[
        ("accept", _("Accept and close the card")), ("return", _("Send it back for more rectification"))])
    reason = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Required when sending the card back."))
    new_due_date = forms.DateField(label=_("New due date"), required=False, widget=DATE_INPUT,
                                   help_text=_("Optional, when sending it back."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the verdict"))


class ExtensionForm(forms.Form):
    requested_due_date = forms.DateField(label=_("New due date asked for"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Ask for an extension"))


class DecisionForm(forms.Form):
    """Approve or refuse (an extension, a proposed step), with a note."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the decision"))


class StepForm(forms.Form):
    """R1.3 take the next rung of the ladder by hand."""

    step = forms.TypedChoiceField(label=_("Step"), choices=StepKind.choices, coerce=int)
    channel = forms.ChoiceField(label=_("Letter or call"), choices=[("", "—"), *Channel.choices], required=False,
                                help_text=_("Only for the letter step."))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 4}))
    document = DocumentField(label=_("Document (PDF, Word .docx, JPG or PNG, at most 10 MB)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Escalate"))


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 4}))
    document = DocumentField(label=_("Document (PDF, Word .docx, JPG or PNG, at most 10 MB)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the outcome"))
