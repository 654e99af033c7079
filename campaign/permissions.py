"""Who may do what in the campaign app (django-rules; loaded in ``CampaignConfig.ready``).

Built on the shared predicates of ``units.permissions``; services check these with
``user.has_perm(name, obj)``, views through ``web.decorators.permission_required``, templates with
``{% has_perm %}``.
"""
from __future__ import annotations

import rules

from units.permissions import is_office, is_provincial_office  # noqa: F401  (re-exported for callers)

# X2 the campaign's parameters, phases, deadlines and working-day calendar
rules.add_perm("campaign.create_campaign", is_provincial_office)
rules.add_perm("campaign.change_campaign", is_provincial_office)


# ---- core, study, exams, meetings, problems (begin)
# Object predicates take ``(user, obj)``; checked without an object (``has_perm(perm)``) the unit
# permissions answer "for some unit" — whether the page may offer the action at all.
from units.permissions import manages_unit, records_for_some_unit, writes_unit_records  # noqa: E402
from units.scoping import WRITE_ROLES, grants_of, in_scope, scope_paths  # noqa: E402

#: R2.3 the roles whose members comment on a meeting for the supervision group
SUPERVISOR_ROLES = frozenset({"supervisor"})


def _unit_of(obj):
    """The unit an object hangs on: a unit itself, a record's ``unit``, a result's cadre's unit."""
    if obj is None:
        return None
    if hasattr(obj, "path") and hasattr(obj, "depth"):
        return obj
    if hasattr(obj, "unit"):
        return obj.unit
    cadre = getattr(obj, "cadre", None)
    return cadre.unit if cadre is not None else None


@rules.predicate
def records_unit(user, obj) -> bool:
    """R0.3 an office over the object's unit or the unit's own liaison; without an object: for some unit."""
    if obj is None:
        return records_for_some_unit(user)
    return writes_unit_records(user, _unit_of(obj))


@rules.predicate
def unit_open(user, obj) -> bool:
    """R0.1 a closed unit takes no new records (its old ones stay and may be corrected)."""
    unit = _unit_of(obj)
    return unit is None or unit.closed_on is None


@rules.predicate
def manages_exams_of(user, obj) -> bool:
    """R2.6 exams are organised and marked by the office of the city or county (and those above);
    without an object: by an office somewhere."""
    if obj is None:
        return is_office(user)
    return manages_unit(user, _unit_of(obj))


@rules.predicate
def comments_as_supervision(user, meeting) -> bool:
    """R2.3 a supervision group member whose scope holds the meeting's unit."""
    unit = _unit_of(meeting)
    return unit is not None and in_scope(user, unit, SUPERVISOR_ROLES)


@rules.predicate
def reviews_material_of(user, obj) -> bool:
    """R3.2 reviewers: an office or administrator over the unit's parent, not bound to the unit itself."""
    unit = _unit_of(obj)
    if unit is None:
        return False
    parent_path = unit.path[:-unit.steplen]
    if not parent_path:
        return False  # a root unit has no upper committee
    paths = scope_paths(user, WRITE_ROLES)
    if paths is None:
        return True
    if any(g.unit_id == unit.pk for g in grants_of(user)):
        return False
    return any(parent_path.startswith(p) for p in paths)


# X2, R5.1 the campaign, its deadlines and the working-day calendar
rules.add_perm("campaign.start_campaign", is_provincial_office)
rules.add_perm("campaign.change_deadline", is_provincial_office)
rules.add_perm("campaign.generate_obligations", is_office)
# the one working-day calendar moves every unit's answer dates (R4.4 forwarded messages, R1.3 card deadlines): kept
# by the provincial office, as the deadlines; a county's office editing it would move another county's dates
rules.add_perm("campaign.change_calendar", is_provincial_office)
# R2.1, R2.2 study plans and sessions (object: the unit, plan or session)
rules.add_perm("campaign.record_study", records_unit & unit_open)
rules.add_perm("campaign.add_study_plan", records_unit & unit_open)
rules.add_perm("campaign.change_study_plan", records_unit)
rules.add_perm("campaign.change_study_session", records_unit)
rules.add_perm("campaign.delete_study_session", records_unit)
# R2.3 meetings (object: the unit, or the meeting)
rules.add_perm("campaign.record_meeting", records_unit & unit_open)
rules.add_perm("campaign.add_meeting_speakers", records_unit)
rules.add_perm("campaign.comment_meeting_secretary", records_unit)
rules.add_perm("campaign.comment_meeting_supervision", comments_as_supervision)
rules.add_perm("campaign.comment_meeting", records_unit | comments_as_supervision)
# R2.6 exams (object: the organising unit, or the exam); make-up study (object: the failed result)
rules.add_perm("campaign.add_exam", manages_exams_of & unit_open)
rules.add_perm("campaign.manage_exam", manages_exams_of)
rules.add_perm("campaign.record_exam_result", manages_exams_of)
rules.add_perm("campaign.record_makeup", records_unit)
# R3.1 four-winds problems (object: the unit, or the problem)
rules.add_perm("campaign.record_problem", records_unit & unit_open)
rules.add_perm("campaign.change_problem", records_unit)
rules.add_perm("campaign.delete_problem", records_unit)
rules.add_perm("campaign.submit_problem_list", records_unit)
# R3.2 comparison-check materials (object: the unit, or the material)
rules.add_perm("campaign.submit_material", records_unit & unit_open)
rules.add_perm("campaign.review_material", reviews_material_of)
# ---- core, study, exams, meetings, problems (end)


