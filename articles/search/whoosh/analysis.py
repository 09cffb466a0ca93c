"""Analyzers per language, for Whoosh.

Every analyzer tokenizes the same way — words, with ``.``, ``:``, ``/`` and ``_`` kept inside
identifiers — then gives each identifier whole and in its parts (``parts_of``), split at those
separators and at camelCase boundaries: ``aem_program_id`` → ``aem_program_id``, ``aem``,
``program``, ``id``; ``FeatureFlag_InboundMomentum`` → itself, ``featureflag``, ``feature``,
``flag``, ``inboundmomentum``, ``inbound``, ``momentum``. It lower-cases, splits tokens at script
changes (``21827이`` → ``21827``, ``이``), turns runs of Han, kana and Hangul into overlapping
bigrams (a cut phrase ``プラインの処`` still matches), and folds accents. Languages Whoosh can
stem (en, fr, de, es…) also drop stop words and stem.

In Japanese and Chinese fields the index reads a space between two Han or kana characters as no
word break, and in Korean fields one between two Hangul syllables (``bridged_pieces``):
Chinese and Japanese write words together, and machine translation leaves spaces inside
compounds (``セキュリティ スキャン ツール``); Korean writes spaces between words, but readers
leave them out (``보고서내보내기``) or put them where the page does not. A page's text thus
holds the bigrams across such a space too. What a reader types keeps its spaces as breaks for
its terms (``analyze``: ``検索エンジン リスト`` is two keywords, and the bigram across them is
none of theirs), and is read joined for its phrases (``analyze(…, joined=True)``), so words
typed with or without the space run in the page as typed. Other languages keep their spaces.

Positions run on over every term, the whole form's included: ``dest_addr_npi`` is four
positions, so a query analysed the same way matches it as a phrase whether typed whole or its
parts apart (``dest addr npi``), and the whole form, a rarer term, ranks the exact spelling first.

``analyzer_for(code)`` returns the analyzer for a served language code: a ``WordAnalyzer``,
which runs that chain once per distinct word and remembers the terms it gave (words repeat
across 8,000 articles: indexing the corpus analyses 3.6 million words, fewer than 200,000 of
them distinct).
"""
from functools import lru_cache
import re

from whoosh.analysis import (STOP_WORDS, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter, Token, Tokenizer)
from whoosh.lang import has_stemmer, has_stopwords, stopwords_for_language
from whoosh.support.charset import accent_map

TOKEN_PATTERN = r"\w+(?:[.:/]\w+)*"
TOKEN_RE = re.compile(TOKEN_PATTERN)
CJK = r"\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
SCRIPT_RUN_RE = re.compile(rf"[{CJK}]+|[^{CJK}]+")
CJK_RUN_RE = re.compile(rf"^[{CJK}]+$")
CJK_CHAR_RE = re.compile(rf"[{CJK}]")
HAN_KANA = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HANGUL = r"\uac00-\ud7a3"
# The spaces a language's index reads as no word break: one between two Han or kana characters
# in Japanese and Chinese, between two Hangul syllables in Korean. The space is looked for
# first, then the characters around it (twice as fast as a look behind at every character).
# Word characters only: a space after ``・`` or a sound mark is a break.
_BRIDGED = r"[ \u3000](?<=[{0}][ \u3000])(?<=\w[ \u3000])(?=[{0}])(?=\w)"
BRIDGED_SPACE_RES = {"ja": re.compile(_BRIDGED.format(HAN_KANA)), "zh": re.compile(_BRIDGED.format(HAN_KANA)),
                     "ko": re.compile(_BRIDGED.format(HANGUL))}
