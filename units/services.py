"""Writes of the units app: unit and cadre changes and the all-or-nothing spreadsheet import (R0.4).

``Column``, ``ImportPlan``, ``ImportRow`` and ``map_header`` are the import flow's (``web.imports``),
named here too for the apps that imported them from this module."""
from __future__ import annotations

from typing import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from web.imports import Column, ImportPlan, ImportRow, map_header, plan_failed, parse_bool, read_plan  # noqa: F401 (re-exported)

from .errors import UnitsError
from .models import (AccountProfile, Cadre, Level, Rank, Role, RoleAssignment, RoleChange, SpecialGroup, Unit, UnitKind,
                     placement_error)
from .permissions import manages_unit, require
from .signals import figures_touched, open_items, unit_added, unit_closed

IMPORT_KINDS = {"units": gettext_lazy("Units"), "cadres": gettext_lazy("Cadres")}

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


_bool = parse_bool


def import_check(*, user, kind: str, table: list[list[str]]) -> ImportPlan:
    """R0.4: check every row of an import file against the rules and the user's scope; write nothing."""
    if kind not in COLUMNS:
        raise UnitsError(_("Unknown import kind."))
    plan = read_plan(kind, table, COLUMNS[kind])
    if not plan.file_errors:
        checker: Callable = _check_units if kind == "units" else _check_cadres
        checker(user, plan.rows)
    return plan


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
            if parent.closed_on is not None:
                e.append(_("Parent unit %(code)s is closed; it takes no new sub-units.") % {"code": parent_code})
            elif not user.has_perm("units.add_unit", parent):
                e.append(_("Parent unit %(code)s is outside your scope.") % {"code": parent_code})
            elif level is not None and (error := placement_error(level, parent.level)):
                e.append(error)
        elif parent_code in seen and seen[parent_code] < row.line:
            parent_level = new_levels.get(parent_code)
            if level is not None and parent_level is not None and (error := placement_error(level, parent_level)):
                e.append(error)
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
        elif not user.has_perm("units.add_cadre", unit):
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
    if not user.has_perm("units.import_units"):
        raise PermissionDenied
    plan = import_check(user=user, kind=kind, table=table)
    if not plan.ok:
        raise UnitsError(plan_failed(plan))
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
        unit_added.send(sender=Unit, unit=unit, today=timezone.localdate())
    return len(rows)


def _apply_cadres(rows: list[ImportRow]) -> int:
    # the units locked (their paths copied onto the cadres): a move running meanwhile goes first or after
    units = {u.code: u for u in Unit.objects.select_for_update().filter(code__in={r.values["unit_code"] for r in rows})}
    ranks = _rank_lookup()
    groups = _group_lookup()
    cadres = []
    for row in rows:
        v = row.values
        cadres.append(Cadre(
            unit=units[v["unit_code"]], unit_path=units[v["unit_code"]].path, name=v["name"], post=v.get("post", ""),
            rank=ranks[v["rank"].lower()],
            is_top_leader=_bool(v.get("is_top_leader", ""), "", []),
            is_team_member=_bool(v.get("is_team_member", ""), "", []),
            is_party_secretary=_bool(v.get("is_party_secretary", ""), "", []),
            is_party_member=_bool(v.get("is_party_member", "") or "yes", "", []),
            special_group=groups[v.get("special_group", "").lower()],
            phone=v.get("phone", ""),
        ))
    Cadre.objects.bulk_create(cadres, batch_size=2000)
    figures_touched({c.unit_id for c in cadres}, cadres=True)  # issue 13
    return len(cadres)


def import_template(kind: str) -> list[str]:
    """The header row users download as a template (Chinese headers are accepted too)."""
    return [c.label for c in COLUMNS[kind]]


UNIT_FIELDS = ("name", "code", "level", "kind", "is_backward_village", "is_hardest_unit")
CADRE_FIELDS = ("name", "post", "rank", "is_top_leader", "is_team_member", "is_party_secretary",
                "is_party_member", "special_group", "phone")


def _check_placement(level: int, parent: Unit | None) -> None:
    error = placement_error(int(level), parent.level if parent is not None else None)
    if error:
        raise UnitsError(error)


