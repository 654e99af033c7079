"""Every filterable list the same way: a django-filter FilterSet, a django-tables2 Table, sorting,
pagination that never counts the whole table, and an Excel file exported from the same table."""
from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.conf import settings
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_tables2.paginators import LazyPaginator
from django_tables2.rows import BoundRows

from reports.excel import Sheet, write_xlsx

from .downloads import wants_export, xlsx_download


class AnyYesNo(django_filters.widgets.BooleanWidget):
    """A yes/no filter whose empty choice reads "any" rather than django-filter's "unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("Any")), ("true", _("Yes")), ("false", _("No")))


class FilterSet(django_filters.FilterSet):
    """Base of every list's filters. A value that does not parse shows a field error and lists nothing.
    Yes/no filters offer "any / yes / no"."""

    def __init__(self, data=None, *args, user=None, **kwargs):
        self.user = user
        super().__init__(data, *args, **kwargs)
        for flt in self.filters.values():
            if isinstance(flt, django_filters.BooleanFilter) and "widget" not in flt.extra:
                flt.extra["widget"] = AnyYesNo

    def rows(self) -> QuerySet:
        """The rows these filters let through: all while unbound, none while a value is invalid."""
        if not self.is_bound:
            return self.queryset
        if not self.is_valid():
            return self.queryset.none()
        return self.qs


class Table(tables.Table):
    """Base of every list's table: Bootstrap classes, our pager (no count of a large table)."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "web/table.html"


def filtered(request: HttpRequest, filterset_class, queryset: QuerySet, **kwargs):
    """The list's filter set (bound to the query string when there is one) and the rows it lets through."""
    filterset = filterset_class(request.GET or None, queryset=queryset, **kwargs)
    return filterset, filterset.rows()


class _IdsFirst:
    """A table's rows sliced for a deep page: the page's ids first (an index-only scan where an index holds
    the ordering: the cadre list's ``units_cadre_list_order``), then those rows with their joins. Reading
    OFFSET 299,000 through the join to the units cost 210 ms; the ids alone 40 ms (issue 13)."""

    def __init__(self, rows, deep: int) -> None:
        self.rows, self.deep = rows, deep

    def __getitem__(self, key):
        rows = self.rows  # django-tables2's BoundRows over its TableData over the queryset
        queryset = getattr(getattr(rows, "data", None), "data", None)
        if (isinstance(rows, BoundRows) and isinstance(key, slice) and (key.start or 0) >= self.deep
                and isinstance(queryset, QuerySet) and queryset._iterable_class is ModelIterable
                and not queryset.query.combinator):  # in_bulk cannot filter a union
            ids = list(queryset.values_list("pk", flat=True)[key])
            found = queryset.order_by().in_bulk(ids)
            return BoundRows(data=[found[pk] for pk in ids if pk in found], table=rows.table,
                             pinned_data=rows.pinned_data)
        return rows[key]


class DeepPaginator(LazyPaginator):
    """django-tables2's lazy paginator (no count of the whole table), reading pages past the first
    ``deep`` rows ids first (``_IdsFirst``)."""

    deep = 1000

    def __init__(self, object_list, per_page, **kwargs) -> None:
        super().__init__(_IdsFirst(object_list, self.deep), per_page, **kwargs)


def configure(request: HttpRequest, table: tables.Table, *, per_page: int | None = None,
              lazy: bool = True) -> tables.Table:
    """Sorting from ``?sort=`` and pagination from ``?page=``. ``lazy`` pages never count the whole
    table (a deep page of 300,000 cadres reads one page and one row more)."""
    paginate = {"per_page": per_page or settings.PAGE_SIZE}
    if lazy:
        paginate["paginator_class"] = DeepPaginator
    tables.RequestConfig(request, paginate=paginate).configure(table)
    return table


class DateColumn(tables.DateColumn):
    """A date shown in the page's format and exported as a real date (not as text)."""

    def value(self, **kwargs):
        return kwargs.get("value")


def export_table(table: tables.Table, stem: str) -> HttpResponse:
    """The Excel file of a table: every row the filters let through, the same columns as the page
    (and those marked export-only), named ``stem-YYYYMMDD.xlsx``. Written by ``reports.excel``, which
    keeps text a citizen typed («=HYPERLINK(…)») inert and stores local times (Excel has no zones)."""
    header, *rows = table.as_values()
    return xlsx_download(write_xlsx([Sheet(title=str(stem)[:31], headers=header, rows=rows)]), str(stem))


def table_list(request: HttpRequest, template: str, *, table: tables.Table, filterset=None,
               export_stem: str | None = None, context: dict | None = None, lazy: bool = True) -> HttpResponse:
    """Render a list page (``filter``, ``table``, ``may_export`` in the context) or, with
    ``?export=xlsx``, the same table as an Excel file."""
    if export_stem is not None and wants_export(request):
        return export_table(table, export_stem)
    configure(request, table, lazy=lazy)
    return render(request, template, {"filter": filterset, "table": table,
                                      "may_export": export_stem is not None, **(context or {})})
