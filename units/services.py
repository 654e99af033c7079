"""Writes of the units app: unit and cadre changes and the all-or-nothing spreadsheet import (R0.4)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import UnitsError
from .models import Cadre, Level, Rank, SpecialGroup, Unit, UnitKind
from .scoping import WRITE_ROLES, can_write_unit, in_scope

IMPORT_KINDS = {"units": gettext_lazy("Units"), "cadres": gettext_lazy("Cadres")}

TRUE_WORDS = {"1", "y", "yes", "true", "是", "√", "✓", "x"}
FALSE_WORDS = {"", "0", "n", "no", "false", "否"}


@dataclass
class Column:
    key: str
    headers: tuple[str, ...]
    required: bool = False

    @property
    def label(self) -> str:
        """The Chinese header, as in the downloadable template."""
        return next((h for h in self.headers if not h.isascii()), self.headers[0])

    def label_in(self, language: str) -> str:
        """The header to show a reader of ``language`` (the importer accepts either)."""
        if language.startswith("zh"):
            return self.label
        return next((h for h in self.headers if h.isascii() and " " in h), self.headers[0])


UNIT_COLUMNS = [
    Column("code", ("code", "编码", "单位编码"), True),
    Column("name", ("name", "名称", "单位名称"), True),
    Column("parent_code", ("parent_code", "parent code", "上级编码", "上级单位编码"), True),
    Column("level", ("level", "层级"), True),
    Column("kind", ("kind", "类型", "单位类型"), True),
    Column("is_backward_village", ("backward village", "is_backward_village", "后进村")),
    Column("is_hardest_unit", ("hardest unit", "is_hardest_unit", "最难单位")),
]
CADRE_COLUMNS = [
    Column("unit_code", ("unit_code", "unit code", "单位编码"), True),
    Column("name", ("name", "姓名"), True),
    Column("post", ("post", "职务")),
    Column("rank", ("rank", "级别", "职级"), True),
    Column("is_top_leader", ("top leader", "is_top_leader", "一把手")),
    Column("is_team_member", ("team member", "is_team_member", "班子成员")),
    Column("is_party_secretary", ("party secretary", "is_party_secretary", "党委书记")),
    Column("is_party_member", ("party member", "is_party_member", "党员")),
    Column("special_group", ("special group", "special_group", "特殊群体")),
    Column("phone", ("phone", "电话")),
]
COLUMNS = {"units": UNIT_COLUMNS, "cadres": CADRE_COLUMNS}


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """The checked contents of an import file: applied only when no row has an error."""

    kind: str
    rows: list[ImportRow]
    file_errors: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.error_rows and bool(self.rows)


def _choice_lookup(choices) -> dict[str, object]:
    """Map a choice's value and its label in both languages to the value."""
    from django.utils import translation

    table: dict[str, object] = {}
    for value, label in choices:
        table[str(value).lower()] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                table[str(label).lower()] = value
    return table


# Short Chinese forms people type in spreadsheets, beside the full labels.
LEVEL_ALIASES = {"省": Level.PROVINCE, "市": Level.CITY, "县": Level.COUNTY, "乡镇": Level.TOWNSHIP,
                 "乡": Level.TOWNSHIP, "镇": Level.TOWNSHIP, "街道": Level.TOWNSHIP, "村": Level.VILLAGE,
                 "社区": Level.VILLAGE, "村/社区": Level.VILLAGE}


def _rank_lookup() -> dict[str, object]:
    return _choice_lookup(Rank.choices) | {"省级": Rank.PROVINCIAL, "厅级": Rank.DEPARTMENT, "县级": Rank.COUNTY,
                                           "科级": Rank.SECTION, "科级及以下": Rank.SECTION}


def _group_lookup() -> dict[str, object]:
    return _choice_lookup(SpecialGroup.choices) | {"": SpecialGroup.NONE, "无": SpecialGroup.NONE}


def _bool(value: str, label: str, errors: list[str]) -> bool:
    v = value.strip().lower()
    if v in TRUE_WORDS:
        return True
    if v in FALSE_WORDS:
        return False
    errors.append(_("%(column)s must be yes or no, not “%(value)s”.") % {"column": label, "value": value})
    return False


