"""The campaign app's list filters as django-filter filter sets (on ``web.lists.FilterSet``)."""
from __future__ import annotations

from django import forms as _forms
from django.db.models import Exists, F, OuterRef
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
import django_filters

from units.filters import UnitFilter
from units.models import Rank
from web.lists import FilterSet

from .forms.core import DATE_INPUT
from .models import ArticleKind, MediaKind, PosterKind, PublicityColumn
from .models import CommonProblem, FourWinds, MaterialStatus, MaterialSubject, ProblemRoute, ProblemStatus
from .models import MeetingKind
from .models import RequestStatus
from .models import SessionKind


# ---- core, study, exams, meetings, problems


class MeetingFilter(FilterSet):
    """R2.3 the meetings list: unit (name or code, in scope), kind, team members not yet heard."""

    unit = UnitFilter()
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MeetingKind.choices, empty_label=_("All kinds"))
    missing = django_filters.BooleanFilter(label=_("With team members who have not spoken"), method="filter_missing",
                                           widget=_forms.CheckboxInput)

    def filter_missing(self, queryset, name, value):
        return queryset.filter(team_missing__gt=0) if value else queryset


class SessionFilter(FilterSet):
    """R2.2 the study sessions: unit (name or code, in scope), form of study, dates."""

    unit = UnitFilter()
    kind = django_filters.ChoiceFilter(label=_("Form of study"), choices=SessionKind.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte", widget=DATE_INPUT)


class PlanFilter(FilterSet):
    """R2.1 the study plans: unit (name or code, in scope), title or topic."""

    unit = UnitFilter()
    q = django_filters.CharFilter(label=_("Title or topic"), method="filter_q", max_length=100)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(topics__icontains=value)) if value else queryset


class ShortfallFilter(FilterSet):
    """R2.2 the shortfall list: unit, rank; only those still short unless ``everyone`` is ticked."""

    unit = UnitFilter()
    rank = django_filters.ChoiceFilter(label=_("Rank"), choices=Rank.choices)
    everyone = django_filters.BooleanFilter(label=_("Also show leaders who have met the minimum"),
                                            method="filter_everyone", widget=_forms.CheckboxInput)

    def filter_everyone(self, queryset, name, value):
        return queryset  # read by ``rows``: unticked (or unbound) leaves out those who met the minimum

    def rows(self):
        rows = super().rows()
        everyone = self.is_bound and self.is_valid() and self.form.cleaned_data.get("everyone")
        return rows if everyone else rows.filter(attended__lt=F("minimum"))


class ExamFilter(FilterSet):
    """R2.6 the exams: organiser (name or code, in scope), first sittings or re-sits."""

    unit = UnitFilter()
    resit = django_filters.ChoiceFilter(label=_("Re-sit"), method="filter_resit", empty_label=_("All exams"),
                                        choices=[("no", _("First sittings")), ("yes", _("Re-sits"))])

    def filter_resit(self, queryset, name, value):
        return queryset.filter(is_resit=value == "yes")


class ResultFilter(FilterSet):
    """R2.6 an exam's results (or its candidates): the cadre's unit by name or code, in scope."""

    unit = UnitFilter("cadre__unit")


class CandidateFilter(FilterSet):
    """R2.6 the leading cadres who sit an exam: their unit by name or code, in scope."""

    unit = UnitFilter()


class OwedFilter(FilterSet):
    """R2.6 failures owing make-up study or a re-sit: unit, and which stage (still owed by default)."""

    unit = UnitFilter("cadre__unit")
    state = django_filters.ChoiceFilter(label=_("Show"), method="filter_state", empty_label=None, choices=[
        ("", _("Still owed")), ("makeup", _("Make-up study not recorded")),
        ("resit", _("Make-up done, re-sit not passed")), ("all", _("Every failure, with its re-sit"))])

    def filter_state(self, queryset, name, value):
        return queryset  # applied by ``rows``: the default (blank) state filters too

    def rows(self):
        from .selectors.exams import owed_in_state

        state = (self.form.cleaned_data.get("state") or "") if self.is_bound and self.is_valid() else ""
        return owed_in_state(super().rows(), state)


class ProblemFilter(FilterSet):
    """R3.1 the problems: unit (name or code, in scope), category, route, status, common problem, text."""

    unit = UnitFilter()
    category = django_filters.ChoiceFilter(label=_("Category"), choices=FourWinds.choices)
    route = django_filters.ChoiceFilter(label=_("How it was found"), choices=ProblemRoute.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProblemStatus.choices)
    common_problem = django_filters.ModelChoiceFilter(label=_("Common problem"), queryset=CommonProblem.objects.none())
    q = django_filters.CharFilter(label=_("Text"), method="filter_q", max_length=100)

    def __init__(self, *args, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["common_problem"].queryset = CommonProblem.objects.filter(campaign=campaign)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(description__icontains=value) | Q(root_cause__icontains=value)
                               | Q(rectification__icontains=value))


