from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from kotopolku.catalogue.models import Service, ServiceCategory, ServiceChannel, ServiceLanguage


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(TranslationAdmin):
    list_display = ["code", "name", "statutory", "statutory_item", "order"]


class ChannelInline(TranslationTabularInline):
    model = ServiceChannel
    extra = 0


class LanguageInline(admin.TabularInline):
    model = ServiceLanguage
    extra = 0


@admin.register(Service)
class ServiceAdmin(TranslationAdmin):
    list_display = ["name", "category", "responsible_organisation", "active_from", "archived"]
    list_filter = ["category", "archived"]
    search_fields = ["name"]
    inlines = [LanguageInline, ChannelInline]
