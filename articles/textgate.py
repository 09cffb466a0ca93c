"""What text may hold before it reaches the database, the index or a log: the one gate every
input passes (API bodies at any depth, forms, query strings, front matter of files and of
pasted bodies, messages and comments).

Refused: NUL (PostgreSQL refuses it in text), lone surrogates (they cannot be encoded as UTF-8)
and Unicode non-characters (U+FDD0-U+FDEF and the last two code points of every plane). Other
control characters stay: a pasted log keeps its terminal colour codes. (URLs and form fields
are stricter: ``middleware.RejectInvalidCharactersMiddleware``.)

    first_invalid(value)         -> (path, character) of the first refused character, or None
    describe(character)          -> "U+0000", for messages
    check_depth(value, limit)    -> True when lists and dicts nest no deeper than ``limit``

``path`` names the place in nested data the way the API names fields: ``translation.keywords[2]``.
"""
import re

_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
INVALID_RE = re.compile(f"[\\x00\\ud800-\\udfff{_NONCHARACTERS}]")
MAX_DEPTH = 32


def invalid_character(text):
    """The first refused character of ``text`` (a str), or None."""
    match = INVALID_RE.search(text)
    return match.group() if match else None


def first_invalid(value, path=""):
    """Walks str, list/tuple and dict (keys too) iteratively; returns ``(path, character)``."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            bad = invalid_character(item)
            if bad is not None:
                return where, bad
        elif isinstance(item, dict):
            entries = []
            for key, child in item.items():
                name = str(key)
                bad = invalid_character(name)
                if bad is not None:
                    return (f"{where}.{_printable(name)}" if where else _printable(name)), bad
                entries.append((f"{where}.{name}" if where else name, child))
            stack.extend(reversed(entries))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed([(f"{where}[{index}]", child) for index, child in enumerate(item)]))
    return None


def check_depth(value, limit=MAX_DEPTH):
    """True when ``value`` nests lists and dicts at most ``limit`` deep (iterative: no recursion)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def describe(character):
    return f"U+{ord(character):04X}"


def _printable(name):
    return INVALID_RE.sub("?", name)[:100]
