from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """Issue 15 a code: six digits from the authenticator app, or (at log-in) one recovery code."""

    code = forms.CharField(
        label=_("Two-step code"), max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "spellcheck": "false", "autocapitalize": "off"}))

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isalnum() or len(code) < 6:
            raise forms.ValidationError(_("Type the six digits the app shows, or one of your recovery codes."))
        return code
