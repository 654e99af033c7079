"""URLs of the campaign app: each area's view module carries its own ``urlpatterns``."""
from importlib import import_module

app_name = "campaign"

AREAS = ["core", "study", "meetings", "exams", "articles", "problems", "notices"]

urlpatterns = []
for area in AREAS:
    try:
        module = import_module(f"campaign.views.{area}")
    except ModuleNotFoundError as exc:  # an area not written yet
        if exc.name != f"campaign.views.{area}":
            raise
        continue
    urlpatterns += module.urlpatterns
