from django.urls import path

from kotopolku.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("filters/save/", views.worklist_filter_save, name="worklist_filter_save"),
    path("filters/<int:pk>/delete/", views.worklist_filter_delete, name="worklist_filter_delete"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/add/", views.contact_add, name="contact_add"),
    path("clients/<int:pk>/", views.case, name="case"),
    path("clients/<int:pk>/assessments/add/", views.assessment_add, name="assessment_add"),
    path("clients/<int:pk>/plans/add/", views.plan_add, name="plan_add"),
    path("clients/<int:pk>/referrals/add/", views.referral_add, name="referral_add"),
    path("assessments/<int:pk>/", views.assessment_edit, name="assessment_edit"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/print/", views.plan_print, name="plan_print"),
    path("plans/<int:pk>/services/add/", views.plan_service_add, name="plan_service_add"),
    path("plans/<int:pk>/reviews/add/", views.plan_review_add, name="plan_review_add"),
    path("plans/<int:pk>/extend/", views.plan_extend, name="plan_extend"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan_close"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/withdraw/", views.referral_withdraw, name="referral_withdraw"),
    path("referrals/<int:pk>/<slug:answer>/", views.referral_answer, name="referral_answer"),
]
