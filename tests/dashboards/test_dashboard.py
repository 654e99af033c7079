"""Leaders' dashboards (R1.3, R2.2, R2.6, R4.1, R4.2, R4.4, R5.1): figures of every scope, numbers that
open the list behind them, drill-down to each child, charts fed by json_script, scope and empty states,
and a number of queries that does not grow with the data."""
from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Campaign, Obligation
from supervision.filters import CardFilter
from tests.dashboards.builders import seed

pytestmark = pytest.mark.django_db


def dashboard_url(unit) -> str:
    return reverse("dashboards:unit", args=[unit.pk])


@pytest.fixture
def seeded(tree, campaign):
    return seed(tree, campaign)


def test_r1_3_r2_2_r2_6_r4_1_r4_2_r4_4_a_county_dashboard_counts_its_records(tree, users, campaign, seeded, login):
    """行唐县 with one seeded township and its two villages: every figure follows from the records."""
    response = login(users["leader"]).get(dashboard_url(tree.county_a2))
    assert response.status_code == 200
    f = response.context["f"]
    assert (f.units, f.opinion_covered, f.opinion_percent) == (4, 1, 25)  # only the county asked all groups
    # R2.2 county and township: the team members attended 3 sessions (the minimum), the top leaders 1
    assert (f.study_required, f.study_met, f.study_short, f.study_percent) == (4, 2, 2, 50)
    # R2.6 the county's exam: members passed, top leaders failed; make-up study alone does not clear it
    assert (f.exam_sat, f.exam_passed, f.exam_rate, f.exam_owed) == (4, 2, 50, 2)
    # R4.1 the county secretary stayed the minimum, the township's one day less
    assert (f.research_required, f.research_met, f.research_short) == (2, 1, 1)
    # R1.3 per unit: signed and overdue, issued, overdue and escalated, closed, issued and not yet due
    assert (f.cards, f.cards_open, f.cards_overdue, f.cards_escalated) == (8, 6, 4, 2)
    # R4.4 per unit: waiting for triage, overdue, answered late, answered in time — each answer took 2 days
    assert (f.messages, f.messages_open, f.messages_overdue, f.messages_answered) == (8, 6, 2, 4)
    assert f.answer_days == 2.0
    # R5.1 against the obligations of the four units
    owed = Obligation.objects.filter(campaign=campaign, unit__path__startswith=tree.county_a2.path)
    assert f.obligations == owed.count()
    assert f.obligations_overdue == owed.filter(completed_on__isnull=True, due_date__lt=seeded.today).count() > 0


def _rows(response) -> list:
    """The rows a list shows over all its pages: a django-tables2 list's data, or a hand-paged list's."""
    assert response.status_code == 200
    if "table" in response.context:
        return list(response.context["table"].data)
    return list(response.context["page"].paginator.object_list)


def _count(response) -> int:
    return len(_rows(response))


def test_r5_1_every_number_opens_the_list_that_has_as_many_rows(tree, users, seeded, login):
    """R1.3, R2.2, R2.6, R4.1, R4.2, R4.4, R5.1 each figure links to an existing list filtered to the unit's
    subtree: the list shows that many rows."""
    client = login(users["leader"])
    response = client.get(dashboard_url(tree.city_a))
    f, links = response.context["f"], response.context["links"]
    assert f.study_short == _count(client.get(links.study_short)) > 0
    assert f.study_required == _count(client.get(links.study_all))
    assert f.exam_owed == _count(client.get(links.exam_owed)) > 0
    exams = _rows(client.get(links.exams))
    assert (f.exam_sat, f.exam_passed) == (sum(e.sat for e in exams), sum(e.passed_count for e in exams))
    assert f.research_short == _count(client.get(links.research_short)) > 0
    assert f.research_required == _count(client.get(links.research_all))
    assert f.opinion_gaps == _count(client.get(links.opinion_gaps)) > 0
    assert f.units == _count(client.get(links.opinions))
    assert f.cards_overdue == _count(client.get(links.cards_overdue)) > 0
    if {"open", "escalated"} <= set(CardFilter.base_filters):  # once the card list filters these states
        assert f.cards_open == _count(client.get(links.cards_open))
        assert f.cards_escalated == _count(client.get(links.cards_escalated))
    assert f.messages == _count(client.get(links.messages)) > 0
    assert f.messages_overdue == _count(client.get(links.messages_overdue)) > 0
    for level, _label, units, covered in response.context["d"].by_level:
        assert units == _count(client.get(f"{links.opinions}&level={level}"))
        assert units - covered == _count(client.get(f"{links.opinion_gaps}&level={level}"))
    progress = client.get(links.progress).context["subtree"]
    assert (f.obligations, f.obligations_done, f.obligations_overdue) == (progress.total, progress.done,
                                                                          progress.overdue)
    # and the page carries each of those links
    html = response.content.decode()
    for name in ("study_short", "exam_owed", "research_short", "opinion_gaps", "cards_overdue", "cards_escalated",
                 "messages_overdue", "progress"):
        assert getattr(links, name).replace("&", "&amp;") in html


