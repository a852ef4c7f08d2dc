from django.urls import path

from kotopolku.security import views

app_name = "security"

urlpatterns = [
    path("reauthenticate/", views.reauth, name="reauth"),
    path("two-factor/", views.otp_setup, name="otp-setup"),
    path("two-factor/verify/", views.otp_verify, name="otp-verify"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("sso/login/", views.oidc_authenticate, name="oidc-authenticate"),
    path("sso/callback/", views.oidc_callback, name="oidc-callback"),
]
