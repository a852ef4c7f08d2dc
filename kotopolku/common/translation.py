from modeltranslation.translator import TranslationOptions, register

from kotopolku.common.models import Statement


@register(Statement)
class StatementTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = {"fi": ("title", "body")}