def map_header(header: list[str], columns: list[Column]) -> tuple[dict[str, int], list[str]]:
    index: dict[str, int] = {}
    wanted = {h.lower(): c.key for c in columns for h in c.headers}
    for i, title in enumerate(header):
        key = wanted.get(title.strip().lower())
        if key and key not in index:
            index[key] = i
    missing = [c.label for c in columns if c.required and c.key not in index]
    errors = []
    if missing:
        errors.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
    return index, errors


def import_check(*, user, kind: str, table: list[list[str]]) -> ImportPlan:
    """R0.4: check every row of an import file against the rules and the user's scope; write nothing."""
    if kind not in COLUMNS:
        raise UnitsError(_("Unknown import kind."))
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        return ImportPlan(kind, [], [_("The file is empty.")])
    index, file_errors = map_header(table[0], COLUMNS[kind])
    rows = []
    for n, raw in enumerate(table[1:], start=2):
        values = {key: (raw[i].strip() if i < len(raw) else "") for key, i in index.items()}
        rows.append(ImportRow(line=n, values=values))
    if not rows:
        file_errors.append(_("The file has a header but no rows."))
    if file_errors:
        return ImportPlan(kind, rows, file_errors)
    checker: Callable = _check_units if kind == "units" else _check_cadres
    checker(user, rows)
    return ImportPlan(kind, rows)


def _check_units(user, rows: list[ImportRow]) -> None:
    codes = [r.values.get("code", "") for r in rows]
    parent_codes = [r.values.get("parent_code", "") for r in rows]
    existing = {u.code: u for u in Unit.objects.filter(code__in=set(codes) | set(parent_codes))}
    levels = _choice_lookup(Level.choices) | LEVEL_ALIASES
    kinds = _choice_lookup(UnitKind.choices)
    seen: dict[str, int] = {}
    new_levels: dict[str, int] = {}
    for row in rows:
        v, e = row.values, row.errors
        code, name = v.get("code", ""), v.get("name", "")
        if not code:
            e.append(_("Code is empty."))
        elif len(code) > 32:
            e.append(_("Code is longer than 32 characters."))
        elif code in seen:
            e.append(_("Code %(code)s appears twice (also on row %(line)s).") % {"code": code, "line": seen[code]})
        elif code in existing:
            e.append(_("A unit with code %(code)s already exists.") % {"code": code})
        seen.setdefault(code, row.line)
        if not name:
            e.append(_("Name is empty."))
        elif len(name) > 100:
            e.append(_("Name is longer than 100 characters."))
        level = levels.get(v.get("level", "").lower())
        if level is None:
            e.append(_("Unknown level “%(value)s”.") % {"value": v.get("level", "")})
        if kinds.get(v.get("kind", "").lower()) is None:
            e.append(_("Unknown kind “%(value)s”.") % {"value": v.get("kind", "")})
        for key, label in (("is_backward_village", _("Backward village")), ("is_hardest_unit", _("Hardest unit"))):
            _bool(v.get(key, ""), label, e)
        parent_code = v.get("parent_code", "")
        parent = existing.get(parent_code)
        if parent is not None:
            if not in_scope(user, parent, WRITE_ROLES):
                e.append(_("Parent unit %(code)s is outside your scope.") % {"code": parent_code})
            elif level is not None and level <= parent.level:
                e.append(_("Level must be below the parent's level."))
        elif parent_code in seen and seen[parent_code] < row.line:
            parent_level = new_levels.get(parent_code)
            if level is not None and parent_level is not None and level <= parent_level:
                e.append(_("Level must be below the parent's level."))
        else:
            e.append(_("Parent unit %(code)s does not exist (it may come earlier in the file).") % {"code": parent_code})
        if level is not None and code:
            new_levels.setdefault(code, int(level))


