"""R6 forms of the publicity area (field checks only; the rules are in ``services.publicity``)."""
from __future__ import annotations

from django import forms
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Unit

from ..models import ArticleKind, MediaKind, PosterKind, PublicityColumn
from ..services.publicity import PHOTO_MAX_BYTES, PHOTO_SIGNATURES, photo_problem
from .core import DATE_INPUT
from .liaison import UnitChoiceField, submit_helper


class PhotoField(forms.FileField):
    """R6.4 a JPG or PNG photo, checked by extension, size, first bytes and by decoding it."""

    def __init__(self, **kwargs) -> None:
        # Lazy: the field is built at import time, the help is read in the request's language.
        kwargs.setdefault("help_text", lazy(lambda: gettext("JPG or PNG, at most %(size)s MB.")
                                            % {"size": PHOTO_MAX_BYTES // (1024 * 1024)}, str)())
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ",".join(PHOTO_SIGNATURES)}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size") and upload is not initial:
            problem = photo_problem(upload)
            if problem:
                raise forms.ValidationError(problem, code="photo")
        return upload


class UnitCodeField(forms.CharField):
    """A unit given by its code (or its exact name when that is unique), resolved to the unit."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", _("The unit's code, or its exact name."))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        found = list(Unit.objects.filter(Q(code=text) | Q(name=text))[:2])
        if len(found) != 1:
            raise forms.ValidationError(_("No single unit has the code or name “%(text)s”.") % {"text": text},
                                        code="unit")
        return found[0]


class SpeakerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, cadre: Cadre) -> str:
        return f"{cadre.unit.name} · {cadre.post} · {cadre.name}" if cadre.post else f"{cadre.unit.name} · {cadre.name}"


def _units_field(form: forms.Form, units: list[Unit] | None) -> None:
    """Offer ``units`` (hidden when there is one); drop the field when editing (the unit stays)."""
    if units is None:
        del form.fields["unit"]
        return
    form.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
    if len(units) == 1:
        form.fields["unit"].initial = units[0].pk
        form.fields["unit"].widget = forms.HiddenInput()


class ColumnForm(forms.Form):
    """R6.1 a special column of an activity office."""

    unit = UnitChoiceField(label=_("Activity office"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Column name"), max_length=100, help_text=_("e.g. 让群众好办事·为群众办好事"))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label=_("Open for articles"), required=False, initial=True)

    def __init__(self, *args, units: list[Unit] | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _units_field(self, units)
        self.helper = submit_helper(_("Save"))


class ArticleForm(forms.Form):
    """R6.1 a commentary, grassroots experience or model story."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    column = forms.ModelChoiceField(label=_("Special column"), queryset=PublicityColumn.objects.none(),
                                    required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    byline = forms.CharField(label=_("Byline"), max_length=100, required=False,
                             help_text=_("Author or source as printed, e.g. 本报评论员."))
    summary = forms.CharField(label=_("Abstract"), max_length=300, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}))

    def __init__(self, *args, units: list[Unit] | None, columns, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _units_field(self, units)
        self.fields["column"].queryset = columns
        self.helper = submit_helper(_("Save"))


class PressConferenceForm(forms.Form):
    """R6.2 a press conference: date, speakers (top leaders), topics and the release."""

    unit = UnitChoiceField(label=_("Holding unit"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    location = forms.CharField(label=_("Location"), max_length=100, required=False)
    speakers = SpeakerChoiceField(label=_("Speakers"), queryset=Cadre.objects.none(),
                                  widget=forms.CheckboxSelectMultiple, help_text=_("Top leaders of the units."))
    topics = forms.CharField(label=_("Press conference topics"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("One topic per line."))
    release = forms.CharField(label=_("Press release"), required=False, widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, units: list[Unit] | None, speakers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _units_field(self, units)
        self.fields["speakers"].queryset = speakers
        self.helper = submit_helper(_("Save"))


class PosterForm(forms.Form):
    """R6.4 posters or slogans at a grassroots site, with a photo."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=PosterKind.choices)
    wording = forms.CharField(label=_("Wording"), max_length=300)
    site = forms.CharField(label=_("Site"), max_length=200, help_text=_("Where it was put up."))
    put_up_on = forms.DateField(label=_("Put up on"), widget=DATE_INPUT)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1)
    photo = PhotoField(label=_("Photo"))

    def __init__(self, *args, units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _units_field(self, units)
        self.helper = submit_helper(_("Save"))


class CoverageForm(forms.Form):
    """R6.5 one media report: outlet, date, title, link."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    outlet = forms.CharField(label=_("Outlet"), max_length=100, help_text=_("e.g. 河北日报"))
    kind = forms.ChoiceField(label=_("Medium"), choices=MediaKind.choices)
    published_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    title = forms.CharField(label=_("Title"), max_length=200)
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https",
                          validators=[URLValidator(schemes=["http", "https"])])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, units: list[Unit] | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _units_field(self, units)
        self.helper = submit_helper(_("Save"))


class CaseForm(forms.Form):
    """R6.3 a closed disciplinary case for exposure; the person is named by post only."""

    issuer = UnitChoiceField(label=_("Exposing office"), queryset=Unit.objects.none())
    unit = UnitCodeField(label=_("Unit"))
    post = forms.CharField(label=_("Post of the person"), max_length=100, help_text=_("No name is needed."))
    violation = forms.CharField(label=_("Violation"), widget=forms.Textarea(attrs={"rows": 4}))
    handling = forms.CharField(label=_("Handling"), widget=forms.Textarea(attrs={"rows": 3}))
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE_INPUT)

    def __init__(self, *args, issuers: list[Unit] | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if issuers is None:
            del self.fields["issuer"]
        else:
            self.fields["issuer"].queryset = Unit.objects.filter(pk__in=[u.pk for u in issuers]).order_by("path")
            if len(issuers) == 1:
                self.fields["issuer"].initial = issuers[0].pk
                self.fields["issuer"].widget = forms.HiddenInput()
        self.helper = submit_helper(_("Save"))
