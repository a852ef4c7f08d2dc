from modeltranslation.translator import TranslationOptions, register

from kotopolku.programme.models import (
    Decision,
    Goal,
    Indicator,
    Measure,
    PolicyLine,
    Programme,
)


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"fi": ("name",)}


@register(Decision)
class DecisionTranslation(TranslationOptions):
    fields = ("body", "text", "appointments")
    required_languages = {"fi": ("body", "text")}


@register(PolicyLine)
class PolicyLineTranslation(TranslationOptions):
    fields = ("title", "text")
    required_languages = {"fi": ("title", "text")}


@register(Goal)
class GoalTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"fi": ("title",)}


@register(Measure)
class MeasureTranslation(TranslationOptions):
    fields = ("title", "description", "responsible_unit")
    required_languages = {"fi": ("title", "responsible_unit")}


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name", "definition", "unit")
    required_languages = {"fi": ("name", "definition", "unit")}
