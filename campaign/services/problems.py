"""R3.1 the four-winds problem register and its submission; R3.2 comparison-check materials and their review."""
from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import PurePath

import rules
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.models import RoleAssignment, Unit
from units.scoping import WRITE_ROLES

from ..errors import CampaignError
from ..models import (
    Campaign,
    ComparisonMaterial,
    FourWindsProblem,
    MaterialStatus,
    MaterialSubject,
    ObligationKind,
    ProblemStatus,
)
from ..selectors.problems import latest_material
from .articles import recorded_user, text_from_file
from .campaign import obligation_fulfil, obligation_reopen
from .notifications import Recipients, notifications_settle, notify

_SYSTEM = object()  # the default "by" of callers acting as the system (demo loader, tasks): no check


def _require(perm: str, by, obj, message: str) -> None:
    """Refuse (with the area's own message) unless ``by`` holds ``perm`` on ``obj``; the system may."""
    if by is not _SYSTEM and not rules.has_perm(perm, by, obj):
        raise CampaignError(message)


PROBLEM_FIELDS = ("category", "common_problem", "route", "source", "description", "root_cause", "rectification",
                  "status", "due_date")


# --- R3.1 four-winds problems

def _problem_check(problem: FourWindsProblem) -> None:
    for name in ("description", "root_cause", "rectification"):
        setattr(problem, name, (getattr(problem, name) or "").strip())
    if problem.common_problem_id and problem.common_problem.campaign_id != problem.campaign_id:
        raise CampaignError(_("That common problem belongs to another campaign."))
    if not problem.description:
        raise CampaignError(_("Describe the problem."))
    if problem.status == ProblemStatus.RECTIFIED and not problem.rectification:
        raise CampaignError(_("A rectified problem needs its rectification described."))


@transaction.atomic
def problem_create(*, campaign: Campaign, unit: Unit, fields: dict, by) -> FourWindsProblem:
    """R3.1 record a four-winds problem of a unit."""
    _require("campaign.record_problem", by, unit,
             _("You may not record problems of %(unit)s.") % {"unit": unit.name})
    problem = FourWindsProblem(campaign=campaign, unit=unit, recorded_by=recorded_user(by),
                               **{k: v for k, v in fields.items() if k in PROBLEM_FIELDS})
    _problem_check(problem)
    problem.save()
    return problem


@transaction.atomic
def problem_update(*, problem: FourWindsProblem, fields: dict, by=_SYSTEM) -> FourWindsProblem:
    """R3.1 correct a problem: its route, root cause, rectification and status change as work goes on."""
    _require("campaign.change_problem", by, problem,
             _("You may not change problems of %(unit)s.") % {"unit": problem.unit.name})
    for name, value in fields.items():
        if name in PROBLEM_FIELDS:
            setattr(problem, name, value)
    _problem_check(problem)
    problem.save()
    return problem


@transaction.atomic
def problem_delete(*, problem: FourWindsProblem, by=_SYSTEM) -> None:
    """R3.1 delete a problem; a submitted list that is left empty counts as not submitted again."""
    _require("campaign.delete_problem", by, problem,
             _("You may not change problems of %(unit)s.") % {"unit": problem.unit.name})
    campaign, unit = problem.campaign, problem.unit
    problem.delete()
    if not FourWindsProblem.objects.filter(campaign=campaign, unit=unit).exists():
        obligation_reopen(campaign=campaign, unit=unit, kind=ObligationKind.FOUR_WINDS_LIST)


@transaction.atomic
def problem_list_submit(*, campaign: Campaign, unit: Unit, on: datetime.date, by=_SYSTEM) -> bool:
    """R3.1 submit a unit's problem list: it fulfils the unit's four-winds list obligation.

    Refused while the unit has recorded no problem or any problem lacks its root cause.
    Returns False when the list had already been submitted.
    """
    _require("campaign.submit_problem_list", by, unit,
             _("You may not submit the problem list of %(unit)s.") % {"unit": unit.name})
    problems = FourWindsProblem.objects.filter(campaign=campaign, unit=unit)
    total = problems.count()
    if not total:
        raise CampaignError(_("%(unit)s has recorded no four-winds problem yet: find the problems first.")
                            % {"unit": unit.name})
    missing = problems.filter(root_cause="").count()
    if missing:
        raise CampaignError(ngettext(
            "%(count)s of the %(total)s problems has no root cause yet; add it before submitting the list.",
            "%(count)s of the %(total)s problems have no root cause yet; add them before submitting the list.",
            missing) % {"count": missing, "total": total})
    if not unit.obligations.filter(campaign=campaign, kind=ObligationKind.FOUR_WINDS_LIST).exists():
        raise CampaignError(_("%(unit)s owes no four-winds problem list in this campaign.") % {"unit": unit.name})
    return obligation_fulfil(
        campaign=campaign, unit=unit, kind=ObligationKind.FOUR_WINDS_LIST, on=on,
        note=ngettext("%(count)s four-winds problem", "%(count)s four-winds problems", total) % {"count": total},
        url=reverse("campaign:problem_unit", args=[unit.pk]))


# --- R3.2 comparison-check materials

def _parent_path(unit: Unit) -> str:
    return unit.path[:-Unit.steplen]


