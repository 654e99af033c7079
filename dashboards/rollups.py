"""Issue 13 (R2–R5 figures at province scale): per-unit rollups of the dashboards' figures.

``dashboards.selectors.figures.collect`` counts the records of a whole subtree on every view: at province
scale (51,000 units, 300,000 cadres) that is half a second. Here each unit keeps, per campaign, a
``UnitRollup`` row with the figures of its own records (``own``) and of its subtree (``subtree``), so the
dashboard of a unit reads its row and its children's.

How they stay equal to the live figures:

- **Counted by the same code.** A unit's ``own`` document is ``collect`` over that unit's records alone
  (``collect(paths=…)``); a ``subtree`` is the sum of the ``own`` documents below it. No rule is written
  twice.
- **Marked in the writer's transaction.** Every write that can change a unit's figures marks the unit's
  rows ``dirty`` (``dashboards.signals`` for saves and deletes; ``mark`` called by the services that write
  in bulk). The mark is an UPDATE of the row, so it waits for a refresh that holds the row and is never
  lost to one. A write to a unit or its cadres also marks the row ``tree_dirty``: the home page's figures
  (units and cadres) count only those rows again, so a busy board, which marks thousands of units a minute, does
  not make every home page slower.
- **Refreshed before they are read.** A dashboard first counts again the own records of the dirty units
  below it (a fixed number of queries per 2,000 of them, ``SETTLE_BATCH``), with the rows locked, and carries each
  difference up to every ancestor's ``subtree``. It waits at most half a second for a row a writer still
  holds, then counts live: a page never holds up a save, and PostgreSQL's deadlock check (after 1 s) never
  picks the writer. Refreshes and builds of a campaign take turns on its ``RollupState`` row.
- **Only for their day.** Overdue figures depend on the day; the rows serve the day they were built for
  (``RollupState.as_of``). On any other day, before the first build, after a unit moved to another parent
  (treebeard's ``path_updated``, the services' moves and the admin's alike) or a campaign's minimums
  changed, pages count live. Beat rebuilds every campaign's rows after midnight
  (``dashboards.rollups_refresh``), and settles the dirty ones in between. A build leaves the marks: a unit
  written while it counts is counted again by the next refresh, against what the build stored.
- **Checked.** ``manage.py rollups_verify`` compares every row with a fresh count, names the units that
  differ and, with ``--repair``, writes the right figures.
"""
from __future__ import annotations

import copy
import datetime
import json
import logging
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import OperationalError, connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from campaign.models import Campaign
from units.bulk import insert_rows
from units.models import Cadre, Unit
from units.signals import figures_are_quiet

from .models import RollupState, UnitRollup
from .selectors.figures import _FIELD_NAMES, Collected, Figures, collect

log = logging.getLogger(__name__)

#: Rows written per statement when a whole campaign is built.
BATCH = 2000

#: What the documents hold; rows built by another version serve no page (``RollupState.version``). 1: each unit's
#: cadres (``Figures.cadres``, for the home page).
VERSION = 1


# --- documents: a unit's figures and breakdowns as JSON, added and subtracted exactly


def document(figures: Figures, detail: dict | None) -> dict:
    """The JSON document of one unit's figures (``f``) and breakdowns (``kind``, ``status``, ``level``).
    Zeros are left out, so equal figures make equal documents; the answer time is kept in whole
    microseconds, so sums and differences are exact."""
    f = {}
    for name in _FIELD_NAMES:
        value = getattr(figures, name)
        if name == "answer_seconds":
            value = round(value * 1_000_000)
        if value:
            f[name] = value
    doc = {"f": f}
    if detail:
        doc["kind"] = detail.get("kind", {})
        doc["status"] = detail.get("status", {})
        doc["level"] = {str(level): list(pair) for level, pair in detail.get("level", {}).items()}
    return _clean(doc)


def _clean(doc: dict) -> dict:
    out = {}
    for key, value in doc.items():
        if isinstance(value, dict):
            value = _clean(value)
        elif isinstance(value, list) and not any(value):
            value = None
        if value:
            out[key] = value
    return out


def _accumulate(into: dict, doc: dict, sign: int = 1) -> None:
    """``into`` += ``sign`` × ``doc`` in place, key by key (nested documents, pairs element-wise); zeros are
    kept until ``_clean``."""
    for key, value in doc.items():
        if isinstance(value, dict):
            _accumulate(into.setdefault(key, {}), value, sign)
        elif isinstance(value, list):
            mine = into.get(key) or [0] * len(value)
            into[key] = [x + sign * y for x, y in zip(mine, value)]
        else:
            into[key] = into.get(key, 0) + sign * value


