"""Front matter → the meaningful columns of a translation.

``map_fields(front_matter, body)`` returns ``TranslationFields``:

    title           front matter ``title``, else the body's first ``# `` heading (else SourceError)
    description     ``description`` (text, may be empty)
    keywords        ``keywords``: a list, or text split on , ; 、 ， (CJK lists use those)
    products        ``solution``, ``product``, ``applies-to`` (comma lists), de-duplicated
                    without regard to case, first spelling kept
    created_on/by   ``article-created-date`` (``10/30/2023 7:26:04 PM`` or ISO) / ``article-created-by``
    published_on/by ``article-published-date`` / ``article-published-by``
    version_number  ``version-number`` as an integer
    hidden          ``hide`` or ``hidefromtoc`` true
    internal_notes  ``internal-notes`` (null → "")
    is_bug          ``bug`` true

In the title and the description backslashes before quote marks are dropped when those escaped
quotes pair up (YAML's single-quoted and plain scalars have no escapes, and translation tools
write ``'\\"Échec\\"'`` meaning ``"Échec"``), a title's unmatched opening or closing ``"`` is
removed, and so are the marks a translation tool wrapped a whole title in (``「…」``, ``“…”``,
``"…"``), each with a warning.

Dates that cannot be read are left empty with a warning, never a failure: the file's text is
still worth having. Warnings are lazy text (see ``errors``).
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone
import re

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .errors import SourceError

PRODUCT_FIELDS = ("solution", "product", "applies-to")
LIST_SPLIT_RE = re.compile(r"[,;、，；]")
# Quotes and end punctuation editors leave around keyword lists: '"KCS, triggers.  »'
KEYWORD_TRIM = " \t\n\"'“”«»‘’`.。"
# The rest of a "# " line, read in linear time; its closing "#"s and "{#id}" are cut in
# _heading_title, not by the pattern: a lazy title before optional spaces would backtrack in
# cubic time on "# a" + 1,000 spaces + "b".
H1_RE = re.compile(r"^#[ \t]++(.*+)", re.MULTILINE)
DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
TRUE_WORDS = {"true", "yes", "1", "on"}
MAX_VERSION_NUMBER = 2**31 - 1  # a PostgreSQL integer


@dataclass
class TranslationFields:
    title: str
    description: str = ""
    keywords: list = field(default_factory=list)
    products: list = field(default_factory=list)
    created_on: datetime | None = None
    created_by: str = ""
    published_on: datetime | None = None
    published_by: str = ""
    version_number: int | None = None
    hidden: bool = False
    internal_notes: str = ""
    is_bug: bool = False
    warnings: list = field(default_factory=list)


def map_fields(front_matter, body):
    """Map a parsed front matter (and, for the title fallback, the body) to columns."""
    warnings = []
    fields = TranslationFields(
        title=_unwrapped(_without_stray_quotes(_title(front_matter, body), "title", warnings), "title", warnings),
        description=_without_escaped_quotes(text_of(front_matter.get("description")), "description", warnings),
        keywords=split_list(front_matter.get("keywords")),
        products=products_of(front_matter),
        created_by=text_of(front_matter.get("article-created-by")),
        published_by=text_of(front_matter.get("article-published-by")),
        version_number=_integer(front_matter, "version-number", warnings),
        hidden=_flag(front_matter.get("hide")) or _flag(front_matter.get("hidefromtoc")),
        internal_notes=text_of(front_matter.get("internal-notes")),
        is_bug=_flag(front_matter.get("bug")),
        warnings=warnings,
    )
    fields.created_on = _date(front_matter, "article-created-date", warnings)
    fields.published_on = _date(front_matter, "article-published-date", warnings)
    return fields


def split_list(value):
    """``'KCS, a, b. '`` → ``['KCS', 'a', 'b']``; a YAML list is flattened the same way."""
    items = value if isinstance(value, list) else [value]
    result = []
    for item in items:
        if item is None or isinstance(item, (dict, list)):
            continue
        for part in LIST_SPLIT_RE.split(str(item)):
            part = " ".join(part.strip(KEYWORD_TRIM).split())
            if part:
                result.append(part)
    return result


def _title(front_matter, body):
    title = text_of(front_matter.get("title"))
    if not title:
        title = next(filter(None, (_heading_title(m.group(1)) for m in H1_RE.finditer(body))), "")
    if not title:
        raise SourceError(_("no title: neither a 'title' field nor a '# ' heading"), field="title")
    return title[:500]


QUOTE_MARKS = "\"'“”„«»「」『』"
ESCAPED_QUOTE_RE = re.compile(r"\\+(?=[" + QUOTE_MARKS + "])")


def _without_escaped_quotes(text, name, warnings):
    """``text`` without the backslashes before quote marks when those escaped quotes pair up
    (``\\"Délai dépassé\\"``): one alone is the text's own (``Use \\" in JSON strings``,
    ``"C:\\Program Files\\"``)."""
    found = ESCAPED_QUOTE_RE.findall(text)
    if not found or len(found) % 2:
        return text
    cleaned = ESCAPED_QUOTE_RE.sub("", text)
    if cleaned != text:
        warnings.append(format_lazy(_("field '{field}': backslashes before quote marks removed"), field=name))
    return cleaned


def _without_stray_quotes(title, name, warnings):
    """The title with escaped quotes unescaped and, when one ``"`` that opens or closes it pairs
    with none, that one removed: ``"Échec avec l'erreur "Délai dépassé"`` → ``Échec avec
    l'erreur "Délai dépassé"``; ``"Total" affiché à zéro"`` → ``"Total" affiché à zéro``. A
    ``"`` after a space or an opening bracket (or first) opens, any other closes; they pair
    from the left. A closing one after a digit is an inch mark and stays."""
    title = _without_escaped_quotes(title, name, warnings)
    if title.count('"') % 2 == 0 or not title.strip('" '):
        return title
    opened, unpaired = [], []
    for match in re.finditer('"', title):
        at = match.start()
        if _opens(title, at):
            opened.append(at)
        elif opened:
            opened.pop()
        else:
            unpaired.append(at)
    unpaired += opened
    if len(unpaired) != 1 or unpaired[0] not in (0, len(title) - 1):
        return title  # no single stray quote at an end: the title's own
    at = unpaired[0]
    if at and title[at - 1].isdigit():
        return title  # an inch mark: 'on a 27"'
    warnings.append(format_lazy(_("field '{field}': an unmatched quote mark at its start or end removed"), field=name))
    return (title[:at] + title[at + 1:]).strip()


def _opens(title, at):
    """Whether the ``"`` at ``at`` opens a quote: first, or after a space or an opening bracket."""
    return at == 0 or title[at - 1].isspace() or title[at - 1] in "([{"


