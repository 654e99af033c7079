"""R0: the unit tree, cadres and the roles that bind users to units."""
from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from .querysets import CadreQuerySet, RoleAssignmentQuerySet, UnitManager


class Level(models.IntegerChoices):
    """R0.1 levels of the tree; the number is the depth a unit normally sits at."""

    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    COUNTY = 3, _("County")
    TOWNSHIP = 4, _("Township")
    VILLAGE = 5, _("Village / community")


#: R0.1 the levels a unit of each level may hang under: the tree's one shape rule (a county never hangs
#: directly under the province). Checked by every write that places a unit: create, edit, import.
ALLOWED_PARENT_LEVELS: dict[int, frozenset[int]] = {
    Level.PROVINCE: frozenset(),  # a root only
    Level.CITY: frozenset({Level.PROVINCE}),
    Level.COUNTY: frozenset({Level.CITY}),
    Level.TOWNSHIP: frozenset({Level.COUNTY}),
    Level.VILLAGE: frozenset({Level.TOWNSHIP}),
}


def placement_error(level: int, parent_level: int | None) -> str | None:
    """Why a unit of ``level`` may not hang under a unit of ``parent_level`` (``None``: a root), or
    ``None`` when it may."""
    from django.utils.translation import gettext

    allowed = ALLOWED_PARENT_LEVELS.get(level, frozenset())
    if parent_level is None:
        return None if not allowed else gettext("Only a province is a root of the tree.")
    if parent_level in allowed:
        return None
    if not allowed:
        return gettext("A province cannot hang under another unit.")
    return gettext("A %(level)s unit cannot hang directly under a %(parent)s unit; its parent must be a "
                   "%(allowed)s unit.") % {
        "level": Level(level).label, "parent": Level(parent_level).label,
        "allowed": "、".join(str(Level(a).label) for a in sorted(allowed)),
    }


class UnitKind(models.TextChoices):
    """R0.1 kinds of unit."""

    PARTY_COMMITTEE = "party_committee", _("Party committee")
    GOVERNMENT_DEPARTMENT = "government_department", _("Government department")
    ENTERPRISE = "enterprise", _("Province-managed enterprise")
    UNIVERSITY = "university", _("Province-run university")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    GRASSROOTS = "grassroots", _("Grassroots party organisation")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")


