"""Forms of the units app: field-level validation only; rules live in services."""
from __future__ import annotations

from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Cadre, Unit
from .services import IMPORT_KINDS


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "code", "level", "kind", "is_backward_village", "is_hardest_unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


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


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=list(IMPORT_KINDS.items()))
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Check the file")))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in {".xlsx", ".csv"}:
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if f.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return f
