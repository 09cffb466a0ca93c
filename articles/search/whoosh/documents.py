"""Translation → the Whoosh document that indexes it (a pure function of the row)."""
import re

from ...docpaths import doc_products
from ...rendering import plain_text
from ...rendering.text import SHOWN_NOWHERE_RE
from ..codes import normalize_code
from .analysis import analyze
from .schema import (ARTICLE, CODE_LIST, CODES, ID_FIELD, LABELS, LANG, NUMBER, PRODUCTS, PUBLIC, SNIPPET,
                     SPELLING, TITLE_STORED, TITLE_TERMS, Part, text_field)

SYMPTOM_KINDS = ("symptoms", "steps")  # what the reader sees happen
# How much a word counts where it occurs (a body word counts 1). The title, keywords and
# description say what an article is about; words of the symptoms (what the reader sees
# happen) gain a little on top of their place in the body. Chosen with bench/search.py and the
# dev query set: with these, success@1 is as good as with separate fields for title, keywords
# and symptoms, and better on symptom descriptions. Changing them needs a new SCHEMA_VERSION.
WEIGHTS = {"title": 3.0, "keywords": 2.5, "description": 2.0, "body": 1.0, "symptoms": 1.0, "labels": 1.0}
# The labels of the interface a page names (``[!UICONTROL Delivery throughput]``): a reader
# types the label to find the page that says where to click.
UI_LABEL_RE = re.compile(r"\[!UICONTROL[ \t]++([^\[\]\n]{1,200}+)\]")
# The version folder of a documentation repository: campaign/help/v8/send/preview.md.
SNIPPET_CHARS = 300
HEADING_LINE_RE = re.compile(r"(?m)^ {0,3}#{1,6}[ \t].*$")
# The heading a documentation page's body opens with, as Markdown reads a level-one heading
# (``# x``, its closing ``#`` run after a space; or ``x`` underlined with ``=``): its page heading
# (``pages.heading_html``).
OPENING_HEADING_RE = re.compile(r"\A(?:[ \t]*+\n)*+(?:[ ]{0,3}+#[ \t]++([^\n]{1,1000}+)|([^\n]{1,1000}+)\n[ ]{0,3}+=++[ \t]*+$)",
                                re.M)
CLOSING_HASHES_RE = re.compile(r"(?:[ \t]++#++)?+[ \t]*+$")
TRAILING_ATTRIBUTES_RE = re.compile(r"[ \t]*+" + SHOWN_NOWHERE_RE + r"[ \t]*+$")


def page_heading(translation):
    """The text of the heading a documentation page opens with when it is not its title
    (``# Create an [!UICONTROL Auto-Target] activity`` under the title "How Do I Create an
    Auto-Target Activity?"): readers see it heading the page and type it as they type a title.
    "" for an article with an ``article-number`` (its title heads its page)."""
    if not translation.doc_path or (translation.front_matter or {}).get("article-number"):
        return ""
    found = OPENING_HEADING_RE.match(translation.body or "")
    if not found:
        return ""
    atx, setext = found.groups()
    heading = plain_text(TRAILING_ATTRIBUTES_RE.sub("", CLOSING_HASHES_RE.sub("", atx) if atx is not None else setext))
    return "" if heading.casefold() == (translation.title or "").casefold() else heading


def snippet(translation, sections):
    """What a result shows under its title: the description, else the symptoms, else the
    body's opening text (headings left out)."""
    return (translation.description or plain_text(sections.get("symptoms", ""))[:SNIPPET_CHARS]
            or " ".join(plain_text(HEADING_LINE_RE.sub("", translation.body or "")).split())[:SNIPPET_CHARS])


def name_term(text, language):
    """The one term a name (a title, a UI label), or a query typed as that name, is: its terms
    in ``language``, space-joined (``"connect campaign v8"``); "" when it has none."""
    return " ".join(analyze(text, language))


def indexed_products(translation, products):
    """The product names a translation is found and shown with: ``products``, its own; a
    documentation page stored without any (imported before its ``product_v2`` gave it some)
    takes those ``docpaths.doc_products`` reads there."""
    if products:
        return products
    return doc_products(translation.front_matter, translation.doc_path)


def translation_document(translation, products):
    """The fields of one translation; ``products`` is its list of product names."""
    products = indexed_products(translation, products)
    language = translation.language
    sections = translation.sections or {}
    document = {
        ID_FIELD: str(translation.pk),
        ARTICLE: translation.article.number,
        LANG: language,
        PUBLIC: "1" if translation.is_public else "0",
        NUMBER: normalize_code(translation.article.number),
        CODES: " ".join(key for _, key in translation.error_codes),
        PRODUCTS: ",".join(products),
        TITLE_STORED: translation.title,
        SNIPPET: snippet(translation, sections),
        CODE_LIST: [display for display, _ in translation.error_codes],
    }
    labels = UI_LABEL_RE.findall(translation.body or "")
    heading = page_heading(translation)
    # Commas separate the names; a term never holds one (analysis.TOKEN_PATTERN).
    document[TITLE_TERMS] = ",".join(dict.fromkeys(filter(None, (name_term(name, language)
                                                                  for name in (translation.title, heading)))))
    # Commas separate the labels; a term never holds one (analysis.TOKEN_PATTERN).
    document[LABELS] = ",".join(filter(None, (name_term(label, language) for label in labels)))
    # One keyword a line: keywords are apart, even those a Japanese field would join
    # (``analysis.bridged_pieces`` bridges spaces, not lines).
    keywords = "\n".join(translation.keywords)
    symptoms = plain_text("\n\n".join(sections.get(kind, "") for kind in SYMPTOM_KINDS))
    # "Did you mean" draws its words from what readers may see: never from an internal or
    # hidden article (suggest() also checks each candidate against what the reader may see).
    public = translation.is_public
    document[SPELLING] = "\n".join([translation.title, keywords, translation.description, symptoms]) if public else ""
    document[text_field(language)] = [
        Part(translation.title, WEIGHTS["title"]),
        Part(keywords, WEIGHTS["keywords"]),
        Part(translation.description, WEIGHTS["description"]),
        Part(plain_text(translation.body), WEIGHTS["body"]),
        Part(heading, WEIGHTS["title"] - WEIGHTS["body"], counted=False),  # in the body: weighs as a title
        Part(symptoms, WEIGHTS["symptoms"], counted=False),  # already in the body
        Part("\n".join(labels), WEIGHTS["labels"], counted=False),
    ]
    return document