# ---- liaison, notices, publicity, articles (begin)
# Checked without an object (``has_perm(perm)``) a unit permission answers "for some unit": whether a
# page may offer the action at all. Objects: a unit, or a record hanging on one (``unit``/``issuer``).
from units.permissions import is_superuser, manages_unit as _manages_unit  # noqa: E402
from units.permissions import records_for_some_unit as _records_somewhere  # noqa: E402
from units.permissions import writes_unit_records as _writes_records  # noqa: E402
from units.scoping import WRITE_ROLES as _WRITE_ROLES  # noqa: E402
from units.scoping import grants_of as _grants_of  # noqa: E402
from units.scoping import in_scope as _in_scope  # noqa: E402

_ASKING_ROLES = _WRITE_ROLES | {"liaison"}
_CONFIRMING_ROLES = frozenset({"leader", "admin"})


def _record_unit(obj):
    """The unit a record of these areas hangs on: the unit itself, ``unit``, or an article's author's unit."""
    if obj is None or (hasattr(obj, "path") and hasattr(obj, "depth")):
        return obj
    if hasattr(obj, "unit_id") and obj.unit_id:
        return obj.unit
    cadre = getattr(obj, "cadre", None)
    return cadre.unit if cadre is not None else None


def _issuing_unit(obj):
    """The office a criticism, case or notice is issued by (else the record's unit)."""
    return obj.issuer if getattr(obj, "issuer_id", None) else _record_unit(obj)


@rules.predicate
def issues_notice_from(user, unit) -> bool:
    """X3 notices go out from the unit of an office or administrator role (a superuser: any unit)."""
    if unit is None:
        return is_office(user)
    return is_superuser(user) or any(g.role in _WRITE_ROLES and g.unit_id == unit.pk for g in _grants_of(user))


@rules.predicate
def addressed_to_own_unit(user, notice) -> bool:
    """X3 the notice is addressed to a unit the user's own role is bound to (they acknowledge it)."""
    from .models import NoticeRecipient
    from .selectors.notices import bound_unit_ids

    return notice is not None and NoticeRecipient.objects.filter(
        notice=notice, unit_id__in=list(bound_unit_ids(user))).exists()


@rules.predicate
def on_issuer_side(user, notice) -> bool:
    """X3 the issuing unit lies in the user's subtrees: they follow who has read the notice."""
    return notice is not None and _in_scope(user, notice.issuer)


@rules.predicate
def runs_office_of(user, obj) -> bool:
    """R5.2, R6 the activity office (staff or administrators) over the record's unit; without one: an office."""
    if obj is None:
        return is_office(user)
    return _manages_unit(user, _issuing_unit(obj))


@rules.predicate
def records_for(user, obj) -> bool:
    """R0.3 an office over the record's unit or the unit's liaison; without an object: for some unit."""
    if obj is None:
        return _records_somewhere(user)
    return _writes_records(user, _record_unit(obj))


@rules.predicate
def updates_liaison_task(user, task) -> bool:
    """R5.2 the meeting's office, the person who owns the action item and the writers of the owning unit."""
    if task is None:
        return False
    if _manages_unit(user, task.meeting.unit):
        return True
    if task.owner_user_id and task.owner_user_id == getattr(user, "pk", None):
        return True
    return task.owner_unit is not None and _writes_records(user, task.owner_unit)