# A word that can be misspelt: four letters or more, no digits and no CJK (whose runs are
# sentences, not words). The "did you mean" field and the words it corrects (spelling.py).
SPELLABLE_WORD = rf"[^\W\d_{CJK}]{{4,}}"
WORD_RE = re.compile(r"\w+")
SEPARATOR_RE = re.compile(r"[._:/]+")
PATH_SEPARATOR_RE = re.compile(r"[.:/]+")
# camelCase boundaries: before a capital that follows a small letter or a digit (``onToken``,
# ``scene7File``), and before the last capital of a run followed by small letters
# (``XMLHttp`` → ``XML``, ``Http``; ``IPv6`` and ``HTTPs`` stay whole). ASCII only.
CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2,})")
# Times and dates (``11:30:57``, ``2024/06/30``) are numbers, not identifiers: their whole form
# would be a term of its own per second. Numbers joined by dots (versions: ``6.5``) stay whole.
NUMBERS_RE = re.compile(r"[\d._]*[:/][\d._:/]*")
# A version (``6.5``, ``7.0.1``): hundreds of pages of every language hold ``6.5``, so it names
# none of them, though it tells them apart (``identifiers``).
VERSION_RE = re.compile(r"\d+(?:[._]\d+)+")


def bridged_pieces(value, code):
    """``[(piece, bridge)]``: ``value`` cut at the spaces ``code``'s index reads as no word
    break (``BRIDGED_SPACE_RES``), each piece with the bigram that bridges it to the next one
    (``アクセス レベル`` → ``("アクセス", "スレ"), ("レベル", "")``); the last one's is ""."""
    bridged = BRIDGED_SPACE_RES.get(code.split("-")[0])
    if bridged is None:
        return [(value, "")]
    pieces, start = [], 0
    for space in bridged.finditer(value):
        at = space.start()
        pieces.append((value[start:at], value[at - 1] + value[at + 1]))
        start = at + 1
    pieces.append((value[start:], ""))
    return pieces


def bridged_terms(pieces):
    """The terms of ``bridged_pieces``' pieces, given as ``[(piece, its terms, bridge)]``, as
    the joined text's: each bridge after its piece's terms, and a lone CJK character at a
    bridged edge of a piece (``データ を 削除``: ``を``) no term of its own, as in the same
    text written without its spaces (``データを削除``: ``タを``, ``を削``)."""
    found, bridged_before = [], False
    for piece, terms, bridge in pieces:
        first = 1 if bridged_before and terms and _lone_at(piece, 0) else 0
        last = len(terms) - 1 if bridge and terms and _lone_at(piece, len(piece) - 1) else len(terms)
        found += terms[first:max(first, last)]
        if bridge:
            found.append(bridge)
        bridged_before = bool(bridge)
    return found


def _lone_at(piece, index):
    """Whether the CJK character at ``index`` of ``piece`` (an end) has no CJK neighbour in it."""
    return not any(0 <= i < len(piece) and CJK_CHAR_RE.match(piece[i]) for i in (index - 1, index + 1))


def parts_of(word):
    """The terms of one token before lower-casing, whole form first, then each part in order,
    a camelCase part followed by its own parts: ``["xtk:workflowId", "xtk", "workflowId",
    "workflow", "Id"]``; a name with underscores inside a path is a term of its own before its
    parts (``a/_jcr_content`` → ``["a/_jcr_content", "a", "_jcr_content", "jcr", "content"]``).
    A plain word is itself: ``["Pipeline"]``. A CJK run becomes bigrams
    (one character stays itself); a token mixing scripts is split where they meet first."""
    if CJK_CHAR_RE.search(word):
        found = []
        for run in SCRIPT_RUN_RE.findall(word):
            if CJK_RUN_RE.match(run):
                found += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
            else:
                for piece in TOKEN_RE.findall(run):
                    found += parts_of(piece)
        return found
    parts = [part for part in SEPARATOR_RE.split(word) if part]
    found = [word] if parts != [word] and not NUMBERS_RE.fullmatch(word) else []
    # A path holding an underscore is read a segment at a time: _jcr_content in /a/_jcr_content/b
    # is a term, as typed alone, before its parts. Any other token is split once.
    segments = PATH_SEPARATOR_RE.split(word) if "_" in word and PATH_SEPARATOR_RE.search(word) else None
    for segment in segments or [None]:
        if segment is not None and "_" in segment and segment.strip("_"):
            found.append(segment)
        for part in parts if segment is None else SEPARATOR_RE.split(segment):
            if part:
                pieces = CAMEL_RE.split(part)
                found += [part] + pieces if len(pieces) > 1 else [part]
    return found


