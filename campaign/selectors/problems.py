"""R3.1 and R3.2 reads: the figures above the lists, a unit's register and materials, the exports."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from units.models import Unit
from units.scoping import WRITE_ROLES, grants_of, scope_paths

from ..models import (
    Campaign,
    ComparisonMaterial,
    FourWinds,
    FourWindsProblem,
    MaterialStatus,
    MaterialSubject,
    Obligation,
    ObligationKind,
    ProblemStatus,
)

# --- R3.1


@dataclass(frozen=True)
class ProblemFigures:
    total: int = 0
    rectified: int = 0
    overdue: int = 0
    no_root_cause: int = 0
    by_category: tuple[tuple[str, str, int], ...] = ()


def problem_figures(problems: QuerySet[FourWindsProblem], today: datetime.date) -> ProblemFigures:
    """R3.1 totals of a (scoped) problem queryset, by the four winds, in one query."""
    aggregates = {
        "total": Count("pk"),
        "rectified": Count("pk", filter=Q(status=ProblemStatus.RECTIFIED)),
        "overdue": Count("pk", filter=Q(due_date__lt=today) & ~Q(status=ProblemStatus.RECTIFIED)),
        "no_root_cause": Count("pk", filter=Q(root_cause="")),
    }
    aggregates |= {f"wind_{value}": Count("pk", filter=Q(category=value)) for value in FourWinds.values}
    row = problems.aggregate(**aggregates)
    by_category = tuple((value, label, row.pop(f"wind_{value}")) for value, label in FourWinds.choices)
    return ProblemFigures(by_category=by_category, **row)


def problem_export_rows(problems: QuerySet[FourWindsProblem]) -> tuple[list[str], list[list]]:
    """R3.1 the problem list as spreadsheet rows."""
    headers = [_("Unit"), _("Unit code"), _("Category"), _("Common problem"), _("How it was found"), _("Source"),
               _("Problem"), _("Root cause"), _("Rectification"), _("Status"), _("Rectify by"), _("Recorded")]
    rows = [[p.unit.name, p.unit.code, p.get_category_display(), str(p.common_problem or ""),
             p.get_route_display(), p.get_source_display(), p.description, p.root_cause, p.rectification,
             p.get_status_display(), p.due_date, p.created_at]
            for p in problems.select_related("unit", "common_problem").iterator(chunk_size=2000)]
    return headers, rows


def four_winds_obligation(unit: Unit, campaign: Campaign) -> Obligation | None:
    """R3.1 the unit's four-winds list obligation (None when the unit owes none)."""
    return Obligation.objects.filter(campaign=campaign, unit=unit, kind=ObligationKind.FOUR_WINDS_LIST).first()


# --- R3.2


def awaiting_review_q(user) -> Q:
    """R3.2 materials waiting for this user's review: submitted, below a unit of the user's office scope
    (strictly below, so the unit's parent is in scope), and not of a unit the user is bound to."""
    paths = scope_paths(user, WRITE_ROLES)
    if paths is None:
        below = ~Q(unit__depth=1)
    elif not paths:
        return Q(pk__in=[])
    else:
        below = Q()
        for path in paths:
            below |= Q(unit__path__startswith=path) & ~Q(unit__path=path)
    bound = [g.unit_id for g in grants_of(user)]
    return Q(status=MaterialStatus.SUBMITTED) & below & ~Q(unit_id__in=bound)


@dataclass(frozen=True)
class MaterialFigures:
    units: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0
    awaiting_me: int = 0


def material_figures(latest: QuerySet[ComparisonMaterial], awaiting_q: Q) -> MaterialFigures:
    """R3.2 the latest versions by status, and how many await the user, in one query."""
    return MaterialFigures(**latest.aggregate(
        units=Count("unit", distinct=True),
        submitted=Count("pk", filter=Q(status=MaterialStatus.SUBMITTED)),
        returned=Count("pk", filter=Q(status=MaterialStatus.RETURNED)),
        approved=Count("pk", filter=Q(status=MaterialStatus.APPROVED)),
        awaiting_me=Count("pk", filter=awaiting_q),
    ))


def material_export_rows(materials: QuerySet[ComparisonMaterial]) -> tuple[list[str], list[list]]:
    """R3.2 the material list as spreadsheet rows."""
    headers = [_("Unit"), _("Unit code"), _("Whose material"), _("Version"), _("Status"), _("Submitted"),
               _("Reviewed"), _("Review comment"), _("File")]
    rows = [[m.unit.name, m.unit.code, m.get_subject_display(), m.version, m.get_status_display(), m.submitted_at,
             m.reviewed_at, m.review_comment, m.file_name]
            for m in materials.select_related("unit").iterator(chunk_size=2000)]
    return headers, rows


@dataclass
class MaterialTrack:
    """The versions of one subject's material of one unit, newest first."""

    subject: str
    label: str
    versions: list[ComparisonMaterial] = field(default_factory=list)

    @property
    def latest(self) -> ComparisonMaterial | None:
        return self.versions[0] if self.versions else None

    @property
    def can_resubmit(self) -> bool:
        return self.latest is None or self.latest.status == MaterialStatus.RETURNED


def material_tracks(unit: Unit, campaign: Campaign) -> list[MaterialTrack]:
    """R3.2 the team's and the top leader's material of a unit with every version, in one query."""
    tracks = {value: MaterialTrack(value, label) for value, label in MaterialSubject.choices}
    for material in ComparisonMaterial.objects.filter(campaign=campaign, unit=unit).order_by("subject", "-version"):
        tracks[material.subject].versions.append(material)
    return list(tracks.values())


def latest_material(campaign: Campaign, unit: Unit, subject: str) -> ComparisonMaterial | None:
    """R3.2 the newest version of a unit's material for one subject, if any."""
    return (ComparisonMaterial.objects.filter(campaign=campaign, unit=unit, subject=subject)
            .order_by("-version").first())


def material_versions(material: ComparisonMaterial) -> list[ComparisonMaterial]:
    """R3.2 every version of the same unit's material for the same subject, newest first."""
    return list(ComparisonMaterial.objects.filter(campaign=material.campaign_id, unit=material.unit_id,
                                                  subject=material.subject)
                .select_related("submitted_by", "reviewed_by").order_by("-version"))
