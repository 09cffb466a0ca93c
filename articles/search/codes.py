"""Error codes as first-class data: found in article text, pasted logs and queries, normalised so
that every way support staff type a code meets the same key.

``extract_error_codes(text)`` returns ``[(display, key), ...]`` in order of appearance, once each.
In text (an article, a paste) a code is one of:

    XSV-350176, PGS-220000, ST-360011   Campaign's shape: 2–5 capitals, a hyphen, six digits
                                        → "xsv350176" (a time's "PM" glued in front is not part
                                        of it: "PMDLV-490037" is DLV-490037)
    ORA-01805, AH00534, OakAccess0000   known families: Oracle, Apache httpd, Jackrabbit Oak
    NPR-17596, CAMP-47983, SITES-17355  issue keys of the product teams (``ISSUE_FAMILIES``),
                                        which articles cite as the known issue and readers search
    UPSDK-112004-422, DCVS-1101-400     Experience Platform errors, their HTTP status after them
                                        → "upsdk112004"
    ALC-DSC-003-000                     LiveCycle                       → "alc-dsc-003-000"
    Error code: ABC-1234                any other capital prefix, hyphen and 3–7 digits, only
                                        right after "error", "code", "Fehler", "エラー" …
    ERR_AUTHORING_JOURNEYVERSION_201    upper-case symbolic names that name an error (ERR_…,
                                        …_ERROR, …_INVALID, …_NOT_AUTHORIZED …), or any right
                                        after "error"/"code"        → "err_authoring_journeyversion_201"
    javax.jcr.AccessDeniedException     Java exceptions, and their short class name
                                        → "javax.jcr.accessdeniedexception", "accessdeniedexception"
                                        (a word glued in front of the package is not part of it:
                                        "abortedjavax.jcr.RepositoryException")
    iRc=16384                           return codes                    → "irc=16384"
    HTTP 403, 403 Forbidden             HTTP statuses                   → "http403"

Not codes: a piece of an id, path or file name (``q-ab77988``, ``cq-author-4502``,
``KA-17452.html``, ``afbc7944-b517-…``), lower-case or glued words with digits (``uuid230``,
``SHA256``, ``DV360``), cipher and hash names (``AES-256``, ``SHA-256``), years (``CVE-2020``,
``june-2026``), ticket numbers of another shape in prose (``ABC-1234``), article numbers
(``KA-17452``: links to other articles), configuration names (``HKEY_LOCAL_MACHINE``,
``DISP_LOG_LEVEL``), a Campaign family with other than six digits (``XSV-350`` is no code).
``locate_error_codes(text, known=…)`` also takes a code of another shape that ``known(key)`` says
the corpus cites as a code (log triage passes the index's codes).

``query=True`` reads what someone typed to look a code up, any case and spelling: a space may
join prefix and number (``xsv 350176``), any prefix of letters with 3–7 digits is a candidate
(``neo-23240``, ``scm12008``); only the never-codes above are refused.

``normalize_code("xsv 350176") == normalize_code("XSV-350176") == "xsv350176"``.
"""
import re

# A prefix of letters and 3–7 digits, joined by "-", "_", a space or nothing: XSV-350176,
# xsv350176, xsv 350176. Never inside an id, a dotted name or a hyphenated word (q-ab77988).
PREFIXED_RE = re.compile(r"(?<![\w.$-])([A-Za-z]{2,12})[-_ ]?(\d{3,7})(?!\w)")
# In text a space does not join ("got 403", "version 2023"). The number may be followed by a
# CJK particle ("ASSETS-21827이"), an HTTP status ("UPSDK-112004-422") or punctuation, never by
# more of a word, a file extension (".html") or the next group of a hex id ("-b517").
TEXT_PREFIXED_RE = re.compile(r"(?<![\w.$+\\-])([A-Za-z]{2,12})([-_]?)(\d{3,7})"
                              r"(?![A-Za-z0-9_]|\.[A-Za-z]|-[0-9A-Fa-f]{4})")
