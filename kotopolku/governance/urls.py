from django.urls import path

from kotopolku.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/new/", views.membership_add, name="member_add"),
    path("groups/<int:pk>/members/<int:member>/end/", views.membership_end, name="member_end"),
    path("groups/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/approve/", views.minutes_approve, name="minutes_approve"),
    path("meetings/<int:pk>/document/", views.meeting_document_view, name="meeting_document"),
    path("meetings/<int:pk>/calendar.ics", views.meeting_calendar, name="meeting_calendar"),
    path("meetings/<int:pk>/items/new/", views.item_add, name="item_add"),
    path("meetings/<int:pk>/items/<int:item>/edit/", views.item_edit, name="item_edit"),
    path("meetings/<int:pk>/items/<int:item>/decision/", views.item_decision, name="item_decision"),
    path("meetings/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/document/", views.report_document, name="report_document"),
    path("reports/<int:pk>/process/", views.report_process, name="report_process"),
    path("reports/<int:pk>/present/", views.report_present, name="report_present"),
    path("reports/<int:pk>/state-export/", views.state_export_view, name="state_export"),
]
