from django.urls import path

from kotopolku.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("export/", views.client_export, name="export"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/identity-code/", views.client_reveal_hetu, name="reveal"),
    path("<int:pk>/move/", views.client_move, name="move"),
    path("<int:pk>/transfer/", views.client_transfer, name="transfer"),
    path("<int:pk>/consents/new/", views.consent_add, name="consent_add"),
    path(
        "<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
