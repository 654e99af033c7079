"""X3 the form an activity office issues a notice with (field checks only; rules are in the service)."""
from __future__ import annotations

from pathlib import PurePath

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from ..selectors.notices import below
from .core import DATE_INPUT

#: Largest PDF accepted (settings.NOTICE_FILE_MAX_BYTES overrides it).
NOTICE_FILE_MAX_BYTES = 20 * 1024 * 1024


def max_file_bytes() -> int:
    return getattr(settings, "NOTICE_FILE_MAX_BYTES", NOTICE_FILE_MAX_BYTES)


class NoticeForm(forms.Form):
    issuer = forms.ModelChoiceField(queryset=Unit.objects.none(), widget=forms.HiddenInput)
    number = forms.CharField(label=_("Document number"), max_length=64,
                             help_text=_("As printed on the document, e.g. 冀群组发〔2014〕34号."))
    title = forms.CharField(label=_("Title"), max_length=200)
    issued_on = forms.DateField(label=_("Date issued"), widget=DATE_INPUT)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 12}),
                           help_text=_("The text of the notice, or leave it empty and attach the PDF."))
    file = forms.FileField(label=_("PDF file"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}))
    # Rendered by the template as checkboxes of the issuer's children and search results; only units below an
    # issuing unit are choices (another id is refused by its number, never named: R0.1), and the service checks
    # each one lies below the issuer chosen.
    addressees = forms.ModelMultipleChoiceField(queryset=Unit.objects.none(), required=False,
                                                widget=forms.MultipleHiddenInput)
    all_children = forms.BooleanField(label=_("All directly subordinate units"), required=False)

    def __init__(self, *args, issuing_units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Unit.objects.filter(pk__in=[u.pk for u in issuing_units])
        addressees = Unit.objects.none()
        for unit in issuing_units:
            addressees |= below(unit)
        self.fields["addressees"].queryset = addressees
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("number"), Field("title"), Field("issued_on"), Field("body"), Field("file"))

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        if PurePath(upload.name).suffix.lower() != ".pdf":
            raise forms.ValidationError(_("Attach the notice as a .pdf file."))
        if upload.size > max_file_bytes():
            raise forms.ValidationError(_("The PDF is larger than the limit of %(limit)s.")
                                        % {"limit": filesizeformat(max_file_bytes())})
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if not head.startswith(b"%PDF"):
            raise forms.ValidationError(_("This file is not a PDF document."))
        return upload