def combined(a: dict, b: dict, sign: int = 1) -> dict:
    """A new document ``a`` + ``sign`` × ``b``, zeros left out."""
    out = copy.deepcopy(a)
    _accumulate(out, b, sign)
    return _clean(out)


def figures_of(doc: dict) -> Figures:
    values = dict(doc.get("f", {}))
    if "answer_seconds" in values:
        values["answer_seconds"] = values["answer_seconds"] / 1_000_000
    return Figures(**values)


def _own_documents(collected: Collected) -> dict[str, dict]:
    return {path: document(figures, collected.branch_detail.get(path))
            for path, figures in collected.branches.items()}


# --- marks, in the writer's transaction


def mark(unit_ids: Iterable[int] = (), *units: QuerySet, tree: bool = False) -> None:
    """Mark the rollups of these units (ids, and querysets of unit ids) for counting again — with ``tree``, as
    changed in the units themselves or their cadres (``tree_dirty``). One UPDATE; no row, no cost. Call it inside
    the transaction that changes the records. Nothing while a bulk loader that rebuilds the rollups afterwards
    runs (``units.signals.figures_quiet``)."""
    if figures_are_quiet():
        return
    q = Q()
    ids = sorted({pk for pk in unit_ids if pk})
    if ids and not units:  # the common case (a record saved), without the ORM's compiling: the board's post
        quote, meta = connection.ops.quote_name, UnitRollup._meta
        marks = ["dirty", "tree_dirty"] if tree else ["dirty"]
        with connection.cursor() as cursor:
            # the table's and columns' names are the model's, quoted; the values are parameters
            cursor.execute(f"UPDATE {quote(meta.db_table)} SET "  # nosec B608
                           f"{', '.join(f'{quote(meta.get_field(m).column)} = %s' for m in marks)} "
                           f"WHERE {quote(meta.get_field('unit').column)} IN ({', '.join(['%s'] * len(ids))})",
                           [True] * len(marks) + ids)
        return
    if ids:
        q |= Q(unit_id__in=ids)
    for qs in units:
        q |= Q(unit_id__in=qs)
    if q:
        UnitRollup.objects.filter(q).update(dirty=True, **({"tree_dirty": True} if tree else {}))


def unit_added(unit: Unit) -> None:
    """A new unit gets a (dirty) row in every built campaign: it counts as a unit from now on."""
    campaigns = list(RollupState.objects.values_list("campaign_id", flat=True))
    UnitRollup.objects.bulk_create([UnitRollup(campaign_id=c, unit=unit, dirty=True, tree_dirty=True)
                                    for c in campaigns], ignore_conflicts=True)


def invalidate(campaign_ids: Iterable[int] | None = None) -> None:
    """The rows no longer follow the tree (a unit moved or deleted) or the rules (a campaign's minimums
    changed): pages count live until the next build."""
    states = RollupState.objects.all() if campaign_ids is None else RollupState.objects.filter(
        campaign_id__in=list(campaign_ids))
    states.update(as_of=None)


# --- building and refreshing


def _serving(campaign: Campaign, today: datetime.date) -> QuerySet[RollupState]:
    """The campaign's state row when its rollups serve ``today``: built for that day by this ``VERSION``."""
    return RollupState.objects.filter(campaign=campaign, as_of=today, version=VERSION)


def state_for(campaign: Campaign, today: datetime.date) -> RollupState | None:
    """The campaign's rollups when they serve ``today`` (one query)."""
    return _serving(campaign, today).first()


def _counted(campaign: Campaign, today: datetime.date, part: Unit | None, paths: list[str] | None = None
             ) -> tuple[dict[str, dict], dict[str, dict]]:
    """A fresh count of the units of ``part``'s subtree (or of the units at ``paths``): each unit's own
    document and its subtree document within what was counted."""
    if part is not None:
        collected = collect(user=None, root=part, depth=None, campaign=campaign, today=today, detail=True)
    else:
        collected = collect(user=None, campaign=campaign, today=today, detail=True, paths=paths)
    own = _own_documents(collected)
    subtree: dict[str, dict] = {}
    floor = len(part.path) if part is not None else 0
    for path, doc in own.items():
        for prefix in Unit.path_prefixes(path):
            if len(prefix) >= floor:
                _accumulate(subtree.setdefault(prefix, {}), doc)
    return own, {path: _clean(doc) for path, doc in subtree.items()}


