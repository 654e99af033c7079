"""Who changed what and when on study sessions and exam results (django-simple-history)."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from units.history import history_rows
from units.scoping import scope_q
from web.decorators import permission_required

from ..models import Exam, ExamResult, StudySession


@permission_required(None, StudySession.objects.visible_to)
def study_session_history(request: HttpRequest, session: StudySession) -> HttpResponse:
    rows = history_rows(session.history.select_related("history_user"), subject=lambda r: r.topic)
    return render(request, "history.html", {"title": session.topic, "rows": rows,
                                            "back_url": reverse("campaign:study_session_detail", args=[session.pk])})


@permission_required(None, Exam.objects.visible_to)
def exam_history(request: HttpRequest, exam: Exam) -> HttpResponse:
    """R2.6 every result entered or corrected in an exam, by whom and when (of the viewer's subtree)."""
    records = (ExamResult.history.filter(exam_id=exam.pk).filter(scope_q(request.user, "cadre__unit__"))
               .select_related("history_user", "cadre"))
    rows = history_rows(records, subject=lambda r: f"{r.cadre.name} · {r.score}")
    return render(request, "history.html", {"title": exam.title, "rows": rows,
                                            "back_url": reverse("campaign:exam_detail", args=[exam.pk])})


urlpatterns = [
    path("study/sessions/<int:pk>/history/", study_session_history, name="study_session_history"),
    path("exams/<int:pk>/history/", exam_history, name="exam_history"),
]
