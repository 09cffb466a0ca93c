"""User text → a Whoosh query. The text is never parsed as Whoosh syntax.

``build_query(text, language, searcher)`` returns ``(query, codes)``; the query is a sum
(``Or``) of clauses, scored by ``scoring.top_documents``:

- ``"quoted phrases"`` become phrase queries and ``-word`` excludes a word: the only operators.
  Text pasted from a command line or a log carries flags (``base64 -d``, ``grep -v``, ``curl
  -XDELETE host:9200/x``), and negative numbers (``SQLCODE -803``), not exclusions: ``-word``
  excludes only a word of three characters or more (any CJK word), not starting with a digit,
  in text with none of a command's or a log's punctuation (``COMMAND_CHARS_RE``), and in German
  not a compound's tail (``GERMAN_SUSPENDED_RE``); otherwise it is one more word;
- the words in the order typed also count as a phrase, and so do the words between the first
  and the last (a copied fragment, perhaps cut mid-word, ranks its article first); a document
  holding the whole text typed, or a quoted phrase, as it is written is also lifted by the most
  its words can score apart (``_lifted_phrase``), so an exact match in a long page outranks the
  same words scattered in a short one;
- a text that is all of a page's title lifts that page above any page whose title holds more
  words besides; one of its UI labels (``[!UICONTROL …]``) lifts it as a phrase does;
- error codes in the text (``XSV-350176``, ``xsv 350176``, ``javax.jcr.X``, ``iRc=16384``,
  ``HTTP 403``) and an article number match the exact ``codes``/``number`` fields, boosted; a
  text that is only the digits of an article number (``24427``, ``#24427``: four to six digits)
  matches the number of any prefix (``KA-24427``, ``KT-24427``), boosted alike; a text that is
  only an article number, not an error code, is searched as that number and as a phrase, not as
  its words;
- an identifier typed whole (``aem_program_id``, ``onTokenRefresh``, ``xtk:workflow``) lifts
  the documents that hold it whole by the most its terms score apart, however long they are;
  its parts are searched as words (``analysis.parts_of``), so typing them apart still finds it;
- the other words are analysed for the searcher's language and searched in the language's
  text field, where a word of the title, keywords or description already weighs more than
  one of the body (``documents.WEIGHTS``);
  a long paste (a log line) loses its timestamps and keeps only its ``MAX_TERMS`` rarest
  terms, so hosts and ids cost nothing.
"""
import re

from whoosh import query as Q

from .analysis import CJK_CHAR_RE, TOKEN_RE, analyze, identifiers
from ..codes import TIMESTAMP_RE, extract_error_codes, normalize_code
from .schema import CODES, LABELS, NUMBER, TITLE_TERMS, text_field

MAX_QUERY_CHARS = 2000
MAX_TERMS = 12
COMMON_SHARE = 0.2  # a term in more than this share of a language's documents is noise
PHRASE_BOOST = 2.0  # a phrase counts twice the sum of its words
# The longest text also searched as a phrase: a copied sentence fragment (a CJK run of n
# characters is n - 1 terms). Longer pastes are logs, whose words rarely run as in an article,
# and a phrase of more terms costs more than it finds.
PHRASE_MAX_TERMS = 16
# A CJK run of n characters is n - 1 bigrams: a copied fragment of a Korean or Japanese
# sentence is a phrase of up to this many terms.
PHRASE_MAX_CJK_TERMS = 48
MAX_NAME_CHARS = 500  # the title column's length
CODE_BOOST = 30.0
NUMBER_BOOST = 100.0
PHRASE_RE = re.compile(r'"([^"]+)"')
EXCLUDE_RE = re.compile(r"(?:^|\s)-(\w[\w.]*)")
EXCLUDED_MIN_CHARS = 3
# German writes a compound's tail after a hyphen: after a name (``Fastly -Anmeldeinformationen``,
# as Experience League's translations write a product's name apart) and after "und", "oder" for
# a word the two share (``Versionsstrategie und -richtlinie``). Such a ``-Wort`` (capitalised, as
# a German noun is, or after one of these words) is a word of the text pasted, not an exclusion.
GERMAN_SUSPENDED_RE = re.compile(r"(?:\b(?:und|oder|bzw\.?|sowie)|,)\s*$", re.IGNORECASE)
COMMAND_CHARS_RE = re.compile(r"[|$/\\=<>{}()\[\];@&*`]")
NUMBER_RE = re.compile(r"\b[A-Za-z]{2,3}[-_ ]?\d{3,6}\b")
NUMBER_DIGITS_RE = re.compile(r"\s*#?([0-9]{4,6})\s*")
# An article number as a prefix and digits: ``KA-24427``, ``NW_12``, ``KT24427``.
NUMBER_PREFIX_RE = re.compile(r"([A-Za-z]{1,6}[-_]?)([0-9]{1,9})")
NUMBERS_TRIED = 10  # articles a number typed alone may name (KA-24427 and KT-24427 …)


