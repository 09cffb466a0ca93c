"""Error codes as first-class data: found in article text and in queries, normalised so that
every way support staff type a code meets the same key.

``extract_error_codes(text)`` returns ``[(display, key), ...]`` in order of appearance, once each:

    XSV-350176, NPR-17596, KA-23014    product and Jira-style codes  → "xsv350176"
    ERR_AUTHORING_JOURNEYVERSION_201  upper-case symbolic codes     → "err_authoring_journeyversion_201"
    ORA-01805                         database errors               → "ora01805"
    javax.jcr.AccessDeniedException   Java exceptions, and their short class name
                                      → "javax.jcr.accessdeniedexception", "accessdeniedexception"
    iRc=16384                         return codes                  → "irc=16384"
    HTTP 403, 403 Forbidden           HTTP statuses                 → "http403"

``normalize_code("xsv 350176") == normalize_code("XSV-350176") == "xsv350176"``.
"""
import re

# A prefix of letters (a digit may follow the first letter: "B2B-…" is rare, "V7" is not a code)
# and 3–7 digits, joined by "-", "_", a space or nothing: XSV-350176, xsv350176, xsv 350176.
PREFIXED_RE = re.compile(r"(?<![\w.])([A-Za-z][A-Za-z]{1,11})[-_ ]?(\d{3,7})(?!\w)")
# In article text a space does not join ("got 403", "version 2023"); in a query it may.
TEXT_PREFIXED_RE = re.compile(r"(?<![\w.])([A-Za-z][A-Za-z]{1,11})[-_]?(\d{3,7})(?!\w)")  # UPSDK-112004-422 too
# A code glued to a Korean/Japanese particle: "ASSETS-21827이".
GLUED_RE = re.compile(r"(?<![\w.])([A-Za-z]{2,12})-(\d{3,7})(?=[^\x00-\x7f])")
# Possessive: a shorter match would end before a word character, which (?!\w) refuses anyway.
SYMBOLIC_RE = re.compile(r"(?<![\w.])([A-Z][A-Z0-9]*+(?:_[A-Z0-9]++){2,}+)(?![\w])")
# The class name is read to its end at once and its suffix checked looking back: backing up
# through "[\w$]*" from every letter of "$a$a$a…" was quadratic. Segments and class names start
# only where no identifier character precedes.
JAVA_RE = re.compile(r"(?<![\w.$])((?:[a-z_][\w$]*+\.)++)?"
                     r"([A-Z][\w$]*+(?:(?<=[\w$]Exception)|(?<=[\w$]Error)|(?<=[\w$]Fault)))")
# Typed in lower case in a query: com.day.cq.replication.replicationexception
DOTTED_EXCEPTION_RE = re.compile(r"(?<![\w.])((?:[a-z_]\w*\.)+)(\w*(?:exception|error|fault))(?![\w$])", re.IGNORECASE)
IRC_RE = re.compile(r"(?<![\w])iRc\s*=\s*(-?\d+)", re.IGNORECASE)
HTTP_WORDS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    408: "Request Timeout", 409: "Conflict", 413: "Payload Too Large", 429: "Too Many Requests",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout",
}
HTTP_RE = re.compile(
    r"\bHTTP(?:/\d(?:\.\d)?)?[\s:]*(?:status\s*)?(?:code\s*)?(?:error\s*)?([1-5]\d\d)\b|"
    r"\b([1-5]\d\d)\s+(" + "|".join(re.escape(w) for w in HTTP_WORDS.values()) + r")\b",
    re.IGNORECASE,
)
# Words that look like codes but are not: years and versions ("AEM 6500" is rare, "Java 11" short).
NOT_PREFIXES = {"http", "https", "port", "version", "v", "java", "jdk", "aem", "windows", "ie", "iso", "utf",
                "rfc", "ssl", "tls", "year", "page", "step", "line", "and", "or", "the", "of", "to", "in",
                "at", "on", "for", "is", "was", "error", "code", "ms", "sec", "min", "ko", "mb", "gb", "kb"}


def normalize_code(code):
    """The key a code is stored and searched by: lower case, no separator between prefix and number."""
    code = code.strip()
    match = PREFIXED_RE.fullmatch(code)
    if match:
        return f"{match.group(1)}{match.group(2)}".lower()
    irc = IRC_RE.fullmatch(code)
    if irc:
        return f"irc={irc.group(1)}"
    return code.lower()


def extract_error_codes(text, query=False):
    """Every code in ``text`` as ``(display, key)``, first occurrence first, each key once.
    ``query=True`` also accepts a space between prefix and number (``xsv 350176``)."""
    found = {}

    def add(display, key):
        if key not in found:
            found[key] = display

    for start, display, key in sorted(_matches(text, query), key=lambda m: m[0]):
        add(display, key)
    return [(display, key) for key, display in found.items()]


def locate_error_codes(text, query=False):
    """Every code match in ``text`` as ``(offset, display, key)``, in order of offset, repeats
    included: for callers that attribute codes to lines (log triage)."""
    return sorted(_matches(text, query), key=lambda m: m[0])


def _matches(text, query):
    for regex in (PREFIXED_RE if query else TEXT_PREFIXED_RE, GLUED_RE):
        for m in regex.finditer(text):
            if m.group(1).lower() not in NOT_PREFIXES:
                yield m.start(), f"{m.group(1).upper()}-{m.group(2)}", f"{m.group(1)}{m.group(2)}".lower()
    for m in SYMBOLIC_RE.finditer(text):
        yield m.start(), m.group(1), m.group(1).lower()
    for m in JAVA_RE.finditer(text):
        if m.group(1):
            yield m.start(), m.group(0), m.group(0).lower()
        yield m.start(2), m.group(2), m.group(2).lower()
    if query:
        for m in DOTTED_EXCEPTION_RE.finditer(text):
            yield m.start(), m.group(0), m.group(0).lower()
            yield m.start(2), m.group(2), m.group(2).lower()
    for m in IRC_RE.finditer(text):
        yield m.start(), f"iRc={m.group(1)}", f"irc={m.group(1)}"
    for m in HTTP_RE.finditer(text):
        status = int(m.group(1) or m.group(2))
        words = HTTP_WORDS.get(status)
        yield m.start(), f"HTTP {status}{' ' + words if words else ''}", f"http{status}"