def _fresh_parts(campaign: Campaign, today: datetime.date):
    """A fresh count of every unit, one part of the tree at a time (each child of a root with its subtree,
    then the roots, whose subtrees add up their children's): yields ``(units, own, subtree)`` with
    ``units`` the part's ``{unit id: path}``. One part in memory at a time: a province is counted in
    about a dozen parts instead of 51,000 documents at once."""
    roots = list(Unit.objects.get_root_nodes().order_by("path").values_list("pk", "path"))
    totals: dict[str, dict] = {}
    for part in Unit.objects.filter(depth=2).order_by("path"):
        own, subtree = _counted(campaign, today, part)
        totals[part.path] = subtree.get(part.path, {})
        units = dict(Unit.objects.filter(path__startswith=part.path).order_by().values_list("pk", "path"))
        yield units, own, subtree
    own, _subtree = _counted(campaign, today, None, [path for _pk, path in roots])
    subtree = {}
    for _pk, path in roots:
        doc = dict(own.get(path, {}))
        for child_path, total in totals.items():
            if child_path.startswith(path):
                doc = combined(doc, total)
        subtree[path] = doc
    yield dict(roots), own, subtree


def _reconcile(campaign: Campaign, today: datetime.date, *, write: bool) -> list[Drift]:
    """Compare every unit's row with a fresh count, part by part; return the units that differ (a row still
    marked is stale by design and not reported) and, with ``write``, store the fresh figures of every row
    that differs, marked or not (its mark stays: the next refresh counts it against what is stored)."""
    drifts: list[Drift] = []
    for units, own, subtree in _fresh_parts(campaign, today):
        stored = {unit_id: (pk, dirty, own_doc, subtree_doc) for pk, unit_id, dirty, own_doc, subtree_doc in
                  UnitRollup.objects.filter(campaign=campaign, unit_id__in=list(units))
                  .values_list("pk", "unit_id", "dirty", "own", "subtree")}
        changed, new = [], []
        for unit_id, path in sorted(units.items(), key=lambda item: item[1]):
            want_own, want_subtree = own.get(path, {}), subtree.get(path, {})
            row = stored.get(unit_id)
            if row is None:
                drifts.append(Drift(unit_id, path, ["missing"]))
                new.append((campaign.pk, unit_id, False, want_own, want_subtree))
                continue
            names = sorted(set(_differing(row[2], want_own)) | set(_differing(row[3], want_subtree)))
            if names:
                if not row[1]:
                    drifts.append(Drift(unit_id, path, names))
                changed.append(UnitRollup(pk=row[0], own=want_own, subtree=want_subtree))
        if write:
            _store(changed, flags=False)
            # plain rows, not 51,000 model objects (issue 13: a province's first build spent 3 s on them)
            insert_rows(UnitRollup, ["campaign", "unit", "dirty", "own", "subtree"], new, ignore_conflicts=True)
    return drifts


