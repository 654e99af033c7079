"""Issue 14: ``/api/v1/`` (the resources), ``/api/schema/`` (OpenAPI 3), ``/api/docs/`` and ``/api/redoc/``."""
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

#: CSP (issue 15): ReDoc cannot work under the site's policy, so its one page gets these additions (scripts stay
#: 'self' only; every other page, Swagger UI included, has the plain policy):
#: - style-src: ReDoc (styled-components) writes its styles into <style> elements at run time; they carry the
#:   response's nonce (templates/drf_spectacular/redoc.html → static/js/redoc_init.js). The bundle also
#:   injects perfect-scrollbar's CSS when it loads, before it can know a nonce: that <style> is allowed by
#:   its hash (and the empty element it starts as by the empty string's). A new drf-spectacular-sidecar with
#:   other CSS fails tests/browser (the console names the new hash).
#: - worker-src blob:: ReDoc's search runs in a web worker it creates from a blob: URL.
#: The Redocly logo ReDoc loads from cdn.redoc.ly stays refused (no third-party request; ReDoc hides it).
REDOC_CSP = {
    "style-src": [NONCE,
                  "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar's CSS
                  "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"],  # "" (the element before its CSS)
    "worker-src": [SELF, "blob:"],
}

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
    path("redoc/", csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
]
