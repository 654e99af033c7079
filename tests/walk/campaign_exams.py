"""Exam pages (R2.6) in the URL × role walk."""
from . import LOGGED_IN_OK, MANAGE_COUNTY_A, POST_ONLY, READ_COUNTY_A


def _exam(c) -> dict:
    """The exam of 正定县, to walk its pages."""
    from campaign.models import Exam

    exam = Exam.objects.create(campaign=c.campaign, unit=c.tree.county_a, title="正定县领导干部考试",
                               date=c.campaign.study_end_city_county)
    return {"pk": exam.pk}


def _failed_result(c) -> dict:
    from campaign.models import Exam, ExamResult

    exam = Exam.objects.create(campaign=c.campaign, unit=c.tree.county_a, title="正定县领导干部考试",
                               date=c.campaign.study_end_city_county)
    return {"pk": ExamResult.objects.create(exam=exam, cadre=c.tree.cadre_a, score=40, passed=False).pk}


PAGES = {
    "campaign:exams": (lambda c: {}, LOGGED_IN_OK),
    "campaign:exam_add": (lambda c: {"pk": c.tree.county_a.pk}, MANAGE_COUNTY_A),
    "campaign:exam_owed": (lambda c: {}, LOGGED_IN_OK),
    "campaign:exam_detail": (_exam, READ_COUNTY_A),
    "campaign:exam_history": (_exam, READ_COUNTY_A),
    "campaign:exam_results": (_exam, MANAGE_COUNTY_A),
    "campaign:exam_import": (_exam, MANAGE_COUNTY_A),
    "campaign:exam_import_template": (_exam, MANAGE_COUNTY_A),
    "campaign:exam_import_confirm": (lambda c: {**_exam(c), "token": "0" * 32}, POST_ONLY),
    "campaign:exam_makeup": (_failed_result, POST_ONLY),
    "campaign:exam_result_delete": (_failed_result, MANAGE_COUNTY_A),
}
