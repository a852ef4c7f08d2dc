"""Programme API routes, included into the api_v1 list (URL names in the "api" namespace)."""

from django.urls import path

from kotopolku.programme import api

urlpatterns = [
    path("programmes/", api.ProgrammeListApi.as_view(), name="programme-list"),
    path("programmes/<int:pk>/", api.ProgrammeDetailApi.as_view(), name="programme-detail"),
    path("programmes/<int:pk>/compare/", api.CompareApi.as_view(), name="programme-compare"),
    path(
        "programmes/<int:pk>/versions/", api.VersionListApi.as_view(), name="programme-version-list"
    ),
    path(
        "programmes/<int:pk>/versions/<int:number>/",
        api.VersionDetailApi.as_view(),
        name="programme-version-detail",
    ),
    path(
        "programmes/<int:pk>/versions/<int:number>/submit/",
        api.VersionSubmitApi.as_view(),
        name="programme-version-submit",
    ),
    path(
        "programmes/<int:pk>/versions/<int:number>/approve/",
        api.VersionApproveApi.as_view(),
        name="programme-version-approve",
    ),
    path(
        "programmes/<int:pk>/policy-lines/",
        api.PolicyLineListApi.as_view(),
        name="policy-line-list",
    ),
    path("policy-lines/<int:pk>/", api.PolicyLineDetailApi.as_view(), name="policy-line-detail"),
    path("programmes/<int:pk>/goals/", api.GoalListApi.as_view(), name="goal-list"),
    path("goals/<int:pk>/", api.GoalDetailApi.as_view(), name="goal-detail"),
    path("goals/<int:pk>/measures/", api.MeasureListApi.as_view(), name="measure-list"),
    path("measures/<int:pk>/", api.MeasureDetailApi.as_view(), name="measure-detail"),
    path("goals/<int:pk>/indicators/", api.IndicatorListApi.as_view(), name="indicator-list"),
    path("indicators/<int:pk>/", api.IndicatorDetailApi.as_view(), name="indicator-detail"),
    path(
        "indicators/<int:pk>/entries/",
        api.MonitoringEntryListApi.as_view(),
        name="monitoring-entry-list",
    ),
]
