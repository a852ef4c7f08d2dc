from django.urls import path

from kotopolku.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("public/", views.public_catalogue, name="public"),
    path("completeness/", views.completeness, name="completeness"),
    path("new/", views.service_create, name="create"),
    path("<int:pk>/", views.service_detail, name="detail"),
    path("<int:pk>/edit/", views.service_edit, name="edit"),
    path("<int:pk>/archive/", views.service_archive, name="archive"),
    path("<int:pk>/ptv.json", views.ptv_export, name="ptv-export"),
    path("ptv/", views.ptv_sync, name="ptv"),
    path("ptv/<int:pk>/", views.ptv_run, name="ptv-run"),
]
