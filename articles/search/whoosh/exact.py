"""What a query names exactly (``WhooshView.exact``, for semantic fusion: ``semantic.hybrid``).

``exact_documents(searcher, text, language, limit, lengths=None, exclude=(), reads=None)`` → the set of
document numbers a query names exactly, as ``query.build_query`` reads it: citing one of its
error codes (any spelling) or having its article number, holding an identifier it types whole
(``aem_program_id``; a version, ``6.5``, names nothing), a ``"quoted phrase"`` of it, its words
in the order typed (or, from ``INNER_PHRASE_TERMS`` terms on, those between its first and last
words: a fragment copied mid-word, ``ery chart of the dashboard is blank although the ra``), or
a title or UI label that is its whole text. Semantic fusion never ranks a merely similar article
above these. An empty set, without a search, when the query names nothing exactly.

``documents_named_elsewhere(searcher, text, language, limit, lengths=None, exclude=())`` → the
documents of the other languages holding an identifier the query types whole (other than an
error code: those cross languages already) or a phrase it quotes: an article not translated
into the query's language names it there (``semantic.hybrid``, ``service``).
"""
from whoosh import query as Q

from ...languages import site_languages
from ..codes import TIMESTAMP_RE, extract_error_codes, normalize_code
from .analysis import CJK_CHAR_RE, analyze, identifiers
from .query import MAX_NAME_CHARS, MAX_QUERY_CHARS, NUMBER_RE, PHRASE_RE, exclusions, typed_phrases
from .schema import CODES, LABELS, NUMBER, TITLE_TERMS, text_field
from .scoring import top_documents

# The fewest terms (stop words are none; an identifier is its whole form and its parts) between
# the first and the last word of a query that name a document exactly when they run in it in the
# order typed (a fragment copied mid-word, its ends cut; each end costs one term, a stop word
# too): the middle of "conseils workflows campaign classic surveillance" runs in order in many
# pages of a language, and that alone names none of them. A middle holding CJK text needs two: it
# is a term per pair of characters, and a copied fragment of a Korean sentence holds few words.
# The whole query in order names a document from two terms on.
INNER_PHRASE_TERMS = 4


def exact_documents(searcher, text, language, limit, lengths=None, exclude=(), reads=None):
    """``reads``: ``scoring.top_documents``'."""
    clauses = exact_clauses((text or "")[:MAX_QUERY_CHARS], language)
    if not clauses:
        return set()
    return {docnum for docnum, _ in top_documents(searcher, Q.Or(clauses), limit, lengths, exclude, reads)}


def documents_named_elsewhere(searcher, text, language, limit, lengths=None, exclude=()):
    """The documents of the other languages' text fields holding an identifier ``text`` types
    whole or one of its quoted phrases (a UI label or a message left in English), each read as
    that language's field holds it."""
    phrases, words = _parts((text or "")[:MAX_QUERY_CHARS], language)
    # An error code crosses languages already (every document's codes are searched in all of
    # them): only the other identifiers are looked for in the other languages' text.
    words = " ".join(word for word, _ in identifiers(TIMESTAMP_RE.sub(" ", words), language, with_words=True,
                                                     versions=False)
                     if not extract_error_codes(word, query=True))
    if not phrases and not words:
        return set()  # nothing typed whole or quoted (what an identifier is does not depend on the language)
    clauses = [clause for code in site_languages() if code != language and text_field(code) in searcher.schema
               for clause in _named_clauses(words, phrases, code)]
    if not clauses:
        return set()
    return {docnum for docnum, _ in top_documents(searcher, Q.Or(clauses), limit, lengths, exclude)}


def _parts(typed, language):
    """``(quoted phrases, the rest with its exclusions left out)``."""
    return PHRASE_RE.findall(typed), exclusions(PHRASE_RE.sub(" ", typed), language)[1]


def _named_clauses(text, phrases, language):
    """The identifiers ``text`` types whole and the ``phrases``, as ``language``'s field holds them."""
    field = text_field(language)
    clauses = [Q.Term(field, name) for name in identifiers(text, language, versions=False)]
    for words in (analyze(phrase, language, joined=True) for phrase in phrases):
        clauses += [Q.Phrase(field, words)] if len(words) > 1 else [Q.Term(field, word) for word in words]
    return clauses


def exact_clauses(typed, language):
    field = text_field(language)
    phrases, text = _parts(typed, language)
    clauses = [Q.Term(CODES, key) for _, key in extract_error_codes(" ".join([text] + phrases), query=True)]
    clauses += [Q.Term(NUMBER, normalize_code(number)) for number in NUMBER_RE.findall(text)]
    text = TIMESTAMP_RE.sub(" ", text)
    clauses += _named_clauses(text, phrases, language)
    for in_order, inner in typed_phrases(text, language, analyze(text, language)):
        clauses.append(Q.Phrase(field, in_order))
        if len(inner) >= (2 if any(CJK_CHAR_RE.search(term) for term in inner) else INNER_PHRASE_TERMS):
            clauses.append(Q.Phrase(field, inner))
    name = " ".join(analyze(typed, language)) if len(typed) <= MAX_NAME_CHARS else ""
    if name:
        clauses += [Q.Term(TITLE_TERMS, name), Q.Term(LABELS, name)]
    return clauses