HTTP_SUFFIX_RE = re.compile(r"-[1-5]\d\d(?![\w-])")
# Codes glued to a Korean/Japanese particle ("ASSETS-21827이") are read by TEXT_PREFIXED_RE,
# which checks only ASCII after the number; kept for the callers that look for them alone.
GLUED_RE = re.compile(r"(?<![\w.-])([A-Za-z]{2,12})-(\d{3,7})(?=[^\x00-\x7f])")
OAK_RE = re.compile(r"(?<![\w.$-])(Oak[A-Z][a-z]{2,15})(\d{4})(?!\w)")  # OakAccess0000
ALC_RE = re.compile(r"(?<![\w.$-])ALC-([A-Z]{3})-(\d{3,4})-(\d{3})(?!\w)")  # ALC-DSC-003-000
# Possessive: a shorter match would end before a word character, which (?!\w) refuses anyway.
SYMBOLIC_RE = re.compile(r"(?<![\w.])([A-Z][A-Z0-9]*+(?:_[A-Z0-9]++){2,}+)(?![\w])")
# The class name is read to its end at once and its suffix checked looking back: backing up
# through "[\w$]*" from every letter of "$a$a$a…" would be quadratic. Segments and class names start
# only where no identifier character precedes.
JAVA_RE = re.compile(r"(?<![\w.$])((?:[a-z_][\w$]*+\.)++)?"
                     r"([A-Z][\w$]*+(?:(?<=[\w$]Exception)|(?<=[\w$]Error)|(?<=[\w$]Fault)))")
JAVA_SUFFIXES = ("Exception", "Error", "Fault")  # one ends every name JAVA_RE reads
# Typed in lower case in a query: com.day.cq.replication.replicationexception
DOTTED_EXCEPTION_RE = re.compile(r"(?<![\w.])((?:[a-z_]\w*\.)+)(\w*(?:exception|error|fault))(?![\w$])", re.IGNORECASE)
IRC_RE = re.compile(r"(?<![\w])iRc\s*=\s*(-?\d+)", re.IGNORECASE)
IRC_HINT_RE = re.compile("irc", re.IGNORECASE)  # in every match of IRC_RE
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
# One of these is in every match of HTTP_RE: "HTTP", or a status and a space before its words.
HTTP_HINT_RE = re.compile("http", re.IGNORECASE)
STATUS_HINT_RE = re.compile(r"[1-5]\d\d\s")
# What comes right before a code that the text presents as one: "Error: ABC-1234",
# "error code ABC-1234", '"code":"UNEXPECTED-100"', "Fehlercode ABC-1234", "エラー ABC-1234".
ERROR_CONTEXT_RE = re.compile(
    r"(?:(?<![^\W_])(?:(?:error|err|erreur|fehler|errore)(?:[_ ]?code)?|code|código(?: de error)?|codice)"
    r"|エラー(?:コード)?|오류(?:\s?코드)?|错误(?:代码)?|錯誤)[\s:=#\"'`(]{0,4}\Z", re.IGNORECASE)
CONTEXT_CHARS = 24

# Issue keys of the teams whose articles cite them as the known issue (Jira projects).
ISSUE_FAMILIES = {"NPR", "CAMP", "NEO", "SITES", "ASSETS", "CQ", "GRANITE", "SKYOPS", "OAK", "SLING",
                  "FELIX", "FORMS", "CQDOC"}
# Campaign's modules: their codes have six digits, whatever the context ("error XSV-350" is the
# beginning of one, not a code).
CAMPAIGN_FAMILIES = {"BAS", "CRL", "DLV", "INT", "IOB", "JST", "JVM", "NMS", "ODB", "OPE", "PGS", "QUE", "RED", "RST",
                     "SCM", "SCR", "SOP", "SQL", "URL", "WDB", "WKF", "XML", "XSV", "XTK"}
