from modeltranslation.translator import TranslationOptions, register

from kotopolku.organisations.models import Organisation, Region


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("fi",)


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "short_name")
    required_languages = {"fi": ("name",)}
