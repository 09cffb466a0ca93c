"""A pasted log or stack trace → what it says: a pure function of the text.

``read_paste(text, product_names=(), known_code=None)`` returns a ``Paste``:

    lines      the paste's lines (``\\r\\n`` and ``\\r`` read as ``\\n``), 1-based numbers index them - 1
    distinct   ``[DistinctLine]``: lines equal once their noise is removed are one, with every
               line number they occur at (a line repeated 5,000 times is read once), and how
               often the paste repeats its shape (the line with every word holding a digit
               left out: a live log's template, whatever its ids and counters)
    signals    ``[Signal]`` in order of first appearance: error codes (``search.codes``;
               ``known_code(key)`` also accepts a code of another shape the corpus cites),
               exceptions (a qualified class and its short name are one signal), HTTP error
               statuses (4xx/5xx, also the status column of an access log); each with the
               distinct lines that carry it, its ``depth`` (0 for a wrapper, n for the n-th
               ``Caused by:`` below it) and ``occurrences``, the lines of the paste carrying it
    products   product names (of those given) found in the paste; versions the version numbers

Noise costs nothing: timestamps, UUIDs, long hex, IP addresses, host names and long numeric ids
are removed before lines are compared and codes read (``abcd1234-…`` in a UUID is not a code);
an HTTP 2xx/3xx is no error. A line logged at INFO or below is ``routine`` unless its message
names a problem (ERROR, failed, an exception). At most ``MAX_DISTINCT_LINES`` distinct lines and ``MAX_SIGNALS``
signals are kept (the first ones).
"""
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
import re

from ..search.codes import TIMESTAMP_RE, locate_error_codes

MAX_DISTINCT_LINES = 20000
MAX_SIGNALS = 200
KNOWN_LOOKUPS = 500  # codes of another shape looked up in the corpus per paste (_bounded)
# Every branch but the access log's starts at a word boundary, checked once before the
# alternation (twice as fast on a 1 MB paste: most positions fail there).
NOISE_RE = re.compile(r"\b(?=\w{2})(?:" + "|".join([
    TIMESTAMP_RE.pattern.replace(r"|\b", "|"),
    r"\d{1,2}/\d{1,2}/\d{4}\b",  # 11/23/2026
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",  # UUID
    r"0x[0-9a-fA-F]+\b",
    r"(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b",  # hashes and request ids: 7f3a9c01e2
    r"(?=[0-9A-F]*\d)(?=[0-9A-F]*[A-F])[0-9A-F]{8,}\b",
    r"\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b",  # IPv4, with a port
    # Host names end in a top-level domain and are not followed by more of a dotted name
    # (com.adobe.granite.X is a Java package, not a host).
    # At most 10 labels: with no bound a long dotted word (a.b.c.… 100,000 times) is tried
    # from each of its labels to its end, which is quadratic.
    r"(?:[A-Za-z0-9-]{1,63}\.){1,10}(?:com|net|org|io|local|internal|corp|cloud|dev|co|uk|de|fr|jp|kr|cn|eu|us)"
    r"(?::\d+)?(?![.\w])",
    r"\d{8,}\b",  # ids and epoch times
]) + r")|\[\d{1,2}/[A-Za-z]{3}/\d{4}(?::\d{2}){3}(?:\s[+-]\d{4})?\]")  # access log: [23/Nov/2026:10:00:00 +0000]
NOISE_MARK = "¦"  # where noise was: the words on either side never ran together in the source
SPACES_RE = re.compile(r"\s+")
CAUSED_BY = "Caused by:"
STACK_FRAME_RE = re.compile(r"\s*(?:at\s|\.\.\.\s*\d+\s+(?:more|common))")
# The status column of an access log: "GET /x HTTP/1.1" 503 1234
ACCESS_STATUS_RE = re.compile(r'"\s+([1-5]\d\d)\s')
ERROR_STATUS_MIN = 400
# A line logged at INFO or below is routine: its words say nothing about the problem.
ROUTINE_RE = re.compile(r'\b(?:INFO|DEBUG|TRACE|FINE|FINER|FINEST|NOTICE)\b|"\s+[123]\d\d\s')
# ...unless its message names a problem: "[ INFO] ERROR in /build/ui.frontend: TS1005".
PROBLEM_RE = re.compile(r"\b(?:ERROR|FATAL|SEVERE|[Ee]rror|[Ff]ail(?:ed|ure|s)?)\b|\w(?:Exception|Error)\b")
# Words holding a digit: what changes between two lines of one log template (ids, counters,
# thread numbers, line numbers of stack frames).
SHAPE_RE = re.compile(r"[\w.:/-]+")  # a word of a line's shape; those holding a digit are left out
SHAPE_CHARS = 2000  # of a line's beginning, where its shape is read
SHAPE_WORDS = 4
VERSION_RE = re.compile(r"\b(?:version|ver\.?|v|build|release)\s*[:=]?\s*(\d+(?:\.\d+){1,3}|\d{4,5})\b", re.IGNORECASE)


