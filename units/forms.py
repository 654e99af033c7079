"""Forms of the units app: field-level validation only; rules live in services."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cadre, Role, Unit, placement_error


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "code", "level", "kind", "is_backward_village", "is_hardest_unit"]

    def __init__(self, *args, parent: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_level(self) -> int:
        # shown beside the field; the service enforces the same rule (ALLOWED_PARENT_LEVELS)
        level = self.cleaned_data["level"]
        if self.parent is not None and (error := placement_error(level, self.parent.level)):
            raise forms.ValidationError(error)
        return level


class CadreForm(forms.ModelForm):
    class Meta:
        model = Cadre
        fields = ["name", "post", "rank", "is_top_leader", "is_team_member", "is_party_secretary",
                  "is_party_member", "special_group", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not phone.replace("-", "").replace(" ", "").isdigit():
            raise forms.ValidationError(_("Enter a phone number made of digits."))
        return phone


class UnitCloseForm(forms.Form):
    """R0.1 close a unit, or merge it into another unit of its level; asks about open supervision cards."""

    closed_on = forms.DateField(label=_("Closing date"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    merged_into = forms.ModelChoiceField(label=_("Merged into"), queryset=Unit.objects.none(), required=False,
                                         help_text=_("Leave empty when the unit closes without a successor. "
                                                     "A merged unit's sub-units move to the unit it merges into."))
    cards = forms.ChoiceField(label=_("Its open supervision cards"), required=False, widget=forms.RadioSelect,
                              choices=[("transfer", _("Transfer them to the unit it merges into")),
                                       ("close", _("Close them with the unit"))])
    confirm = forms.BooleanField(label=_("I understand: the unit owes nothing from that day, its open "
                                         "obligations are cancelled and it leaves rankings and dashboards."))

    def __init__(self, *args, unit: Unit, successors, open_cards: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].queryset = successors
        if open_cards:
            self.fields["cards"].required = True
            self.fields["cards"].label = _("Its %(count)s open supervision cards") % {"count": open_cards}
        else:
            del self.fields["cards"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Close the unit"), css_class="btn-danger"))


class UnitMoveForm(forms.Form):
    """R0.1 move a unit, with its sub-units and records, under another parent the office manages."""

    parent = forms.ModelChoiceField(label=_("New parent unit"), queryset=Unit.objects.none(),
                                    help_text=_("Its sub-units, cadres and records move with it; the offices of the "
                                                "new parent see and count it from now on, those of the old one no "
                                                "longer do."))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = targets
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Move the unit")))


class _UnitRoleFields(forms.Form):
    """A unit (typed by code: the tree may hold 50,000 units) and a role; the scope is the service's."""

    unit_code = forms.CharField(label=_("Unit code"), max_length=32,
                                help_text=_("The code of a unit of your subtree, as in the unit tree."))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_unit_code(self) -> Unit:
        code = self.cleaned_data["unit_code"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("Unit %(code)s does not exist.") % {"code": code})
        return unit

    def _helper(self, label: str) -> None:
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", label))


class AccountCreateForm(_UnitRoleFields):
    """R0.1 a new account with its first role."""

    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _ only; used to log in."))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    field_order = ["username", "full_name", "unit_code", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper(_("Create the account"))


class RoleGrantForm(_UnitRoleFields):
    """R0.1 one more role for an account."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper(_("Grant the role"))
