"""Form helpers shared by the apps' views."""

from django.core.exceptions import ValidationError


def errors_to_form(form, exc: ValidationError, *, default_field: str | None = None) -> None:
    """Show a service's ValidationError on the form: each message on its field when the form has
    that field, otherwise on `default_field` (None: above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else default_field, error)
    else:
        for error in exc.messages:
            form.add_error(default_field, error)
