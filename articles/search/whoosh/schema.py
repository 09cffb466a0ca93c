"""The Whoosh schema: field names are constants; text fields exist once per served language.

    id          translation primary key (unique)          article   article number (stored)
    lang        language code (stored)                    public    "1" when anonymous readers may see it
    number      normalised article number (ka23014)       codes     normalised error codes (exact)
    products    product names (facets, stored)            title     stored, for results
    snippet     stored description, for results           code_list stored display forms of the codes
    spelling    unstemmed words of title, keywords, description and symptoms ("did you mean"), public ones only
    title_terms the title as one term (its terms in its language, space-joined): a query that is the title
    labels      each UI label the page names ([!UICONTROL x]) as one term, as title_terms
    text_<lang> every text of the translation, its parts weighted (``WeightedText``): text_fr, text_zh_hans
"""
from array import array
import sys
from typing import NamedTuple

from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Positions

from ...languages import site_languages
from .analysis import SPELLABLE_WORD, analyzer_for

ID_FIELD, ARTICLE, LANG, PUBLIC, NUMBER, CODES, PRODUCTS = "id", "article", "lang", "public", "number", "codes", "products"
TITLE_STORED, SNIPPET, CODE_LIST, TITLE_TERMS, LABELS = "title", "snippet", "code_list", "title_terms", "labels"
# Bumped whenever fields, analysis, weights, the text indexed, the codec or the module of a class
# the index pickles (schema, fields, analyzers, codec) change: an index of another version is
# rebuilt, never opened. Each index also records its kind (store.index_kind()).
SCHEMA_VERSION = 18
SPELLING = "spelling"  # unstemmed words of the short texts, for "did you mean" (spelling.py)


class Part(NamedTuple):
    """A part of a translation's text and how much each of its words weighs. A part that is not
    ``counted`` repeats text another part holds (the symptoms, within the body): its words gain
    weight without lengthening the document, and comes after the part it repeats."""
    text: str
    weight: float
    counted: bool = True


U32 = next(code for code in "IL" if array(code).itemsize == 4)  # the array type of 4-byte unsigned ints
LITTLE_ENDIAN = sys.byteorder == "little"


def little_endian(numbers):
    """The bytes of an ``array``, little-endian whatever the machine (it is swapped in place)."""
    if sys.byteorder != "little":
        numbers.byteswap()
    return numbers.tobytes()


def encode_positions(positions):
    """A ``RawPositions`` value: the positions as 4-byte unsigned little-endian integers."""
    if LITTLE_ENDIAN:
        return array(U32, positions).tobytes()
    return little_endian(array(U32, positions))


class RawPositions(Positions):
    """Positions stored as they are: four bytes (unsigned, little-endian) a position, in order
    (a ``Positions`` format, through its public methods: Whoosh's own phrase search reads them
    as it reads its own). Whoosh's ``Positions`` pickles the list of gaps, which takes a
    ``pickle.loads`` and a loop in Python to read; these are read at once by the speed-ups
    (``speedups.scoring._Postings.keys``), which match phrases over whole arrays. A value is
    shorter than the pickle for the few positions most postings have (4 bytes for one position
    against 13) and longer past about six."""

    encode = staticmethod(encode_positions)

    def decode_positions(self, value):
        found = array(U32, value)
        if sys.byteorder != "little":
            found.byteswap()
        return found.tolist()

    def decode_frequency(self, value):
        return len(value) // 4

    def decode_weight(self, value):
        return self.decode_frequency(value) * self.field_boost

    def decode_position_boosts(self, value):
        return [(position, 1) for position in self.decode_positions(value)]

    def combine(self, values):
        return self.encode(sorted({p for value in values for p in self.decode_positions(value)}))


class WeightedText(TEXT):
    """A text field whose value is a list of ``Part``: a word's weight in a document (the
    term frequency BM25 saturates) is the sum of the weights of its occurrences, while the
    document's length counts each occurrence once. One field per language then ranks a word in
    the title above the same word in the body, as separate title, keywords and symptoms fields
    would, with one clause per word in a query.
    Positions run on across parts, with a gap so that a phrase never spans two of them."""

    GAP = 10

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.format = RawPositions(field_boost=self.format.field_boost)

    def index(self, value, **kwargs):
        if isinstance(value, str):
            value = [Part(value, 1.0)]
        positions, weights = {}, {}
        analyse = getattr(self.analyzer, "terms_at", None) or self._terms_at
        start = 0
        for text, weight, counted in value:
            terms, places = analyse(text or "")
            if counted:
                for term, place in zip(terms, places):
                    found = positions.get(term)
                    if found is None:
                        positions[term] = [start + place]
                        weights[term] = weight
                    else:
                        found.append(start + place)
                        weights[term] += weight
                if terms:
                    start += places[-1] + 1
            else:
                for term in terms:
                    if term in weights:
                        weights[term] += weight
            start += self.GAP
        encode = self.format.encode
        return [(term.encode("utf-8"), len(found), weights[term], encode(found)) for term, found in positions.items()]

    def _terms_at(self, text):
        tokens = [(token.text, token.pos) for token in self.analyzer(text, positions=True)]
        return [term for term, _ in tokens], [place for _, place in tokens]


def text_field(code):
    """``text_field("zh-hans") == "text_zh_hans"``: the text of the translations in ``code``."""
    return f"text_{code.replace('-', '_')}"


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
        TITLE_TERMS: KEYWORD(commas=True),  # the title's name term, and the page heading's
        LABELS: KEYWORD(commas=True),
        CODE_LIST: STORED,
        SPELLING: TEXT(analyzer=RegexTokenizer(SPELLABLE_WORD) | LowercaseFilter(), phrase=False),
    }
    for code in languages or site_languages():
        fields[text_field(code)] = WeightedText(analyzer=analyzer_for(code))
    return Schema(**fields)
