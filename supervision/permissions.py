"""Who may do what in the supervision app (django-rules; loaded in ``SupervisionConfig.ready``).

Out of scope is decided earlier, by ``visible_to`` (404); these answer "in scope, but may this user do
it?" (403 when not). Built on the shared predicates of ``units.permissions``. Services check them with
``user.has_perm("supervision.<verb>_<thing>", obj)``, views through ``web.decorators.permission_required``,
templates with ``{% has_perm %}``. Checked without an object, an object permission answers False: the
pages ask with the object.
"""
from __future__ import annotations

import rules

from units.permissions import is_office, is_superuser, manages_unit, writes_unit_records
from units.scoping import WRITE_ROLES, grants_of, in_scope

ANSWER_ROLES = frozenset({"liaison", "office", "admin"})


# --- plain functions over the user's grants (also used by services for the unit above)

def office_unit_above(user, unit):
    """R1.1, R1.2 the grant of the nearest activity office above ``unit`` the user works for, or ``None``.

    An office bound to the unit itself is not above it: a unit neither dispatches nor verifies itself.
    """
    above = [g for g in grants_of(user)
             if g.role in WRITE_ROLES and g.unit_id != unit.pk and unit.path.startswith(g.path)]
    return max(above, key=lambda g: g.depth, default=None)


# --- predicates on a group or a unit

@rules.predicate
def manages_group(user, group) -> bool:
    """R1.3 the activity office (or administrator) of the issuing leading group's subtree."""
    return group is not None and in_scope(user, group.leading_unit, WRITE_ROLES)


@rules.predicate
def acts_for_group(user, group) -> bool:
    """R1.3 the group's leader and members, and the activity office that sent the group."""
    if group is None or not getattr(user, "is_authenticated", False):
        return False
    if user.pk == group.leader_id or manages_group(user, group):
        return True
    return group.members.filter(pk=user.pk).exists()


@rules.predicate
def upper_office_of(user, unit) -> bool:
    """R1.1 an activity office (or administrator) above the unit: it dispatches the unit's top leader.
    Without a unit: an office somewhere (whether a list may offer the action at all)."""
    if unit is None:
        return bool(is_office(user))
    return bool((is_superuser(user) and unit.depth > 1) or office_unit_above(user, unit) is not None)


@rules.predicate
def verifies_unit(user, unit) -> bool:
    """R1.2 verification (核查) of a unit's self-check: an office above it, or a supervision group over it."""
    return unit is not None and bool(upper_office_of(user, unit) or in_scope(user, unit, {"supervisor"}))


@rules.predicate
def answers_for_unit(user, unit) -> bool:
    """R1.3 the unit's own liaison or activity office signs for and answers its cards."""
    if unit is None:
        return False
    if is_superuser(user):
        return True
    return any(g.unit_id == unit.pk and g.role in ANSWER_ROLES for g in grants_of(user))


@rules.predicate
def approves_for_unit(user, unit) -> bool:
    """R1.3 a leader whose scope covers the unit approves interviews and accountability proposals."""
    return unit is not None and in_scope(user, unit, {"leader"})


# --- the same predicates reached from the object an action is about

def _via(predicate, path: str, name: str):
    """``predicate`` applied to the object at ``path`` (dotted attributes) of the checked object."""

    def follow(user, obj) -> bool:
        for attr in path.split("."):
            if obj is None:
                return False
            obj = getattr(obj, attr, None)
        return bool(predicate(user, obj))

    follow.__name__ = name
    return rules.predicate(follow)


card_group_acts = _via(acts_for_group, "group", "card_group_acts")
card_unit_answers = _via(answers_for_unit, "unit", "card_unit_answers")
extension_group_acts = _via(acts_for_group, "card.group", "extension_group_acts")
step_group_acts = _via(acts_for_group, "card.group", "step_group_acts")
step_unit_approves = _via(approves_for_unit, "card.unit", "step_unit_approves")
dispatch_upper_office = _via(upper_office_of, "unit", "dispatch_upper_office")
spot_group_acts = _via(acts_for_group, "group", "spot_group_acts")
row_organiser = _via(manages_unit, "inspection.organising_unit", "row_organiser")
plan_group_acts = _via(acts_for_group, "group", "plan_group_acts")
plan_group_manages = _via(manages_group, "group", "plan_group_manages")
target_group_acts = _via(acts_for_group, "plan.group", "target_group_acts")

# R1.3 supervision groups
rules.add_perm("supervision.create_group", is_office)
rules.add_perm("supervision.change_group", manages_group)
# R1.3 cards: the group issues and verifies; the unit signs, answers and asks for time
rules.add_perm("supervision.issue_card", acts_for_group)  # on the group
rules.add_perm("supervision.verify_card", card_group_acts)
rules.add_perm("supervision.sign_card", card_unit_answers)
rules.add_perm("supervision.answer_card", card_unit_answers)
rules.add_perm("supervision.request_extension", card_unit_answers)
rules.add_perm("supervision.decide_extension", extension_group_acts)
# R1.3 the escalation ladder
rules.add_perm("supervision.take_step", card_group_acts)  # on the card
rules.add_perm("supervision.decide_step", step_unit_approves)
rules.add_perm("supervision.record_step_outcome", step_group_acts)
# R1.1 dispatches of a lower unit's top leader
rules.add_perm("supervision.record_dispatch", upper_office_of)  # on the unit
rules.add_perm("supervision.change_dispatch", dispatch_upper_office)
# R1.2 three checks
rules.add_perm("supervision.submit_self_check", writes_unit_records)  # on the unit
rules.add_perm("supervision.verify_self_check", verifies_unit)  # on the unit
rules.add_perm("supervision.record_spot_check", acts_for_group)  # on the group
rules.add_perm("supervision.add_spot_finding", spot_group_acts)
# R3.3 special inspections
rules.add_perm("supervision.create_inspection", is_office)
rules.add_perm("supervision.record_inspection_finding", row_organiser)
# R5.3 cross inspections
rules.add_perm("supervision.plan_cross_inspection", manages_group)  # on the group
rules.add_perm("supervision.change_cross_inspection", plan_group_manages)
rules.add_perm("supervision.record_cross_finding", target_group_acts)
rules.add_perm("supervision.close_cross_inspection", plan_group_acts)
