from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("units/", views.unit_tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/add/", views.unit_add_child, name="unit_add_child"),
    path("units/<int:pk>/close/", views.unit_close, name="unit_close"),
    path("units/<int:pk>/move/", views.unit_move, name="unit_move"),
    path("units/<int:pk>/cadres/add/", views.cadre_add, name="cadre_add"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/delete/", views.cadre_delete, name="cadre_delete"),
    path("import/", views.import_upload, name="import"),
    path("import/<str:token>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template/<str:kind>.xlsx", views.import_template, name="import_template"),
]

urlpatterns += [
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/add/", views.account_add, name="account_add"),
    path("accounts/import/", views.account_import, name="account_import"),
    path("accounts/import/<str:token>/confirm/", views.account_import_confirm, name="account_import_confirm"),
    path("accounts/import/template.xlsx", views.account_import_template, name="account_import_template"),
    path("accounts/whom-to-ask/", views.whom_to_ask, name="whom_to_ask"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/grant/", views.account_grant, name="account_grant"),
    path("accounts/<int:pk>/reset-password/", views.account_reset_password, name="account_reset_password"),
    path("accounts/<int:pk>/deactivate/", views.account_deactivate, name="account_deactivate"),
    path("roles/<int:pk>/revoke/", views.account_revoke, name="account_revoke"),
]
