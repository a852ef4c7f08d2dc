from django.urls import path

from kotopolku.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.rules_list, name="list"),
    path("drafts/new/", views.draft_create, name="draft_create"),
    path("drafts/<int:pk>/", views.draft_view, name="draft_detail"),
    path("drafts/<int:pk>/publish/", views.draft_publish, name="draft_publish"),
    path("drafts/<int:pk>/preview/", views.draft_preview_view, name="draft_preview"),
    path("drafts/<int:pk>/preview-job/", views.draft_preview_job, name="draft_preview_job"),
    path(
        "drafts/<int:pk>/preview/<str:fmt>/",
        views.draft_preview_export,
        name="draft_preview_export",
    ),
]
