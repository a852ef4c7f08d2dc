from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from kotopolku.common.models import Statement


@admin.register(Statement)
class StatementAdmin(TranslationAdmin):
    list_display = ("kind", "title", "modified_at", "modified_by")
    readonly_fields = ("kind", "modified_at", "modified_by")
    fields = ("kind", "title", "body", "modified_at", "modified_by")

    def has_add_permission(self, request) -> bool:
        return False  # the two statements exist from the first migration

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)