def _check_cadres(user, rows: list[ImportRow]) -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in={r.values.get("unit_code", "") for r in rows})}
    ranks = _rank_lookup()
    groups = _group_lookup()
    for row in rows:
        v, e = row.values, row.errors
        unit = units.get(v.get("unit_code", ""))
        if unit is None:
            e.append(_("Unit %(code)s does not exist.") % {"code": v.get("unit_code", "")})
        elif not can_write_unit(user, unit):
            e.append(_("Unit %(code)s is outside your scope.") % {"code": unit.code})
        name = v.get("name", "")
        if not name:
            e.append(_("Name is empty."))
        elif len(name) > 50:
            e.append(_("Name is longer than 50 characters."))
        if len(v.get("post", "")) > 100:
            e.append(_("Post is longer than 100 characters."))
        if ranks.get(v.get("rank", "").lower()) is None:
            e.append(_("Unknown rank “%(value)s”.") % {"value": v.get("rank", "")})
        if groups.get(v.get("special_group", "").lower()) is None:
            e.append(_("Unknown special group “%(value)s”.") % {"value": v.get("special_group", "")})
        for key, label in (("is_top_leader", _("Top leader")), ("is_team_member", _("Leadership team member")),
                           ("is_party_secretary", _("Party secretary"))):
            _bool(v.get(key, ""), label, e)
        if v.get("is_party_member", "").strip():
            _bool(v["is_party_member"], _("Party member"), e)
        phone = v.get("phone", "")
        if phone and (len(phone) > 20 or not phone.replace("-", "").replace(" ", "").isdigit()):
            e.append(_("Phone “%(value)s” is not a phone number.") % {"value": phone})


@transaction.atomic
def import_apply(*, user, kind: str, table: list[list[str]]) -> int:
    """R0.4: check again and write every row in one transaction, or nothing when any row is bad."""
    plan = import_check(user=user, kind=kind, table=table)
    if not plan.ok:
        raise UnitsError(_("The file has errors; nothing was imported."))
    if kind == "units":
        return _apply_units(plan.rows)
    return _apply_cadres(plan.rows)


def _apply_units(rows: list[ImportRow]) -> int:
    levels = _choice_lookup(Level.choices) | LEVEL_ALIASES
    kinds = _choice_lookup(UnitKind.choices)
    by_code: dict[str, Unit] = {}
    for row in rows:
        v = row.values
        parent = by_code.get(v["parent_code"]) or Unit.objects.get(code=v["parent_code"])
        # treebeard's manager locks and re-reads the parent, keeping paths and numchild right
        unit = Unit.objects.add_child(parent, dict(
            code=v["code"], name=v["name"], level=levels[v["level"].lower()], kind=kinds[v["kind"].lower()],
            is_backward_village=_bool(v.get("is_backward_village", ""), "", []),
            is_hardest_unit=_bool(v.get("is_hardest_unit", ""), "", []),
        ))
        by_code[unit.code] = unit
    return len(rows)


def _apply_cadres(rows: list[ImportRow]) -> int:
    units = {u.code: u for u in Unit.objects.filter(code__in={r.values["unit_code"] for r in rows})}
    ranks = _rank_lookup()
    groups = _group_lookup()
    cadres = []
    for row in rows:
        v = row.values
        cadres.append(Cadre(
            unit=units[v["unit_code"]], name=v["name"], post=v.get("post", ""),
            rank=ranks[v["rank"].lower()],
            is_top_leader=_bool(v.get("is_top_leader", ""), "", []),
            is_team_member=_bool(v.get("is_team_member", ""), "", []),
            is_party_secretary=_bool(v.get("is_party_secretary", ""), "", []),
            is_party_member=_bool(v.get("is_party_member", "") or "yes", "", []),
            special_group=groups[v.get("special_group", "").lower()],
            phone=v.get("phone", ""),
        ))
    Cadre.objects.bulk_create(cadres, batch_size=2000)
    return len(cadres)


def import_template(kind: str) -> list[str]:
    """The header row users download as a template (Chinese headers are accepted too)."""
    return [c.label for c in COLUMNS[kind]]


@transaction.atomic
def cadre_delete(*, user, cadre: Cadre) -> None:
    """Remove a cadre; only those who write the cadre's unit may."""
    if not can_write_unit(user, cadre.unit):
        raise UnitsError(_("You may not change this unit's cadres."))
    cadre.delete()
