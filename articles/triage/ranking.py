"""Log triage: the articles that explain a pasted log, best first, one per article in the reader's
language, each with the lines of the paste it explains.

``triage(text, language, user=None, limit=10)`` returns a ``Triage``::

    paste     the ``extraction.Paste`` (its lines, signals, products, versions)
    codes     display forms of the signals found (codes, exceptions, HTTP error statuses)
    results   [TriageResult(article_number, language, title, score, lines, codes)]

An article's score, in this order of weight:

1. every signal of the paste it cites adds ``log(N / df)`` (N documents, df those citing the
   rarest of the signal's keys that the article cites: a rare code weighs more than a common
   one), times ``1 + DEPTH_STEP * depth`` (the deepest ``Caused by`` more than its wrapper),
   times how much it stands out (``_signal_scales``): a signal on hundreds of lines of the paste
   is the log's background when a few lines differ, and those are what the paste is about;
2. a sum of n signals is multiplied by ``1 + CO_OCCURRENCE * (n - 1)``: codes that appear
   together in one article weigh more together than in two (n counts each signal by how much
   it stands out);
3. the rarest words of the lines that are not routine (``extraction``: INFO, 2xx access lines),
   searched as a search's words are (``IndexView.rare_terms``, in the reader's language and in
   English, where logs are quoted), add up to ``TEXT_WEIGHT`` (the best text match gets it
   all): it decides between articles citing the same codes and ranks alone without codes. Only
   the lines the paste repeats at most ``RARE`` times as often as its rarest line are read (the
   others are the log's background), those with signals first, then those near them;
4. each of the first lines read that the article holds as a phrase adds ``QUOTE_WEIGHT``: the
   article quoting the paste's own lines;
5. an article of a product named in the paste gets ``PRODUCT_BONUS`` on top.

Readers see public articles only (``IndexView.hidden``); staff see everything. The index is
read through the search backend (``get_backend().read``): one view, whose documents are numbers
valid for that call.
"""
from dataclasses import dataclass, field
import math

from ..languages import FALLBACK_LANGUAGE
from ..search import get_backend, sync
from ..search.backend import Phrase, Words
from .extraction import NOISE_MARK, read_paste

DEPTH_STEP = 0.5
CO_OCCURRENCE = 0.5
TEXT_WEIGHT = 1.5
PRODUCT_BONUS = 1.1
TEXT_CANDIDATES = 50  # documents read from the text search
MAX_TEXT_LINES = 400  # distinct lines whose words are considered (those with signals first)
MAX_TEXT_CHARS = 400  # of each line
# The longest run of words between two bits of noise of the first lines (those with signals
# first) is also searched as a phrase: an article quoting the same log line ranks above
# others citing the same codes.
PHRASE_LINES = 10
NEAR_LINES = 3  # a line this close to one with a signal is read before the others
PHRASE_TERMS = (3, 12)  # at least, at most
PHRASE_BOOST = 2.0
RARE = 3  # a line the paste repeats at most this many times as often as its rarest one is read
BACKGROUND_POWER = 2  # a signal on k times more lines than the rarest weighs 1 / k ** BACKGROUND_POWER
QUOTE_WEIGHT = 1.0  # for each of the first lines read that an article holds as a phrase


@dataclass
class TriageResult:
    article_number: str
    language: str
    title: str
    score: float
    lines: list  # 1-based line numbers of the paste
    codes: list  # display forms of the paste's signals the article cites


@dataclass
class Triage:
    paste: object
    codes: list
    results: list = field(default_factory=list)


def triage(text, language, user=None, limit=10):
    """See the module docstring. Raises ``articles.search.IndexUnavailable`` like a search."""
    staff = bool(getattr(user, "is_staff", False))
    sync.catch_up_cheaply()

    def run(view):
        paste = read_paste(text, view.product_names(), view.cited)
        hidden = set() if staff else view.hidden()
        articles, scales = {}, _signal_scales(paste)
        _score_signals(view, paste, scales, hidden, articles)
        _score_text(view, paste, language, hidden, articles)
        wanted = set(paste.products)
        for entry in articles.values():
            entry["score"] = _article_score(entry, scales) * (PRODUCT_BONUS if wanted & entry["products"] else 1.0)
        ordered = sorted(articles.values(), key=lambda e: (-e["score"], e["article"]))[:limit]
        results = []
        for entry in ordered:
            shown = view.result(entry, language, staff)
            lines = paste.line_numbers(entry["lines"])
            codes = [paste.signals[i].display for i in sorted(entry["signals"])]
            results.append(TriageResult(shown.article_number, shown.language, shown.title,
                                        round(entry["score"], 3), lines, codes))
        return Triage(paste, [s.display for s in paste.signals], results)

    return get_backend().read(run)


def _entry(articles, view, docnum):
    article, lang, products = view.describe([docnum])[0]
    entry = articles.get(article)
    if entry is None:
        entry = articles[article] = {"article": article, "score": 0.0, "hits": [], "products": set(),
                                     "signals": {}, "text": 0.0, "quoted": 0, "lines": set()}
    if (lang, docnum) not in entry["hits"]:
        entry["hits"].append((lang, docnum))
    entry["products"].update(products)
    return entry


