"""The units app answering its own tree's events."""
from __future__ import annotations

from django.db.models import Value
from django.db.models.functions import Concat, Substr


def cadre_paths_follow(sender, old_path: str, new_path: str, using=None, **kwargs) -> None:
    """issue 13: treebeard rewrote a subtree's paths (a move, by the services or the admin's drag and drop,
    or a re-sort among siblings): the cadres' copies (``Cadre.unit_path``) get the same rewrite, in the
    same transaction, so the cadre list stays scoped and sorted as the tree is."""
    from .models import Cadre

    Cadre.objects.using(using).filter(unit_path__startswith=old_path).update(
        unit_path=Concat(Value(new_path), Substr("unit_path", len(old_path) + 1)))


def cadre_paths_repair(*, dry_run: bool = False) -> int:
    """Cadres whose copy of the unit's path differs from the unit's (a raw SQL load or move that went around
    the ORM): how many, rewritten unless ``dry_run``. ``manage.py rollups_verify`` runs it."""
    from django.db.models import F, OuterRef, Subquery

    from .models import Cadre, Unit

    stale = Cadre.objects.exclude(unit_path=F("unit__path"))
    if dry_run:
        return stale.count()
    path = Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1])
    return Cadre.objects.filter(pk__in=stale.values("pk")).update(unit_path=path)
