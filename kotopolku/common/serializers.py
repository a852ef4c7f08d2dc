from django.conf import settings
from drf_spectacular.utils import extend_schema_field
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


# DRF writes a time as "09:00:00", local time without an offset; JSON Schema's `time` format
# (RFC 3339) requires one, so the schema would promise what the API does not send.
LOCAL_TIME_SCHEMA = {
    "type": "string",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$",
    "example": "09:00:00",
    "description": "Local time (Europe/Helsinki), HH:MM:SS.",
}


@extend_schema_field(LOCAL_TIME_SCHEMA)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time of day as the API writes it, with a schema that says so. A time with
    an offset is refused as input: the models hold local times, and a database cannot store
    an aware time (it would be a 500, not a 400)."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if parsed.tzinfo is not None:
            self.fail("invalid", format="hh:mm[:ss], local time without an offset")
        return parsed
