"""Template helpers of the web toolkit: ``{% export_link %}`` (the list as Excel, same filters)."""
from django import template

register = template.Library()


@register.inclusion_tag("web/export_link.html", takes_context=True)
def export_link(context, label=None):
    """The "Export to Excel" button of a list: the current filters and sort, no page number."""
    return {"request": context.get("request"), "label": label}


@register.filter
def counts_lazily(paginator) -> bool:
    """Whether a pager avoids counting the table (then it names no total page count)."""
    from django_tables2.paginators import LazyPaginator

    return isinstance(paginator, LazyPaginator)
