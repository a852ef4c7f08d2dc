from django.urls import path

from kotopolku.courses import views

app_name = "courses"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("new/", views.course_create, name="create"),
    path("attendance/import/", views.attendance_import, name="attendance_import"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("<int:pk>/edit/", views.course_edit, name="edit"),
    path("<int:pk>/sessions/add/", views.session_add, name="session_add"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("plan-services/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/status/", views.enrolment_status, name="enrolment_status"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("enrolments/<int:pk>/placements/add/", views.placement_add, name="placement_add"),
    path("enrolments/<int:pk>/results/add/", views.result_add, name="result_add"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement_edit"),
    path("results/<int:pk>/edit/", views.result_edit, name="result_edit"),
    path("results/<int:pk>/remove/", views.result_remove, name="result_remove"),
    path("clients/<int:pk>/", views.client_progress, name="client_progress"),
]
