from modeltranslation.translator import TranslationOptions, register

from kotopolku.catalogue.models import Service, ServiceCategory, ServiceChannel


@register(ServiceCategory)
class ServiceCategoryTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"fi": ("name",)}


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"fi": ("name",)}


@register(ServiceChannel)
class ServiceChannelTranslation(TranslationOptions):
    fields = ("details",)
    required_languages = ()
