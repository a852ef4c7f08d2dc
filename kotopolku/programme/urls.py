from django.urls import path

from kotopolku.programme import views

app_name = "programme"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/compare/", views.version_compare, name="compare"),
    path("<int:pk>/versions/new/", views.version_start, name="version_start"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/versions/<int:number>/document/", views.version_document, name="document"),
    path("<int:pk>/versions/<int:number>/submit/", views.version_submit, name="submit"),
    path("<int:pk>/versions/<int:number>/approve/", views.version_approve, name="approve"),
    path("<int:pk>/policy-lines/new/", views.policy_line_edit, name="policy_line_create"),
    path("<int:pk>/policy-lines/<int:item>/edit/", views.policy_line_edit, name="policy_line_edit"),
    path("<int:pk>/goals/new/", views.goal_edit, name="goal_create"),
    path("<int:pk>/goals/<int:item>/", views.goal_detail, name="goal"),
    path("<int:pk>/goals/<int:item>/edit/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/goals/<int:goal_pk>/measures/new/", views.measure_edit, name="measure_create"),
    path(
        "<int:pk>/goals/<int:goal_pk>/measures/<int:item>/edit/",
        views.measure_edit,
        name="measure_edit",
    ),
    path(
        "<int:pk>/goals/<int:goal_pk>/indicators/new/",
        views.indicator_edit,
        name="indicator_create",
    ),
    path(
        "<int:pk>/goals/<int:goal_pk>/indicators/<int:item>/edit/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "<int:pk>/goals/<int:goal_pk>/indicators/<int:item>/entries/",
        views.monitoring_entry_add,
        name="entry_add",
    ),
    path("<int:pk>/<slug:kind>/<int:item>/archive/", views.planning_archive, name="archive"),
]