def numbers_ending_in(digits):
    """The site's article numbers that are a prefix and ``digits`` (``KA-24427``, ``KT24427``
    for ``24427``), read from the database (a scan of the numbers: the index's terms are no
    cheaper to scan, and a number typed alone is rare)."""
    from ...models import Article

    found = Article.objects.filter(number__endswith=digits).values_list("number", flat=True)[:NUMBERS_TRIED * 10]
    matches = (NUMBER_PREFIX_RE.fullmatch(number) for number in found)
    return [match.group(0) for match in matches if match and match.group(2) == digits][:NUMBERS_TRIED]


def build_query(text, language, searcher):
    """See the module docstring. ``searcher`` supplies document frequencies for term choice."""
    text = typed = (text or "")[:MAX_QUERY_CHARS]
    phrases = PHRASE_RE.findall(text)
    text = PHRASE_RE.sub(" ", text)
    excluded, text = exclusions(text, language)
    codes = extract_error_codes(" ".join([text] + phrases), query=True)
    should = []
    # Constant scores: an article citing the code gets the same lift whatever else it cites,
    # and the words of the query decide between them.
    for display, key in codes:
        should.append(Q.ConstantScoreQuery(Q.Term(CODES, key), score=CODE_BOOST))
    for candidate in NUMBER_RE.findall(text):
        should.append(Q.ConstantScoreQuery(Q.Term(NUMBER, normalize_code(candidate)), score=NUMBER_BOOST))
    digits = NUMBER_DIGITS_RE.fullmatch(text)
    if digits:
        should.extend(Q.ConstantScoreQuery(Q.Term(NUMBER, normalize_code(number)), score=NUMBER_BOOST)
                      for number in numbers_ending_in(digits.group(1)))
    text = TIMESTAMP_RE.sub(" ", text)
    analysed = analyze(text, language)
    if not (codes or phrases or excluded) and NUMBER_RE.fullmatch(typed.strip()):
        # An article number typed alone (KA-24427, not an error code): that article (above),
        # then the pages citing it as written, never those merely holding its prefix ("ka") or
        # its digits as a word. Whether such an article exists is not asked: the answer would
        # tell a reader that a hidden one does.
        should.append(Q.Phrase(text_field(language), analysed, boost=PHRASE_BOOST))
        return Q.Or(should), codes
    if len(typed) <= MAX_NAME_CHARS:
        should.extend(_name_queries(analysed if typed == text else analyze(typed, language), language, searcher))
    rare = _rare_terms(analysed, language, searcher)
    should.extend(_identifier_queries(text, language, searcher, rare))
    should.extend(_term_queries(rare, language))
    should.extend(_phrase_queries(phrases, language, searcher))
    for in_order, inner in typed_phrases(text, language, analysed):
        # The words in the order typed: a fragment copied from an article ranks it first. Its
        # first and last words may be cut ("ort stops with a timeo", "보고서를 내보내"):
        # the words between count as a phrase too.
        field = text_field(language)
        should.append(Q.Phrase(field, in_order, boost=PHRASE_BOOST))
        should.append(_lifted_phrase(searcher, field, in_order))
        if len(analysed) > 3 and len(inner) > 1:
            should.append(Q.Phrase(field, inner, boost=PHRASE_BOOST / 2))
    if not should:
        return None, codes
    # A sum of clauses, scored by scoring.top_documents.
    result = Q.Or(should)
    negatives = [q for word in excluded for q in _term_queries(analyze(word, language), language)]
    if negatives:
        result = Q.AndNot(result, Q.Or(negatives))
    return result, codes


def typed_phrases(text, language, analysed):
    """``[(phrase, inner)]``: the terms of ``text`` searched as typed, for each of its
    ``phrase_readings`` (``typed_in_order``), with the terms between its first and last word
    (``_inner_terms``; none when the phrase is a long text's opening run)."""
    found = []
    for reading in phrase_readings(text, language, analysed):
        in_order = typed_in_order(text, reading)
        if in_order:
            found.append((in_order, _inner_terms(text, reading, language) if in_order is reading else []))
    return found


def phrase_readings(text, language, analysed):
    """The terms of ``text`` (``analysed``: its terms as typed) to search as the phrase typed:
    read as the index reads a page (``analyze(…, joined=True)``: a Japanese, Chinese or Korean
    text's spaces joined, so words typed apart run in a page that writes them together), and,
    when that differs, as typed (a copied fragment whose punctuation was cut, ``을(를 선택``,
    runs in the page across its ``) ``)."""
    if not CJK_CHAR_RE.search(text):
        return [analysed]
    joined = analyze(text, language, joined=True)
    return [joined] if joined == analysed else [joined, analysed]


