"""The notice's rules for listening to the public (R4.1, R4.4), read from data, never from literals."""
from __future__ import annotations

import datetime
import secrets

from django.db.models import Q

from units.models import Cadre, Level, RoleAssignment, Role, Unit
from web.compiled import Compiled

# --- R4.4 tracking codes

#: Codes made from now on: A–Z and 2–7 without I, L and O (29 characters), so no code holds a
#: character read as 0, 1 or another letter when copied by hand or read aloud (issue 12).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ234567"
#: Codes made before issue 12 used all of RFC 4648 base32 (with I, L and O): they are still found.
LEGACY_CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CODE_LENGTH = 10  # 29**10, about 48 random bits: guessing a code is hopeless at any request rate
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})
#: What a typed I may have been in an older code (1, I and L look alike; 0 and O were mended to O).
_ONE_LIKE = ("I", "L")


def new_tracking_code() -> str:
    """R4.4 a short, unguessable tracking code (10 characters, no look-alike characters)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_tracking_code(raw: str) -> str:
    """What a citizen typed, as stored: upper case, no spaces or dashes, look-alike digits mended."""
    return "".join(ch for ch in (raw or "").upper().translate(_LOOKALIKES)
                   if ch in LEGACY_CODE_ALPHABET)[:CODE_LENGTH]


def tracking_code_candidates(raw: str) -> list[str]:
    """R4.4 the stored codes a typed code may mean: the normalised code first, then, for an older code
    that held I or L, every reading of the characters typed as 1, I or L. New codes hold none of them,
    so they match exactly; a code with k such characters has 2**k readings (at most 1,024)."""
    code = normalise_tracking_code(raw).replace("L", "I")
    readings = [""]
    for ch in code:
        readings = [r + c for r in readings for c in (_ONE_LIKE if ch == "I" else (ch,))]
    exact = normalise_tracking_code(raw)
    return [exact] + [r for r in readings if r != exact]


# --- R4.4 routing: the activity office of the same level


def ancestor_paths(path: str) -> list[str]:
    """The materialized paths of a unit and all its ancestors, nearest first."""
    return Unit.path_prefixes(path)[::-1]


def office_of(unit: Unit) -> tuple[int, set[int]]:
    """R4.4 the id of the unit whose activity office handles messages about ``unit`` — the unit itself or its
    nearest ancestor with active office staff (the notion of ``campaign.services.notifications.Recipients``,
    without its two-level cap: a message must always land in a queue); the root when no office exists — and
    that office's active staff, in one query (issue 13: the board's post looked the office up, then its staff)."""
    paths = ancestor_paths(unit.path)
    offices: dict[str, tuple[int, set[int]]] = {}
    for unit_id, path, user_id in _OFFICE_STAFF.rows(*paths):
        offices.setdefault(path, (unit_id, set()))[1].add(user_id)
    for path in paths:
        if path in offices:
            return offices[path]
    root = unit.pk if unit.depth == 1 else Unit.objects.filter(path=paths[-1]).values_list("pk", flat=True).get()
    return root, set()


#: ``office_of``'s query (issue 13: compiled once per depth, not on every post of the board)
_OFFICE_STAFF = Compiled(lambda *paths: RoleAssignment.objects.filter(
    role=Role.OFFICE, user__is_active=True, unit__path__in=paths).values_list("unit_id", "unit__path", "user_id"))


def office_unit_for(unit: Unit) -> Unit:
    """R4.4 the unit whose activity office handles messages about ``unit`` (``office_of``)."""
    office_id, _staff = office_of(unit)
    return unit if office_id == unit.pk else Unit.objects.get(pk=office_id)


def office_user_ids(unit: Unit) -> set[int]:
    """The active office staff bound to ``unit`` itself (the office that owns a queue)."""
    return office_user_ids_of([unit.pk]).get(unit.pk, set())


def answering_user_ids(unit: Unit) -> set[int]:
    """Who answers for ``unit``: its liaisons and its own office staff."""
    return answering_user_ids_of([unit.pk]).get(unit.pk, set())


def _holders(unit_ids, roles: list[str]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for unit_id, user_id in RoleAssignment.objects.filter(role__in=roles, unit_id__in=set(unit_ids),
                                                          user__is_active=True).values_list("unit_id", "user_id"):
        out.setdefault(unit_id, set()).add(user_id)
    return out


def office_user_ids_of(unit_ids) -> dict[int, set[int]]:
    """``office_user_ids`` of many units in one query (the overdue sweep's batches)."""
    return _holders(unit_ids, [Role.OFFICE])


def answering_user_ids_of(unit_ids) -> dict[int, set[int]]:
    """``answering_user_ids`` of many units in one query."""
    return _holders(unit_ids, [Role.LIAISON, Role.OFFICE])


# --- R4.1 field research stays

#: Levels whose top leaders must stay (province to township); villages are where they go.
RESEARCH_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP)
#: "city, county and township party secretaries above all" (市、县、乡党委书记)
PRIORITY_LEVELS = (Level.CITY, Level.COUNTY, Level.TOWNSHIP)


def research_required_q(prefix: str = "") -> Q:
    """R4.1 the cadres who must make a field research stay: the top leaders down to township level."""
    return Q(**{f"{prefix}is_top_leader": True, f"{prefix}unit__level__in": RESEARCH_LEVELS})


def research_priority_q(prefix: str = "") -> Q:
    """R4.1 the party secretaries of cities, counties and townships, named first by the notice."""
    return Q(**{f"{prefix}is_party_secretary": True, f"{prefix}unit__level__in": PRIORITY_LEVELS})


def is_research_priority(cadre: Cadre, unit_level: int) -> bool:
    return cadre.is_party_secretary and unit_level in PRIORITY_LEVELS


def complies(longest_stay_days: int | None, minimum: int) -> bool:
    """R4.1 one stay of at least the campaign's minimum days (both ends counted) fulfils the rule;
    several short visits do not add up to a stay."""
    return (longest_stay_days or 0) >= minimum


def iso_week_bounds(year: int, week: int) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of an ISO week."""
    monday = datetime.date.fromisocalendar(year, week, 1)
    return monday, monday + datetime.timedelta(days=6)
