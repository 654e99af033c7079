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