def test_r0_1_children_add_up_to_the_unit_and_each_opens_its_own_dashboard(tree, users, seeded, login):
    """R0.1 drill-down: province → city → county → township, each child row linking to its dashboard."""
    client = login(users["leader"])
    response = client.get(reverse("dashboards:home"))
    assert response.context["unit"] == tree.province
    for parent, child in ((tree.province, tree.city_a), (tree.city_a, tree.county_a),
                          (tree.county_a, tree.township_a)):
        response = client.get(dashboard_url(parent))
        rows = response.context["rows"]
        total = response.context["f"]
        assert sum(row.figures.obligations for row, _links in rows) == total.obligations
        assert sum(row.figures.cards_open for row, _links in rows) == total.cards_open
        row, links = next((r, lk) for r, lk in rows if r.unit == child and not r.own)
        assert f'id="drill-{child.pk}"' in response.content.decode()
        child_page = client.get(links.dashboard)
        assert child_page.context["unit"] == child
        assert child_page.context["f"].obligations == row.figures.obligations
        assert child_page.context["f"].messages_overdue == row.figures.messages_overdue
        assert [a.pk for a in child_page.context["ancestors"]][-1] == parent.pk  # the breadcrumb leads back


#: the sub-units table's rows as the template wrote them before issue 13 (a reference for ``dashboard_rows``)
REFERENCE_ROWS = """{% load i18n humanize dashboards %}    {% for row, l in rows %}{% with g=row.figures %}
    <tr id="branch-{{ row.unit.pk }}{% if row.own %}-own{% endif %}" data-unit="{{ row.unit.pk }}" data-progress="{{ g.progress_percent|dash }}" data-overdue="{{ g.obligations_overdue }}">
      {% if row.own %}
      <td class="fst-italic">{% blocktranslate with name=row.unit.name %}{{ name }} (own records){% endblocktranslate %}</td>
      <td class="text-end"><a href="{{ l.progress }}">{{ g.progress_percent|pct }}</a></td><td class="text-end">{{ g.obligations_overdue }}</td>
      <td class="text-end">{{ g.study_percent|pct }}</td><td class="text-end">{{ g.study_short }}</td>
      <td class="text-end">{{ g.exam_rate|pct }}</td><td class="text-end">{{ g.exam_owed }}</td>
      <td class="text-end">{{ g.research_percent|pct }}</td><td class="text-end">{{ g.opinion_percent|pct }}</td>
      <td class="text-end">{{ g.cards_open }}</td><td class="text-end">{{ g.cards_overdue }}</td><td class="text-end">{{ g.cards_escalated }}</td>
      <td class="text-end">{{ g.messages }}</td><td class="text-end">{{ g.messages_overdue }}</td>
      {% else %}
      <td><a href="{{ l.dashboard }}" class="fw-semibold drill" id="drill-{{ row.unit.pk }}">{{ row.unit.name }}</a> <span class="text-muted small">{{ row.unit.get_level_display }}</span></td>
      <td class="text-end"><a href="{{ l.progress }}">{{ g.progress_percent|pct }}</a></td>
      <td class="text-end"><a href="{{ l.progress }}" class="{% if g.obligations_overdue %}text-danger{% endif %}">{{ g.obligations_overdue|intcomma }}</a></td>
      <td class="text-end"><a href="{{ l.study_all }}">{{ g.study_percent|pct }}</a></td>
      <td class="text-end"><a href="{{ l.study_short }}" class="{% if g.study_short %}text-danger{% endif %}">{{ g.study_short|intcomma }}</a></td>
      <td class="text-end"><a href="{{ l.exams }}">{{ g.exam_rate|pct }}</a></td>
      <td class="text-end"><a href="{{ l.exam_owed }}" class="{% if g.exam_owed %}text-danger{% endif %}">{{ g.exam_owed }}</a></td>
      <td class="text-end"><a href="{{ l.research_short }}">{{ g.research_percent|pct }}</a></td>
      <td class="text-end"><a href="{{ l.opinion_gaps }}">{{ g.opinion_percent|pct }}</a></td>
      <td class="text-end"><a href="{{ l.cards_open }}">{{ g.cards_open }}</a></td>
      <td class="text-end"><a href="{{ l.cards_overdue }}" class="{% if g.cards_overdue %}text-danger{% endif %}">{{ g.cards_overdue }}</a></td>
      <td class="text-end"><a href="{{ l.cards_escalated }}" class="{% if g.cards_escalated %}text-danger{% endif %}">{{ g.cards_escalated }}</a></td>
      <td class="text-end"><a href="{{ l.messages }}">{{ g.messages }}</a></td>
      <td class="text-end"><a href="{{ l.messages_overdue }}" class="{% if g.messages_overdue %}text-danger{% endif %}">{{ g.messages_overdue }}</a></td>
      {% endif %}
    </tr>
    {% endwith %}{% endfor %}"""


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_issue13_the_sub_units_rows_written_in_python_equal_the_template_they_replace(tree, users, seeded, login,
                                                                                      language):
    """R5.1 the province's, a city's and a county's rows — own records, children with and without overdue work
    (red or not), dashes where nothing is measured, a name that must be escaped — read the same (cells, classes,
    links, escaping, the own row's wording in either language) as the template loop they replace."""
    from django.template import Context, Template
    from django.utils import translation

    from dashboards.templatetags.dashboards import dashboard_rows
    from units.models import Unit

    Unit.objects.filter(pk=tree.township_a.pk).update(name="正定镇 <b>&amp;</b> \"一组\"")
    Unit.objects.filter(pk=tree.county_a.pk).update(name="正定县 <i>'本级'</i>")  # a row of its own records below
    client = login(users["leader"])
    client.cookies["django_language"] = language
    seen = set()
    for unit in (tree.province, tree.city_a, tree.county_a, tree.county_a2):
        response = client.get(dashboard_url(unit))
        rows = response.context["rows"]
        with translation.override(language):
            reference = Template(REFERENCE_ROWS).render(Context({"rows": rows}))
            assert _normal(dashboard_rows(rows)) == _normal(reference), unit
        html = response.content.decode()
        assert all(f'id="branch-{row.unit.pk}{"-own" if row.own else ""}"' in html for row, _l in rows)
        seen |= {"own" for row, _l in rows if row.own} | {"red" for row, _l in rows if row.figures.cards_overdue}
        seen |= {"zero" for row, _l in rows if not row.own and not row.figures.cards_overdue}
        seen |= {"dash" for row, _l in rows if row.figures.progress_percent is None}
        seen |= {"escaped" for row, _l in rows if "&lt;b&gt;" in dashboard_rows([(row, _l)])}
        seen |= {"own escaped" for row, _l in rows if row.own and "&lt;i&gt;" in dashboard_rows([(row, _l)])}
    assert seen == {"own", "red", "zero", "dash", "escaped", "own escaped"}


