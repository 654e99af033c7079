"""Issue 14: ``/api/v1/`` (the resources), ``/api/schema/`` (OpenAPI 3), ``/api/docs/`` and ``/api/redoc/``."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("cadres", views.CadreViewSet, basename="cadre")
router.register("obligations", views.ObligationViewSet, basename="obligation")
router.register("study-sessions", views.StudySessionViewSet, basename="study-session")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("exam-results", views.ExamResultViewSet, basename="exam-result")
router.register("cards", views.CardViewSet, basename="card")
router.register("escalation-steps", views.EscalationStepViewSet, basename="escalation-step")
router.register("messages", views.MessageViewSet, basename="message")
router.register("notices", views.NoticeViewSet, basename="notice")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
