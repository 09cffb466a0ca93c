"""User text → a Whoosh query. The text is never parsed as Whoosh syntax.

``build_query(text, language, searcher)`` returns ``(query, codes)``; the query is a sum
(``Or``) of clauses, scored by ``scoring.top_documents``:

- ``"quoted phrases"`` become phrase queries and ``-word`` excludes a word: the only operators;
- the words in the order typed also count as a phrase, and so do the words between the first
  and the last (a copied fragment, perhaps cut mid-word, ranks its article first);
- error codes in the text (``XSV-350176``, ``xsv 350176``, ``javax.jcr.X``, ``iRc=16384``,
  ``HTTP 403``) and an article number match the exact ``codes``/``number`` fields, boosted;
- the other words are analysed for the searcher's language and searched in the language's
  text field, where a word of the title, keywords or description already weighs more than
  one of the body (``documents.WEIGHTS``);
  a long paste (a log line) loses its timestamps and keeps only its ``MAX_TERMS`` rarest
  terms, so hosts and ids cost nothing.
"""
import re

from whoosh import query as Q

from .analysis import analyze
from ..codes import extract_error_codes, normalize_code
from .schema import CODES, NUMBER, text_field

MAX_QUERY_CHARS = 2000
MAX_TERMS = 12
COMMON_SHARE = 0.2  # a term in more than this share of a language's documents is noise
PHRASE_BOOST = 2.0  # a phrase counts twice the sum of its words
# The longest text also searched as a phrase: a copied sentence fragment (a CJK run of n
# characters is n - 1 terms). Longer pastes are logs, whose words rarely run as in an article,
# and a phrase of more terms costs more than it finds.
PHRASE_MAX_TERMS = 16
CODE_BOOST = 30.0
NUMBER_BOOST = 100.0
PHRASE_RE = re.compile(r'"([^"]+)"')
EXCLUDE_RE = re.compile(r"(?:^|\s)-(\w[\w.]*)")
NUMBER_RE = re.compile(r"\b[A-Za-z]{2,3}[-_ ]?\d{3,6}\b")
# Dates and times (a log line's timestamp: 2026-06-24 11:30:57,123) say nothing about which
# article helps, and their numbers match unrelated articles.
TIMESTAMP_RE = re.compile(r"\b\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
                          r"|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b")


def build_query(text, language, searcher):
    """See the module docstring. ``searcher`` supplies document frequencies for term choice."""
    text = (text or "")[:MAX_QUERY_CHARS]
    phrases = PHRASE_RE.findall(text)
    text = PHRASE_RE.sub(" ", text)
    excluded = EXCLUDE_RE.findall(text)
    text = EXCLUDE_RE.sub(" ", text)
    codes = extract_error_codes(" ".join([text] + phrases), query=True)
    should = []
    # Constant scores: an article citing the code gets the same lift whatever else it cites,
    # and the words of the query decide between them.
    for display, key in codes:
        should.append(Q.ConstantScoreQuery(Q.Term(CODES, key), score=CODE_BOOST))
    for candidate in NUMBER_RE.findall(text):
        should.append(Q.ConstantScoreQuery(Q.Term(NUMBER, normalize_code(candidate)), score=NUMBER_BOOST))
    analysed = analyze(TIMESTAMP_RE.sub(" ", text), language)
    term_queries = _term_queries(_rare_terms(analysed, language, searcher), language)
    should.extend(term_queries)
    should.extend(_phrase_queries(phrases, language))
    if 1 < len(analysed) <= PHRASE_MAX_TERMS:
        # The words in the order typed: a fragment copied from an article ranks it first. Its
        # first and last words may be cut ("ort stops with a timeo", "보고서를 내보내"):
        # the words between count as a phrase too.
        field = text_field(language)
        should.append(Q.Phrase(field, analysed, boost=PHRASE_BOOST))
        if len(analysed) > 3:
            should.append(Q.Phrase(field, analysed[1:-1], boost=PHRASE_BOOST / 2))
    if not should:
        return None, codes
    # A sum of clauses, scored by scoring.top_documents.
    result = Q.Or(should)
    negatives = [q for word in excluded for q in _term_queries(analyze(word, language), language)]
    if negatives:
        result = Q.AndNot(result, Q.Or(negatives))
    return result, codes


def _rare_terms(terms, code, searcher):
    """The terms worth searching: present in the language's documents, not in nearly all of
    them ("adobe", "kcs" cost time and rank nothing), at most ``MAX_TERMS``, rarest first."""
    unique = list(dict.fromkeys(t for t in terms if len(t) > 1 or not t.isascii()))
    frequency = {term: _document_frequency(searcher, code, term) for term in unique}
    present = [t for t in unique if frequency[t] > 0 and not (len(unique) > MAX_TERMS and t.isdigit())]
    if len(present) > 2:
        rarer = [t for t in present if frequency[t] <= _language_size(searcher, code) * COMMON_SHARE]
        present = rarer if len(rarer) >= 2 else present
    return sorted(present, key=lambda t: frequency[t])[:MAX_TERMS]


def _document_frequency(searcher, code, term):
    return searcher.doc_frequency(text_field(code), term)


def _language_size(searcher, code):
    return searcher.doc_frequency("lang", code) or searcher.doc_count()


def _term_queries(terms, code):
    return [Q.Term(text_field(code), term) for term in terms]


def _phrase_queries(phrases, code):
    queries = []
    for phrase in phrases:
        words = analyze(phrase, code)
        if len(words) > 1:
            queries.append(Q.Phrase(text_field(code), words, boost=PHRASE_BOOST))
        elif words:
            queries.extend(_term_queries(words, code))
    return queries
