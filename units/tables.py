"""Tables of the units app (django-tables2 on ``web.lists.Table``): sorting, lazy pagination and the
Excel file of the same table."""
from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web.lists import Table

from .models import Cadre, Unit


def _yes(value: bool) -> str:
    return _("Yes") if value else ""


def _flags(unit: Unit) -> str:
    """The hardest-unit and backward-village badges (as ``units/partials/flags.html``)."""
    return format_html_join("", ' <span class="badge {} badge-flag">{}</span>', [
        (css, label) for on, css, label in (
            (unit.is_hardest_unit, "text-bg-danger", _("Hardest unit")),
            (unit.is_backward_village, "text-bg-warning", _("Backward village")),
        ) if on
    ])


class CadreTable(Table):
    """R0.2 the cadre list; R0.4 its Excel export (unit code, party member and phone are export-only)."""

    name = tables.Column(linkify=True, verbose_name=gettext_lazy("Name"))
    unit = tables.Column(order_by=("unit_path",), verbose_name=gettext_lazy("Unit"))
    unit_code = tables.Column(accessor="unit__code", visible=False, verbose_name=gettext_lazy("Unit code"))
    post = tables.Column(verbose_name=gettext_lazy("Post"))
    rank = tables.Column(verbose_name=gettext_lazy("Rank"))
    is_top_leader = tables.BooleanColumn(verbose_name=gettext_lazy("Top leader"))
    is_team_member = tables.BooleanColumn(verbose_name=gettext_lazy("Team member"))
    is_party_secretary = tables.BooleanColumn(verbose_name=gettext_lazy("Party secretary"))
    is_party_member = tables.BooleanColumn(visible=False, verbose_name=gettext_lazy("Party member"))
    special_group = tables.Column(verbose_name=gettext_lazy("Special group"), empty_values=())
    phone = tables.Column(visible=False, verbose_name=gettext_lazy("Phone"))

    class Meta(Table.Meta):
        model = Cadre
        fields = ("name", "unit", "unit_code", "post", "rank", "is_top_leader", "is_team_member",
                  "is_party_secretary", "is_party_member", "special_group", "phone")
        empty_text = gettext_lazy("No cadres match these filters.")
        template_name = "units/cadre_table.html"

    def render_unit(self, record: Cadre) -> str:
        """The unit, linked; marked when closed or merged (R0.1: listed when the unit status filter asks)."""
        closed = "" if record.unit.closed_on is None else format_html(
            ' <span class="badge text-bg-secondary">{}</span>', _("Closed unit"))
        return format_html('<a href="{}">{}</a>{}', record.unit.get_absolute_url(), record.unit.name, closed)

    def value_unit(self, record: Cadre) -> str:
        """The unit's name in the Excel file; a closed or merged unit's marked, as on the page."""
        if record.unit.closed_on is None:
            return record.unit.name
        return _("%(unit)s (closed)") % {"unit": record.unit.name}

    def render_special_group(self, record: Cadre) -> str:
        # "—" rather than the label of the empty choice: most cadres belong to no special group
        return record.get_special_group_display() if record.special_group else "—"

    def value_special_group(self, record: Cadre) -> str:
        return record.get_special_group_display() if record.special_group else ""

    def value_rank(self, record: Cadre) -> str:
        return record.get_rank_display()

    def value_is_top_leader(self, record: Cadre) -> str:
        return _yes(record.is_top_leader)

    def value_is_team_member(self, record: Cadre) -> str:
        return _yes(record.is_team_member)

    def value_is_party_secretary(self, record: Cadre) -> str:
        return _yes(record.is_party_secretary)

    def value_is_party_member(self, record: Cadre) -> str:
        return _("Yes") if record.is_party_member else _("No")


class UnitSearchTable(Table):
    """R0.1 units in scope whose name or code contains the search text, each with its path."""

    name = tables.Column(linkify=True, verbose_name=gettext_lazy("Unit"), order_by=("name",))
    level = tables.Column(verbose_name=gettext_lazy("Level"))
    code = tables.Column(verbose_name=gettext_lazy("Code"))

    class Meta(Table.Meta):
        model = Unit
        fields = ("name", "level", "code")
        order_by = ("path",)
        empty_text = gettext_lazy("No unit in your scope matches. Try part of the name or of the code.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.crumbs: dict[int, str] = {}

    def render_name(self, record: Unit, value) -> str:
        crumb = self.crumbs.get(record.pk, "")
        return format_html('<a class="fw-semibold" href="{}">{}</a>{}{}', record.get_absolute_url(), value,
                           _flags(record),
                           format_html('<div class="small text-muted">{}</div>', crumb) if crumb else "")


class ChildUnitTable(Table):
    """R0.1 the sub-units of a unit on its page."""

    name = tables.Column(verbose_name=gettext_lazy("Sub-unit"))  # linked by render_name (one link, not two)
    level = tables.Column(verbose_name=gettext_lazy("Level"))
    code = tables.Column(verbose_name=gettext_lazy("Code"))

    class Meta(Table.Meta):
        model = Unit
        fields = ("name", "level", "code")
        orderable = False
        empty_text = gettext_lazy("No sub-units.")

    def render_name(self, record: Unit, value) -> str:
        return format_html('<a href="{}">{}</a>{}', record.get_absolute_url(), value, _flags(record))
