"""URLs of the supervision app (mounted at /supervision/); each view module carries its ``urlpatterns``."""
from .views import cards, escalation, groups

app_name = "supervision"

urlpatterns = [*groups.urlpatterns, *cards.urlpatterns, *escalation.urlpatterns]
