from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .kinds import MAX_BODY_CHARS
from .services import check_body


class TemplateForm(forms.Form):
    """A project's own text for one template; the service checks it again before saving."""

    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 22}),
        # A little over the limit still reaches the check, which says how long it is.
        max_length=MAX_BODY_CHARS * 2,
        error_messages={
            "max_length": _("A template holds at most %(limit_value)s characters.")
            % {"limit_value": f"{MAX_BODY_CHARS:,}"}
        },
    )

    def __init__(self, *args, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["lang"] = "zh-Hans" if language == "zh-hans" else "en"

    def clean_body(self):
        try:
            return check_body(self.cleaned_data.get("body", ""))
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
