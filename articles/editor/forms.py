"""The editor pages' forms. They check shape only (lengths, choices); the content rules live in
``editing.content`` and reach the form as errors on the field they name (``errors.Invalid``)."""
from pathlib import Path
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import languages
from ..importing.sources import IMAGE_SUFFIXES
from ..models import MAX_DATABASE_INTEGER, Article


def language_choices():
    return [(code, languages.native_name(code)) for code in languages.site_languages()]


def as_text(items):
    """Keywords and products are edited as comma-separated text: ``["a", "b"]`` → ``"a, b"``."""
    return ", ".join(items or [])


def unix_newlines(text):
    """Browsers submit a textarea's lines ending in CRLF; revisions keep LF, so a save from the
    browser does not differ from the file on every line."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class TranslationForm(forms.Form):
    """One translation's fields, named as the API names them."""

    title = forms.CharField(label=_("Title"), max_length=500, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    keywords = forms.CharField(label=_("Keywords"), required=False, help_text=_("Separated by commas."))
    products = forms.CharField(label=_("Products"), required=False, help_text=_("Separated by commas."))
    body = forms.CharField(label=_("Body (Markdown)"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true", "class": "body-input"}))
    message = forms.CharField(label=_("What changed (optional)"), max_length=500, required=False)
    base_revision = forms.IntegerField(min_value=0, max_value=MAX_DATABASE_INTEGER, required=False,
                                       widget=forms.HiddenInput, error_messages=dict.fromkeys(
                                           ("invalid", "min_value", "max_value"),
                                           _("The revision this page was opened at is not a revision number: "
                                             "open the page again.")))

    def clean_body(self):
        return unix_newlines(self.cleaned_data["body"])

    def clean_description(self):
        return unix_newlines(self.cleaned_data["description"])

    def content(self):
        """The values ``editing.actions`` takes."""
        return {name: self.cleaned_data[name] for name in ("title", "description", "keywords", "products", "body")}

    @staticmethod
    def initial_from(revision):
        return {"title": revision.title, "description": revision.description, "keywords": as_text(revision.keywords),
                "products": as_text(revision.products), "body": revision.body, "base_revision": revision.number}


class CreateForm(TranslationForm):
    """A new article: its first translation's language, audience and fields."""

    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Article.Audience.choices,
                                 initial=Article.Audience.EXTERNAL)
    field_order = ["language", "audience", "title", "description", "keywords", "products", "body", "message"]


SEEN_PAIR_RE = re.compile(r"([\w-]{1,16}):(\d{1,9})")


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Article.Status.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    # The latest revisions the page showed, "en:2 fr:4": publishing refuses a later one.
    seen = forms.RegexField(regex=r"^\s*(?:[\w-]{1,16}:\d{1,9}(?:\s+|$)){0,64}$", required=False, max_length=2000)

    def clean_seen(self):
        text = self.cleaned_data["seen"]
        if not text:
            return None
        return {language: int(number) for language, number in SEEN_PAIR_RE.findall(text)}


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(label=_("Audience"), choices=Article.Audience.choices)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".md,.markdown,text/markdown"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    MAX_FILES = 200
    MAX_BYTES = 1024 * 1024
    MAX_TEXT_BYTES = 2 * 1024 * 1024
    MAX_TOTAL_BYTES = 10 * 1024 * 1024

    files = MultipleFileField(label=_("Markdown files and their images"), required=False)
    pasted = forms.CharField(label=_("Or paste a file"), required=False, strip=False,
                             widget=forms.Textarea(attrs={"rows": 12}))

    def clean(self):
        data = super().clean()
        files, pasted = data.get("files") or [], unix_newlines(data.get("pasted"))
        data["pasted"] = pasted
        if not files and not pasted.strip():
            raise forms.ValidationError(_("Choose at least one file or paste one."), code="required")
        if len(files) > self.MAX_FILES:
            raise forms.ValidationError(_("At most %(count)d files at once.") % {"count": self.MAX_FILES},
                                        code="too_many")
        if any(f.size > self.MAX_BYTES for f in files) or len(pasted.encode("utf-8")) > self.MAX_BYTES:
            raise forms.ValidationError(_("Each file must be under 1 MB."), code="too_large")
        # What one request can import within the server's time limit (about 2.5 s a megabyte
        # of markdown on a busy server); a whole corpus is for the command line.
        text = sum(f.size for f in files if Path(f.name).suffix.lower() not in IMAGE_SUFFIXES)
        if (text + len(pasted.encode("utf-8")) > self.MAX_TEXT_BYTES
                or sum(f.size for f in files) > self.MAX_TOTAL_BYTES):
            raise forms.ValidationError(
                _("An upload holds at most %(text)d MB of markdown and %(total)d MB in all: import more "
                  "with the import_articles command.") % {"text": self.MAX_TEXT_BYTES >> 20,
                                                         "total": self.MAX_TOTAL_BYTES >> 20}, code="too_large")
        return data
