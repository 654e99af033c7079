"""Template filters of the dashboards: a rate or "—" when there is nothing to measure yet."""
from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def pct(value) -> str:
    """``35`` → ``35%``; ``None`` (nothing to measure) → ``—``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value}%"


@register.filter
def dash(value) -> object:
    """``None`` → ``—``; anything else unchanged."""
    return "—" if value is None else value


@register.filter
def sub_int(value, other) -> int:
    """``units|sub_int:covered`` — a difference the template shows beside its parts."""
    return int(value) - int(other)


#: the list a component's score links to (``ListLinks`` keys); the others link to the messages
_COMPONENT_LINK = {"progress": "progress", "study": "study_short", "exam": "exams", "cards": "cards_open"}


@register.simple_tag
def ranking_rows(rows, tie_rule: str, candidate_ids) -> str:
    """R6.3 the rows of a peer list's ranking table, written in Python rather than by the template loop (issue
    13: a province's 900 rows of 8 cells were two thirds of the ranking page's time). The cells, attributes and
    escaping are those of the template they replace (``tests/dashboards/test_ranking.py`` holds them to it)."""
    from django.utils.formats import localize
    from django.utils.html import conditional_escape as esc
    from django.utils.translation import gettext

    tied = format_html(' <span class="badge text-bg-light border tied" title="{}">{}</span>', tie_rule,
                       gettext("tied"))
    nothing = format_html(' title="{}"', gettext("Nothing to measure yet"))
    out = []
    for row, links in rows:
        unit = row.unit
        score = "—" if row.score is None else localize(row.score)
        out.append(
            f'<tr id="rank-{unit.pk}" data-unit="{unit.pk}" data-rank="{row.rank}" data-score="{esc(score)}" '
            f'class="{"table-danger" if unit.pk in candidate_ids else ""}">'
            f'<td class="text-end fw-semibold">{esc(localize(row.rank)) if row.rank else "—"}</td>'
            f'<td><a href="{esc(links.dashboard)}">{esc(unit.name)}</a> <span class="text-muted small">{esc(unit.code)}'
            f'</span></td><td class="text-end fw-semibold">{esc(score)}{tied if row.tied else ""}</td>')
        for c in row.components:
            css = "text-muted" if not c.measured else "text-danger" if c.score < 60 else ""
            href = getattr(links, _COMPONENT_LINK.get(c.key, "messages"))
            out.append(f'<td class="text-end {css}" data-component="{esc(c.key)}" data-value="{esc(c.score_value)}"'
                       f'{"" if c.measured else nothing}><a href="{esc(href)}">{esc(c.score_shown)}</a></td>')
        out.append("</tr>")
    return mark_safe("".join(out))  # nosec B308 B703 - every value above is escaped


#: the child rows' figure cells after the unit's: (figure, how it is shown, the link key, red when not zero)
_CHILD_CELLS = (("progress_percent", "pct", "progress", False), ("obligations_overdue", "intcomma", "progress", True),
                ("study_percent", "pct", "study_all", False), ("study_short", "intcomma", "study_short", True),
                ("exam_rate", "pct", "exams", False), ("exam_owed", "", "exam_owed", True),
                ("research_percent", "pct", "research_short", False),
                ("opinion_percent", "pct", "opinion_gaps", False), ("cards_open", "", "cards_open", False),
                ("cards_overdue", "", "cards_overdue", True), ("cards_escalated", "", "cards_escalated", True),
                ("messages", "", "messages", False), ("messages_overdue", "", "messages_overdue", True))


@register.simple_tag
def dashboard_rows(rows) -> str:
    """R1.3–R5.1 the rows of a dashboard's sub-units table: the unit's own records (unlinked), then each child with
    its name opening its dashboard and each number its list — written in Python rather than by the template loop
    (issue 13: a county's eleven rows were an eighth of its dashboard's time, a province's 23 a fifth). The cells,
    attributes and escaping are those of the template they replace (``tests/dashboards/test_dashboard.py`` holds
    them to it)."""
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils.formats import localize
    from django.utils.html import conditional_escape as esc
    from django.utils.translation import gettext

    shown = {"pct": pct, "intcomma": intcomma, "": localize}
    out = []
    for row, links in rows:
        unit, g = row.unit, row.figures
        progress = g.progress_percent
        out.append(f'<tr id="branch-{unit.pk}{"-own" if row.own else ""}" data-unit="{unit.pk}" '
                   f'data-progress="{esc(localize(dash(progress)))}" data-overdue="{localize(g.obligations_overdue)}">')
        if row.own:
            name = gettext("%(name)s (own records)") % {"name": esc(unit.name)}
            out.append(f'<td class="fst-italic">{name}</td><td class="text-end"><a href="{esc(links.progress)}">'
                       f'{esc(pct(progress))}</a></td>')
            out.extend(f'<td class="text-end">{esc(shown["pct" if way == "pct" else ""](getattr(g, figure)))}</td>'
                       for figure, way, _link, _red in _CHILD_CELLS[1:])
        else:
            out.append(f'<td><a href="{esc(links.dashboard)}" class="fw-semibold drill" id="drill-{unit.pk}">'
                       f'{esc(unit.name)}</a> <span class="text-muted small">{esc(unit.get_level_display())}</span>'
                       f'</td>')
            for figure, way, link, red in _CHILD_CELLS:
                value = getattr(g, figure)
                css = f' class="{"text-danger" if value else ""}"' if red else ""
                out.append(f'<td class="text-end"><a href="{esc(getattr(links, link))}"{css}>'
                           f'{esc(shown[way](value))}</a></td>')
        out.append("</tr>")
    return mark_safe("".join(out))  # nosec B308 B703 - every value above is escaped
