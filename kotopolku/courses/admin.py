from django.contrib import admin

from kotopolku.courses.models import Course, CourseSession


class SessionInline(admin.TabularInline):
    model = CourseSession
    extra = 0
    fields = ["day", "start_time", "hours", "topic", "description"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    """Read-mostly: enrolments and attendance go through the services (capacity, audit)."""

    list_display = ["code", "name", "kind", "provider", "municipality", "start", "end", "capacity"]
    list_filter = ["kind", "provider", "municipality"]
    search_fields = ["code", "name"]
    readonly_fields = ["places_taken"]
    inlines = [SessionInline]
