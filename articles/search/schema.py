"""The Whoosh schema: field names are constants; text fields exist once per served language.

    id          translation primary key (unique)          article   article number (stored)
    lang        language code (stored)                    public    "1" when anonymous readers may see it
    number      normalised article number (ka23014)       codes     normalised error codes (exact)
    products    product names (facets, stored)            title     stored, for results
    snippet     stored description, for results           code_list stored display forms of the codes
    spelling    unstemmed words of title, keywords, description and symptoms ("did you mean")
    <field>_<lang>  text per language for TEXT_FIELDS, e.g. title_fr, symptoms_ko, all_ja
"""
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from ..languages import site_languages
from .analysis import SPELLABLE_WORD, analyzer_for

ID_FIELD, ARTICLE, LANG, PUBLIC, NUMBER, CODES, PRODUCTS = "id", "article", "lang", "public", "number", "codes", "products"
TITLE_STORED, SNIPPET, CODE_LIST = "title", "snippet", "code_list"
# Bumped whenever fields or analysis change: an index of another version is rebuilt on open.
SCHEMA_VERSION = 3
SPELLING = "spelling"  # unstemmed words of the short texts, for "did you mean" (spelling.py)
# "all" holds every text of a translation (title, keywords, description, environment, symptoms,
# steps, cause, resolution, the rest of the body); the short fields that say what an article is
# about are indexed again on their own so a query can weight them. Description, resolution and
# the rest of the body weigh what "all" gives them: a field each would add build time and a
# clause per word to every query for no better ranking (measured with bench/search.py).
TEXT_FIELDS = ("title", "keywords", "symptoms", "all")
# Fields whose word positions are kept, for phrase queries: the title and "all", which holds
# every text field of the translation once and is what a query matches first.
PHRASE_FIELDS = ("title", "all")


def text_field(name, code):
    """``text_field("title", "zh-hans") == "title_zh_hans"``."""
    return f"{name}_{code.replace('-', '_')}"


def build_schema(languages=None):
    fields = {
        ID_FIELD: ID(unique=True, stored=True),
        ARTICLE: ID(stored=True),
        LANG: ID(stored=True),
        PUBLIC: ID(stored=True),
        NUMBER: ID,
        CODES: KEYWORD(lowercase=True, scorable=True),
        PRODUCTS: KEYWORD(stored=True, commas=True),
        TITLE_STORED: STORED,
        SNIPPET: STORED,
        CODE_LIST: STORED,
        SPELLING: TEXT(analyzer=RegexTokenizer(SPELLABLE_WORD) | LowercaseFilter(), phrase=False),
    }
    for code in languages or site_languages():
        for name in TEXT_FIELDS:
            fields[text_field(name, code)] = TEXT(analyzer=analyzer_for(code), phrase=name in PHRASE_FIELDS)
    return Schema(**fields)