def test_r5_1_the_bottom_of_the_tree_has_no_children_and_still_its_figures(tree, users, seeded, login):
    """R0.1 a village's dashboard: its own figures, and no sub-units to drill into."""
    response = login(users["leader"]).get(dashboard_url(tree.village_a))
    assert response.status_code == 200
    assert [row for row, _l in response.context["rows"] if not row.own] == []
    assert 'id="no-children"' in response.content.decode()


def test_r5_1_charts_get_their_data_through_json_script(tree, users, seeded, login):
    """ECharts read one <script type="application/json"> block: the children's names, progress and the
    dashboards a click on a bar opens."""
    response = login(users["leader"]).get(dashboard_url(tree.city_a))
    html = response.content.decode()
    block = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    children = [row for row, _l in response.context["rows"] if not row.own]
    assert data["children"]["names"] == [row.unit.name for row in children]
    assert data["children"]["urls"] == [dashboard_url(row.unit) for row in children]
    assert data["children"]["progress"] == [row.figures.progress_percent for row in children]
    assert sum(data["kinds"]["overdue"]) == response.context["f"].obligations_overdue
    assert sum(item["value"] for item in data["cards"]) == response.context["f"].cards
    assert "vendor/echarts/echarts.min.js" in html and "dashboards/dashboard.js" in html


def test_r5_1_scope_a_county_sees_its_own_dashboard_and_not_another_countys(tree, users, seeded, login):
    """R0.1 out of scope is a 404, not a 403 (DESIGN "Scoping"); the default is the user's scope root."""
    client = login(users["county_office"])
    assert client.get(reverse("dashboards:home")).context["unit"] == tree.county_a
    assert client.get(dashboard_url(tree.county_a)).status_code == 200
    assert client.get(dashboard_url(tree.township_a)).status_code == 200
    for foreign in (tree.county_b, tree.county_a2, tree.city_a, tree.province):
        assert client.get(dashboard_url(foreign)).status_code == 404
    # the other county's office the other way round
    assert login(users["county_office_b"]).get(dashboard_url(tree.county_a)).status_code == 404


def test_r5_1_a_user_without_a_role_sees_an_empty_state(users, tree, campaign, login):
    """R0.1 a user with no role has no scope: an empty state, no unit's figures."""
    response = login(users["no_role"]).get(reverse("dashboards:home"))
    assert response.status_code == 200
    assert 'id="no-scope"' in response.content.decode()


