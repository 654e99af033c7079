"""Supervision pages of R1.1 dispatches, R1.2 three checks, R3.3 special inspections, R5.3 cross
inspections and R5.4 key contact in the URL × role walk.

Built on the world of ``supervision.py`` (石家庄市's group over 正定县 and 行唐县, led by ``supervisor``):
石家庄市's office dispatched 正定县's top leader; 正定县's liaison submitted its self-check; the group
spot-checked a department of 正定县; 石家庄市's office inspected 正定县 and 行唐县 (problems at 正定县);
the provincial office planned a running cross inspection of the group into 迁安市 and 迁安镇.
"""
from __future__ import annotations

from . import LOGGED_IN_OK, MANAGE_COUNTY_A, OFFICES, READ_COUNTY_A, WRITE_COUNTY_A_RECORDS
from .supervision import GROUP_ACTS, GROUP_MANAGES, world

# offices above 正定县 (not its own office) dispatch its top leader and verify its self-check
UPPER_OFFICE_COUNTY_A = MANAGE_COUNTY_A | {"county_office": 403}
VERIFIES_COUNTY_A = READ_COUNTY_A | {"county_office": 403, "liaison": 403, "leader": 403}
# a plan into 迁安市 is seen by the group's side and by those over 迁安市 (its office, the provincial leader);
# 正定县's office and liaison see the group (正定县 is assigned to it) but not its plan elsewhere: 404
SEES_PLAN = LOGGED_IN_OK | {"no_role": 404, "county_office": 404, "liaison": 404}
ACTS_ON_PLAN = SEES_PLAN | {r: 403 for r in ("county_office_b", "leader")}
MANAGES_PLAN = ACTS_ON_PLAN | {"supervisor": 403}


def checks_world(c):
    """Build the dispatch, self-check, spot check, inspection and cross inspection once per walked page."""
    if getattr(c, "supervision_checks", None) is None:
        import datetime

        from django.utils import timezone

        from supervision.models import SupervisionGroup
        from supervision.services import checks, dispatch, inspections
        from tests.factories import CadreFactory
        from units.models import Rank

        base = world(c)
        t, u, today = c.tree, c.users, timezone.localdate()
        group = SupervisionGroup.objects.get(pk=base["group"])
        record = dispatch.dispatch_record(user=u["city_office"], unit=t.county_a, date=today, way="phone",
                                          attitudes=["wait_and_see"], findings="一把手抓活动不够主动",
                                          follow_up="一周内报告整改", follow_up_due=today)
        items = checks.rectification_items_for(c.campaign)
        checks.self_check_submit(user=u["liaison"], unit=t.county_a, campaign=c.campaign,
                                 answers={i.pk: ("no_problem", "") for i in items})
        spot = checks.spot_check_record(user=u["supervisor"], group=group, unit=t.county_a, department="县财政局",
                                        posts="局长、财务科长", checked_on=today, findings=[("公务接待超标", "")])
        leader = CadreFactory(unit=t.city_a, name="钱厅级", post="市委常委", rank=Rank.DEPARTMENT)
        inspection = inspections.inspection_create(
            user=u["city_office"], title="学习教育环节专题调研", organising_unit=t.city_a, leader=leader,
            units=[t.county_a, t.county_a2], start_date=today, end_date=today + datetime.timedelta(days=7))
        row = inspection.rows.get(unit=t.county_a)
        inspections.inspection_finding_record(user=u["city_office"], row=row, result="problem",
                                              finding="学习走过场", failings=["two_skins"])
        plan = inspections.cross_plan_save(
            user=u["prov_office"], group=group, title="跨区互查唐山", start_date=today - datetime.timedelta(days=1),
            end_date=today + datetime.timedelta(days=10), targets=[t.county_b, t.township_b])
        c.supervision_checks = {"dispatch": record.pk, "spot": spot.pk, "inspection": inspection.pk, "row": row.pk,
                                "plan": plan.pk, "target": plan.targets.get(unit=t.county_b).pk}
    return c.supervision_checks


def pk(key: str):
    return lambda c: {"pk": checks_world(c)[key]}


def county_a(c):
    checks_world(c)
    return {"pk": c.tree.county_a.pk}


def group(c):
    checks_world(c)
    return {"pk": world(c)["group"]}


PAGES = {
    # R1.1 dispatches
    "supervision:dispatch_list": (lambda c: checks_world(c) and {}, LOGGED_IN_OK),
    "supervision:dispatch_create": (county_a, UPPER_OFFICE_COUNTY_A),
    "supervision:dispatch_detail": (pk("dispatch"), READ_COUNTY_A),
    "supervision:dispatch_edit": (pk("dispatch"), UPPER_OFFICE_COUNTY_A),
    # R1.2 three checks
    "supervision:self_check_list": (lambda c: checks_world(c) and {}, LOGGED_IN_OK),
    "supervision:self_check_unit": (county_a, READ_COUNTY_A),
    "supervision:self_check_edit": (county_a, WRITE_COUNTY_A_RECORDS),
    "supervision:self_check_verify": (county_a, VERIFIES_COUNTY_A),
    "supervision:spot_check_list": (lambda c: checks_world(c) and {}, LOGGED_IN_OK),
    "supervision:spot_check_create": (group, GROUP_ACTS),
    "supervision:spot_check_detail": (pk("spot"), READ_COUNTY_A),
    "supervision:spot_finding_add": (pk("spot"), GROUP_ACTS),
    # R3.3 special inspections and focus units
    "supervision:inspection_list": (lambda c: checks_world(c) and {}, LOGGED_IN_OK),
    "supervision:inspection_create": (lambda c: {}, OFFICES),
    "supervision:inspection_detail": (pk("inspection"), READ_COUNTY_A),
    "supervision:inspection_finding": (pk("row"), UPPER_OFFICE_COUNTY_A),
    "supervision:focus_units": (lambda c: checks_world(c) and {}, LOGGED_IN_OK),
    # R5.3 cross inspections
    "supervision:cross_list": (lambda c: checks_world(c) and {}, LOGGED_IN_OK),
    "supervision:cross_create": (group, GROUP_MANAGES),
    "supervision:cross_detail": (pk("plan"), SEES_PLAN),
    "supervision:cross_edit": (pk("plan"), MANAGES_PLAN),
    "supervision:cross_finding": (pk("target"), ACTS_ON_PLAN),
    "supervision:cross_close": (pk("plan"), ACTS_ON_PLAN),
    "supervision:cross_report": (pk("plan"), SEES_PLAN),
    # R5.4 key contact and the escalation queue; a unit's supervision page
    "supervision:key_contacts": (lambda c: checks_world(c) and {}, LOGGED_IN_OK),
    "supervision:escalation_queue": (lambda c: checks_world(c) and {}, LOGGED_IN_OK),
    "supervision:unit_supervision": (county_a, READ_COUNTY_A),
}