class MaterialFilter(FilterSet):
    """R3.2 the materials: status, whose material, unit (name or code, in scope), awaiting the user's review."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=MaterialStatus.choices)
    subject = django_filters.ChoiceFilter(label=_("Whose material"), choices=MaterialSubject.choices)
    unit = UnitFilter()
    awaiting = django_filters.BooleanFilter(label=_("Awaiting my review"), method="filter_awaiting",
                                            widget=_forms.CheckboxInput)

    def __init__(self, *args, awaiting_q: Q, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.awaiting_q = awaiting_q

    def filter_awaiting(self, queryset, name, value):
        return queryset.filter(self.awaiting_q) if value else queryset


# ---- liaison, notices, publicity, articles


PUBLISH_STATES = [("published", _("Made public")), ("draft", _("Not published"))]


def _text_q(fields: tuple[str, ...], text: str) -> Q:
    q = Q(pk__in=[])
    for name in fields:
        q |= Q(**{f"{name}__icontains": text})
    return q


class _TextFilterSet(FilterSet):
    """A publicity list: free text over ``text_fields``, the unit (name or code, in scope)."""

    text_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(label=_("Text"), method="filter_text", max_length=100)
    unit = UnitFilter()

    def filter_text(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(_text_q(self.text_fields, value)) if value else queryset


class _PublishedFilterSet(_TextFilterSet):
    """R6 a list of records an office makes public: … and published or not."""

    state = django_filters.ChoiceFilter(label=_("Show"), choices=PUBLISH_STATES, method="filter_state",
                             empty_label=_("All"))

    def filter_state(self, queryset, name, value):
        if value == "published":
            return queryset.filter(published_on__isnull=False)
        if value == "draft":
            return queryset.filter(published_on__isnull=True)
        return queryset


class PublicityArticleFilter(_PublishedFilterSet):
    """R6.1 the publicity articles of the user's scope."""

    text_fields = ("title", "body", "byline")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ArticleKind.choices, empty_label=_("All"))
    column = django_filters.ModelChoiceFilter(label=_("Special column"), queryset=PublicityColumn.objects.none(),
                                   empty_label=_("All"))

    def __init__(self, *args, columns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if columns is not None:
            self.filters["column"].queryset = columns
            self.form.fields["column"].queryset = columns


class PressConferenceFilter(_PublishedFilterSet):
    """R6.2 the press conferences of the user's scope."""

    text_fields = ("title", "topics", "release")


class DisciplinaryCaseFilter(_PublishedFilterSet):
    """R6.3 the closed cases recorded for exposure in the user's scope."""

    text_fields = ("post", "violation", "handling")


class CriticismFilter(_PublishedFilterSet):
    """R6.3 the public criticisms issued in the user's scope (the unit is the issuer)."""

    text_fields = ("title", "number", "body")
    unit = UnitFilter("issuer", label=_("Issuer name or code"))


class _DatedFilterSet(_TextFilterSet):
    date_field = "date"
    date_from = django_filters.DateFilter(label=_("From"), method="filter_from", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("To"), method="filter_to", widget=DATE_INPUT)

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})


class PosterFilter(_DatedFilterSet):
    """R6.4 the posters and slogans of the user's scope."""

    text_fields = ("wording", "site")
    date_field = "put_up_on"
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PosterKind.choices, empty_label=_("All"))


class CoverageFilter(_DatedFilterSet):
    """R6.5 the media coverage log of the user's scope."""

    text_fields = ("outlet", "title", "note")
    date_field = "published_on"
    kind = django_filters.ChoiceFilter(label=_("Medium"), choices=MediaKind.choices, empty_label=_("All"))