def _store(rows: list[UnitRollup], *, flags: bool) -> None:
    """Write the documents (and, with ``flags``, the two dirty flags) of many rows. On PostgreSQL one
    ``UPDATE … FROM (VALUES …)`` per batch (``bulk_update``'s CASE per row costs a minute for a province);
    elsewhere ``bulk_update``."""
    fields = ["own", "subtree", *(["dirty", "tree_dirty"] if flags else [])]
    if connection.vendor != "postgresql":
        UnitRollup.objects.bulk_update(rows, fields, batch_size=500)
        return
    table = connection.ops.quote_name(UnitRollup._meta.db_table)
    placeholder = "(%s, %s::jsonb, %s::jsonb" + (", %s, %s)" if flags else ")")
    columns = ", ".join(["id", *fields])
    assignments = ", ".join(f"{name} = v.{name}" for name in fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            values = ", ".join([placeholder] * len(chunk))
            params = [value for row in chunk for value in
                      (row.pk, json.dumps(row.own), json.dumps(row.subtree),
                       *([row.dirty, row.tree_dirty] if flags else []))]
            # the table's and columns' names are the code's; every value is a parameter
            sql = (f"UPDATE {table} AS t SET {assignments} FROM (VALUES {values}) "  # nosec B608
                   f"AS v({columns}) WHERE t.id = v.id")
            cursor.execute(sql, params)


def build(campaign: Campaign, *, today: datetime.date | None = None) -> int:
    """Count every unit of the campaign afresh and store its figures for ``today`` (the nightly build); only
    rows whose figures changed are written. Refreshes wait meanwhile (the campaign's state row is held).
    The build leaves the dirty flags alone: a unit written while it counts stays marked and is counted
    again by the next refresh, against the figures the build stored, so nothing is lost or counted twice."""
    today = today or timezone.localdate()
    with transaction.atomic():
        RollupState.objects.get_or_create(campaign=campaign)
        RollupState.objects.select_for_update().filter(campaign=campaign).get()
        _reconcile(campaign, today, write=True)
        RollupState.objects.filter(campaign=campaign).update(as_of=today, built_at=timezone.now(), version=VERSION)
    return Unit.objects.count()


#: How long a page's refresh waits for a row a writer holds (PostgreSQL) before it counts live instead: less
#: than PostgreSQL's deadlock check (1 s), so a writer marking several units is never the one aborted.
PAGE_LOCK_WAIT_MS = 500


#: Marked units settled in one pass. A pass's memory grows with its units (~12 KB each: 5,000 marked units, a few
#: minutes of a busy board across the province, took a process from 90 to 210 MB, 20,000 to 360 MB); a longer
#: backlog is settled in passes of this many, each its own transaction.
SETTLE_BATCH = 2000


def refresh_dirty(campaign: Campaign, *, today: datetime.date, under: Unit | None = None,
                  wait_ms: int = PAGE_LOCK_WAIT_MS) -> int | None:
    """Count again the own records of the dirty units (below ``under``) and carry each difference up to
    every ancestor's subtree. A fixed number of queries for up to ``SETTLE_BATCH`` dirty units, as many again for
    each further batch; each batch is its own transaction when called outside one (inside one, a savepoint: its
    locks are held, and its work kept, only as the caller's transaction ends). ``None``: the rows do not serve
    ``today`` (a build came first), or a writer held a row longer than ``wait_ms`` — the batches settled before
    stay settled."""
    dirty = UnitRollup.objects.filter(campaign=campaign, dirty=True)
    if under is not None:
        # the subtree's units, each looked up in the partial index: a busy board marks thousands of units between
        # two beats, and asking for all 20,000 took a county's dashboard 32 ms, asking for its own 0.4 ms
        dirty = dirty.filter(unit__path__startswith=under.path)
    dirty_paths = sorted(set(dirty.values_list("unit__path", flat=True)))
    if not dirty_paths:
        return 0
    restore = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            restore = cursor.fetchone()[0]
    settled = 0
    try:
        # in path order: a batch's units are neighbours in the tree, so the ancestors' rows it locks are few
        for start in range(0, len(dirty_paths), SETTLE_BATCH):
            batch = set(dirty_paths[start:start + SETTLE_BATCH])
            wanted = {prefix for path in batch for prefix in Unit.path_prefixes(path)}
            with transaction.atomic():
                done = _settle(campaign, today, batch, wanted, wait_ms)
            if done is None:
                return None
            settled += done
        return settled
    except OperationalError:  # a writer held a row (or a deadlock was broken here): the page counts live
        log.info("rollups of campaign %s busy; counted live", campaign.pk)
        return None
    finally:
        if restore is not None and connection.in_atomic_block:  # SET LOCAL outlives a released savepoint
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = %s", [restore])


def _settle(campaign: Campaign, today: datetime.date, dirty_paths: set[str], wanted: set[str],
            wait_ms: int) -> int | None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [f"{int(wait_ms)}ms"])
    # one refresh (or build) of a campaign at a time, and only for the day the rows serve
    if not _serving(campaign, today).select_for_update().exists():
        return None
    # marks wait for the rows until this transaction ends, so none is lost to it
    rows = list(UnitRollup.objects.select_for_update(of=("self",)).select_related("unit")
                .filter(campaign=campaign, unit__path__in=wanted).order_by("pk"))
    by_path = {row.unit.path: row for row in rows}
    todo = [row for row in rows if row.dirty and row.unit.path in dirty_paths]
    if not todo:
        return 0
    fresh = _own_documents(collect(user=None, campaign=campaign, today=today, detail=True,
                                   paths=[row.unit.path for row in todo]))
    changed = {}
    for row in todo:
        doc = fresh.get(row.unit.path, {})
        delta = combined(doc, row.own, -1)
        row.own, row.dirty, row.tree_dirty = doc, False, False
        changed[row.pk] = row
        if delta:
            for prefix in Unit.path_prefixes(row.unit.path):
                above = by_path.get(prefix)
                if above is not None:
                    _accumulate(above.subtree, delta)  # in place: the province's row takes 500 deltas, copied none
                    changed[above.pk] = above
    for row in changed.values():
        row.subtree = _clean(row.subtree)  # once per row, zeros left out as ``combined`` leaves them
    _store(list(changed.values()), flags=True)
    return len(todo)


