"""Object permissions of the units app, as predicates over the user's subtree (django-rules)."""
import rules

from .scoping import WRITE_ROLES, can_write_unit, in_scope, roles_of


@rules.predicate
def manages_unit(user, unit) -> bool:
    return unit is not None and in_scope(user, unit, WRITE_ROLES)


@rules.predicate
def writes_unit_records(user, unit) -> bool:
    return unit is not None and can_write_unit(user, unit)


@rules.predicate
def is_office_or_admin(user) -> bool:
    return bool(roles_of(user) & WRITE_ROLES) or user.is_superuser


rules.add_perm("units.change_unit", manages_unit)
rules.add_perm("units.add_unit", manages_unit)
rules.add_perm("units.import_units", is_office_or_admin)
rules.add_perm("units.change_cadre_of", writes_unit_records)
