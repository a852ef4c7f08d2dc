from django.urls import path

from kotopolku.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("overview/", views.overview, name="overview"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
    path("document.<str:fmt>", views.document, name="document"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/compute/", views.monitoring_compute, name="monitoring_compute"),
]
