from django.urls import path

from kotopolku.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/<slug:name>/run/", views.schedule_run_now, name="schedule_run"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/status/", views.job_status, name="status"),
    path("<uuid:pk>/download/", views.job_download, name="download"),
]
