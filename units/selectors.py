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


def unit_counts(unit: Unit) -> UnitCounts:
    """Counts below a unit: sub-units by level, cadres by rank and special group (two queries)."""
    below = Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)
    unit_agg = below.aggregate(
        **{f"l{lv.value}": Count("pk", filter=Q(level=lv.value)) for lv in Level},
        backward=Count("pk", filter=Q(is_backward_village=True)),
        hardest=Count("pk", filter=Q(is_hardest_unit=True)),
    )
    cadres = Cadre.objects.filter(unit__path__startswith=unit.path)
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
    )


def scope_roots(user) -> list[Unit]:
    """The top units of the user's subtrees: where the tree browser starts."""
    paths = scope_paths(user)
    if paths is None:
        return list(Unit.get_root_nodes())
    return list(Unit.objects.filter(path__in=paths))


def ancestors_in_scope(user, unit: Unit) -> list[Unit]:
    """The breadcrumb of a unit, cut where the user's scope begins."""
    paths = scope_paths(user)
    step = unit.steplen
    prefixes = [unit.path[:i] for i in range(step, len(unit.path), step)]
    if paths is not None:
        prefixes = [p for p in prefixes if any(p.startswith(root) for root in paths)]
    return list(Unit.objects.filter(path__in=prefixes).order_by("path"))


def breadcrumbs_for(units: list[Unit], user) -> dict[int, str]:
    """Ancestor names of many units at once (one query), for search results."""
    step = Unit.steplen
    prefixes = {u.path[:i] for u in units for i in range(step, len(u.path), step)}
    names = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "name"))
    return {
        u.pk: " / ".join(names[u.path[:i]] for i in range(step, len(u.path), step) if u.path[:i] in names)
        for u in units
    }


@dataclass
class HomeFigures:
    """The figures on a user's home page, over their whole scope."""

    units: int
    cadres: int
    by_level: list[tuple[str, int]] = field(default_factory=list)


def home_figures(user) -> HomeFigures:
    """Units by level and cadres in the user's scope (two queries)."""
    units = Unit.objects.visible_to(user)
    agg = units.aggregate(total=Count("pk"), **{f"l{lv.value}": Count("pk", filter=Q(level=lv.value)) for lv in Level})
    return HomeFigures(
        units=agg["total"],
        cadres=Cadre.objects.visible_to(user).count(),
        by_level=[(lv.label, agg[f"l{lv.value}"]) for lv in Level],
    )


def my_units(user) -> list[Unit]:
    """The units the user's roles are bound to."""
    return list(Unit.objects.filter(pk__in={g.unit_id for g in grants_of(user)}))
