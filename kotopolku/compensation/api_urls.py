"""API routes, included in the api_v1 list of config/urls.py."""

from django.urls import path

from kotopolku.compensation import api

urlpatterns = [
    path("compensation/forecast/", api.ForecastApi.as_view(), name="compensation-forecast"),
    path(
        "compensation/payment-lists/",
        api.PaymentListApi.as_view(),
        name="compensation-payment-lists",
    ),
    path(
        "compensation/payment-lists/<int:pk>/reconciliation/",
        api.ReconciliationApi.as_view(),
        name="compensation-reconciliation",
    ),
    path(
        "compensation/payment-lists/<int:pk>/decisions/",
        api.DecisionApi.as_view(),
        name="compensation-decisions",
    ),
    path("compensation/claims/", api.ClaimListApi.as_view(), name="compensation-claims"),
    path("compensation/claims/<int:pk>/", api.ClaimDetailApi.as_view(), name="compensation-claim"),
    path(
        "compensation/claims/<int:pk>/lines/",
        api.ClaimLineApi.as_view(),
        name="compensation-claim-lines",
    ),
    path(
        "compensation/claims/<int:pk>/attachments/",
        api.ClaimAttachmentApi.as_view(),
        name="compensation-claim-attachments",
    ),
    path(
        "compensation/claims/<int:pk>/status/",
        api.ClaimStatusApi.as_view(),
        name="compensation-claim-status",
    ),
]