# Marks a translation tool wraps a whole title in (``「…」``, ``“…”``, ``"…"``), as (opening, closing).
WRAPPING_MARKS = (("「", "」"), ("“", "”"), ('"', '"'))


def _unwrapped(title, name, warnings):
    """The title without marks that wrap the whole of it (``「エクスポートが「タイムアウト」で失敗する」``
    → ``エクスポートが「タイムアウト」で失敗する``): the mark that opens it closes at its end, and
    nowhere before (``「A」と「B」`` is two quotes, kept); a ``"`` opens as ``_opens`` says."""
    for opening, closing in WRAPPING_MARKS:
        if len(title) < 3 or not (title.startswith(opening) and title.endswith(closing)):
            continue
        depth = 0
        for at, mark in enumerate(title):
            if mark not in (opening, closing):
                continue
            depth += 1 if (_opens(title, at) if opening == closing else mark == opening) else -1
            if depth <= 0:
                break
        if depth == 0 and at == len(title) - 1 and title[1:-1].strip():
            warnings.append(format_lazy(_("field '{field}': the quote marks around the whole of it removed"),
                                        field=name))
            return title[1:-1].strip()
    return title


def _heading_title(text):
    """``"Title {#id} ##  "`` → ``"Title"``: what follows ``# `` without closing marks."""
    text = text.rstrip(" \t").rstrip("#").rstrip(" \t")
    if text.endswith("}") and "{" in text:
        attributes = text.rindex("{")
        if "}" not in text[attributes:-1]:
            text = text[:attributes]
    return text.strip()


def products_of(front_matter):
    """The products a front matter names, in every product field, each once (any case)."""
    seen, products = set(), []
    for name in PRODUCT_FIELDS:
        for product in split_list(front_matter.get(name)):
            if product.casefold() not in seen:
                seen.add(product.casefold())
                products.append(product[:200])
    return products


def text_of(value):
    """A scalar field as text (a number or a date: its text); a list or a mapping: empty."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _flag(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE_WORDS if value is not None else False


def _integer(front_matter, name, warnings):
    value = front_matter.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        warnings.append(format_lazy(_("field '{field}': {value} is not a whole number; left empty"),
                                    field=name, value=repr(value)))
        return None
    if number > MAX_VERSION_NUMBER:  # 10**20 is refused by the database column
        warnings.append(format_lazy(_("field '{field}': {value} is too large; left empty"),
                                    field=name, value=repr(value)))
        return None
    return number if number >= 0 else None


def _date(front_matter, name, warnings):
    value = text_of(front_matter.get(name))
    if not value:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        warnings.append(format_lazy(_("field '{field}': {value} is not a date; left empty"),
                                    field=name, value=repr(value)))
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