def typed_in_order(text, analysed):
    """The terms searched as the phrase typed: all of ``analysed`` (``text``'s terms) up to
    ``PHRASE_MAX_TERMS``; a text holding CJK, up to ``PHRASE_MAX_CJK_TERMS``, and past them its
    first ``PHRASE_MAX_CJK_TERMS`` (a copied Japanese sentence is often longer, and any run of a
    CJK text's bigrams is as the page holds it); none for a single term or a longer paste."""
    if len(analysed) < 2:
        return []
    if CJK_CHAR_RE.search(text):
        return analysed if len(analysed) <= PHRASE_MAX_CJK_TERMS else analysed[:PHRASE_MAX_CJK_TERMS]
    return analysed if len(analysed) <= PHRASE_MAX_TERMS else []


def exclusions(text, language=None):
    """``(the words excluded, the text without them)``: see the module docstring."""
    if COMMAND_CHARS_RE.search(text):
        return [], text
    excluded = []

    def taken(match):
        word = match.group(1)
        if word[0].isdigit() or (len(word) < EXCLUDED_MIN_CHARS and not CJK_CHAR_RE.search(word)):
            return match.group(0)  # a negative number (SQLCODE -803), a flag (-d, -rf)
        if language == "de" and (word[0].isupper() or GERMAN_SUSPENDED_RE.search(text, 0, match.start())):
            return match.group(0)  # a compound's tail: Fastly -Anmeldeinformationen, Strategie und -richtlinie
        excluded.append(match.group(1))
        return " "

    return excluded, EXCLUDE_RE.sub(taken, text)


def _inner_terms(text, analysed, code):
    """The terms between the first and the last word typed, either of which may be cut: one
    term at each end, or all the terms of an identifier there (its whole form and parts)."""
    words = TOKEN_RE.findall(text)
    first = len(analyze(words[0], code)) if words and identifiers(words[0], code) else 1
    last = len(analyze(words[-1], code)) if len(words) > 1 and identifiers(words[-1], code) else 1
    return analysed[first:len(analysed) - last]


def _name_queries(terms, code, searcher):
    """Lifts for the pages whose title (or opening heading: ``documents.page_heading``), or one
    of whose UI labels, is the whole text typed (quotes and all: ``Foreign key of "Folder"
    link``), whose terms are ``terms``. A whole
    title outscores what its words can score in any other page, as words and as a phrase
    (``PHRASE_BOOST``); a label is lifted as a phrase is."""
    if not terms:
        return []
    name, most = " ".join(terms), _most_scored(searcher, text_field(code), terms)  # documents.name_term
    return [Q.ConstantScoreQuery(Q.Term(TITLE_TERMS, name), score=(PHRASE_BOOST + 2) * most),
            Q.ConstantScoreQuery(Q.Term(LABELS, name), score=most)]


def _identifier_queries(text, code, searcher, searched):
    """A constant lift for each identifier of the text among the terms ``searched`` (the
    rarest, present in the language's documents), the most its terms (whole and parts) score
    apart: BM25 would rank its parts in a short article above the exact name in a long page."""
    field = text_field(code)
    return [Q.ConstantScoreQuery(Q.Term(field, name), score=_most_scored(searcher, field, analyze(word, code)))
            for word, name in identifiers(text, code, with_words=True) if name in searched]


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


def _lifted_phrase(searcher, field, terms):
    """A constant score for the documents holding ``terms`` in a row, the most those terms
    score apart: no document holding them scattered outscores one holding them as typed."""
    return Q.ConstantScoreQuery(Q.Phrase(field, terms), score=_most_scored(searcher, field, terms))


def _most_scored(searcher, field, terms):
    """The most BM25 gives ``terms`` in one document: ``idf * (K1 + 1)`` each, however often
    it repeats them."""
    if not searcher.doc_count_all():
        return 0.0  # an empty index: BM25's idf is the log of its zero documents
    saturation = getattr(searcher.weighting, "K1", 1.2) + 1
    return saturation * sum(searcher.idf(field, term) for term in set(terms))


def _phrase_queries(phrases, code, searcher):
    queries = []
    for phrase in phrases:
        words = analyze(phrase, code, joined=True)
        if len(words) > 1:
            queries.append(Q.Phrase(text_field(code), words, boost=PHRASE_BOOST))
            queries.append(_lifted_phrase(searcher, text_field(code), words))
        elif words:
            queries.extend(_term_queries(words, code))
    return queries
