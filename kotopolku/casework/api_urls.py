"""Casework routes of /api/v1/ (included into the api_v1 list)."""

from django.urls import path

from kotopolku.casework import api

urlpatterns = [
    path("clients/<int:pk>/deadlines/", api.DeadlinesApi.as_view(), name="client-deadlines"),
    path(
        "clients/<int:pk>/assessments/",
        api.ClientAssessmentsApi.as_view(),
        name="client-assessments",
    ),
    path("clients/<int:pk>/plans/", api.ClientPlansApi.as_view(), name="client-plans"),
    path("plans/<int:pk>/reviews/", api.PlanReviewsApi.as_view(), name="plan-reviews"),
    path("casework/worklist/", api.WorklistApi.as_view(), name="worklist"),
    path("casework/contacts/", api.ContactListApi.as_view(), name="contact-list"),
    path("casework/referrals/", api.ReferralListApi.as_view(), name="referral-list"),
]
