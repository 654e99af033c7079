from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("setup/", views.setup, name="setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("off/", views.turn_off, name="turn_off"),
    path("reset/<int:pk>/", views.reset, name="reset"),
]
