from django.urls import path

from kotopolku.courses import api

urlpatterns = [
    path("courses/", api.CourseListApi.as_view(), name="course-list"),
    path("courses/<int:pk>/", api.CourseDetailApi.as_view(), name="course-detail"),
    path("courses/<int:pk>/sessions/", api.SessionListApi.as_view(), name="course-sessions"),
    path(
        "courses/<int:pk>/enrolments/",
        api.ParticipantListApi.as_view(),
        name="course-enrolments",
    ),
    path("enrolments/", api.EnrolmentCreateApi.as_view(), name="enrolment-create"),
    path(
        "enrolments/<int:pk>/placements/",
        api.PlacementListApi.as_view(),
        name="enrolment-placements",
    ),
    path("enrolments/<int:pk>/results/", api.ResultListApi.as_view(), name="enrolment-results"),
    path("sessions/<int:pk>/", api.SessionDetailApi.as_view(), name="session-detail"),
    path("sessions/<int:pk>/attendance/", api.AttendanceApi.as_view(), name="session-attendance"),
    path("attendance/", api.AttendanceListApi.as_view(), name="attendance-list"),
    path("placements/<int:pk>/", api.PlacementDetailApi.as_view(), name="placement-detail"),
    path("results/<int:pk>/", api.ResultDetailApi.as_view(), name="result-detail"),
    path(
        "clients/<int:pk>/course-progress/",
        api.ClientProgressApi.as_view(),
        name="client-course-progress",
    ),
]
