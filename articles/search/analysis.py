"""Analyzers per language, for Whoosh.

Every analyzer tokenizes the same way — words, with dots kept inside identifiers
(``javax.jcr.AccessDeniedException`` is one token besides its parts) — lower-cases, splits
tokens at script changes (``21827이`` → ``21827``, ``이``), turns runs of Han, kana and Hangul
into overlapping bigrams (a cut phrase ``プラインの処`` still matches), and folds accents.
Languages Whoosh can stem (en, fr, de, es…) also drop stop words and stem.

``analyzer_for(code)`` returns the analyzer for a served language code.
"""
from functools import lru_cache
import re

from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import has_stemmer, has_stopwords
from whoosh.support.charset import accent_map

TOKEN_PATTERN = r"\w+(?:\.\w+)*"
CJK = r"\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
SCRIPT_RUN_RE = re.compile(rf"[{CJK}]+|[^{CJK}]+")
CJK_RUN_RE = re.compile(rf"^[{CJK}]+$")
CJK_CHAR_RE = re.compile(rf"[{CJK}]")
WORD_RE = re.compile(r"\w+")


class ScriptSplitFilter(Filter):
    """Splits a token where CJK and other characters meet; CJK runs become bigrams (a single
    character stays a unigram). ``ASSETS-21827이`` yields ``21827`` and ``이``. Positions are
    renumbered so the bigrams of a run stand one after another: a cut phrase is a phrase query."""

    def __call__(self, tokens):
        position = 0
        for token in tokens:
            text = token.text
            if not CJK_CHAR_RE.search(text):
                if token.positions:
                    token.pos = position
                    position += 1
                yield token
                continue
            for run in SCRIPT_RUN_RE.findall(text):
                if CJK_RUN_RE.match(run):
                    pieces = [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
                else:
                    pieces = WORD_RE.findall(run)
                for piece in pieces:
                    token.text = piece
                    if token.positions:
                        token.pos = position
                        position += 1
                    yield token


class DottedPartsFilter(Filter):
    """``javax.jcr.accessdeniedexception`` also yields its parts, so the short class name,
    and ``private.key`` as ``private`` + ``key``, are found."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            yield token
            if "." in text:
                for part in text.split("."):
                    if part:
                        token.text = part
                        yield token


@lru_cache(maxsize=32)
def analyzer_for(code):
    language = code.split("-")[0]
    chain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | DottedPartsFilter() | ScriptSplitFilter()
    if has_stopwords(language):
        chain = chain | StopFilter(lang=language, minsize=1)
    if has_stemmer(language):
        chain = chain | StemFilter(lang=language)
    return chain | CharsetFilter(accent_map)


def analyze(text, code):
    """The terms ``text`` becomes in ``code``'s fields: ``["pipelin", "trigger", ...]``."""
    return [token.text for token in analyzer_for(code)(text or "")]
