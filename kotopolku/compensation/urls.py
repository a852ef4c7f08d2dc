from django.urls import path

from kotopolku.compensation import views

app_name = "compensation"
urlpatterns = [
    path("", views.forecast, name="forecast"),
    path("forecast.<str:fmt>", views.forecast_export, name="forecast_export"),
    path("payment-lists/", views.payment_list_index, name="payment_lists"),
    path("payment-lists/upload/", views.payment_list_upload, name="payment_list_upload"),
    path("payment-lists/<int:pk>/", views.payment_list_detail, name="payment_list_detail"),
    path(
        "payment-lists/<int:pk>/expected-not-paid.xlsx",
        views.payment_list_missing_export,
        name="payment_list_missing_export",
    ),
    path("payment-lists/<int:pk>/decide/", views.payment_list_decide, name="payment_list_decide"),
    path("payment-lists/<int:pk>/remove/", views.payment_list_archive, name="payment_list_archive"),
    path("claims/", views.claim_index, name="claims"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/lines/", views.claim_line_add, name="claim_line_add"),
    path(
        "claims/<int:pk>/lines/<int:line_pk>/remove/",
        views.claim_line_remove,
        name="claim_line_remove",
    ),
    path("claims/<int:pk>/evidence/", views.claim_attachment_add, name="claim_attachment_add"),
    path(
        "claims/<int:pk>/evidence/<int:attachment_pk>/",
        views.claim_attachment,
        name="claim_attachment",
    ),
    path("claims/<int:pk>/submit/", views.claim_submit, name="claim_submit"),
    path("claims/<int:pk>/decide/", views.claim_decide, name="claim_decide"),
    path("claims/<int:pk>/summary.<str:fmt>", views.claim_export, name="claim_export"),
]
