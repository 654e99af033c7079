"""R2.3, R5.1 reads: meetings with who spoke and who has not, in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from units.models import Cadre, Unit
from units.querysets import unit_matching_q
from units.scoping import WRITE_ROLES, grants_of, scope_q

from ..models import Campaign, Meeting, MeetingSpeech

def writable_units(user, text: str, *, liaisons: bool = True, limit: int = 10, **unit_filters) -> list[Unit]:
    """Units the user may record for: those matching ``text`` in their write scope, else their own units.

    Office staff and administrators write in their subtree; a liaison (when ``liaisons``) only in their
    own unit. ``text`` has the one meaning of the unit filter: the name or the code contains it. One query.
    """
    superuser = getattr(user, "is_superuser", False)
    grants = [g for g in grants_of(user) if g.role in WRITE_ROLES or (liaisons and g.role == "liaison")]
    if not grants and not superuser:
        return []
    # (an empty Q would vanish from an OR: the superuser's "everything" is kept apart)
    writable = Q() if superuser else (
        Q(pk__in=[g.unit_id for g in grants if g.role == "liaison"]) | scope_q(user, roles=WRITE_ROLES))
    own = Q(pk__in=[g.unit_id for g in grants]) if grants else Q(depth=1)
    text = (text or "").strip()
    qs = Unit.objects.filter(writable, **unit_filters)
    qs = qs.filter(unit_matching_q(text)) if text else qs.filter(own)
    return list(qs.order_by("path")[:limit])


def _team_size() -> Coalesce:
    team = (Cadre.objects.filter(unit=OuterRef("unit"), is_team_member=True).order_by()
            .values("unit").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(team, output_field=IntegerField()), Value(0))


def _team_spoken() -> Coalesce:
    spoken = (MeetingSpeech.objects.filter(meeting=OuterRef("pk"), cadre__is_team_member=True).order_by()
              .values("meeting").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(spoken, output_field=IntegerField()), Value(0))


def meetings_for(user, campaign: Campaign) -> QuerySet[Meeting]:
    """R2.3 the campaign's meetings in the user's scope, each with its team size and how many spoke."""
    return (Meeting.objects.visible_to(user).filter(campaign=campaign).select_related("unit")
            .annotate(team_size=_team_size(), team_spoken=_team_spoken())
            .annotate(team_missing=F("team_size") - F("team_spoken"))
            .order_by("-date", "-pk"))


def with_speakers(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings with their speakers' names (one query more): the export's column."""
    return qs.prefetch_related(Prefetch("speeches", queryset=MeetingSpeech.objects.select_related("cadre").order_by("pk")))


@dataclass
class MeetingSheet:
    """R2.3 one meeting: the team members who spoke, and those of the unit's team who have not yet."""

    meeting: Meeting
    speeches: list[MeetingSpeech]
    missing: list[Cadre]

    @property
    def team_size(self) -> int:
        return sum(1 for s in self.speeches if s.cadre.is_team_member) + len(self.missing)


def meeting_sheet(meeting: Meeting) -> MeetingSheet:
    """Who spoke and who of the team has not (two queries)."""
    speeches = list(meeting.speeches.select_related("cadre").order_by("pk"))
    spoken = {s.cadre_id for s in speeches}
    missing = [c for c in Cadre.objects.filter(unit_id=meeting.unit_id, is_team_member=True)
               .order_by("-is_top_leader", "name") if c.pk not in spoken]
    return MeetingSheet(meeting=meeting, speeches=speeches, missing=missing)
