from django.conf import settings
from rest_framework import serializers


class TranslatedField(serializers.Field):
    """A modeltranslation field as {"fi": …, "sv": …, "en": …}, as Helsinki's APIs do."""

    def __init__(self, field_name: str, **kwargs):
        self.field_name_base = field_name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return {
            code: getattr(obj, f"{self.field_name_base}_{code}", None) or None
            for code, _ in settings.LANGUAGES
        }
