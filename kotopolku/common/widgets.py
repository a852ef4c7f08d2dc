"""Form widgets shared by the apps."""

from django import forms


class IsoDateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (2025-01-02): a date input cannot show the
    localised "2.1.2025" that DateInput renders by default, and would send nothing back."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