@dataclass
class DistinctLine:
    text: str  # the line with its noise replaced by NOISE_MARK, spaces collapsed
    numbers: list  # 1-based numbers of the lines of the paste that read like this
    depth: int = 0  # "Caused by:" levels above this line's start (the deepest of its occurrences)
    routine: bool = False  # logged at INFO or below, or a 2xx/3xx access-log line
    repeats: int = 0  # lines of the paste of this line's shape (``SHAPE_RE`` words left out)


@dataclass
class Signal:
    display: str
    keys: tuple  # index keys (``codes`` field): an exception's qualified and short names
    kind: str  # "code", "exception" or "http"
    depth: int = 0
    lines: list = field(default_factory=list)  # indexes into ``Paste.distinct``
    occurrences: int = 0  # lines of the paste carrying it


@dataclass
class Paste:
    lines: list
    distinct: list
    signals: list
    products: list = field(default_factory=list)
    versions: list = field(default_factory=list)

    def line_numbers(self, distinct_indexes):
        """Sorted 1-based line numbers of the paste for some distinct lines."""
        return sorted({n for i in distinct_indexes for n in self.distinct[i].numbers})


def read_paste(text, product_names=(), known_code=None):
    """See the module docstring."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    cleaned = NOISE_RE.sub(f" {NOISE_MARK} ", "\n".join(lines)).split("\n")
    distinct = _distinct_lines(lines, cleaned)
    _count_shapes(distinct)
    joined, starts = _joined(distinct)
    signals = _signals(joined, starts, distinct, _bounded(known_code))
    for signal in signals:
        signal.occurrences = sum(len(distinct[i].numbers) for i in signal.lines)
    # Products and versions are read in the lines that are not routine (INFO lines name hosts
    # and products all day long).
    telling = "\n".join(line.text for line in distinct if not line.routine)
    products = _products(telling, tuple(product_names))
    versions = list(dict.fromkeys(m.group(1) for m in VERSION_RE.finditer(telling)))[:20]
    return Paste(lines, distinct, signals, products, versions)


def _distinct_lines(lines, cleaned):
    by_text, distinct = {}, []
    depth = 0
    for number, (line, clean) in enumerate(zip(lines, cleaned), 1):
        causes = line.count(CAUSED_BY)
        if not causes and not STACK_FRAME_RE.match(line):
            depth = 0  # a new message: a new chain starts here
        key = SPACES_RE.sub(" ", clean).strip(f" {NOISE_MARK}")
        if key:
            index = by_text.get(key)
            if index is None:
                if len(distinct) >= MAX_DISTINCT_LINES:
                    depth += causes
                    continue
                index = by_text[key] = len(distinct)
                routine = bool(ROUTINE_RE.search(line)) and not PROBLEM_RE.search(line)
                distinct.append(DistinctLine(key, [], depth, routine))
            found = distinct[index]
            found.numbers.append(number)
            found.depth = max(found.depth, depth)
        depth += causes
    return distinct


def _count_shapes(distinct):
    shapes = [_shape(line.text) for line in distinct]
    counts = Counter()
    for shape, line in zip(shapes, distinct):
        counts[shape] += len(line.numbers)
    for shape, line in zip(shapes, distinct):
        line.repeats = counts[shape]


def _shape(text):
    """A line's template: its first ``SHAPE_WORDS`` words holding a letter, once the words holding
    a digit are left out (``"*ERROR* [qtp7] com.x.Handler Request failed: …"`` and ``"*ERROR*
    [qtp9] com.x.Handler Request failed: …"`` are one)."""
    text = SHAPE_RE.sub(_digits_out, text[:SHAPE_CHARS])
    words = [w for w in text.split() if not w.isdigit() and any(c.isalpha() for c in w)]
    return " ".join(words[:SHAPE_WORDS])


def _digits_out(match):
    word = match.group()
    return "#" if any(c.isdigit() for c in word) else word


def _bounded(known):
    """``known`` asked once per key, for at most ``KNOWN_LOOKUPS`` keys (each is an index
    lookup: a paste of a hundred thousand code-like words must not make as many); later keys
    are not codes."""
    if known is None:
        return None
    answers = {}

    def lookup(key):
        if key not in answers:
            answers[key] = len(answers) < KNOWN_LOOKUPS and bool(known(key))
        return answers[key]

    return lookup


def _joined(distinct):
    starts, offset = [], 0
    for line in distinct:
        starts.append(offset)
        offset += len(line.text) + 1
    return "\n".join(line.text for line in distinct), starts


def _signals(joined, starts, distinct, known_code=None):
    """Signals of the joined distinct lines, one per key group, first appearance first."""
    by_key, signals = {}, []

    causes = {}  # distinct line -> offsets of its "Caused by:", found once per line

    def add(offset, display, keys, kind):
        signal = next((by_key[k] for k in keys if k in by_key), None)
        if signal is None and len(signals) >= MAX_SIGNALS:
            return
        index = bisect_right(starts, offset) - 1
        line = distinct[index]
        if index not in causes:
            causes[index] = [m.start() for m in re.finditer(re.escape(CAUSED_BY), line.text)]
        depth = line.depth + bisect_right(causes[index], offset - starts[index] - len(CAUSED_BY))
        if signal is None:
            signal = Signal(display, tuple(keys), kind, depth)
            signals.append(signal)
        elif len(keys) > len(signal.keys):
            signal.display, signal.keys = display, tuple(keys)
        for key in keys:
            by_key[key] = signal
        signal.depth = max(signal.depth, depth)
        if not signal.lines or signal.lines[-1] != index:
            signal.lines.append(index)

    matches = locate_error_codes(joined, known=known_code)
    for i, (offset, display, key) in enumerate(matches):
        if key.startswith("http"):
            if int(key[4:]) >= ERROR_STATUS_MIN:
                add(offset, display, (key,), "http")
        elif "." in key:  # a qualified exception; its short name follows at the class's offset
            short = next((k for _, _, k in matches[i + 1:i + 2] if k == key.rsplit(".", 1)[-1]), None)
            add(offset, display, (key, short) if short else (key,), "exception")
        elif not _follows_qualified(matches, i):
            add(offset, display, (key,), "exception" if _is_exception(key) else "code")
    for m in ACCESS_STATUS_RE.finditer(joined):
        if int(m.group(1)) >= ERROR_STATUS_MIN:
            add(m.start(1), f"HTTP {m.group(1)}", (f"http{m.group(1)}",), "http")
    signals.sort(key=lambda s: s.lines[0])
    return signals


def _follows_qualified(matches, i):
    """The short name JAVA_RE yields right after a qualified name (already in its signal)."""
    return i > 0 and "." in matches[i - 1][2] and matches[i - 1][2].rsplit(".", 1)[-1] == matches[i][2]


def _is_exception(key):
    return key.endswith(("exception", "error", "fault"))


def _products(text, names):
    if not names or not text:
        return []
    pattern, canonical = _product_pattern(names)
    return list(dict.fromkeys(canonical[m.group(1).lower()] for m in pattern.finditer(text)))[:10]


@lru_cache(maxsize=4)
def _product_pattern(names):
    """A regex of the product names (longest first, whole words, any case), compiled once."""
    ordered = sorted(set(names), key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)", re.IGNORECASE)
    return pattern, {n.lower(): n for n in ordered}
