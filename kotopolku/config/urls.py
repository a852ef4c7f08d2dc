from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kotopolku.access.views import public
from kotopolku.audit import api as audit_api
from kotopolku.clients import api as clients_api
from kotopolku.common import accounts
from kotopolku.common.views import healthz, readyz, statement
from kotopolku.config.api_docs import DocsAccess, docs_page
from kotopolku.organisations import api as organisations_api


class FaviconRedirect(RedirectView):
    """Redirect to the hashed static favicon, resolved per request: the manifest exists only
    after collectstatic, so it must not be read when the URLconf is imported."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


api_v1 = [
    path("", include("kotopolku.compensation.api_urls")),
    path("", include("kotopolku.casework.api_urls")),
    path("", include("kotopolku.governance.api_urls")),
    path("", include("kotopolku.courses.api_urls")),
    path("", include("kotopolku.catalogue.api_urls")),
    path("", include("kotopolku.programme.api_urls")),
    path("", include("kotopolku.rules.api_urls")),
    path("audit/", audit_api.AuditEventListApi.as_view(), name="audit-list"),
    path("clients/", clients_api.ClientListApi.as_view(), name="client-list"),
    path("clients/search/", clients_api.ClientSearchApi.as_view(), name="client-search"),
    path("clients/<int:pk>/", clients_api.ClientDetailApi.as_view(), name="client-detail"),
    path(
        "clients/<int:pk>/transfer/",
        clients_api.ClientTransferApi.as_view(),
        name="client-transfer",
    ),
    path(
        "organisations/", organisations_api.OrganisationListApi.as_view(), name="organisation-list"
    ),
    path(
        "organisations/<int:pk>/",
        organisations_api.OrganisationDetailApi.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<int:pk>/memberships/",
        organisations_api.MembershipListApi.as_view(),
        name="membership-list",
    ),
]

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("healthz", public(healthz), name="healthz"),
    path("accessibility/", public(statement), {"kind": "accessibility"}, name="accessibility"),
    path("privacy-notice/", public(statement), {"kind": "privacy"}, name="privacy_notice"),
    path(
        "favicon.ico",
        public(FaviconRedirect.as_view()),
        name="favicon",
    ),
    path("readyz", public(readyz), name="readyz"),
    path("organisations/", include("kotopolku.organisations.urls")),
    path("compensation/", include("kotopolku.compensation.urls")),
    path("clients/", include("kotopolku.clients.urls")),
    path("casework/", include("kotopolku.casework.urls")),
    path("courses/", include("kotopolku.courses.urls")),
    path("rules/", include("kotopolku.rules.urls")),
    path("catalogue/", include("kotopolku.catalogue.urls")),
    path("programme/", include("kotopolku.programme.urls")),
    path("governance/", include("kotopolku.governance.urls")),
    path("audit/", include("kotopolku.audit.urls")),
    path("security/", include("kotopolku.security.urls")),
    path("statistics/", include("kotopolku.statistics.urls")),
    path("privacy/", include("kotopolku.privacy.urls")),
    path("jobs/", include("kotopolku.jobs.urls")),
    path("notifications/", include("kotopolku.notifications.urls")),
    path("calendar/", include("kotopolku.calendar.urls")),
    path("api/v1/", include((api_v1, "api"))),
    # Open with DEBUG or API_DOCS_PUBLIC, else for signed-in users (config/api_docs.py).
    path(
        "api/schema/",
        public(SpectacularAPIView.as_view(permission_classes=[DocsAccess])),
        name="schema",
    ),
    path(
        "api/docs/",
        public(
            docs_page(
                SpectacularSwaggerSplitView.as_view(
                    url_name="schema", permission_classes=[DocsAccess]
                )
            )
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

handler400 = "kotopolku.common.errors.bad_request"
handler403 = "kotopolku.common.errors.forbidden"
handler404 = "kotopolku.common.errors.not_found"
handler500 = "kotopolku.common.errors.server_error"
