"""Issue 15 item 3: administrators read, filter and export the audit log (read-only: no edit, no delete)."""
from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from web.decorators import permission_required
from web.lists import FilterSet, Table, filtered, table_list

from .models import AuditEvent, Kind


class AuditFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Event"))
    who = django_filters.CharFilter(method="by_who", label=_("User or address"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"),
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"),
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEvent
        fields = []

    def by_who(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(username__icontains=value) | Q(ip__startswith=value)) if value else qs


class AuditTable(Table):
    at = tables.DateTimeColumn(verbose_name=_("When"), format="SHORT_DATETIME_FORMAT")
    kind = tables.Column(verbose_name=_("Event"))
    username = tables.Column(verbose_name=_("User"))
    ip = tables.Column(verbose_name=_("Address"))
    path = tables.Column(verbose_name=_("Page"), attrs={"td": {"class": "text-break small"}})
    detail = tables.Column(verbose_name=_("What"), attrs={"td": {"class": "text-break small"}})

    class Meta(Table.Meta):
        model = AuditEvent
        fields = ("at", "kind", "username", "ip", "path", "detail")
        orderable = False
        empty_text = _("No event matches these filters.")


@permission_required("audit.view_auditevent")
def audit_log(request: HttpRequest) -> HttpResponse:
    """Issue 15 the audit log, newest first: filter by event, user or address and dates; export to Excel."""
    audit_filter, rows = filtered(request, AuditFilter, AuditEvent.objects.visible_to(request.user).select_related(None))
    return table_list(request, "audit/log.html", table=AuditTable(rows), filterset=audit_filter,
                      export_stem=_("audit-log"))


app_name = "audit"
urlpatterns = [path("", audit_log, name="log")]
