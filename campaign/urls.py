"""URLs of the campaign app: each area's view module carries its own ``urlpatterns``."""
from .views import articles, core, exams, history, liaison, meetings, notices, problems, publicity, study

app_name = "campaign"

urlpatterns = [
    *core.urlpatterns,
    *study.urlpatterns,
    *meetings.urlpatterns,
    *exams.urlpatterns,
    *articles.urlpatterns,
    *problems.urlpatterns,
    *notices.urlpatterns,
    *liaison.urlpatterns,
    *publicity.urlpatterns,
    *history.urlpatterns,
]