def _pick(data: dict, fields: tuple[str, ...]) -> dict:
    return {name: data[name] for name in fields if name in data}


@transaction.atomic
def unit_add_child(*, user, parent: Unit, **data) -> Unit:
    """R0.1 add a sub-unit below ``parent``, at a level allowed under the parent's level."""
    if not user.has_perm("units.add_unit", parent):
        raise PermissionDenied
    values = _pick(data, UNIT_FIELDS)
    _check_placement(values["level"], parent)
    if Unit.objects.filter(code=values["code"]).exists():
        raise UnitsError(_("A unit with code %(code)s already exists.") % {"code": values["code"]})
    # treebeard's manager locks and re-reads the parent, keeping paths and numchild right
    unit = Unit.objects.add_child(parent, values)
    unit_added.send(sender=Unit, unit=unit, today=timezone.localdate())
    return unit


@transaction.atomic
def unit_update(*, user, unit: Unit, **data) -> Unit:
    """R0.1 change a unit's name, code, kind, flags or level (a level that still fits its place in the tree)."""
    if not user.has_perm("units.change_unit", unit):
        raise PermissionDenied
    values = _pick(data, UNIT_FIELDS)
    level = int(values.get("level", unit.level))
    if level != Unit.objects.filter(pk=unit.pk).values_list("level", flat=True).get():
        _check_placement(level, Unit.objects.get_parent(unit))
        for child_level in set(Unit.objects.get_children(unit).values_list("level", flat=True)):
            error = placement_error(child_level, level)
            if error:
                raise UnitsError(error)
    if Unit.objects.filter(code=values.get("code", unit.code)).exclude(pk=unit.pk).exists():
        raise UnitsError(_("A unit with code %(code)s already exists.") % {"code": values["code"]})
    for name, value in values.items():
        setattr(unit, name, value)
    unit.save(update_fields=list(values))
    return unit


@transaction.atomic
def unit_move(*, user, unit: Unit, parent: Unit) -> Unit:
    """R0.1 move a unit and its subtree under another parent, one its level may hang under."""
    if not (user.has_perm("units.move_unit", unit) and user.has_perm("units.add_unit", parent)):
        raise PermissionDenied
    if parent.path.startswith(unit.path):
        raise UnitsError(_("A unit cannot move below itself."))
    if parent.closed_on is not None:
        raise UnitsError(_("%(unit)s is closed; it takes no new sub-units.") % {"unit": parent.name})
    _check_placement(unit.level, parent)
    Unit.objects.move(unit, parent, pos="sorted-child")
    unit.refresh_from_db()
    return unit


#: what closing a unit does with its open supervision cards
CARDS_TRANSFER, CARDS_CLOSE = "transfer", "close"


@transaction.atomic
def unit_close(*, user, unit: Unit, on, merged_into: Unit | None = None, cards: str | None = None) -> Unit:
    """R0.1 close a unit during the campaign, or merge it into another unit of the same level.

    The unit stays in the tree with its records (history), owes nothing from ``on`` (its open obligations
    are cancelled) and leaves rankings and dashboards' denominators. Its open supervision cards are never
    lost silently: the office chooses to transfer them to the unit it merges into or to close them. A
    merged unit's sub-units move under the unit it merges into; a unit closed outright must have none open.
    """
    require(user, "units.close_unit", unit)  # user None: the system (the demo data)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.closed_on is not None:
        raise UnitsError(_("%(unit)s was already closed on %(date)s.") % {
            "unit": unit.name, "date": date_format(unit.closed_on)})
    if on > timezone.localdate():
        raise UnitsError(_("A unit cannot be closed on a future date."))
    if merged_into is not None:
        if merged_into.pk == unit.pk or merged_into.path.startswith(unit.path):
            raise UnitsError(_("A unit cannot merge into itself or a unit below it."))
        if merged_into.closed_on is not None:
            raise UnitsError(_("%(unit)s is closed; choose an open unit to merge into.") % {"unit": merged_into.name})
        if merged_into.level != unit.level:
            raise UnitsError(_("A unit merges into a unit of the same level."))
        require(user, "units.change_unit", merged_into)
    children = list(Unit.objects.get_children(unit).filter(closed_on__isnull=True))
    if children and merged_into is None:
        raise UnitsError(_("%(unit)s still has %(count)s open sub-units: merge it into another unit (they move "
                           "with it) or close them first.") % {"unit": unit.name, "count": len(children)})
    open_cards = open_items(unit).get("cards", 0)
    if open_cards:
        if cards not in (CARDS_TRANSFER, CARDS_CLOSE):
            raise UnitsError(_("%(unit)s has %(count)s open supervision cards: choose whether to transfer them "
                               "to the unit it merges into or to close them.") % {"unit": unit.name,
                                                                                   "count": open_cards})
        if cards == CARDS_TRANSFER and merged_into is None:
            raise UnitsError(_("Open supervision cards can only be transferred to the unit this one merges "
                               "into; choose that unit, or close the cards."))
    for child in children:
        Unit.objects.move(Unit.objects.get(pk=child.pk), Unit.objects.get(pk=merged_into.pk), pos="sorted-child")
    unit = Unit.objects.get(pk=unit.pk)
    unit.closed_on, unit.merged_into = on, merged_into
    unit.save(update_fields=["closed_on", "merged_into"])
    unit_closed.send(sender=Unit, unit=unit, on=on, by=user, cards=cards if open_cards else None,
                     merged_into=merged_into)
    return unit


