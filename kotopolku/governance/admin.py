"""The state reporting profiles (authority name and field list) are configured here: they are
data, not code, because the authorities and their forms change (ELY → elinvoimakeskus, 2026)."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from kotopolku.governance.models import (
    AnnualReport,
    FollowUpTask,
    GroupMembership,
    Meeting,
    StateReportingField,
    StateReportingProfile,
    WorkingGroup,
)


class StateReportingFieldInline(TranslationTabularInline):
    model = StateReportingField
    extra = 1


@admin.register(StateReportingProfile)
class StateReportingProfileAdmin(TranslationAdmin):
    list_display = ["authority_name", "region", "valid_from"]
    inlines = [StateReportingFieldInline]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(TranslationAdmin):
    list_display = ["name", "kind", "region", "min_meetings_per_year"]


@admin.register(GroupMembership)
class GroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["group", "organisation", "role", "term_start", "term_end"]
    list_filter = ["group", "role"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["group", "date", "minutes_approved_at", "archived"]
    readonly_fields = ["minutes_approved_at", "minutes_approved_by"]


admin.site.register(FollowUpTask)
admin.site.register(AnnualReport)
