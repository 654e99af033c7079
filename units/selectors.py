"""Reads of the units app that span relations: the numbers behind its pages, as dataclasses."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from .models import Cadre, Level, Rank, SpecialGroup, Unit
from .scoping import grants_of, scope_paths


@dataclass
class UnitCounts:
    """R0.1–R0.3 the figures of a unit's subtree, in a fixed number of queries."""

    by_level: list[tuple[str, int]]
    cadres: int
    by_rank: list[tuple[str, int]]
    special: list[tuple[str, int]]
    top_leaders: int
    backward_villages: int
    hardest_units: int
    #: closed or merged units below an open unit, left out of the figures above (0 for a closed unit's page)
    closed_units: int = 0


def unit_counts(unit: Unit) -> UnitCounts:
    """R0.1–R0.3 counts below a unit: sub-units by level, cadres by rank and special group (two queries).

    Below an open unit only the open units and their cadres count, as on the home page and the dashboards (R0.1:
    a unit closed or merged mid-campaign leaves the figures); how many closed units were left out is counted in
    the same query, for the page to say so. A closed unit's page counts what it held — everything below it is
    closed too (``units.services.unit_close`` closes no unit with open sub-units), and its cadres are still
    listed beside the figures."""
    open_only = unit.closed_on is None
    kept = Q(closed_on__isnull=True) if open_only else Q()
    below = Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)
    unit_agg = below.aggregate(
        **{f"l{lv.value}": Count("pk", filter=kept & Q(level=lv.value)) for lv in Level},
        backward=Count("pk", filter=kept & Q(is_backward_village=True)),
        hardest=Count("pk", filter=kept & Q(is_hardest_unit=True)),
        closed=Count("pk", filter=Q(closed_on__isnull=False)),
    )
    cadres = Cadre.objects.filter(unit__path__startswith=unit.path)
    if open_only:
        cadres = cadres.filter(unit__closed_on__isnull=True)
    cadre_agg = cadres.aggregate(
        total=Count("pk"),
        top=Count("pk", filter=Q(is_top_leader=True)),
        **{f"r_{r.value}": Count("pk", filter=Q(rank=r.value)) for r in Rank},
        **{f"g_{g.value}": Count("pk", filter=Q(special_group=g.value)) for g in SpecialGroup if g.value},
    )
    return UnitCounts(
        by_level=[(lv.label, unit_agg[f"l{lv.value}"]) for lv in Level if unit_agg[f"l{lv.value}"]],
        cadres=cadre_agg["total"],
        by_rank=[(r.label, cadre_agg[f"r_{r.value}"]) for r in Rank],
        special=[(g.label, cadre_agg[f"g_{g.value}"]) for g in SpecialGroup if g.value],
        top_leaders=cadre_agg["top"],
        backward_villages=unit_agg["backward"],
        hardest_units=unit_agg["hardest"],
        closed_units=unit_agg["closed"] if open_only else 0,
    )


def scope_roots(user) -> list[Unit]:
    """The top units of the user's subtrees: where the tree browser starts."""
    paths = scope_paths(user)
    if paths is None:
        return list(Unit.objects.get_root_nodes())
    return list(Unit.objects.filter(path__in=paths))


def _trail_prefixes(paths: list[str] | None, unit: Unit) -> list[str]:
    """The paths of the unit's ancestors that lie in the scope ``paths`` (``None``: everything)."""
    prefixes = Unit.path_prefixes(unit.path, include_self=False)
    if paths is not None:
        prefixes = [p for p in prefixes if any(p.startswith(root) for root in paths)]
    return prefixes


def ancestors_in_scope(user, unit: Unit) -> list[Unit]:
    """The breadcrumb of a unit, cut where the user's scope begins."""
    return list(Unit.objects.filter(path__in=_trail_prefixes(scope_paths(user), unit)).order_by("path"))


def roots_and_ancestors(user, unit: Unit) -> tuple[list[Unit], list[Unit]]:
    """``scope_roots(user)`` and ``ancestors_in_scope(user, unit)`` in one query (issue 13: a dashboard's header
    shows both, on every dashboard and ranking page)."""
    paths = scope_paths(user)
    prefixes = set(_trail_prefixes(paths, unit))
    if paths is None:
        found = list(Unit.objects.filter(Q(depth=1) | Q(path__in=prefixes)).order_by("path"))
        roots = [u for u in found if u.depth == 1]
    else:
        kept = set(paths)
        found = list(Unit.objects.filter(path__in=kept | prefixes).order_by("path"))
        roots = [u for u in found if u.path in kept]
    return roots, [u for u in found if u.path in prefixes]


def breadcrumbs_for(units: list[Unit], user) -> dict[int, str]:
    """Ancestor names of many units at once (one query), for search results."""
    trails = {u.pk: Unit.path_prefixes(u.path, include_self=False) for u in units}
    names = dict(Unit.objects.filter(path__in={p for trail in trails.values() for p in trail})
                 .values_list("path", "name"))
    return {pk: " / ".join(names[p] for p in trail if p in names) for pk, trail in trails.items()}


