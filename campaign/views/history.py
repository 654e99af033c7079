"""Who changed what and when on study sessions and exam results (django-simple-history)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse

from units.history import history_rows

from ..models import Exam, ExamResult, StudySession


@login_required
def study_session_history(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(StudySession.objects.visible_to(request.user), pk=pk)
    rows = history_rows(session.history.select_related("history_user"), subject=lambda r: r.topic)
    return render(request, "history.html", {"title": session.topic, "rows": rows,
                                            "back_url": reverse("campaign:study_session_detail", args=[pk])})


@login_required
def exam_history(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.6 every result entered or corrected in an exam, by whom and when."""
    exam = get_object_or_404(Exam.objects.visible_to(request.user), pk=pk)
    records = ExamResult.history.filter(exam_id=exam.pk).select_related("history_user", "cadre")
    rows = history_rows(records, subject=lambda r: f"{r.cadre.name} · {r.score}")
    return render(request, "history.html", {"title": exam.title, "rows": rows,
                                            "back_url": reverse("campaign:exam_detail", args=[pk])})


urlpatterns = [
    path("study/sessions/<int:pk>/history/", study_session_history, name="study_session_history"),
    path("exams/<int:pk>/history/", exam_history, name="exam_history"),
]
