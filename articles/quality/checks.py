"""The checks kb makes itself to pre-fill a score: values in, answers out (no database, no files).

    run_checks(subject) -> {check: Finding}     one per ``Question.Check`` value

A ``Subject`` is what a check reads of one revision: its title and markdown body, whether the
article is external, the translation's internal notes, and two callables that say whether a
link (``link_resolves(href)``) or an image (``image_resolves(src)``) resolves — True, False, or
None when kb cannot tell (a link to another site, an image on one); ``subjects`` builds them.
A ``Finding`` is ``(answer, reason)``: "yes", "no" or "na", and a sentence in the interface
language saying why; the coach may answer otherwise.

- ``kcs_sections``: issue, environment and resolution sections are recognised
  (``rendering.sections``, every language of the corpus).
- ``environment``, ``resolution``, ``cause``: that section is recognised.
- ``no_internal_data``: an external article's title and body hold no staff-only marker
  ("internal only", "nur intern" …), no link to an intranet host (``wiki.corp.example.com``,
  ``*.internal``) and no line of the translation's internal notes; "na" for an internal article.
- ``links_resolve``: every link into kb (``/en/articles/KA-1/``, a documentation ``.md`` link)
  and every image of the body resolves; links to other sites are not fetched.
- ``title_not_only_code``: the title holds more than error codes, article numbers and the
  words around them ("Error XSV-350176" is only a code).
"""
from dataclasses import dataclass, field
import re
from typing import Callable, Optional
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from ..rendering.sections import split_sections
from ..search.codes import locate_error_codes
from .aqi import NO, NOT_APPLICABLE, YES

SHOWN = 5  # links, images or findings named in a reason


@dataclass(frozen=True)
class Finding:
    answer: str
    reason: str


@dataclass(frozen=True)
class Subject:
    title: str
    body: str
    external: bool = True
    internal_notes: str = ""
    link_resolves: Callable[[str], Optional[bool]] = field(default=lambda href: None)
    image_resolves: Callable[[str], Optional[bool]] = field(default=lambda src: None)


# -- markdown pieces ---------------------------------------------------------------------------
FENCED_RE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}\1[ \t]*$|\Z)", re.M | re.S)
CODE_SPAN_RE = re.compile(r"(`+)[^`]+?\1")
IMAGE_RE = re.compile(r"!\[[^\]\n]{0,500}\]\(\s*<?([^)\s>]+)")
HTML_IMAGE_RE = re.compile(r"<img\b[^<>]*?\bsrc\s*=\s*[\"']?([^\"'\s<>]+)", re.I)
LINK_RE = re.compile(r"(?<!!)\[[^\]\n]{0,500}\]\(\s*<?([^)\s>]+)")
HTML_LINK_RE = re.compile(r"<a\b[^<>]*?\bhref\s*=\s*[\"']?([^\"'\s<>]+)", re.I)
REFERENCE_RE = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
BARE_URL_RE = re.compile(r"https?://[^\s<>()\"'`\]]+", re.I)


def prose(body):
    """``body`` without fenced code and code spans: what is text and links, not samples."""
    return CODE_SPAN_RE.sub(" ", FENCED_RE.sub("\n", body))


def images_in(body):
    text = prose(body)
    return list(dict.fromkeys(IMAGE_RE.findall(text) + HTML_IMAGE_RE.findall(text)))


def links_in(body):
    text = prose(body)
    return list(dict.fromkeys(LINK_RE.findall(text) + HTML_LINK_RE.findall(text) + REFERENCE_RE.findall(text)))


# -- the checks --------------------------------------------------------------------------------
def section_names():
    return {"symptoms": _("issue"), "environment": _("environment"), "resolution": _("resolution"),
            "cause": _("cause")}


def kcs_sections(subject, sections):
    missing = [kind for kind in ("symptoms", "environment", "resolution") if kind not in sections]
    if not missing:
        return Finding(YES, _("Issue, environment and resolution sections were found."))
    names = section_names()
    return Finding(NO, _("Sections not found: %(sections)s.") % {"sections": ", ".join(names[k] for k in missing)})


def one_section(kind):
    def check(subject, sections):
        name = section_names()[kind]
        if kind in sections:
            return Finding(YES, _("A section for the %(section)s was found.") % {"section": name})
        return Finding(NO, _("No section for the %(section)s was found.") % {"section": name})
    return check


