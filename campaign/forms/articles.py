"""R2.7 forms: request articles from secretaries, submit an article, filter the list.

``DocumentFileField`` is shared with the comparison-check materials (R3.2): the same three
formats and the same size limit everywhere a document is uploaded.
"""
from __future__ import annotations

from pathlib import PurePath

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Cadre

from ..selectors.articles import eligible_authors
from .core import DATE_INPUT

#: Uploads above this size are refused in the form, with the limit in the message.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: The first bytes each accepted format must start with, so a renamed file is caught early.
DOCUMENT_SIGNATURES = {".docx": b"PK\x03\x04", ".pdf": b"%PDF-", ".txt": None}


class DocumentFileField(forms.FileField):
    """A .docx, .pdf or .txt file of at most ``MAX_UPLOAD_BYTES``."""

    def __init__(self, **kwargs) -> None:
        # Lazy: the field is built at import time, the help is read in the request's language.
        kwargs.setdefault("help_text", lazy(lambda: gettext("Word (.docx), PDF or plain text (.txt), at most %(size)s MB.")
                                            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}, str)())
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ",".join(DOCUMENT_SIGNATURES)}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial or not hasattr(upload, "size"):
            return upload
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in DOCUMENT_SIGNATURES:
            raise forms.ValidationError(
                _("Only Word (.docx), PDF (.pdf) and plain text (.txt) files are accepted, not “%(name)s”.")
                % {"name": upload.name}, code="extension")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file “%(name)s” is %(actual)s MB; the limit is %(size)s MB.")
                % {"name": upload.name, "actual": f"{upload.size / (1024 * 1024):.1f}",
                   "size": MAX_UPLOAD_BYTES // (1024 * 1024)}, code="size")
        signature = DOCUMENT_SIGNATURES[suffix]
        if signature is not None:
            upload.seek(0)
            head = upload.read(len(signature))
            upload.seek(0)
            if head != signature:
                raise forms.ValidationError(
                    _("The file “%(name)s” is not a real %(kind)s file; save it again in that format.")
                    % {"name": upload.name, "kind": suffix}, code="signature")
        return upload


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class AuthorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, cadre: Cadre) -> str:
        return f"{cadre.unit.name} · {cadre.post} · {cadre.name}" if cadre.post else f"{cadre.unit.name} · {cadre.name}"


class ArticleRequestForm(forms.Form):
    """R2.7 the provincial office names the secretaries and the due date."""

    cadres = AuthorChoiceField(label=_("Secretaries"), queryset=Cadre.objects.none(),
                               widget=forms.SelectMultiple(attrs={"size": 12}),
                               help_text=_("Party secretaries of cities and counties. Hold Ctrl to pick several."))
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = eligible_authors().select_related("unit").order_by("unit__path", "name")
        self.helper = _helper(_("Send the request"))


class ArticleSubmitForm(forms.Form):
    """R2.7 the article: title, text, and an optional file (the text box is required with a PDF)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 16}),
                           help_text=_("Leave empty when you attach a .docx or .txt file: its text is taken over. "
                                       "With a PDF file, paste the text here."))
    file = DocumentFileField(label=_("File"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Submit the article"))
