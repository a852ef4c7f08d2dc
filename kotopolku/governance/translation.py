from modeltranslation.translator import TranslationOptions, register

from kotopolku.governance.models import StateReportingField, StateReportingProfile, WorkingGroup


@register(WorkingGroup)
class WorkingGroupTranslation(TranslationOptions):
    fields = ("name", "mandate", "tasks")
    required_languages = {"fi": ("name",)}


@register(StateReportingProfile)
class StateReportingProfileTranslation(TranslationOptions):
    fields = ("authority_name",)
    required_languages = {"fi": ("authority_name",)}


@register(StateReportingField)
class StateReportingFieldTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = {"fi": ("label",)}
