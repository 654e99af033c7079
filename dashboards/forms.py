"""R6.3 the form a leader confirms a public criticism with: number, title, text, and for each offered unit
whether to name it and the reason the public will read. The reasons start as the ranking wrote them in the
portal's language (Chinese), the language of the document, whatever the leader reads the page in.
Field-level validation only: the rules (at least one unit, a reason for each, a number not used before…) are
the service's."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import PublicCriticism

from .selectors.ranking import RankedUnit
from .selectors.search import MAX_QUERY_LENGTH

REASON_MAX_LENGTH = 500


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class CriticismForm(forms.Form):
    number = forms.CharField(label=_("Document number"), max_length=_limit(PublicCriticism, "number"),
                             help_text=_("e.g. 冀群组发〔2014〕40号"))
    title = forms.CharField(label=_("Title"), max_length=_limit(PublicCriticism, "title"))
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, offered: list[RankedUnit], chosen: set[int], labels: dict[int, str] | None = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered
        self.labels = labels or {}
        for row in offered:
            pk = row.unit.pk
            self.fields[f"pick_{pk}"] = forms.BooleanField(label=row.unit.name, required=False,
                                                           initial=pk in chosen)
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("Reason"), required=False, max_length=REASON_MAX_LENGTH,
                initial=row.document_reason_text,
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX_LENGTH}))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def rows(self) -> list[tuple[RankedUnit, forms.BoundField, forms.BoundField]]:
        """Each offered unit with its two fields, for the table of the page."""
        return [(row, self[f"pick_{row.unit.pk}"], self[f"reason_{row.unit.pk}"]) for row in self.offered]

    def groups(self) -> list[tuple[str, list[tuple[RankedUnit, forms.BoundField, forms.BoundField]]]]:
        """The rows by list of peers (the title of the list, its rows), in the order offered."""
        result: list[tuple[str, list]] = []
        level = None
        for row in self.rows():
            if row[0].unit.level != level:
                level = row[0].unit.level
                result.append((self.labels.get(level, row[0].unit.get_level_display()), []))
            result[-1][1].append(row)
        return result

    def entries(self) -> list[tuple]:
        """The picked units as ``criticism_issue`` takes them: (unit, reason, score), in rank order."""
        return [(row.unit, self.cleaned_data[f"reason_{row.unit.pk}"], row.score)
                for row in self.offered if self.cleaned_data.get(f"pick_{row.unit.pk}")]



class SearchForm(forms.Form):
    """Issue 12 item 3: the header's search box (a GET form; the text is trimmed, 1 to 100 characters)."""

    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY_LENGTH, error_messages={
        "required": _("Type a name, a code or a number to search for."),
        "max_length": _("Search for at most %(limit_value)d characters (you typed %(show_value)d)."),
    })
