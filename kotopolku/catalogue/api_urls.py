"""Catalogue API routes, included into the api_v1 list (URL names in the "api" namespace)."""

from django.urls import path

from kotopolku.catalogue import api

urlpatterns = [
    path("catalogue/categories/", api.CategoryListApi.as_view(), name="category-list"),
    path(
        "catalogue/public/services/",
        api.PublicServiceListApi.as_view(),
        name="public-service-list",
    ),
    path("catalogue/services/", api.ServiceListApi.as_view(), name="service-list"),
    path("catalogue/services/<int:pk>/", api.ServiceDetailApi.as_view(), name="service-detail"),
    path(
        "catalogue/services/<int:pk>/archive/",
        api.ServiceArchiveApi.as_view(),
        name="service-archive",
    ),
    path("catalogue/completeness/", api.CompletenessApi.as_view(), name="completeness"),
]
