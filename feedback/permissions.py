"""Who may do what in R4 (django-rules; loaded in ``FeedbackConfig.ready``), built on the shared predicates
of ``units.permissions``.

Seeing is scoping (``visible_to``: a 404 outside it); these answer "in scope, may this user do it?" (a 403
when not). Services check them through :func:`require`; views through ``web.decorators.permission_required``;
templates through ``{% has_perm %}``.
"""
from __future__ import annotations

import rules

from units.permissions import (
    RECORD_ROLES,
    has_any_role,
    is_office,
    is_superuser,
    manages_unit,
    unit_is_open,
    writes_unit_records,
)
from units.scoping import WRITE_ROLES, grants_of


# --- R4.4 messages

@rules.predicate
def triages_message(user, message) -> bool:
    """The activity office the message was routed to (offices above it, administrators): classify, merge,
    reject, forward, publish or send back."""
    return message is not None and manages_unit(user, message.office_unit)


@rules.predicate
def answers_message(user, message) -> bool:
    """The answering unit's liaison or its office (offices above may answer on its behalf); until the
    message is forwarded, the unit concerned is the one that would answer."""
    return message is not None and writes_unit_records(user, message.assigned_unit or message.unit)


@rules.predicate
def handles_message(user, message) -> bool:
    """The staff handling the message: its office, the office over the unit concerned, the answering unit."""
    if message is None:
        return False
    if triages_message(user, message) or manages_unit(user, message.unit):
        return True
    return message.assigned_unit is not None and writes_unit_records(user, message.assigned_unit)


@rules.predicate
def answers_citizen(user, message) -> bool:
    """Issue 15: the office answering the citizen sees the full phone number — the staff bound to the activity
    office the message was routed to (``office_unit``) and, once it is forwarded, those bound to the answering
    unit itself (its office or liaison). Everyone else who handles it (offices above, the office over the unit
    concerned, administrators) sees it masked: bound to the unit itself, not to a subtree holding it."""
    if message is None:
        return False
    return any((g.unit_id == message.office_unit_id and g.role in WRITE_ROLES)
               or (g.unit_id == message.assigned_unit_id and g.role in RECORD_ROLES) for g in grants_of(user))


# --- R4.4 digests

@rules.predicate
def keeps_office(user, unit) -> bool:
    """Office staff (or an administrator) bound to ``unit`` itself: they make its office's digest. Without a
    unit: the user keeps some office (or is a superuser)."""
    if unit is None:
        return is_office(user)
    return is_superuser(user) or any(g.unit_id == unit.pk and g.role in WRITE_ROLES for g in grants_of(user))


# --- R4.2 opinion sessions, R4.1 field research stays

@rules.predicate
def writes_session_unit(user, session) -> bool:
    return session is not None and writes_unit_records(user, session.unit)


@rules.predicate
def writes_stay_cadre(user, stay) -> bool:
    """A stay belongs to its cadre's unit (the host unit reads it, but does not correct it)."""
    return stay is not None and writes_unit_records(user, stay.cadre.unit)


@rules.predicate
def writes_cadre_unit(user, cadre) -> bool:
    return cadre is not None and writes_unit_records(user, cadre.unit)


# messages (object: the message)
rules.add_perm("feedback.triage_message", triages_message)  # classify, merge, reject, forward
rules.add_perm("feedback.review_answer", triages_message)   # publish or send back
rules.add_perm("feedback.answer_message", answers_message)
# the contact block (name, phone masked) to those handling it; the full phone only to the answering office
rules.add_perm("feedback.see_citizen_contact", handles_message)
rules.add_perm("feedback.see_citizen_phone", handles_message & answers_citizen)
# R4.3 letters and visits (no object): any staff role records what it received
rules.add_perm("feedback.record_letter", has_any_role)
# digests (object: the office's unit, or none for "some office")
rules.add_perm("feedback.make_digest", keeps_office)
# R4.2 (object: the unit for a new session, the session otherwise)
rules.add_perm("feedback.record_opinion_session", writes_unit_records & unit_is_open)
rules.add_perm("feedback.change_opinion_session", writes_session_unit)
rules.add_perm("feedback.delete_opinion_session", writes_session_unit)
# R4.1 (object: the cadre for a new stay, the stay otherwise)
rules.add_perm("feedback.record_research_stay", writes_cadre_unit & unit_is_open)
rules.add_perm("feedback.change_research_stay", writes_stay_cadre)
rules.add_perm("feedback.delete_research_stay", writes_stay_cadre)