class PartsFilter(Filter):
    """Each token as ``parts_of`` gives it: whole, then its parts, each at a position of its
    own (positions are renumbered over the terms given, from 0)."""

    def __call__(self, tokens):
        position = 0
        for token in tokens:
            for piece in parts_of(token.text):
                token.text = piece
                if token.positions:
                    token.pos = position
                    position += 1
                yield token


# Words of Whoosh's (Snowball's) stop lists that are searched all the same: in a troubleshooting
# question they carry the meaning. A negation (``not``, ``nicht``, ``no``) and a direction or a
# time (``opt-out`` against ``opt-in``, ``turn off``, ``log out``, ``after the upgrade``, ``ohne``,
# ``sin``): dropped, "Consent Management Opt-Out" was the same name as "…Opt-In". French keeps its
# list (``sans`` is in none): its stemmer reads a misspelt ``pase`` as ``pas``, which is in every
# negative sentence, and "did you mean" would no longer correct it.
SEARCHED_STOP_WORDS = {
    "en": {"not", "no", "nor", "off", "out", "up", "down", "over", "under", "before", "after", "above", "below",
           "during", "until", "again", "same", "against", "between"},
    "de": {"nicht", "nichts", "kein", "keine", "keinem", "keinen", "keiner", "keines", "ohne", "aus", "nach", "vor",
           "wieder", "gegen"},
    "es": {"no", "sin", "antes", "contra"},
}


def stop_words(language):
    """The words ``language``'s chain drops: Whoosh's list for the language and its English list
    (what ``StopFilter(lang=…)`` drops: English left in a translated page), but
    ``SEARCHED_STOP_WORDS``."""
    return (STOP_WORDS | stopwords_for_language(language)) - SEARCHED_STOP_WORDS.get(language, frozenset())


def chain_for(language):
    """The analysis chain, filter by filter (``WordAnalyzer`` runs it a word at a time)."""
    chain = RegexTokenizer(TOKEN_PATTERN) | PartsFilter() | LowercaseFilter()
    if has_stopwords(language):
        chain = chain | StopFilter(stoplist=stop_words(language), minsize=1)
    if has_stemmer(language):
        chain = chain | StemFilter(lang=language)
    return chain | CharsetFilter(accent_map)