# --- reading


def _settled_rows(campaign: Campaign, under: Unit, units: list[Unit],
                  today: datetime.date) -> dict[int, UnitRollup] | None:
    """The rows of ``units`` once the marked units below ``under`` are counted again; ``None`` when the
    rollups do not serve ``today``, are busy, or lack one of the units (count live)."""
    if state_for(campaign, today) is None or refresh_dirty(campaign, today=today, under=under) is None:
        return None
    rows = {row.unit_id: row for row in UnitRollup.objects.filter(campaign=campaign,
                                                                   unit_id__in=[u.pk for u in units])}
    return rows if all(u.pk in rows for u in units) else None


def collected(*, campaign: Campaign, root: Unit, children: list[Unit], today: datetime.date) -> Collected | None:
    """What ``collect(root=root, depth=root.depth + 1, detail=True)`` returns, read from the rollups of
    ``root`` and its ``children``; ``None`` when the rollups do not serve ``today`` (count live)."""
    rows = _settled_rows(campaign, root, [root, *children], today)
    if rows is None:
        return None
    out = Collected()
    own = rows[root.pk].own
    if own:
        out.branches[root.path] = figures_of(own)
    for child in children:
        if rows[child.pk].subtree:
            out.branches[child.path] = figures_of(rows[child.pk].subtree)
    total = rows[root.pk].subtree
    out.by_kind = {kind: {"done": 0, "overdue": 0, "due": 0} | counts for kind, counts in total.get("kind", {}).items()}
    out.card_status = dict(total.get("status", {}))
    out.by_level = {int(level): pair for level, pair in total.get("level", {}).items()}
    return out


def subtree_figures(*, campaign: Campaign, under: Unit, units: list[Unit],
                    today: datetime.date) -> dict[int, Figures] | None:
    """Each unit's subtree figures (the ranking's), from the rollups; ``None`` when they do not serve
    ``today``."""
    rows = _settled_rows(campaign, under, units, today)
    return None if rows is None else {u.pk: figures_of(rows[u.pk].subtree) for u in units}


