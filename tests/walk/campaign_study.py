"""Study pages (R2.1, R2.2, R2.4, R2.5, R2.8) in the URL × role walk."""
from . import LOGGED_IN_OK, READ_COUNTY_A, WRITE_COUNTY_A_RECORDS


def _plan(c):
    from campaign.models import StudyPlan

    return StudyPlan.objects.create(campaign=c.campaign, unit=c.tree.county_a, title="正定县学习计划", topics="焦裕禄精神",
                                    start_date=c.campaign.start_date, end_date=c.campaign.end_date)


def _session(c):
    from campaign.models import StudySession

    return StudySession.objects.create(campaign=c.campaign, unit=c.tree.county_a, kind="collective_study",
                                       date=c.campaign.start_date, topic="学习兰考讲话")


PAGES = {
    "campaign:study_sessions": (lambda c: {}, LOGGED_IN_OK),
    "campaign:study_session_add": (lambda c: {"pk": c.tree.county_a.pk}, WRITE_COUNTY_A_RECORDS),
    "campaign:study_session_detail": (lambda c: {"pk": _session(c).pk}, READ_COUNTY_A),
    "campaign:study_session_history": (lambda c: {"pk": _session(c).pk}, READ_COUNTY_A),
    "campaign:study_session_delete": (lambda c: {"pk": _session(c).pk}, WRITE_COUNTY_A_RECORDS),
    "campaign:study_session_edit": (lambda c: {"pk": _session(c).pk}, WRITE_COUNTY_A_RECORDS),
    "campaign:study_session_deletions": (lambda c: {}, LOGGED_IN_OK),
    "campaign:study_plans": (lambda c: {}, LOGGED_IN_OK),
    "campaign:study_plan_add": (lambda c: {"pk": c.tree.county_a.pk}, WRITE_COUNTY_A_RECORDS),
    "campaign:study_plan_detail": (lambda c: {"pk": _plan(c).pk}, READ_COUNTY_A),
    "campaign:study_plan_edit": (lambda c: {"pk": _plan(c).pk}, WRITE_COUNTY_A_RECORDS),
    "campaign:study_shortfall": (lambda c: {}, LOGGED_IN_OK),
    "campaign:study_coverage": (lambda c: {}, LOGGED_IN_OK),
}