class PublicArticleFilter(FilterSet):
    """R6.1 the public article pages: search, kind, column (published records only are handed in)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ArticleKind.choices, empty_label=_("All kinds"),
                            widget=_forms.Select(attrs={"class": "form-select form-select-sm"}))
    column = django_filters.ModelChoiceFilter(label=_("Special column"),
                                   queryset=PublicityColumn.objects.filter(is_active=True))

    def filter_text(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(_text_q(("title", "body", "summary"), value)) if value else queryset
# R5.2 liaison


TASK_STATES = [("overdue", _("Overdue")), ("done", _("Done")), ("dropped", _("Dropped")),
               ("all", _("All"))]
REQUEST_BOXES = [("sent", _("Asked by my units")), ("received", _("Addressed to my offices"))]


class LiaisonMeetingFilter(FilterSet):
    """R5.2 the liaison meetings: unit (name or code, in scope), dates."""

    unit = UnitFilter()
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=DATE_INPUT)
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte", widget=DATE_INPUT)


class LiaisonTaskFilter(FilterSet):
    """R5.2 the action items: text, unit (the meeting's office or the owner), state (open by default), mine."""

    q = django_filters.CharFilter(label=_("Text"), method="filter_text", max_length=100)
    unit = UnitFilter("meeting__unit", "owner_unit",
                      help_text=_("The office that held the meeting, or the owning unit."))
    state = django_filters.ChoiceFilter(label=_("Show"), choices=TASK_STATES, method="filter_state",
                             empty_label=_("In progress"))
    mine = django_filters.BooleanFilter(label=_("Only mine and my units'"), method="filter_mine",
                             widget=_forms.CheckboxInput)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def filter_text(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(_text_q(("text", "note"), value)) if value else queryset

    def filter_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue(self.today)
        if value in ("done", "dropped"):
            return queryset.filter(status=value)
        return queryset

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        from units.scoping import grants_of

        return queryset.filter(Q(owner_user=self.user)
                               | Q(owner_unit_id__in=[g.unit_id for g in grants_of(self.user)]))

    def rows(self):
        rows = super().rows()
        state = self.form.cleaned_data.get("state") if self.is_bound and self.is_valid() else ""
        return (rows if state else rows.open()).order_by("due_date", "pk")


class ProgressReportFilter(FilterSet):
    """R5.2 the progress reports: reporting unit (name or code, in scope), late only."""

    unit = UnitFilter()
    late = django_filters.BooleanFilter(label=_("Only late reports"), method="filter_late", widget=_forms.CheckboxInput)

    def filter_late(self, queryset, name, value):
        from .selectors.liaison import late_only

        return late_only(queryset) if value else queryset


class InstructionRequestFilter(FilterSet):
    """R5.2 requests for instructions: text, unit (asking or addressed, in scope), status, sent or received."""

    q = django_filters.CharFilter(label=_("Subject or text"), method="filter_text", max_length=100)
    unit = UnitFilter("unit", "addressee")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices, empty_label=_("All"))
    box = django_filters.ChoiceFilter(label=_("Which"), choices=REQUEST_BOXES, method="filter_box",
                           empty_label=_("All"))

    def filter_text(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(_text_q(("title", "body", "answer"), value)) if value else queryset

    def filter_box(self, queryset, name, value):
        from .selectors.liaison import office_units, own_units

        if value == "sent":
            return queryset.filter(unit_id__in=[u.pk for u in own_units(self.user)])
        if value == "received":
            return queryset.filter(addressee_id__in=[u.pk for u in office_units(self.user)])
        return queryset

# X3 notices
NOTICE_BOXES = [("all", _("All")), ("inbox", _("Inbox")), ("sent", _("Issued"))]


class NoticeFilter(FilterSet):
    """X3 the notices a user sees: document number or title, inbox / issued, unread by one of my units."""

    q = django_filters.CharFilter(label=_("Search by document number or title"), method="filter_text", max_length=100)
    box = django_filters.ChoiceFilter(choices=NOTICE_BOXES, method="filter_box", empty_label=None)
    unread = django_filters.BooleanFilter(method="filter_unread", widget=_forms.CheckboxInput)
    not_read = django_filters.BooleanFilter(method="filter_not_read", widget=_forms.CheckboxInput)

    def filter_text(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(_text_q(("number", "title"), value)) if value else queryset

    def filter_box(self, queryset, name, value):
        from .selectors.notices import bound_unit_ids

        if value == "inbox":
            return queryset.addressed_to(bound_unit_ids(self.user))
        if value == "sent":
            return queryset.issued_within(self.user)
        return queryset

    def filter_unread(self, queryset, name, value):
        from .selectors.notices import bound_unit_ids

        return queryset.addressed_to(bound_unit_ids(self.user), unread=True) if value else queryset

    def filter_not_read(self, queryset, name, value):
        """X3 notices issued within the user's subtree that an addressee in it has not read (the to-do home)."""
        from units.scoping import scope_q

        from .models import NoticeRecipient

        if not value:
            return queryset
        unread = NoticeRecipient.objects.filter(scope_q(self.user, "unit__"), notice=OuterRef("pk"),
                                                read_at__isnull=True)
        return queryset.issued_within(self.user).filter(Exists(unread))


class RecipientFilter(FilterSet):
    """X3 the addressees of a notice: unread only."""

    unread = django_filters.BooleanFilter(method="filter_unread", widget=_forms.CheckboxInput)

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset

# R2.7 reflection articles
ARTICLE_STATES = [("submitted", _("Submitted")), ("pending", _("Not submitted")),
                  ("overdue", _("Overdue")), ("best", _("Selected for the volume"))]


class ReflectionArticleFilter(FilterSet):
    """R2.7 the requested articles: author, unit or title; state (the queryset handed in is already scoped)."""

    q = django_filters.CharFilter(label=_("Author, unit or title"), method="filter_text", max_length=100)
    state = django_filters.ChoiceFilter(label=_("State"), choices=ARTICLE_STATES, method="filter_state")

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def filter_text(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(_text_q(("cadre__name", "cadre__unit__name", "title"), value)) if value else queryset

    def filter_state(self, queryset, name, value):
        if value == "submitted":
            return queryset.submitted()
        if value == "pending":
            return queryset.pending()
        if value == "overdue":
            return queryset.overdue(self.today)
        if value == "best":
            return queryset.filter(is_best=True)
        return queryset
