from django.urls import path

from kotopolku.governance import api

urlpatterns = [
    path("governance/groups/", api.GroupListApi.as_view(), name="governance-group-list"),
    path(
        "governance/groups/<int:pk>/", api.GroupDetailApi.as_view(), name="governance-group-detail"
    ),
    path(
        "governance/groups/<int:pk>/memberships/",
        api.GroupMembershipListApi.as_view(),
        name="governance-membership-list",
    ),
    path(
        "governance/groups/<int:pk>/memberships/<int:member>/end/",
        api.MembershipEndApi.as_view(),
        name="governance-membership-end",
    ),
    path("governance/meetings/", api.MeetingListApi.as_view(), name="governance-meeting-list"),
    path(
        "governance/meetings/<int:pk>/",
        api.MeetingDetailApi.as_view(),
        name="governance-meeting-detail",
    ),
    path(
        "governance/meetings/<int:pk>/approve/",
        api.MinutesApproveApi.as_view(),
        name="governance-minutes-approve",
    ),
    path(
        "governance/meetings/<int:pk>/items/",
        api.AgendaItemListApi.as_view(),
        name="governance-item-list",
    ),
    path(
        "governance/meetings/<int:pk>/items/<int:item>/",
        api.AgendaItemDetailApi.as_view(),
        name="governance-item-detail",
    ),
    path(
        "governance/meetings/<int:pk>/items/<int:item>/decision/",
        api.AgendaItemDecisionApi.as_view(),
        name="governance-item-decision",
    ),
    path("governance/tasks/", api.TaskListApi.as_view(), name="governance-task-list"),
    path(
        "governance/tasks/<int:pk>/complete/",
        api.TaskCompleteApi.as_view(),
        name="governance-task-complete",
    ),
    path("governance/reports/", api.ReportListApi.as_view(), name="governance-report-list"),
    path(
        "governance/reports/<int:pk>/",
        api.ReportDetailApi.as_view(),
        name="governance-report-detail",
    ),
    path(
        "governance/reports/<int:pk>/process/",
        api.ReportProcessApi.as_view(),
        name="governance-report-process",
    ),
    path(
        "governance/reports/<int:pk>/present/",
        api.ReportPresentApi.as_view(),
        name="governance-report-present",
    ),
]