class Unit(MP_Node):
    """R0.1 a unit of the campaign: a node of the materialized-path tree."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    is_backward_village = models.BooleanField(_("backward village"), default=False)
    is_hardest_unit = models.BooleanField(_("hardest unit"), default=False)
    #: R0.1 a unit closed or merged during the campaign stays in the tree (its records are history) but
    #: owes nothing from this day on and leaves rankings and dashboards' denominators.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("merged into"))

    objects = UnitManager()

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["level", "kind"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("units:unit_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.closed_on is None

    @property
    def is_grassroots(self) -> bool:
        return self.level >= Level.TOWNSHIP or self.kind == UnitKind.GRASSROOTS

    @classmethod
    def path_prefixes(cls, path: str, *, include_self: bool = True) -> list[str]:
        """The materialized paths of the unit at ``path``'s ancestors, the root's first, then its own (unless
        ``include_self`` is false): the one way the apps walk up the tree without a query."""
        end = len(path) + 1 if include_self else len(path)
        return [path[:i] for i in range(cls.steplen, end, cls.steplen)]


class Rank(models.TextChoices):
    """R0.2 ranks of cadres."""

    PROVINCIAL = "provincial", _("Provincial level")
    DEPARTMENT = "department", _("Department level")
    COUNTY = "county", _("County level")
    SECTION = "section", _("Section level and below")


class SpecialGroup(models.TextChoices):
    """R0.3 special groups that must still be covered by the campaign."""

    NONE = "", _("None")
    STEPPED_BACK = "stepped_back", _("Stepped back, not retired")
    SANCTIONED = "sanctioned", _("Under disciplinary sanction")
    MOBILE_MEMBER = "mobile_member", _("Mobile party member")


class PathCopyField(models.CharField):
    """A copy of a unit's materialized path (issue 13: ``Cadre.unit_path``). On PostgreSQL in the "C" collation:
    paths compare byte by byte, as treebeard orders them, and a prefix ``LIKE`` (the scope of a county's user)
    is a range of the same index that sorts the list, whatever the database's own collation."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class Cadre(models.Model):
    """R0.2 a cadre of a unit, with rank and leadership flags; R0.3 special group."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=100, blank=True)
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices, default=Rank.SECTION)
    is_top_leader = models.BooleanField(_("top leader"), default=False)
    is_team_member = models.BooleanField(_("leadership team member"), default=False)
    is_party_secretary = models.BooleanField(_("party secretary"), default=False)
    is_party_member = models.BooleanField(_("party member"), default=True)
    special_group = models.CharField(
        _("special group"), max_length=16, choices=SpecialGroup.choices, default=SpecialGroup.NONE, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    #: issue 13: the unit's materialized path, kept on the cadre so the list (300,000 cadres of a province)
    #: is scoped, sorted and paged by one index of this table, never by a join to every unit. Written by
    #: ``save`` and by the bulk loaders; a move rewrites it with the units' paths (``units.receivers``).
    unit_path = PathCopyField(max_length=255, default="", editable=False)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["unit_path", "-is_top_leader", "-is_team_member", "name", "id"]
        indexes = [models.Index(fields=["rank"]), models.Index(fields=["name"]),
                   # the list's order; ``post`` included so a search by name or post reads the index alone
                   models.Index(fields=["unit_path", "-is_top_leader", "-is_team_member", "name", "id"],
                                include=["post"], name="units_cadre_list_order")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ("unit" in update_fields or "unit_id" in update_fields):
            kwargs["update_fields"] = {*update_fields, "unit_path"}
        with transaction.atomic(using=kwargs.get("using")):
            # the unit's path as committed now, its row locked: a move of the unit running meanwhile finishes
            # first (and its rewrite of the cadres' copies sees this one) or waits for this save
            self.unit_path = (Unit.objects.select_for_update().filter(pk=self.unit_id)
                              .values_list("path", flat=True).first() or "")
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("units:cadre_detail", args=[self.pk])


class Role(models.TextChoices):
    """The portal's roles, each bound to a unit (its subtree is the user's scope)."""

    OFFICE = "office", _("Activity office staff")
    SUPERVISOR = "supervisor", _("Supervision group member")
    LIAISON = "liaison", _("Unit liaison")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")


class RoleAssignment(models.Model):
    """A row (user, unit, role): the user acts in that role over the unit's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"),
        db_index=False,
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_user_unit_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class AccountProfile(models.Model):
    """R0.1 what the portal keeps about an account beside Django's user: whether it still has to replace a
    one-time password (set by an office's reset or account creation, cleared when the user changes it)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_profile",
                                verbose_name=_("user"))
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("account profile")
        verbose_name_plural = _("account profiles")

    def __str__(self) -> str:
        return str(self.user)


class RoleChange(models.Model):
    """R0.1 one grant or revocation of a role: who did it, when, which user, unit and role (kept for good)."""

    class Action(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REVOKED = "revoked", _("Revoked")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_changes",
                             verbose_name=_("user"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_changes", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.user} · {self.get_role_display()} · {self.unit}"


class UserSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "UserSessionQuerySet":
        """A signed-in session is its user's alone: nobody else lists or ends it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def live(self) -> "UserSessionQuerySet":
        return self.filter(ended_at__isnull=True)


class UserSession(models.Model):
    """Issue 15: one log-in of a user — from where, on what, since when — so the user sees their sessions and
    ends one (a lost phone, a shared computer)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions",
                             verbose_name=_("user"))
    session_key = models.CharField(max_length=40, unique=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.ip or ''} {self.created_at:%Y-%m-%d %H:%M}"
