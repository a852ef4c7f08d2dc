from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from kotopolku.organisations.models import Membership, Organisation, Region


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ["name", "slug"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "title"]
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ["name", "kind", "municipality_code", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "municipality_code"]
    inlines = [MembershipInline]