@contextmanager
def _one_snapshot():
    """Reads that must see the same rows: one read-only transaction at REPEATABLE READ on PostgreSQL (a settle or a
    mark committed between two of them would otherwise count a unit twice or not at all); SQLite's transaction
    reads one snapshot anyway. Inside a caller's transaction, that transaction's reads."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def scope_counts(*, campaign: Campaign, roots: list[Unit], today: datetime.date) -> tuple[dict[int, int], int] | None:
    """R0.1 the open units per level and their cadres over the subtrees of ``roots`` (disjoint, as
    ``units.scoping.scope_paths`` gives them), for the home page, from the rows as they stand: the marked units
    below are counted again live and their stored part taken out, so nothing is settled — a page that only
    reads writes nothing and waits for no lock. Four queries in one snapshot whatever the number of units or marks
    (the marked ones cost in proportion to their number: the beat settles them every minute). ``None`` when the
    rows do not serve ``today`` or a root has none (count live). Only the rows marked ``tree_dirty`` are counted
    again: a row marked by any other write (a message, a card) still holds its units and cadres as they are."""
    if not roots:
        return None
    with _one_snapshot():
        return _scope_counts(campaign, roots, today)


def _scope_counts(campaign: Campaign, roots: list[Unit], today: datetime.date) -> tuple[dict[int, int], int] | None:
    if state_for(campaign, today) is None:
        return None
    subtrees = list(UnitRollup.objects.filter(campaign=campaign, unit_id__in=[u.pk for u in roots])
                    .values_list("subtree", flat=True))
    if len(subtrees) != len(roots):
        return None
    levels: dict[int, int] = {}

    def add_levels(level_doc: dict | None, times: int) -> None:
        """Add a document's units per level ``times`` over (a negative ``times`` takes them out)."""
        for level, (units, _covered) in (level_doc or {}).items():
            levels[int(level)] = levels.get(int(level), 0) + times * units

    cadres = 0
    for doc in subtrees:
        add_levels(doc.get("level"), 1)
        cadres += doc.get("f", {}).get("cadres", 0)
    below = Q()
    for root in roots:
        below |= Q(unit__path__startswith=root.path)
    marked = UnitRollup.objects.filter(below, campaign=campaign, tree_dirty=True)
    # what the subtrees hold of the marked units (each row's own part, as last counted), summed in the database
    # by their few distinct level parts (``{"5": [1, 0]}``: a village, not covered) …
    for row in (marked.order_by().values("own__level")
                .annotate(rows=Count("pk"), cadres=Sum(Cast(KT("own__f__cadres"), IntegerField())))):
        add_levels(row["own__level"], -row["rows"])
        cadres -= row["cadres"] or 0
    # … replaced by what they are now: the units still open and their cadres, as ``collect`` counts them (each
    # unit's cadres through the cadres' unit index: a join would hash all 299,000 of them)
    own_cadres = (Cadre.objects.filter(unit=OuterRef("pk")).order_by().values("unit")
                  .annotate(n=Count("pk")).values("n"))
    for row in (Unit.objects.active().filter(pk__in=marked.values("unit_id"))
                .annotate(own_cadres=Coalesce(Subquery(own_cadres), 0)).order_by().values("level")
                .annotate(units=Count("pk"), on_rolls=Sum("own_cadres"))):
        levels[row["level"]] = levels.get(row["level"], 0) + row["units"]
        cadres += row["on_rolls"] or 0
    return {level: count for level, count in levels.items() if count}, cadres


# --- checking


@dataclass
class Drift:
    """A unit whose stored rollup differs from a fresh count."""

    unit_id: int
    path: str
    fields: list[str]  # the figures (or "kind"/"status"/"level") that differ, in own or subtree

    def __str__(self) -> str:
        return f"{self.path} ({self.unit_id}): {', '.join(self.fields)}"


def _differing(stored: dict, expected: dict) -> list[str]:
    names = []
    for key in sorted(set(stored) | set(expected)):
        a, b = stored.get(key, {}), expected.get(key, {})
        if key == "f":
            names += [name for name in sorted(set(a) | set(b)) if a.get(name, 0) != b.get(name, 0)]
        elif a != b:
            names.append(key)
    return names


def verify(campaign: Campaign, *, today: datetime.date | None = None, repair: bool = False) -> list[Drift]:
    """Compare every unit's rows with a fresh count (after settling the marked ones, as a page would);
    return the units that differ and, with ``repair``, store the fresh figures. Refreshes wait meanwhile.
    A write that marked its unit ``dirty`` but not ``tree_dirty`` when it changed a unit or a cadre is not
    caught here (the settle first counts the unit again): the home page would have shown the stale figure until
    then. ``tests/dashboards/test_rollups.py`` holds the home figures to the live count before any settle."""
    today = today or timezone.localdate()
    refresh_dirty(campaign, today=today, wait_ms=5000)
    with transaction.atomic():
        RollupState.objects.select_for_update().filter(campaign=campaign).first()
        return _reconcile(campaign, today, write=repair)


def refresh(*, today: datetime.date | None = None) -> dict[str, int]:
    """The beat's sweep over the active campaigns: build the rows of a campaign whose rows do not serve
    today (a new day, a moved unit, changed minimums), else settle its dirty rows."""
    today = today or timezone.localdate()
    done = {"built": 0, "refreshed": 0}
    units = Unit.objects.count()
    for campaign in Campaign.objects.filter(is_active=True).order_by("pk"):
        # a unit without a row (loaded behind the signals' back) would be missing from its ancestors too
        if (state_for(campaign, today) is None
                or UnitRollup.objects.filter(campaign=campaign).count() != units):
            done["built"] += build(campaign, today=today)
        else:
            done["refreshed"] += refresh_dirty(campaign, today=today) or 0
        # a settle by a process of the release before ``tree_dirty`` (during a rolling upgrade) counted the row
        # again without clearing the flag: its stored figures are current, so the home page need not count it
        UnitRollup.objects.filter(campaign=campaign, tree_dirty=True, dirty=False).update(tree_dirty=False)
    return done