def placement_of(level: int, target: Unit | None, position: str) -> str | None:
    """Why a unit of ``level`` may not go ``position`` (treebeard's ``*-child`` or a sibling position)
    relative to ``target`` (``None``: a root), or ``None``: for the admin's tree, which moves nodes itself."""
    if target is None:
        return placement_error(level, None)
    parent = target if position.endswith("child") else Unit.objects.get_parent(target)
    return placement_error(level, parent.level if parent is not None else None)


@transaction.atomic
def cadre_create(*, user, unit: Unit, **data) -> Cadre:
    """R0.2 add a cadre to a unit (its office, or the unit's own liaison)."""
    if not user.has_perm("units.add_cadre", unit):
        raise PermissionDenied
    return Cadre.objects.create(unit=unit, **_pick(data, CADRE_FIELDS))


@transaction.atomic
def cadre_update(*, user, cadre: Cadre, **data) -> Cadre:
    """R0.2, R0.3 change a cadre's post, rank, flags, special group or phone."""
    if not user.has_perm("units.change_cadre", cadre):
        raise PermissionDenied
    values = _pick(data, CADRE_FIELDS)
    for name, value in values.items():
        setattr(cadre, name, value)
    cadre.save(update_fields=list(values))
    return cadre


@transaction.atomic
def cadre_delete(*, user, cadre: Cadre) -> Unit:
    """Remove a cadre; only those who write the cadre's unit may. Returns the cadre's unit."""
    if not user.has_perm("units.change_cadre", cadre):
        raise UnitsError(_("You may not change this unit's cadres."))
    unit = cadre.unit
    cadre.delete()
    return unit


# --- R0.1 accounts and roles, by the activity offices within their subtree ------------------------------

#: one-time passwords avoid look-alike characters (0/O, 1/I/l) so they can be read out over the phone
ONE_TIME_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_LENGTH = 12

#: short forms of the roles typed in spreadsheets, beside their full labels and values
ROLE_ALIASES = {"活动办": Role.OFFICE, "办公室": Role.OFFICE, "督导组": Role.SUPERVISOR, "督导员": Role.SUPERVISOR,
                "联络员": Role.LIAISON, "管理员": Role.ADMIN}

ACCOUNT_COLUMNS = [
    Column("username", ("username", "用户名"), True),
    Column("full_name", ("full name", "full_name", "姓名"), True),
    Column("unit_code", ("unit code", "unit_code", "单位编码"), True),
    Column("role", ("role", "角色"), True),
]


def one_time_password() -> str:
    """A random password to be read once and replaced at first login."""
    import secrets

    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _i in range(ONE_TIME_LENGTH))


def _role_lookup() -> dict[str, object]:
    return _choice_lookup(Role.choices) | ROLE_ALIASES


