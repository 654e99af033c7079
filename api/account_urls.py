"""Issue 14: the user's own account page, where personal API tokens are made and revoked."""
from django.urls import path

from . import account_views

urlpatterns = [
    path("", account_views.account_me, name="account_me"),
    path("tokens/<int:pk>/revoke/", account_views.token_revoke, name="api_token_revoke"),
    path("sessions/<int:pk>/end/", account_views.session_end_view, name="session_end"),
]