INTERNAL_MARKER_RE = re.compile(
    r"\b(?:internal[ -]only|internal use only|for internal use|internal notes?|staff only|not for customers"
    r"|do not share with (?:the )?customers?|usage interne|nur intern|interner hinweis|uso interno"
    r"|solo para uso interno)\b|社内限定|社内のみ|内部用|내부 전용|내부용|仅供内部|内部使用", re.I)
INTERNAL_HOST_LABELS = {"corp", "intranet", "internal", "intra"}
INTERNAL_HOST_ENDINGS = (".local", ".lan", ".internal", ".corp", ".intranet", ".localdomain")
NOTE_LINE_MIN_CHARS = 20


def internal_host(url):
    """The host of ``url`` when it is an intranet's (a ``corp`` or ``intranet`` label, an
    ``.internal`` or ``.local`` name), else None."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    labels = host.split(".")
    if len(labels) > 1 and (INTERNAL_HOST_LABELS.intersection(labels[:-1]) or host.endswith(INTERNAL_HOST_ENDINGS)):
        return host
    return None


def no_internal_data(subject, sections):
    if not subject.external:
        return Finding(NOT_APPLICABLE, _("The article is internal: only staff read it."))
    text = f"{subject.title}\n{subject.body}"
    found = [f"“{m.group(0)}”" for m in INTERNAL_MARKER_RE.finditer(text)]
    found += [host for host in (internal_host(url) for url in BARE_URL_RE.findall(text)) if host]
    for line in subject.internal_notes.splitlines():
        line = line.strip()
        if len(line) >= NOTE_LINE_MIN_CHARS and not BARE_URL_RE.fullmatch(line) and line in text:
            found.append(_("a line of the internal notes"))
    found = list(dict.fromkeys(found))
    if not found:
        return Finding(YES, _("No internal notes, intranet addresses or staff-only markers were found."))
    return Finding(NO, _("Found: %(found)s.") % {"found": ", ".join(found[:SHOWN])})


def links_resolve(subject, sections):
    links = [(href, subject.link_resolves(href)) for href in links_in(subject.body)]
    images = [(src, subject.image_resolves(src)) for src in images_in(subject.body)]
    checked = [(name, ok) for name, ok in links + images if ok is not None]
    broken = [name for name, ok in checked if not ok]
    if broken:
        return Finding(NO, _("Not found: %(names)s.") % {"names": ", ".join(broken[:SHOWN])})
    if not checked:
        return Finding(YES, _("No link into this knowledge base and no image to check; links to other sites "
                              "are not checked."))
    return Finding(YES, _("Every link into this knowledge base and every image resolves (%(count)s checked); "
                          "links to other sites are not checked.") % {"count": len(checked)})


# A code's neighbours that add nothing a customer would type about the problem.
CODE_WORDS = {"error", "errors", "code", "codes", "err", "http", "status", "exception", "issue", "problem", "fehler",
              "fehlercode", "erreur", "código", "codigo", "エラー", "エラーコード", "오류", "에러", "错误", "错误代码"}
ARTICLE_NUMBER_RE = re.compile(r"\b[A-Za-z]{1,5}-\d{3,9}\b")
NUMBER_RE = re.compile(r"\b(?:0x[0-9a-f]+|\d+)\b", re.I)
WORD_RE = re.compile(r"[^\W\d_]{2,}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]+")


def title_not_only_code(subject, sections):
    title = subject.title.strip()
    masked = list(title)
    codes = 0
    for start, display, key in locate_error_codes(title):
        if title[start:start + len(display)] == display:  # as written, not a display form ("HTTP 500")
            masked[start:start + len(display)] = " " * len(display)
            codes += 1
    rest, numbers = ARTICLE_NUMBER_RE.subn(" ", "".join(masked))
    rest, plain = NUMBER_RE.subn(" ", rest)
    words = [w for w in WORD_RE.findall(rest) if w.casefold() not in CODE_WORDS]
    cjk = sum(len(w) for w in words if not w.isascii())
    if (codes or numbers or plain) and len([w for w in words if w.isascii()]) + cjk // 2 < 2:
        return Finding(NO, _("The title is only a code: %(title)s") % {"title": title[:200]})
    return Finding(YES, _("The title says more than a code."))


CHECKS = {
    "kcs_sections": kcs_sections,
    "environment": one_section("environment"),
    "resolution": one_section("resolution"),
    "cause": one_section("cause"),
    "no_internal_data": no_internal_data,
    "links_resolve": links_resolve,
    "title_not_only_code": title_not_only_code,
}


def run_checks(subject):
    sections = split_sections(subject.body)
    return {name: check(subject, sections) for name, check in CHECKS.items()}