def test_x2_no_campaign_is_an_empty_state_not_an_error(tree, users, login):
    """X2 bad input: no campaign yet — the dashboards, the ranking and the report say so."""
    assert not Campaign.objects.exists()
    client = login(users["leader"])
    for url in (reverse("dashboards:home"), dashboard_url(tree.city_a), reverse("dashboards:ranking"),
                reverse("dashboards:report_pdf", args=[tree.city_a.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert 'id="no-campaign"' in response.content.decode()


def test_r5_1_a_campaign_without_records_shows_dashes_not_errors(tree, users, campaign, login):
    """R5.1 nothing recorded yet: rates are "—" (nothing to measure), counts are zero."""
    Obligation.objects.all().delete()
    response = login(users["leader"]).get(dashboard_url(tree.province))
    assert response.status_code == 200
    f = response.context["f"]
    assert (f.progress_percent, f.exam_rate, f.answer_days) == (None, None, None)
    assert f.cards_open == f.messages == 0
    assert 'data-value="—"' in response.content.decode()


@pytest.mark.parametrize("name", ["dashboards:unit", "dashboards:unit_ranking", "dashboards:report_pdf",
                                  "dashboards:report_xlsx"])
def test_r5_1_queries_do_not_grow_with_the_data(name, tree, users, campaign, login):
    """R5.1, R6.3 every aggregate groups by the child's path prefix: ten times the units and records, the same
    queries (dashboard, ranking, weekly report)."""
    client = login(users["leader"])
    url = reverse(name, args=[tree.province.pk])
    seed(tree, campaign, scale=1)
    client.get(url)  # warm: the session and the user are read the same way below
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    small_count = len(small)
    seed(tree, campaign, scale=10)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == small_count <= 30, [q["sql"][:120] for q in large.captured_queries]


def test_r5_1_query_ceiling_with_django_assert_max_num_queries(tree, users, campaign, login,
                                                          django_assert_max_num_queries):
    """R5.1 the province's dashboard at the small size and at ten times it stays under the same ceiling."""
    client = login(users["leader"])
    url = dashboard_url(tree.province)
    seed(tree, campaign, scale=1)
    with django_assert_max_num_queries(25):
        client.get(url)
    seed(tree, campaign, scale=10)
    with django_assert_max_num_queries(25):
        client.get(url)


def test_r4_4_messages_per_week_count_by_local_monday_within_the_subtree(tree, campaign):
    """R4.4 the dashboard's "messages per week": received by the day written on the message, answered by the day
    in China (an answer at 23:30 UTC on a Sunday is Monday's in Beijing), twelve weeks up to this one, only the
    unit's subtree, nothing before the first Monday; weeks without messages are zeros."""
    import datetime
    import itertools
    from zoneinfo import ZoneInfo

    from dashboards.selectors.dashboard import MESSAGE_WEEKS, _weeks
    from feedback.models import Message, MessageStatus

    today = datetime.date(2026, 6, 10)  # a Wednesday
    monday = datetime.date(2026, 6, 8)
    codes = itertools.count(1)
    utc = ZoneInfo("UTC")

    def message(unit, received_on, answered_at=None):
        return Message(campaign=campaign, tracking_code=f"W{next(codes):09d}", unit=unit, office_unit=tree.province,
                       category="formalism", text="留言", received_on=received_on, answered_at=answered_at,
                       status=MessageStatus.ANSWERED if answered_at else MessageStatus.RECEIVED)

    sunday_night = datetime.datetime(2026, 6, 7, 23, 30, tzinfo=utc)  # Monday June 8, 07:30 in Beijing
    Message.objects.bulk_create([
        message(tree.township_a, monday, datetime.datetime(2026, 6, 9, 2, 0, tzinfo=utc)),
        message(tree.village_a, monday - datetime.timedelta(days=1), sunday_night),  # received Sunday June 7
        message(tree.county_a, monday - datetime.timedelta(weeks=11)),  # the first week shown
        message(tree.county_a, monday - datetime.timedelta(weeks=12)),  # before it: not shown
        message(tree.county_b, monday, datetime.datetime(2026, 6, 9, 2, 0, tzinfo=utc)),  # another county
    ])
    weeks = _weeks(tree.county_a, campaign, today)
    assert len(weeks) == MESSAGE_WEEKS and weeks[-1][0] == monday
    assert weeks[0] == (monday - datetime.timedelta(weeks=11), 1, 0)
    assert weeks[-2] == (monday - datetime.timedelta(weeks=1), 1, 0)
    assert weeks[-1] == (monday, 1, 2)
    assert sum(received for _m, received, _a in weeks) == 3
    assert all(week[1:] == (0, 0) for week in weeks[1:-2])
    province = _weeks(tree.province, campaign, today)
    assert province[-1] == (monday, 2, 3)
