"""The documents a query names exactly: ``exact_documents(searcher, text, language, limit,
lengths=None, exclude=())`` → a set of document numbers.

Exactly means: citing an error code of the query (any spelling) or having its article number,
holding an identifier it types whole (``aem_program_id``), holding a ``"quoted phrase"`` of it,
or a title or UI label that is its whole text (``query.build_query`` lifts all of these).
Semantic fusion never ranks a merely similar article above these (``semantic.fusion``). An
empty set when the query names nothing exactly (most questions in words), without a search.
"""
from whoosh import query as Q

from ..codes import extract_error_codes, normalize_code
from .analysis import analyze, identifiers
from .query import MAX_NAME_CHARS, MAX_QUERY_CHARS, NUMBER_RE, PHRASE_RE
from .schema import CODES, LABELS, NUMBER, TITLE_TERMS, text_field
from .scoring import top_documents


def exact_documents(searcher, text, language, limit, lengths=None, exclude=()):
    clauses = exact_clauses((text or "")[:MAX_QUERY_CHARS], language)
    if not clauses:
        return set()
    return {docnum for docnum, _ in top_documents(searcher, Q.Or(clauses), limit, lengths, exclude)}


def exact_clauses(text, language):
    field = text_field(language)
    clauses = [Q.Term(CODES, key) for _, key in extract_error_codes(text, query=True)]
    clauses += [Q.Term(NUMBER, normalize_code(number)) for number in NUMBER_RE.findall(text)]
    clauses += [Q.Term(field, name) for name in identifiers(text, language)]
    for phrase in PHRASE_RE.findall(text):
        words = analyze(phrase, language)
        if len(words) > 1:
            clauses.append(Q.Phrase(field, words))
        elif words:
            clauses.append(Q.Term(field, words[0]))
    name = " ".join(analyze(text, language)) if len(text) <= MAX_NAME_CHARS else ""
    if name:
        clauses += [Q.Term(TITLE_TERMS, name), Q.Term(LABELS, name)]
    return clauses