# Words, units, ciphers, hashes and standards that take a number but never make a code.
NOT_PREFIXES = {"http", "https", "port", "version", "v", "java", "jdk", "aem", "windows", "ie", "iso", "utf",
                "rfc", "ssl", "tls", "year", "page", "step", "line", "and", "or", "the", "of", "to", "in",
                "at", "on", "for", "is", "was", "error", "code", "ms", "sec", "min", "ko", "mb", "gb", "kb",
                "aes", "sha", "rsa", "des", "dsa", "md", "ecdsa", "ecdhe", "dhe", "ed", "hmac", "cbc", "gcm",
                "chacha", "poly", "x", "cve", "gs", "ean", "upc", "pdf", "ka", "mp", "h", "vp", "av", "ecma"}
# "10:02:11 PMDLV-490037": a time's AM/PM glued to a Campaign code.
MERIDIEM_RE = re.compile(r"(?:AM|PM)(?=[A-Z]{3}\Z)")
# Symbolic names are codes when a part names an error; "NOT" covers NOT_FOUND, NOT_AUTHORIZED.
SYMBOLIC_FIRST = {"ERR", "ERROR", "E"}
SYMBOLIC_ANY = {"ERROR", "ERRORS", "FAILED", "FAILURE", "INVALID", "DENIED", "UNAUTHORIZED", "FORBIDDEN",
                "TIMEOUT", "MISMATCH", "EXCEPTION", "REJECTED", "EXPIRED", "UNAVAILABLE", "EXCEEDED", "NOT"}
# The top-level packages of Java names, to split a word glued in front of one.
JAVA_ROOTS = ("jakarta", "javax", "java", "com", "org", "net", "sun", "jdk", "oracle")
# Dates and times (a log line's timestamp: 2026-06-24 11:30:57,123) say nothing about which
# article helps, and their numbers match unrelated articles.
TIMESTAMP_RE = re.compile(r"\b\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
                          r"|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b")


def normalize_code(code):
    """The key a code is stored and searched by: lower case, no separator between prefix and
    number (``PMDLV-490037`` → ``dlv490037``); a code the extractor reads whole keeps its key."""
    code = code.strip()
    match = PREFIXED_RE.fullmatch(code)
    if match:
        return _prefixed_key(match.group(1), match.group(2))
    found = [key for start, display, key in _matches(code, True, None) if start == 0 and len(display) == len(code)]
    if found:
        return found[0]
    return code.lower()


def extract_error_codes(text, query=False, known=None):
    """Every code in ``text`` as ``(display, key)``, first occurrence first, each key once.
    ``query=True``: ``text`` was typed to look codes up (see the module docstring)."""
    found = {}
    for start, display, key in locate_error_codes(text, query, known):
        found.setdefault(key, display)
    return [(display, key) for key, display in found.items()]


def locate_error_codes(text, query=False, known=None):
    """Every code match in ``text`` as ``(offset, display, key)``, in order of offset, repeats
    included: for callers that attribute codes to lines (log triage). ``known(key)`` → True
    accepts a capital prefix, hyphen and number of no known family without a context: the
    corpus cites it as a code."""
    return sorted(_matches(text, query, known), key=lambda m: m[0])


def _prefixed_key(prefix, number):
    return f"{_without_meridiem(prefix.upper())}{number}".lower()


def _without_meridiem(prefix):
    return MERIDIEM_RE.sub("", prefix, count=1) if MERIDIEM_RE.match(prefix) else prefix


