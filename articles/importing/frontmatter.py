"""Front-matter markdown → (front matter dict, body), and back.

A source document begins with a line ``---``, holds YAML up to the next ``---`` (or ``...``)
line, and the markdown body follows verbatim. YAML is read with PyYAML's safe loader (the C
one when present), except that dates stay strings: front matter is kept verbatim and must
survive a JSON column and an export unchanged.

Front matter is untrusted: before PyYAML builds anything, its events are walked with limits
(``_check_limits``), because the C composer recurses (50,000 nested ``[`` crash the process)
and aliases share nodes that a JSON dump expands (ten levels of ten aliases are 10**10 values).
The limits are far above real front matter (the corpus's largest is 1.5 KB, 3 levels deep).
"""
from dataclasses import dataclass
import json
import re

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
import yaml

from .. import textgate
from .errors import SourceError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class FrontMatterLoader(_BaseLoader):
    """Safe YAML without the timestamp resolver: ``10/30/2023`` and ``2023-10-30`` stay text."""


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_DEPTH = 32  # nested mappings and lists, counting what aliases expand to
MAX_ALIASES = 100
MAX_VALUES = 10_000  # scalars and collections once aliases are expanded

OPENING_RE = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
CLOSING_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)


@dataclass(frozen=True)
class SourceDocument:
    """A parsed source file: ``front_matter`` (dict, verbatim values) and ``body`` (markdown)."""

    front_matter: dict
    body: str


def has_front_matter(text):
    """True when ``text`` begins with a front-matter opening line."""
    return bool(OPENING_RE.match(text))


def parse_document(text):
    """Split and parse a front-matter document; raises ``SourceError`` with the line at fault.

    Line endings are normalised to ``\\n`` first, so the body round-trips for LF files.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    opening = OPENING_RE.match(text)
    if not opening:
        raise SourceError(_("no front matter: the file does not begin with a '---' line"), line=1)
    closing = CLOSING_RE.search(text, opening.end())
    if not closing:
        raise SourceError(_("unterminated front matter: no closing '---' line"), line=1)
    if closing.start() - opening.end() > MAX_FRONT_MATTER_CHARS:
        raise SourceError(format_lazy(_("front matter longer than {size} KB"), size=MAX_FRONT_MATTER_CHARS // 1024),
                          line=1)
    data = _load_yaml(text[opening.end():closing.start()])
    return SourceDocument(front_matter=data, body=text[closing.end():])


def _load_yaml(source):
    try:
        _check_limits(source)
        data = yaml.load(source, Loader=FrontMatterLoader)  # noqa: S506 — a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening '---'
        raise SourceError(_invalid_yaml(error.problem or error), line=line) from None
    except yaml.YAMLError as error:
        raise SourceError(_invalid_yaml(error)) from None
    except SourceError:
        raise
    except (ValueError, OverflowError):  # a value YAML reads but Python refuses: 5,000 digits
        raise SourceError(_("a value in front matter is a number or date too large to read")) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(format_lazy(_("front matter is a {type}, not a mapping of fields"), type=type(data).__name__),
                          line=2)
    _check_storable(data)
    return data


def _check_limits(source):
    """Walk the YAML events (the C parser keeps its own stack, it does not recurse) and raise
    ``SourceError`` before composing when the document nests deeper than ``MAX_DEPTH``, uses
    more than ``MAX_ALIASES`` aliases or expands to more than ``MAX_VALUES`` values."""
    sizes, heights = {}, {}  # anchor -> expanded values, expanded depth of the anchored node
    stack = []  # open collections: (anchor, values before it, [height of its deepest child])
    values = aliases = 0
    parser = FrontMatterLoader(source)
    try:
        while (event := parser.get_event()) is not None:
            kind = type(event)
            if kind is yaml.ScalarEvent and event.anchor is None:  # most events: cheap path
                values += 1
                if values > MAX_VALUES:
                    raise _too_large()
                continue
            if kind is yaml.AliasEvent:
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise SourceError(format_lazy(_("more than {count} YAML aliases in front matter"),
                                                  count=MAX_ALIASES))
                if any(open_anchor == event.anchor for open_anchor, _, _ in stack):
                    raise SourceError(format_lazy(_("the YAML alias *{anchor} refers to a value that holds it"),
                                                  anchor=event.anchor[:50]), line=event.start_mark.line + 2)
                anchor, size, height = None, sizes.get(event.anchor, 1), heights.get(event.anchor, 0)
            elif kind is yaml.ScalarEvent:
                anchor, size, height = event.anchor, 1, 0
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                stack.append((event.anchor, values, [0]))
                values += 1
                if len(stack) > MAX_DEPTH:
                    raise SourceError(format_lazy(_("front matter nested deeper than {depth} levels"), depth=MAX_DEPTH),
                                      line=event.start_mark.line + 2)
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                anchor, values_before, deepest_child = stack.pop()
                size, height, values = values - values_before, deepest_child[0] + 1, values_before
            else:
                continue
            values += size
            if values > MAX_VALUES or len(stack) + height > MAX_DEPTH:
                raise _too_large()
            if anchor is not None:
                sizes[anchor], heights[anchor] = size, height
            if stack:
                stack[-1][2][0] = max(stack[-1][2][0], height)
    finally:
        parser.dispose()


def _too_large():
    return SourceError(format_lazy(
        _("front matter expands to more than {values} values or {depth} levels (YAML aliases)"),
        values=MAX_VALUES, depth=MAX_DEPTH))


def _invalid_yaml(problem):
    """The reason for YAML the parser refused; the parser's own words (English) are quoted."""
    return format_lazy(_("invalid YAML in front matter: {problem}"), problem=str(problem))


def _check_storable(data):
    """Front matter is stored as JSON: every key must be text and every value JSON data, and
    no text may hold a character the text gate refuses (a YAML ``"\\0"`` escape is a NUL)."""
    try:  # the usual case at once: all of it JSON, given back as it is, no refused character
        dumped = json.dumps(data, ensure_ascii=False)  # a NUL becomes "\\u0000", the others stay
        if "\\u0000" not in dumped and not textgate.INVALID_RE.search(dumped) and json.loads(dumped) == data:
            return
    except (TypeError, ValueError):
        pass
    for key, value in data.items():  # which key, and why
        if not isinstance(key, str):
            raise SourceError(format_lazy(_("front-matter key {key} is not text"), key=repr(key)), field=str(key))
        found = textgate.first_invalid(value, key) or textgate.first_invalid(key, key)
        if found is not None:
            field, character = found
            raise SourceError(format_lazy(_("holds a character that is not allowed ({character})"),
                                          character=textgate.describe(character)),
                              field=textgate.INVALID_RE.sub("?", field)[:200])
        try:
            if json.loads(json.dumps(value)) != value:
                raise TypeError
        except (TypeError, ValueError):
            raise SourceError(_("value cannot be stored verbatim (not plain YAML data)"), field=key) from None


def dump_document(front_matter, body):
    """The inverse of ``parse_document``: a document whose parse gives back the same data."""
    yaml_text = yaml.dump(
        front_matter, Dumper=_BaseDumper, allow_unicode=True, sort_keys=False, width=4096
    ) if front_matter else ""
    return f"---\n{yaml_text}---\n{body}"