class WordAnalyzer(Tokenizer):
    """``chain_for(language)``, with the terms of each distinct word remembered. Gives the same
    terms at the same positions as the chain: every filter of the chain maps one word to terms
    on its own, and positions run on over all terms, the stop words' included until the first
    term kept (as ``StopFilter`` renumbers). Pickled into the index with its language only."""

    # Remembered per language, then the memory is dropped and refilled: the corpus has at most
    # 44,000 distinct words per language (Japanese), and 100,000 take about 40 MB.
    MAX_WORDS = 100_000

    def __init__(self, language):
        self.language = language
        self._chain = chain_for(language)
        self._words = {}

    def __getstate__(self):
        return {"language": self.language}

    def __setstate__(self, state):
        self.__init__(state["language"])

    def __eq__(self, other):
        return isinstance(other, WordAnalyzer) and other.language == self.language

    def __hash__(self):
        return hash(self.language)

    def _terms(self, word):
        """What the chain makes of one word, remembered: ``(kept, lead, count)``, the terms it
        keeps (stop words dropped), how many stop words come before the first of them, and how
        many terms it made in all."""
        found = self._words.get(word)
        if found is None:
            if len(self._words) >= self.MAX_WORDS:
                self._words = {}
            made = [(t.text, t.stopped) for t in self._chain(word, removestops=False)]
            kept = tuple(text for text, stopped in made if not stopped)
            lead = next((i for i, (_, stopped) in enumerate(made) if not stopped), len(made))
            found = self._words[word] = (kept, lead, len(made))
        return found

    def terms_at(self, value):
        """``(terms, positions)``: the terms of ``value`` in order and their positions, a
        ``range`` (the kept terms' positions run on one by one from the first, which counts the
        stop words before it). The index build's way: no ``Token`` nor generator step per term
        (it analyses 40 million words at 99,936 translations)."""
        terms = []
        first = None
        before = 0  # terms made before the first kept one
        pieces = bridged_pieces(value, self.language)
        if len(pieces) > 1:  # only in the CJK fields, which have no stop words
            terms = bridged_terms([(piece, [t for word in TOKEN_RE.findall(piece) for t in self._terms(word)[0]], bridge)
                                   for piece, bridge in pieces])
            return terms, range(len(terms))
        for word in TOKEN_RE.findall(value):
            kept, lead, count = self._terms(word)
            if first is None:
                if not kept:
                    before += count
                    continue
                first = before + lead
            terms += kept
        return terms, range(first or 0, (first or 0) + len(terms))

    def positioned_terms(self, value):
        """``[(term, position)]``: what ``self(value, positions=True)`` yields, as a list."""
        return list(zip(*self.terms_at(value)))

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if not tokenize or not removestops or chars or keeporiginal:
            # Options the index never asks for: the chain itself answers them (no bridges).
            yield from self._chain(value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                                   removestops=removestops, start_pos=start_pos, start_char=start_char,
                                   tokenize=tokenize, mode=mode, **kwargs)
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost, token.stopped = 1.0, False
        for text, position in zip(*self.terms_at(value)):
            token.text = text
            if positions:
                token.pos = position
            yield token


@lru_cache(maxsize=32)
def analyzer_for(code):
    return WordAnalyzer(code.split("-")[0])


@lru_cache(maxsize=32)
def _chain(code):
    return chain_for(code.split("-")[0])


def analyze(text, code, joined=False):
    """The terms ``text`` becomes in ``code``'s fields: ``["pipelin", "trigger", ...]``; with
    ``joined``, in order as the index reads a page's text, bridges between words and all
    (``bridged_pieces``: for a phrase). Runs the chain itself, not the remembering analyzer:
    what people type must not fill a memory meant for the vocabulary of the articles."""
    chain = _chain(code)
    if not joined:
        return [token.text for token in chain(text or "")]
    return bridged_terms([(piece, [token.text for token in chain(piece)], bridge)
                          for piece, bridge in bridged_pieces(text or "", code)])


@lru_cache(maxsize=8192)
def word_terms(word, code):
    """The terms ``code``'s fields make of one lower-cased word typed or shown (none for a word
    search drops), remembered: what highlighting and the matched passage compare a word by."""
    return frozenset(analyze(word, code))


def identifiers(text, code, with_words=False, versions=True):
    """The whole forms of the identifiers in ``text``, as ``code``'s fields hold them:
    ``identifiers("set aem_program_id in onTokenRefresh", "en") == ["aem_program_id",
    "ontokenrefresh"]``; ``with_words``: ``(word as written, term)`` pairs. A plain word, a CJK
    run, a time or a whole number is none; a version (``6.5``, ``VERSION_RE``) is one unless
    ``versions`` is false: the lexical ranking lifts the pages holding it, but it names none of
    them exactly (``exact``)."""
    found = {}
    for word in TOKEN_RE.findall(text or ""):
        parts = parts_of(word)
        if (len(parts) > 1 and parts[0] == word and not CJK_CHAR_RE.search(word)
                and (versions or not VERSION_RE.fullmatch(word))):
            for term in analyze(word, code)[:1]:
                found.setdefault(term, word)
    return [(word, term) for term, word in found.items()] if with_words else list(found)

