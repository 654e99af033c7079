"""Four-winds problems (R3.1) and comparison-check materials (R3.2) of 正定县 in the URL × role walk."""
from django.core.files.base import ContentFile

from . import LOGGED_IN_OK, POST_ONLY, READ_COUNTY_A, WRITE_COUNTY_A_RECORDS


def _problem(c) -> dict:
    from campaign.models import FourWindsProblem

    problem, _ = FourWindsProblem.objects.get_or_create(
        campaign=c.campaign, unit=c.tree.county_a,
        defaults={"category": "formalism", "route": "masses", "description": "会议多、文件多", "root_cause": "政绩观偏差"})
    return {"pk": problem.pk}


def _material(c) -> dict:
    from campaign.models import ComparisonMaterial

    material = ComparisonMaterial.objects.filter(campaign=c.campaign, unit=c.tree.county_a).first()
    if material is None:
        material = ComparisonMaterial(campaign=c.campaign, unit=c.tree.county_a, subject="team", text="对照检查")
        material.file.save("对照检查材料.txt", ContentFile("对照检查".encode()), save=True)
    return {"pk": material.pk}


PAGES = {
    "campaign:problems": (lambda c: {}, LOGGED_IN_OK),
    "campaign:problem_unit": (lambda c: {"pk": c.tree.county_a.pk}, READ_COUNTY_A),
    "campaign:problem_add": (lambda c: {"pk": c.tree.county_a.pk}, WRITE_COUNTY_A_RECORDS),
    "campaign:problem_list_submit": (lambda c: {"pk": c.tree.county_a.pk}, POST_ONLY),
    "campaign:problem_edit": (_problem, WRITE_COUNTY_A_RECORDS),
    "campaign:problem_delete": (_problem, WRITE_COUNTY_A_RECORDS),
    "campaign:materials": (lambda c: {}, LOGGED_IN_OK),
    "campaign:material_unit": (lambda c: {"pk": c.tree.county_a.pk}, READ_COUNTY_A),
    # nothing submitted yet for the top leader: the form is shown
    "campaign:material_submit": (lambda c: {"pk": c.tree.county_a.pk, "subject": "top_leader"},
                                 WRITE_COUNTY_A_RECORDS),
    "campaign:material_detail": (_material, READ_COUNTY_A),
    "campaign:material_review": (_material, POST_ONLY),
    "campaign:material_file": (_material, READ_COUNTY_A),
}
