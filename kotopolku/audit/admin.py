from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kotopolku.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only; object types and summaries in the reader's language, the codes on hover."""

    list_display = ["at", "actor_label", "action", "object", "summary", "success"]
    list_filter = ["action", "success"]
    search_fields = ["actor_label", "request_id"]

    @admin.display(description=_("Object"), ordering="object_type")
    def object(self, event: AuditEvent) -> str:
        if not event.object_type:
            return event.object_id
        return format_html(
            '<span title="{}">{}</span> {}',
            event.object_type,
            event.object_label,
            event.object_id,
        )

    @admin.display(description=_("Reason"))
    def summary(self, event: AuditEvent) -> str:
        code = event.reason_code
        if code:
            return format_html('<span title="{}">{}</span>', code, event.reason_label)
        return event.reason_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
