from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError, field: str | None = None) -> None:
    """Show a service's refusal on the form, next to the field it concerns."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
        return
    for message in exc.messages:
        form.add_error(field if field in form.fields else None, message)


__all__ = ["NON_FIELD_ERRORS", "add_service_errors"]
