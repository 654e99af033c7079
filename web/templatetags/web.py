"""Template helpers of the web toolkit: ``{% export_link %}`` (the list as Excel, same filters) and
``{% form_once %}`` (a create form's one-time token)."""
import copy
import uuid

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def form_once(form=None) -> str:
    """A fresh one-time token for a create form whose view is ``@web.forms.form_once``: inside a
    hand-written ``<form>``, ``{% form_once %}`` renders the hidden input; before ``{% crispy form %}``
    (crispy writes the ``<form>`` tag), ``{% form_once form %}`` adds it to that form's helper."""
    from crispy_forms.helper import FormHelper
    from crispy_forms.layout import Hidden

    from web.forms import FORM_ONCE

    token = str(uuid.uuid4())
    if form is None:
        return format_html('<input type="hidden" name="{}" value="{}">', FORM_ONCE, token)
    # never change a helper shared by forms; and "is None", not "or": a helper without a layout is falsy
    shared = getattr(form, "helper", None)
    helper = copy.copy(shared) if shared is not None else FormHelper()
    helper.inputs = [i for i in helper.inputs if getattr(i, "name", None) != FORM_ONCE] + [Hidden(FORM_ONCE, token)]
    form.helper = helper
    return ""


@register.inclusion_tag("web/export_link.html", takes_context=True)
def export_link(context, label=None):
    """The "Export to Excel" button of a list: the current filters and sort, no page number."""
    return {"request": context.get("request"), "label": label}


@register.filter
def counts_lazily(paginator) -> bool:
    """Whether a pager avoids counting the table (then it names no total page count)."""
    from django_tables2.paginators import LazyPaginator

    return isinstance(paginator, LazyPaginator)