@dataclass
class HomeFigures:
    """The figures on a user's home page, over their whole scope: its open units (closed ones have left the
    campaign, R0.1) and their cadres."""

    units: int
    cadres: int
    by_level: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def of(cls, by_level: dict[int, int], cadres: int) -> "HomeFigures":
        return cls(units=sum(by_level.values()), cadres=cadres,
                   by_level=[(lv.label, by_level.get(lv.value, 0)) for lv in Level])


def home_figures(user) -> HomeFigures:
    """R0.1 the open units by level and their cadres in the user's scope, counted live (two queries; at
    province scale a scan of every cadre: ``dashboards.selectors.todo.home_figures`` reads the rollups first)."""
    agg = Unit.objects.visible_to(user).active().aggregate(
        **{f"l{lv.value}": Count("pk", filter=Q(level=lv.value)) for lv in Level})
    cadres = Cadre.objects.visible_to(user).filter(unit__closed_on__isnull=True).count()
    return HomeFigures.of({lv.value: agg[f"l{lv.value}"] for lv in Level}, cadres)


def my_units(user) -> list[Unit]:
    """The units the user's roles are bound to."""
    return list(Unit.objects.filter(pk__in={g.unit_id for g in grants_of(user)}))


# --- R0.1 accounts: the office's view of the people acting in its subtree -------------------------------

def accounts_visible_to(user):
    """R0.1 the accounts an office sees: those holding a role on a unit of its subtree (all for a superuser;
    none for a user without an office role). The scoped door of the account pages (404 outside it)."""
    from django.contrib.auth import get_user_model

    from .models import RoleAssignment
    from .scoping import WRITE_ROLES, scope_q

    User = get_user_model()
    if scope_paths(user, WRITE_ROLES) is None:
        return User.objects.all()
    if not scope_paths(user, WRITE_ROLES):
        return User.objects.none()
    holders = RoleAssignment.objects.filter(scope_q(user, "unit__", roles=WRITE_ROLES)).values("user_id")
    return User.objects.filter(pk__in=holders)


def account_search(user, text: str):
    """R0.1 the accounts in the office's view whose username or name contains ``text``, by username."""
    rows = accounts_visible_to(user)
    text = (text or "").strip()
    if text:
        rows = rows.filter(Q(username__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text))
    return rows.order_by("username")


def account_roles(user, account) -> tuple[list, int]:
    """R0.1 the account's roles on units the viewer sees, and how many it holds elsewhere (not named)."""
    from .models import RoleAssignment
    from .scoping import WRITE_ROLES, scope_q

    rows = RoleAssignment.objects.filter(user=account).select_related("unit").order_by("unit__path", "role")
    shown = list(rows.filter(scope_q(user, "unit__", roles=WRITE_ROLES)))
    return shown, rows.count() - len(shown)


def account_history(user, account) -> list:
    """R0.1 the grants and revocations of the account's roles on units the viewer sees, newest first."""
    from .models import RoleChange
    from .scoping import WRITE_ROLES, scope_q

    return list(RoleChange.objects.filter(user=account).filter(scope_q(user, "unit__", roles=WRITE_ROLES))
                .select_related("unit", "by")[:200])


@dataclass
class Contact:
    name: str
    unit: str
    email: str


def whom_to_ask(user) -> tuple[list[Contact], bool]:
    """R0.1 whom a user without a role asks for one: the nearest activity office above each unit the user
    last held a role on (from the history), else the administrators. Returns the contacts and whether they
    are the administrators."""
    from django.contrib.auth import get_user_model

    from .models import RoleAssignment, RoleChange

    units = {c.unit for c in RoleChange.objects.filter(user=user).select_related("unit")}
    contacts: dict[int, Contact] = {}
    for unit in sorted(units, key=lambda u: u.path):
        for depth in range(len(unit.path) // Unit.steplen, 0, -1):
            offices = (RoleAssignment.objects.filter(unit__path=unit.path[: depth * Unit.steplen], role="office",
                                                     user__is_active=True).exclude(user=user)
                       .select_related("user", "unit"))
            if offices:
                for a in offices:
                    contacts.setdefault(a.user_id, Contact(a.user.get_full_name() or a.user.username, a.unit.name,
                                                           a.user.email))
                break
    if contacts:
        return list(contacts.values()), False
    admins = (get_user_model().objects.filter(is_active=True)
              .filter(Q(is_superuser=True) | Q(role_assignments__role="admin")).exclude(pk=user.pk).distinct()
              .order_by("username"))
    result = []
    for admin in admins[:20]:
        unit = admin.role_assignments.filter(role="admin").select_related("unit").first()
        result.append(Contact(admin.get_full_name() or admin.username, unit.unit.name if unit else "", admin.email))
    return result, True
