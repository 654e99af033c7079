from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.pending_imports, name="pending_imports"),
    path("<str:token>/discard/", views.pending_import_discard, name="pending_import_discard"),
]
