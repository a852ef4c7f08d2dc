from django.contrib import admin

from kotopolku.municipalities.models import Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "valid_from", "valid_until", "merged_into"]
    search_fields = ["code", "name_fi", "name_sv"]
