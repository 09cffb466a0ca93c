"""Which language a source file is in: the first rule that answers wins.

    1. forced    the importer's ``--lang``
    2. front     front matter ``lang``, ``locale`` or ``language``
    3. path      a path segment that is a locale: ``fr-FR/``, ``ko-KR``, ``zh-Hans``, ``en``, or a
                 suffix such as ``experience-cloud-kcs.fr-FR`` or ``page.fr.md``
    4. detected  lingua on the title, description and body

``decide_language`` returns ``LanguageDecision(code, rule)`` or raises ``SourceError``; with
``detect=False`` it raises ``Undetected`` where rule 4 would be needed (its models take seconds
to load, once per process: the importer's render workers leave such files to the importer).
"""
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..languages import normalize_language
from .detection import detect_language
from .errors import SourceError

FRONT_MATTER_FIELDS = ("lang", "locale", "language")
RULES = ("forced", "front-matter", "path", "detected")


class Undetected(Exception):
    """No rule but detection names the language, and detection was not asked for."""


@dataclass(frozen=True)
class LanguageDecision:
    code: str
    rule: str


def decide_language(path, front_matter, text, *, forced=None, use_path=True, detect=True):
    """Apply the rules in order; ``text`` is what detection reads when nothing else answers."""
    if forced:
        return LanguageDecision(forced, "forced")
    for name in FRONT_MATTER_FIELDS:
        value = front_matter.get(name)
        if isinstance(value, str) and value.strip():
            code = normalize_language(value)
            if code is None:
                raise SourceError(format_lazy(_("{value} is not a served language"), value=repr(value)), field=name)
            return LanguageDecision(code, "front-matter")
    if use_path:
        code = language_from_path(path)
        if code:
            return LanguageDecision(code, "path")
    if not detect:
        raise Undetected()
    code = detect_language(text)
    if code:
        return LanguageDecision(code, "detected")
    raise SourceError(_("language unknown: no --lang, front-matter field, locale in the path, "
                        "and the text is too short or mixed to tell"))


def language_from_path(path):
    """The served language a path names, nearest segment first; None when none does.

    ``kcs/fr-FR/articles/KA-1.md`` → ``fr``; ``campaign-classic.ko-KR/help/x.md`` → ``ko``;
    ``guide.ja.md`` → ``ja``; ``help/using/x.md`` → None.
    """
    parts = PurePath(path).parts
    stem_suffixes = PurePath(parts[-1]).suffixes[:-1] if parts else []
    candidates = [s.lstrip(".") for s in reversed(stem_suffixes)]
    for segment in reversed(parts[:-1]):
        candidates.append(segment)
        if "." in segment:
            candidates.append(segment.rsplit(".", 1)[1])
    for candidate in candidates:
        code = normalize_language(candidate)
        if code:
            return code
    return None
