from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from kotopolku.programme.models import (
    Decision,
    Goal,
    Indicator,
    Measure,
    MonitoringEntry,
    PolicyLine,
    Programme,
    ProgrammeVersion,
)


@admin.register(Programme)
class ProgrammeAdmin(TranslationAdmin):
    list_display = ["name", "region", "period_start", "period_end"]


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(admin.ModelAdmin):
    list_display = ["programme", "number", "status", "approved_at"]
    readonly_fields = ["content"]


for model in (Decision, PolicyLine, Goal, Measure, Indicator):
    admin.site.register(model, TranslationAdmin)
admin.site.register(MonitoringEntry)