def _must_change(account, flag: bool) -> None:
    AccountProfile.objects.update_or_create(user=account, defaults={"must_change_password": flag})


def _administrators():
    """The active accounts that administer the portal: superusers and holders of the administrator role."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(role_assignments__role=Role.ADMIN)).distinct()


def _refuse_last_administrator(account, message: str) -> None:
    admins = _administrators()
    if admins.filter(pk=account.pk).exists() and not admins.exclude(pk=account.pk).exists():
        raise UnitsError(message)


def _username_error(username: str, taken: bool) -> str | None:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    User = get_user_model()
    if not username:
        return _("Username is empty.")
    if len(username) > 150:
        return _("Username is longer than 150 characters.")
    try:
        User.username_validator(username)
    except ValidationError:
        return _("Username “%(value)s” may hold only letters, digits and @ . + - _.") % {"value": username}
    if taken:
        return _("An account with username %(username)s already exists.") % {"username": username}
    return None


def _require_grantable(user, unit: Unit) -> None:
    """Roles go on units of the office's own subtree only: a unit above or beside it is refused (the unit
    was typed by code, so the refusal is a message, not a 403)."""
    if user is not None and not user.has_perm("units.grant_role", unit):
        if not manages_unit(user, unit):  # R0.1 named by the code typed, not by the name of another county's unit
            raise UnitsError(_("%(unit)s is outside your subtree: roles are granted only on units of your own "
                               "subtree.") % {"unit": unit.code})
        raise UnitsError(_("%(unit)s is closed; it takes no new roles.") % {"unit": unit.name})


@transaction.atomic
def role_grant(*, user, account, unit: Unit, role: str, _new: bool = False) -> RoleAssignment:
    """R0.1 give ``account`` a role on a unit of the office's subtree (never above or beside it); kept in
    the history."""
    if role not in Role.values:
        raise UnitsError(_("Unknown role “%(value)s”.") % {"value": role})
    _require_grantable(user, unit)
    if not _new:
        require(user, "units.manage_account", account)
    assignment, created = RoleAssignment.objects.get_or_create(user=account, unit=unit, role=role)
    if not created:
        raise UnitsError(_("%(user)s already holds this role on %(unit)s.") % {
            "user": account.get_full_name() or account.username, "unit": unit.name})
    RoleChange.objects.create(by=user, user=account, unit=unit, role=role, action=RoleChange.Action.GRANTED)
    return assignment


@transaction.atomic
def role_revoke(*, user, assignment: RoleAssignment) -> RoleAssignment:
    """R0.1 take a role away (an office over its unit that manages the account); kept in the history. The
    last role is not revoked (deactivate the account instead), nor the last administrator's."""
    require(user, "units.revoke_role", assignment)
    account = assignment.user
    if not RoleAssignment.objects.filter(user=account).exclude(pk=assignment.pk).exists():
        raise UnitsError(_("This is the account's only role: deactivate the account instead."))
    if assignment.role == Role.ADMIN and not RoleAssignment.objects.filter(
            user=account, role=Role.ADMIN).exclude(pk=assignment.pk).exists() and not account.is_superuser:
        _refuse_last_administrator(account, _("This is the last administrator; the role cannot be revoked."))
    RoleChange.objects.create(by=user, user=account, unit=assignment.unit, role=assignment.role,
                              action=RoleChange.Action.REVOKED)
    assignment.delete()
    return assignment


