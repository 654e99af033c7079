"""URLs of the supervision app (mounted at /supervision/); each view module carries its ``urlpatterns``."""
from .views import attention, cards, checks, dispatch, escalation, groups, history, inspections

app_name = "supervision"

urlpatterns = [*groups.urlpatterns, *cards.urlpatterns, *escalation.urlpatterns, *dispatch.urlpatterns,
               *checks.urlpatterns, *inspections.urlpatterns, *attention.urlpatterns,
               *history.urlpatterns]