@rules.predicate
def asks_instructions_for(user, unit) -> bool:
    """R5.2 a unit below the top asks an office above it; without a unit: the user has such a unit."""
    if unit is None:
        return any(g.role in _ASKING_ROLES and g.depth > 1 for g in _grants_of(user))
    return unit.depth > 1 and _writes_records(user, unit)


@rules.predicate
def answers_request(user, request) -> bool:
    """R5.2 the activity office of the unit a request for instructions is addressed to."""
    return request is not None and _manages_unit(user, request.addressee)


@rules.predicate
def closes_request(user, request) -> bool:
    """R5.2 either side closes a request: the office asked, or the writers of the asking unit."""
    return request is not None and (answers_request(user, request) or _writes_records(user, request.unit))


@rules.predicate
def confirms_criticism(user, issuer) -> bool:
    """R6.3 leaders (and administrators) over the issuing unit confirm a public criticism."""
    if issuer is None:
        return is_superuser(user) or any(g.role in _CONFIRMING_ROLES for g in _grants_of(user))
    return _in_scope(user, issuer, _CONFIRMING_ROLES)


@rules.predicate
def publishes_criticism(user, criticism) -> bool:
    """R6.3 a leader over the issuer, or its activity office, puts a confirmed criticism on the public site."""
    return criticism is not None and (confirms_criticism(user, criticism.issuer)
                                      or _in_scope(user, criticism.issuer, {"office"}))


# X3 notices (object: the issuing unit, or the notice)
rules.add_perm("campaign.issue_notice", issues_notice_from)
rules.add_perm("campaign.read_notice", addressed_to_own_unit)
rules.add_perm("campaign.follow_notice", on_issuer_side)
# R5.2 liaison meetings, action items, progress reports, requests for instructions
rules.add_perm("campaign.add_liaison_meeting", runs_office_of)
rules.add_perm("campaign.change_liaison_meeting", runs_office_of)
rules.add_perm("campaign.update_liaison_task", updates_liaison_task)
rules.add_perm("campaign.set_progress_schedule", runs_office_of)
rules.add_perm("campaign.submit_progress_report", records_for)
rules.add_perm("campaign.ask_instructions", asks_instructions_for)
rules.add_perm("campaign.answer_instruction_request", answers_request)
rules.add_perm("campaign.close_instruction_request", closes_request)
# R6.1–R6.5 publicity (object: the unit, or the record; publishing is the office's)
rules.add_perm("campaign.add_publicity_column", runs_office_of)
rules.add_perm("campaign.change_publicity_column", runs_office_of)
rules.add_perm("campaign.add_publicity_article", records_for)
rules.add_perm("campaign.change_publicity_article", records_for)
rules.add_perm("campaign.delete_publicity_article", records_for)
rules.add_perm("campaign.publish_publicity", runs_office_of)
rules.add_perm("campaign.add_press_conference", records_for)
rules.add_perm("campaign.change_press_conference", records_for)
rules.add_perm("campaign.add_poster", records_for)
rules.add_perm("campaign.delete_poster", records_for)
rules.add_perm("campaign.add_media_coverage", records_for)
rules.add_perm("campaign.change_media_coverage", records_for)
rules.add_perm("campaign.delete_media_coverage", records_for)
# R6.3 public criticism (confirm: object the issuing unit) and exposed disciplinary cases (the issuer's)
rules.add_perm("campaign.confirm_criticism", confirms_criticism)
rules.add_perm("campaign.publish_criticism", publishes_criticism)
rules.add_perm("campaign.add_disciplinary_case", runs_office_of)
rules.add_perm("campaign.change_disciplinary_case", runs_office_of)
# R2.7 reflection articles (object: the requested article)
rules.add_perm("campaign.request_articles", is_provincial_office)
rules.add_perm("campaign.select_article", is_provincial_office)
rules.add_perm("campaign.compile_articles_volume", is_provincial_office)
rules.add_perm("campaign.submit_article", records_for)
# ---- liaison, notices, publicity, articles (end)


# ---- exam results corrected (issue 11, R2.6) (begin)
@rules.predicate
def manages_exam_of_result(user, result) -> bool:
    """R2.6 a result is withdrawn by the office of its exam's organiser (and those above); without an
    object: by an office somewhere."""
    if result is None:
        return is_office(user)
    return manages_unit(user, result.exam.unit)


rules.add_perm("campaign.delete_exam_result", manages_exam_of_result)
# ---- exam results corrected (end)