@transaction.atomic
def account_create(*, user, username: str, full_name: str, unit: Unit, role: str):
    """R0.1 an office creates an account with its first role on a unit of its subtree; returns the account
    and its one-time password (to be changed at first login)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    require(user, "units.manage_accounts")
    _require_grantable(user, unit)
    username = (username or "").strip()
    error = _username_error(username, User.objects.filter(username__iexact=username).exists())
    if error:
        raise UnitsError(error)
    password = one_time_password()
    account = User.objects.create_user(username=username, password=password, first_name=(full_name or "").strip())
    _must_change(account, True)
    role_grant(user=user, account=account, unit=unit, role=role, _new=True)
    return account, password


@transaction.atomic
def password_reset(*, user, account) -> str:
    """R0.1 an office gives an account a new one-time password, shown once; the user must change it at the
    next login (the old sessions end with the old password)."""
    require(user, "units.manage_account", account)
    if account.pk == user.pk:
        raise UnitsError(_("You cannot reset your own password here; change it from your account menu."))
    password = one_time_password()
    account.set_password(password)
    account.save(update_fields=["password"])
    _must_change(account, True)
    return password


@transaction.atomic
def account_deactivate(*, user, account):
    """R0.1 an office closes an account (it can no longer log in; its roles and history stay). Never one's
    own account, nor the last administrator."""
    require(user, "units.manage_account", account)
    if account.pk == user.pk:
        raise UnitsError(_("You cannot deactivate your own account."))
    _refuse_last_administrator(account, _("This is the last administrator; the account cannot be deactivated."))
    account.is_active = False
    account.save(update_fields=["is_active"])
    return account


@transaction.atomic
def account_reactivate(*, user, account):
    """R0.1 an office opens a deactivated account again."""
    require(user, "units.manage_account", account)
    account.is_active = True
    account.save(update_fields=["is_active"])
    return account


def password_changed(*, user) -> None:
    """R0.1 the user replaced the one-time password: no longer sent to the password page."""
    AccountProfile.objects.filter(user=user, must_change_password=True).update(must_change_password=False)


def accounts_import_check(*, user, table: list[list[str]]) -> ImportPlan:
    """R0.1, R0.4 check a spreadsheet of accounts (username, full name, unit code, role): each row names its
    errors — a username taken or repeated, a unit unknown or outside the importer's subtree, a role that does
    not exist; nothing is written."""
    from django.contrib.auth import get_user_model

    plan = read_plan("accounts", table, ACCOUNT_COLUMNS)
    if plan.file_errors:
        return plan
    rows = plan.rows
    from django.db.models.functions import Lower

    names = {r.values.get("username", "").lower() for r in rows}
    taken = set(get_user_model().objects.annotate(lowered=Lower("username")).filter(lowered__in=names)
                .values_list("lowered", flat=True))
    units = {u.code: u for u in Unit.objects.filter(code__in={r.values.get("unit_code", "") for r in rows})}
    roles = _role_lookup()
    seen: dict[str, int] = {}
    for row in rows:
        v, e = row.values, row.errors
        username = v.get("username", "")
        if username.lower() in seen:
            e.append(_("Username %(username)s appears twice (also on row %(line)s).") % {
                "username": username, "line": seen[username.lower()]})
        elif error := _username_error(username, username.lower() in taken):
            e.append(error)
        seen.setdefault(username.lower(), row.line)
        if len(v.get("full_name", "")) > 150:
            e.append(_("Name is longer than 150 characters."))
        elif not v.get("full_name", ""):
            e.append(_("Name is empty."))
        unit = units.get(v.get("unit_code", ""))
        if unit is None:
            e.append(_("Unit %(code)s does not exist.") % {"code": v.get("unit_code", "")})
        elif not user.has_perm("units.grant_role", unit):
            e.append(_("Unit %(code)s is outside your scope.") % {"code": unit.code})
        if roles.get(v.get("role", "").lower()) is None:
            e.append(_("Unknown role “%(value)s”.") % {"value": v.get("role", "")})
    return plan


@transaction.atomic
def accounts_import_apply(*, user, table: list[list[str]]) -> list[tuple[str, str, str]]:
    """R0.1, R0.4 check again and create every account of the file, or none; returns (username, name,
    one-time password) per account, shown once."""
    require(user, "units.manage_accounts")
    plan = accounts_import_check(user=user, table=table)
    if not plan.ok:
        raise UnitsError(plan_failed(plan))
    units = {u.code: u for u in Unit.objects.filter(code__in={r.values["unit_code"] for r in plan.rows})}
    roles = _role_lookup()
    created = []
    for row in plan.rows:
        v = row.values
        account, password = account_create(user=user, username=v["username"], full_name=v["full_name"],
                                           unit=units[v["unit_code"]], role=str(roles[v["role"].lower()]))
        created.append((account.username, account.first_name, password))
    return created
