"""R1.2 forms of the three checks: the self-check item by item, its verification, spot checks."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from ..models import CheckVerdict, EntryStatus, ProblemCategory, RectificationItem, SelfCheckEntry, SupervisionGroup
from . import DATE_INPUT, _helper


class SelfCheckForm(forms.Form):
    """R1.2 one result and one text per special rectification; ``rows`` pairs them for the table."""

    def __init__(self, *args, items: list[RectificationItem], entries: dict[int, SelfCheckEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.locked: set[int] = set()
        for item in items:
            entry = entries.get(item.pk)
            self.fields[f"status_{item.pk}"] = forms.ChoiceField(
                label=item.title, choices=[("", "—"), *EntryStatus.choices],
                initial=entry.status if entry else "")
            self.fields[f"finding_{item.pk}"] = forms.CharField(
                label=_("What was found and done"), required=False, initial=entry.finding if entry else "",
                widget=forms.Textarea(attrs={"rows": 2}))
            if entry is not None and entry.verdict == CheckVerdict.CONFIRMED:
                self.locked.add(item.pk)
                self.fields[f"status_{item.pk}"].disabled = True
                self.fields[f"finding_{item.pk}"].disabled = True

    def rows(self):
        return [(item, self[f"status_{item.pk}"], self[f"finding_{item.pk}"], item.pk in self.locked)
                for item in self.items]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {item.pk: (self.cleaned_data[f"status_{item.pk}"], self.cleaned_data[f"finding_{item.pk}"])
                for item in self.items}


class SelfCheckVerifyForm(forms.Form):
    """R1.2 confirm or dispute each entry of a self-check, with a note (required to dispute)."""

    def __init__(self, *args, entries: list[SelfCheckEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            self.fields[f"verdict_{entry.pk}"] = forms.ChoiceField(
                label=entry.item.title, required=False, widget=forms.RadioSelect,
                choices=[("", _("Leave")), (CheckVerdict.CONFIRMED, _("Confirm")),
                         (CheckVerdict.DISPUTED, _("Dispute"))],
                initial=entry.verdict if entry.verdict != CheckVerdict.PENDING else "")
            self.fields[f"note_{entry.pk}"] = forms.CharField(
                label=_("Note"), required=False, initial=entry.verdict_note, widget=forms.Textarea(attrs={"rows": 2}))

    def rows(self):
        return [(e, self[f"verdict_{e.pk}"], self[f"note_{e.pk}"]) for e in self.entries]

    def verdicts(self) -> dict[int, tuple[str, str]]:
        return {e.pk: (self.cleaned_data[f"verdict_{e.pk}"], self.cleaned_data[f"note_{e.pk}"]) for e in self.entries}


class SpotCheckForm(forms.Form):
    """R1.2 a spot check of a key department and its key posts on the eight-point regulation."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(),
                                  error_messages={"invalid_choice": _("This unit is not among the group's units.")})
    department = forms.CharField(label=_("Key department"), max_length=100)
    posts = forms.CharField(label=_("Key posts checked"), max_length=200)
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE_INPUT)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label=_("Findings, one per line"), required=False,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("Each line becomes a finding the group may turn into a card."))

    def __init__(self, *args, group: SupervisionGroup, **kwargs):
        super().__init__(*args, **kwargs)
        assigned = list(group.units.all())
        below = Unit.objects.none()
        for unit in assigned:  # the assigned units and the units right below them (their departments)
            below = below | Unit.objects.filter(path__startswith=unit.path, depth__lte=unit.depth + 1)
        self.fields["unit"].queryset = below.order_by("path")
        self.helper = _helper(_("Record the spot check"))

    def clean_findings(self) -> list[tuple[str, str]]:
        return [(line.strip(), "") for line in self.cleaned_data["findings"].splitlines() if line.strip()]


class SpotFindingForm(forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("Problem"), required=False, choices=[("", "—"), *ProblemCategory.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Add the finding"))
