from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.login import AdminLoginForm, LoginView
from config.health import health
from dashboards.views import search, todo
from units.views import password_change

admin.site.login_form = AdminLoginForm  # a too-long user name is a message, not a server error

urlpatterns = [
    path("", todo, name="home"),
    path("healthz", health, name="health"),
    path("search/", search, name="search"),
    path("accounts/login/", LoginView.as_view(), name="login"),  # issue 15: says when the LDAP directory is down
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", password_change, name="password_change"),
    # the address people guess (and the issue tried): to the page that changes one's own password
    path("accounts/password_change/", RedirectView.as_view(pattern_name="password_change", permanent=False)),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("units.urls")),
    path("campaign/", include("campaign.urls")),
    path("supervision/", include("supervision.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("imports/", include("web.urls")),
    path("api/", include("api.urls")),
    path("audit/", include("audit.views")),
    path("accounts/me/", include("api.account_urls")),
    path("accounts/two-step/", include("accounts.urls")),
    path("", include("feedback.urls")),
]
# Issue 15: no /media/ route, not even with DEBUG: uploaded files leave only through the download views,
# which check the user's scope and permission.
