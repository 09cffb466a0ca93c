"""The triage page's form: one text area, at most ``MAX_PASTE_BYTES`` (UTF-8)."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PASTE_BYTES = 1024 * 1024


class TriageForm(forms.Form):
    text = forms.CharField(label=_("Log or stack trace"), strip=False,
                           widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "autocomplete": "off"}))

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise ValidationError(_("Field 'text' is required and must not be empty."), code="required")
        if len(text.encode("utf-8")) > MAX_PASTE_BYTES:
            raise ValidationError(_("The paste is larger than 1 MB."), code="too_large")
        return text
