"""Forms of the units app: field-level validation only; rules live in services."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cadre, Unit, placement_error


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