def _matches(text, query, known):
    if query:
        for m in PREFIXED_RE.finditer(text):
            if m.group(1).lower() not in NOT_PREFIXES:
                prefix = _without_meridiem(m.group(1).upper())
                yield m.start(), f"{prefix}-{m.group(2)}", f"{prefix}{m.group(2)}".lower()
    else:
        yield from _text_prefixed(text, known)
    # Each family's pattern runs only where the text holds what every match of it holds: a
    # pattern that opens with a look-behind is tried at every character, a literal is found in C.
    if "Oak" in text:
        for m in OAK_RE.finditer(text):
            yield m.start(), m.group(0), m.group(0).lower()
    if "ALC-" in text:
        for m in ALC_RE.finditer(text):
            yield m.start(), m.group(0), m.group(0).lower()
    if "_" in text:
        for m in SYMBOLIC_RE.finditer(text):
            if query or _names_an_error(m.group(1)) or _in_error_context(text, m.start()):
                yield m.start(), m.group(1), m.group(1).lower()
    if any(suffix in text for suffix in JAVA_SUFFIXES):
        yield from _java(text)
    if query:
        for m in DOTTED_EXCEPTION_RE.finditer(text):
            yield m.start(), m.group(0), m.group(0).lower()
            yield m.start(2), m.group(2), m.group(2).lower()
    if IRC_HINT_RE.search(text):
        for m in IRC_RE.finditer(text):
            yield m.start(), f"iRc={m.group(1)}", f"irc={m.group(1)}"
    if not (HTTP_HINT_RE.search(text) or STATUS_HINT_RE.search(text)):
        return
    for m in HTTP_RE.finditer(text):
        status = int(m.group(1) or m.group(2))
        words = HTTP_WORDS.get(status)
        yield m.start(), f"HTTP {status}{' ' + words if words else ''}", f"http{status}"


def _text_prefixed(text, known):
    """The prefixed codes of article or log text: see the module docstring for what counts."""
    for m in TEXT_PREFIXED_RE.finditer(text):
        written, joint, number = m.groups()
        if written != written.upper() or written.lower() in NOT_PREFIXES:
            continue  # uuid230, bt709, Rvm052 (base64): not written as codes are
        start, prefix = m.start(), written
        bare = _without_meridiem(prefix)
        if bare != prefix:
            start, prefix = start + len(prefix) - len(bare), bare
        key = f"{prefix}{number}".lower()
        if _is_code(text, m, prefix, joint, number) or (joint == "-" and known is not None and known(key)
                                                        and prefix not in CAMPAIGN_FAMILIES):
            glued = prefix == "AH" and not joint
            yield start, f"{prefix}{number}" if glued else f"{prefix}-{number}", key


def _is_code(text, m, prefix, joint, number):
    if prefix == "AH" and len(number) == 5:
        return True  # Apache httpd: AH00534
    if joint != "-":
        return False  # SHA256, DV360, PS1299989: a name or a file, not a code
    if len(number) == 6 and 2 <= len(prefix) <= 5:
        return True
    if prefix == "ORA" and len(number) == 5:
        return True
    if prefix in ISSUE_FAMILIES:
        return True
    if prefix in CAMPAIGN_FAMILIES:
        return False
    if HTTP_SUFFIX_RE.match(text, m.end()):
        return True  # DCVS-1101-400
    if len(number) == 4 and number[:2] in ("19", "20"):
        return False  # a year: HIGH-2023, JUNE-2026
    return _in_error_context(text, m.start())


def _in_error_context(text, start):
    return bool(ERROR_CONTEXT_RE.search(text[max(0, start - CONTEXT_CHARS):start]))


def _names_an_error(name):
    parts = name.split("_")
    return parts[0] in SYMBOLIC_FIRST or parts[-1] in SYMBOLIC_ANY or "NOT" in parts


def _java(text):
    for m in JAVA_RE.finditer(text):
        package, start = m.group(1), m.start()
        if package:
            first = package.split(".", 1)[0]
            root = next((r for r in JAVA_ROOTS if first.endswith(r) and first != r and first[:-len(r)].isalpha()), None)
            if root and "." in package[len(first) + 1:]:
                cut = len(first) - len(root)  # "abortedjavax.jcr." → "javax.jcr."
                package, start = package[cut:], start + cut
            yield start, package + m.group(2), (package + m.group(2)).lower()
        yield m.start(2), m.group(2), m.group(2).lower()
