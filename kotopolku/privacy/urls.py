from django.urls import path

from kotopolku.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("clients/<int:pk>/", views.client_privacy, name="client"),
    path("clients/<int:pk>/export.json", views.export_json, name="export_json"),
    path("clients/<int:pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("clients/<int:pk>/log/", views.log_report, name="log_report"),
    path("clients/<int:pk>/log/download/", views.log_report_download, name="log_report_download"),
    path("clients/<int:pk>/history/", views.history, name="history"),
    path("clients/<int:pk>/erasure/new/", views.erasure_request_add, name="erasure_add"),
    path(
        "clients/<int:pk>/erasure/<int:request_pk>/decide/",
        views.erasure_request_decide,
        name="erasure_decide",
    ),
    path("clients/<int:pk>/restrict/", views.restriction_add, name="restriction_add"),
    path(
        "clients/<int:pk>/restrictions/<int:restriction_pk>/lift/",
        views.restriction_lift,
        name="restriction_lift",
    ),
    path("clients/<int:pk>/open/", views.restricted_open, name="restricted_open"),
]
