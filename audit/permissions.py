"""Issue 15: administrators read the audit log."""
from __future__ import annotations

import rules

from units.permissions import is_superuser
from units.scoping import grants_of


@rules.predicate
def is_administrator(user) -> bool:
    return any(g.role == "admin" for g in grants_of(user))


rules.add_perm("audit.view_auditevent", is_superuser | is_administrator)
# the same test as a rule, for the menu: ``{% test_rule %}`` asks django-rules alone
rules.add_rule("audit.reads_log", is_superuser | is_administrator)
