from django.contrib import admin

from kotopolku.rules.models import StatutoryRule


@admin.register(StatutoryRule)
class StatutoryRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "key", "value", "unit", "effective_from", "effective_to", "confidence"]
    list_filter = ["code", "confidence"]
    search_fields = ["key", "description", "source"]
