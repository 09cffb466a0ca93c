"""A translation's editable content: checking it, and deriving what pages and search read.

``clean_content(values)`` returns ``Content`` or raises ``Invalid`` naming the field.
``derived_columns(content, language, assets, doc_path="")`` returns the Translation columns computed from
it (rendered HTML, KCS sections, error codes), as the importer computes them for a file.
"""
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from .. import languages
from ..importing.errors import SourceError
from ..importing.fields import products_of, split_list, text_of
from ..importing.frontmatter import has_front_matter, parse_document
from ..rendering import RENDERER_VERSION, MarkdownTooComplex, render_markdown, split_sections
from ..rendering.budget import OverBudget, within_budget
from ..rendering.text import inline_text, shown_description
from ..search.codes import extract_error_codes
from .errors import Invalid

MAX_BODY_BYTES = 1024 * 1024
MAX_TITLE = 500
MAX_SHORT = 10_000  # a description
MAX_ITEMS = 100  # keywords or products
MAX_ITEM = 200


@dataclass
class Content:
    title: str
    body: str
    description: str = ""
    keywords: list = field(default_factory=list)
    products: list = field(default_factory=list)

    def as_dict(self):
        return asdict(self)


def clean_language(value, field_name="language"):
    code = languages.normalize_language(str(value or ""))
    if code is None:
        raise Invalid(field_name, _("'%(value)s' is not one of the languages served here (%(languages)s).")
                      % {"value": str(value)[:50], "languages": ", ".join(languages.site_languages())},
                      code="unknown_language")
    return code


def clean_content(values):
    """``values``: title, body, and optionally description, keywords, products (lists or
    comma-separated text). A body that begins with a front-matter block is read as a file
    would be: its fields fill those not given, and invalid YAML is refused."""
    body = values.get("body")
    if not isinstance(body, str) or not body.strip():
        raise Invalid("body", _("The body is required."), code="required")
    if len(body.encode("utf-8")) > MAX_BODY_BYTES:
        raise Invalid("body", _("The body is larger than 1 MB."), code="too_large")
    values = dict(values)
    if has_front_matter(body):
        try:
            document = parse_document(body)
        except SourceError as error:
            raise Invalid("body", _("The front matter at the top of the body is not valid YAML: %(reason)s")
                          % {"reason": error}, code="invalid_yaml") from None
        matter = document.front_matter
        # Read as the importer reads a file's fields: a number is its text, a list of keywords
        # or products may be text; what a file could not hold is nothing, never a field's error.
        for name in ("title", "description"):
            if not values.get(name) and text_of(matter.get(name)):
                values[name] = text_of(matter.get(name))
        if not values.get("keywords"):
            values["keywords"] = split_list(matter.get("keywords"))
        if not values.get("products"):
            values["products"] = products_of(matter)
        body = document.body
        if not body.strip():
            raise Invalid("body", _("The body is required."), code="required")
    title = _text(values.get("title"), "title", MAX_TITLE)
    if not title:
        raise Invalid("title", _("The title is required."), code="required")
    return Content(title=title, body=body, description=_text(values.get("description"), "description", MAX_SHORT),
                   keywords=_items(values.get("keywords"), "keywords"), products=_items(values.get("products"), "products"))


def _text(value, name, limit):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(name, _("This field must be text."), code="invalid_type")
    value = " ".join(value.split()) if name == "title" else value.strip()
    if len(value) > limit:
        raise Invalid(name, _("This field is longer than %(limit)d characters.") % {"limit": limit}, code="too_long")
    return value


def _items(value, name):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = split_list(value)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Invalid(name, _("This field must be a list of text items."), code="invalid_type")
    items = list(dict.fromkeys(" ".join(item.split()) for item in value if item.strip()))
    if len(items) > MAX_ITEMS or any(len(item) > MAX_ITEM for item in items):
        raise Invalid(name, _("At most %(count)d items of %(length)d characters each.")
                      % {"count": MAX_ITEMS, "length": MAX_ITEM}, code="too_long")
    return items


def derived_columns(content, language, assets, doc_path=""):
    """The columns pages and search read, computed from the content; ``doc_path`` is where the
    page lives in its documentation repository, for its links to other pages. Computed under
    the render time budget (``rendering.budget``): a body that takes longer is refused naming
    ``body``."""
    size = len(content.body.encode("utf-8"))
    return _budgeted(_derive, content.as_dict(), language, dict(assets or {}), doc_path, size=size)


def preview_html(body, language, doc_path=""):
    """The body rendered exactly as the article page renders it (links between documentation
    pages still to be resolved for the reader: ``articles.docnav.resolve_links``)."""
    if not isinstance(body, str):
        raise Invalid("body", _("This field must be text."), code="invalid_type")
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        raise Invalid("body", _("The body is larger than 1 MB."), code="too_large")
    return _budgeted(_preview, body, language, doc_path, size=size)


def _derive(values, language, assets, doc_path):
    content = Content(**values)
    rendered = render_markdown(content.body, resolve_image=assets.get, language=language, doc_path=doc_path)
    codes = extract_error_codes("\n".join([content.title, content.description, " ".join(content.keywords),
                                           content.body]))
    return {
        "title": inline_text(content.title) or content.title, "description": shown_description(content.description),
        "keywords": content.keywords,
        "body": content.body, "sections": split_sections(content.body), "error_codes": [list(c) for c in codes],
        "rendered_html": rendered.html, "renderer_version": RENDERER_VERSION,
    }


def _preview(body, language, doc_path):
    return render_markdown(body, language=language, doc_path=doc_path).html


def _budgeted(function, *args, size):
    """``function(*args)`` under the time budget, its failures refused naming ``body``."""
    try:
        return within_budget(function, *args, size=size)
    except MarkdownTooComplex:
        raise Invalid("body", _("The body is nested too deeply to render (quotes, lists or emphasis)."),
                      code="too_complex") from None
    except OverBudget as over:
        raise Invalid("body", _("The body takes longer than %(seconds)s s to render: split it, or remove "
                                "what repeats thousands of times (unclosed tags or fences).")
                      % {"seconds": f"{over.args[0]:g}"}, code="too_slow") from None