def _signal_scales(paste):
    """Per signal, how much it stands out, from 0 to 1: ``(least / repeats) ** BACKGROUND_POWER``,
    ``repeats`` the least repeated shape of the lines carrying it (``DistinctLine.repeats``),
    ``least`` that of the least repeated line that is not routine. A signal on lines the paste
    repeats hundreds of times is the log's background when a few lines differ; a paste of one
    error logged a hundred times is about that error."""
    repeats = [min(paste.distinct[i].repeats for i in s.lines) for s in paste.signals]
    least = _least_repeats(paste)
    return [min(1.0, least / max(1, r)) ** BACKGROUND_POWER for r in repeats]


def _least_repeats(paste):
    return min((line.repeats for line in paste.distinct if not line.routine), default=1)


def _score_signals(view, paste, scales, hidden, articles):
    total = max(1, view.doc_count())
    for index, signal in enumerate(paste.signals):
        factor = (1 + DEPTH_STEP * signal.depth) * scales[index]
        for key in signal.keys:
            docs = view.citing(key)
            if not docs:
                continue
            weight = math.log(total / len(docs)) * factor
            for docnum in docs:
                if docnum in hidden:
                    continue
                entry = _entry(articles, view, docnum)
                entry["signals"][index] = max(entry["signals"].get(index, 0.0), weight)
                entry["lines"].update(signal.lines)


def _score_text(view, paste, language, hidden, articles):
    """The rarest words of the lines that are not routine, in the reader's language and English."""
    with_signal = {i for s in paste.signals for i in s.lines}
    near = _near(paste, with_signal)
    # The lines the paste repeats at most RARE times as often as its rarest (the others are the
    # log's background); the lines with signals, then those just below or above one (a stack
    # trace's frames), then the rest.
    least = _least_repeats(paste)
    read = [i for i, line in enumerate(paste.distinct) if not line.routine and line.repeats <= RARE * least]
    candidates = sorted(read, key=lambda i: (i not in with_signal, i not in near, i))[:MAX_TEXT_LINES]
    if not candidates:
        return
    best = {}
    # The words of the lines with signals or near them first; the other lines only fill what is left.
    telling = with_signal | near
    for code in dict.fromkeys([language, FALLBACK_LANGUAGE]):
        line_terms = {i: set(view.analyze(paste.distinct[i].text[:MAX_TEXT_CHARS], code)) for i in candidates}
        terms = view.rare_terms([t for i in candidates if i in telling for t in line_terms[i]], code)
        if len(terms) < view.max_terms:
            others = view.rare_terms([t for i in candidates if i not in telling for t in line_terms[i]], code)
            terms += [t for t in others if t not in terms][:view.max_terms - len(terms)]
        if not terms:
            continue
        phrases = _phrases(view, paste, candidates[:PHRASE_LINES], code)
        _score_quotes(view, phrases, hidden, articles)
        clauses = [Words(code, tuple(terms))] + phrases
        hits = view.top(clauses, TEXT_CANDIDATES, exclude=hidden)
        holders = {t: set(view.holding(code, t)) for t in terms}
        for docnum, score in hits:
            if score > best.get(docnum, (0.0,))[0]:
                held = {t for t in terms if docnum in holders[t]}
                best[docnum] = (score, [i for i in candidates if line_terms[i] & held])
    if not best:
        return
    top = max(score for score, _ in best.values())
    for docnum, (score, lines) in best.items():
        entry = _entry(articles, view, docnum)
        entry["text"] = max(entry["text"], TEXT_WEIGHT * score / top)
        entry["lines"].update(lines)


def _score_quotes(view, phrases, hidden, articles):
    """How many of the phrases (the first lines read, each its longest run of words) each
    document holds: an article quoting the paste's own lines."""
    quoted = {}
    for phrase in phrases:
        for docnum in view.quoting(phrase):
            if docnum not in hidden:
                quoted[docnum] = quoted.get(docnum, 0) + 1
    for docnum, count in quoted.items():
        entry = _entry(articles, view, docnum)
        entry["quoted"] = max(entry["quoted"], count)


def _near(paste, with_signal, distance=NEAR_LINES, most=1000):
    """Distinct lines within ``distance`` lines of a line with a signal (its first ``most`` occurrences)."""
    numbers = sorted(n for i in with_signal for n in paste.distinct[i].numbers[:10])[:most]
    wanted = {n + d for n in numbers for d in range(-distance, distance + 1)}
    return {i for i, line in enumerate(paste.distinct) if not wanted.isdisjoint(line.numbers[:10])} - with_signal


def _phrases(view, paste, lines, code):
    phrases = []
    for index in lines:
        runs = [view.analyze(run, code, joined=True)
                for run in paste.distinct[index].text[:MAX_TEXT_CHARS].split(NOISE_MARK)]
        words = max(runs, key=len)
        if len(words) >= PHRASE_TERMS[0]:
            phrases.append(Phrase(code, tuple(words[:PHRASE_TERMS[1]]), boost=PHRASE_BOOST))
    return phrases


def _article_score(entry, scales):
    cited = sum(scales[index] for index in entry["signals"])
    codes = sum(entry["signals"].values()) * (1 + CO_OCCURRENCE * max(0.0, cited - 1))
    return codes + entry["text"] + QUOTE_WEIGHT * entry["quoted"]

