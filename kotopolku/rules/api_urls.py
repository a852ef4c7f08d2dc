"""API routes, included in the api_v1 list of config/urls.py."""

from django.urls import path

from kotopolku.rules import api

urlpatterns = [
    path("rules/drafts/", api.DraftListApi.as_view(), name="rules-drafts"),
    path("rules/drafts/<int:pk>/", api.DraftDetailApi.as_view(), name="rules-draft"),
    path("rules/drafts/<int:pk>/rows/", api.DraftRowsApi.as_view(), name="rules-draft-rows"),
    path(
        "rules/drafts/<int:pk>/preview/", api.DraftPreviewApi.as_view(), name="rules-draft-preview"
    ),
    path(
        "rules/drafts/<int:pk>/preview/jobs/<str:job>/",
        api.DraftPreviewJobApi.as_view(),
        name="rules-draft-preview-job",
    ),
]
