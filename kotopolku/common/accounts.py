"""Log-in, log-out and the staff home page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from kotopolku.access import organisations as perms
from kotopolku.access.views import public, requires
from kotopolku.audit.home import audit_today
from kotopolku.casework.home import casework_today
from kotopolku.courses.home import courses_today
from kotopolku.governance.selectors import home_tasks
from kotopolku.organisations.selectors import region_overview


class LoginForm(AuthenticationForm):
    # The same message whether or not the username exists.
    error_messages = {
        "invalid_login": _("The username or password is incorrect."),
        "inactive": _("The username or password is incorrect."),
    }


login = public(
    never_cache(
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        )
    )
)
logout = public(auth_views.LogoutView.as_view())


@requires(perms.STAFF_HOME)
def home(request):
    return render(
        request,
        "home.html",
        {
            "regions": region_overview(),
            **casework_today(user=request.user),
            **courses_today(user=request.user),
            **audit_today(user=request.user),
            **home_tasks(user=request.user),
        },
    )


def no_role(request):
    return render(request, "no_role.html", status=403)