def material_reviewer_ids(unit: Unit) -> set[int]:
    """R3.2 the staff to tell of a submission: the nearest office at or above the unit's parent."""
    parent_path = _parent_path(unit)
    prefixes = Unit.path_prefixes(parent_path)[::-1]
    bound = set(RoleAssignment.objects.filter(unit=unit).values_list("user_id", flat=True))
    by_path: dict[str, set[int]] = defaultdict(set)
    for user_id, path in RoleAssignment.objects.filter(
            role__in=WRITE_ROLES, unit__path__in=prefixes, user__is_active=True).values_list("user_id", "unit__path"):
        if user_id not in bound:
            by_path[path].add(user_id)
    return next((by_path[p] for p in prefixes if by_path[p]), set())


def material_submit_refusal(latest: ComparisonMaterial | None) -> str | None:
    """Why a new version cannot be submitted now (under review, or already approved), if it cannot."""
    if latest is None or latest.status == MaterialStatus.RETURNED:
        return None
    if latest.status == MaterialStatus.SUBMITTED:
        return _("Version %(version)s is under review; wait for the decision before submitting again.") % {
            "version": latest.version}
    return _("This material has been approved; no new version is needed.")


@transaction.atomic
def material_submit(*, campaign: Campaign, unit: Unit, subject: str, text: str, file: UploadedFile | None,
                    by) -> ComparisonMaterial:
    """R3.2 submit a team's or top leader's material for review; a returned one comes back as version + 1."""
    _require("campaign.submit_material", by, unit,
             _("You may not submit the materials of %(unit)s.") % {"unit": unit.name})
    if subject not in MaterialSubject.values:
        raise CampaignError(_("Unknown kind of material."))
    if not _parent_path(unit):
        raise CampaignError(_("%(unit)s has no upper committee to review its material.") % {"unit": unit.name})
    # Lock the unit row so two writers cannot both create the same next version.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    latest = latest_material(campaign, unit, subject)
    refusal = material_submit_refusal(latest)
    if refusal:
        raise CampaignError(refusal)
    text = text.strip()
    if file is not None and not text:
        text = text_from_file(file) or ""  # a PDF keeps an empty text box: the file is the material
    if not text and file is None:
        raise CampaignError(_("Enter the material's text or attach its file."))
    material = ComparisonMaterial(campaign=campaign, unit=unit, subject=subject, text=text,
                                  submitted_by=recorded_user(by), version=(latest.version + 1) if latest else 1)
    if file is not None:
        material.file.save(PurePath(file.name).name, file, save=False)
    material.save()
    notify(user_ids=material_reviewer_ids(unit),
           title=_("Comparison-check material to review: %(unit)s, %(subject)s, version %(version)s") % {
               "unit": unit.name, "subject": material.get_subject_display(), "version": material.version},
           body=_("Review it collectively and approve it or return it with comments."),
           url=reverse("campaign:material_detail", args=[material.pk]))
    return material


@transaction.atomic
def material_review(*, material: ComparisonMaterial, approve: bool, comment: str, by,
                    today: datetime.date | None = None) -> ComparisonMaterial:
    """R3.2 approve a material or return it with comments; both approved fulfils the unit's obligation."""
    material = ComparisonMaterial.objects.select_for_update().select_related("unit", "campaign").get(pk=material.pk)
    unit, campaign = material.unit, material.campaign
    if not rules.has_perm("campaign.review_material", by, unit):
        raise CampaignError(_("Only the office of the upper committee reviews this material."))
    newest = (ComparisonMaterial.objects.filter(campaign=campaign, unit=unit, subject=material.subject)
              .aggregate(v=Max("version"))["v"])
    if material.version != newest:
        raise CampaignError(_("Only the latest version can be reviewed."))
    if material.status != MaterialStatus.SUBMITTED:
        raise CampaignError(_("This version has already been reviewed."))
    comment = comment.strip()
    if not approve and not comment:
        raise CampaignError(_("Say in the comments what must change before returning the material."))
    material.status = MaterialStatus.APPROVED if approve else MaterialStatus.RETURNED
    material.review_comment = comment
    material.reviewed_by = recorded_user(by)
    material.reviewed_at = timezone.now()
    material.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    params = {"unit": unit.name, "subject": material.get_subject_display(), "version": material.version}
    if approve:
        title = _("Comparison-check material approved: %(unit)s, %(subject)s, version %(version)s") % params
    else:
        title = _("Comparison-check material returned: %(unit)s, %(subject)s, version %(version)s") % params
    notify(user_ids=Recipients().for_unit(unit.pk, unit.path), title=title, body=comment,
           url=reverse("campaign:material_detail", args=[material.pk]))
    notifications_settle(user=by, urls=[reverse("campaign:material_detail", args=[material.pk]),
                                        reverse("campaign:material_unit", args=[unit.pk])])
    if approve and _all_approved(campaign, unit):
        obligation_fulfil(campaign=campaign, unit=unit, kind=ObligationKind.COMPARISON_MATERIAL,
                          on=today or timezone.localdate(),
                          note=_("Team and top leader materials approved"),
                          url=reverse("campaign:material_unit", args=[unit.pk]))
    return material


def _all_approved(campaign: Campaign, unit: Unit) -> bool:
    latest = ComparisonMaterial.objects.filter(campaign=campaign, unit=unit).latest_versions()
    approved = set(latest.filter(status=MaterialStatus.APPROVED).values_list("subject", flat=True))
    return approved >= set(MaterialSubject.values)
