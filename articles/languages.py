"""The one place that knows how languages are spelled and named.

Every language the knowledge base stores or serves is one of ``settings.LANGUAGES``, by its
Django code (``en``, ``fr``, ``zh-hans``). Any other usual spelling — ``fr-FR``, ``fr_FR``,
``FR``, ``zh-Hans``, ``zh-CN``, ``zh_Hans_CN`` — is parsed with Babel and mapped onto one of
them; anything else is not a language here.
"""
from functools import lru_cache
import re

from babel import Locale, UnknownLocaleError
from django.conf import settings

# A locale-looking token: "fr", "fr-FR", "zh_Hans", "zh-Hans-CN", "en-US". Words such as
# "articles" or "using" never match, so path segments can be tried safely.
LOCALE_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_](?:[A-Za-z]{4}|[A-Za-z]{2}|\d{3}))*$")

# Traditional-script regions: zh-TW and zh-HK are not Simplified Chinese.
HANT_REGIONS = {"TW", "HK", "MO"}
# Where an article is written first: shown, and searched, when the reader's language lacks it.
FALLBACK_LANGUAGE = "en"


class UnknownLanguage(ValueError):
    """Raised when a language tag names no language the knowledge base serves."""


def site_languages():
    """The configured language codes, in settings order: ``["en", "fr", …]``."""
    return [code for code, _ in settings.LANGUAGES]


@lru_cache(maxsize=512)
def _normalize(tag, configured):
    if not tag or not LOCALE_TAG_RE.match(tag):
        return None
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    code = locale.language
    if code == "zh":
        traditional = locale.script == "Hant" or (not locale.script and locale.territory in HANT_REGIONS)
        code = "zh-hant" if traditional else "zh-hans"
    return code if code in configured else None


def normalize_language(tag):
    """Map any spelling of a served language to its code (``"fr-FR"`` → ``"fr"``), else None."""
    return _normalize((tag or "").strip(), tuple(site_languages()))


def require_language(tag):
    """Like ``normalize_language`` but raises ``UnknownLanguage`` naming the tag."""
    code = normalize_language(tag)
    if code is None:
        raise UnknownLanguage(
            f"{tag!r} is not one of the served languages ({', '.join(site_languages())})"
        )
    return code


@lru_cache(maxsize=64)
def babel_locale(code):
    """The Babel ``Locale`` for a served language code (``"zh-hans"`` → ``zh_Hans``)."""
    return Locale.parse(code.replace("-", "_"), sep="_")


@lru_cache(maxsize=64)
def native_name(code):
    """The language's name in itself: Français, 한국어, 日本語, 简体中文.

    Chinese is named with its script first, as readers expect (简体中文 rather than 中文 (简体)).
    """
    locale = babel_locale(code)
    if locale.script:
        name = f"{locale.scripts[locale.script]}{locale.languages[locale.language]}"
    else:
        name = locale.get_display_name(locale)
    return name[:1].upper() + name[1:]


def bcp47(code):
    """The BCP 47 spelling for HTML ``lang``/``hreflang`` attributes: ``zh-hans`` → ``zh-Hans``."""
    language, _, script = code.partition("-")
    return f"{language}-{script.title()}" if script else language


def primary_subtag(tag):
    """``"fr-FR"`` → ``"fr"``; used where only the language matters."""
    return (tag or "").replace("_", "-").split("-")[0].lower()


def fallback_order(wanted):
    """Languages to try for a reader of ``wanted``: that one, then English, then the rest."""
    order = [wanted, FALLBACK_LANGUAGE] + site_languages()
    return list(dict.fromkeys(code for code in order if code))


def pick_by_language(items, wanted, language_of=lambda item: item.language):
    """The item in the best language for a reader of ``wanted`` (see ``fallback_order``).

    Items in a language outside the served ones come last. None for an empty sequence.
    """
    rank = {code: position for position, code in enumerate(fallback_order(wanted))}
    return min(items, key=lambda item: rank.get(language_of(item), len(rank)), default=None)


def negotiate(accept_language_header):
    """The served language a browser's ``Accept-Language`` asks for, by quality then order;
    each tag is read with Babel (``zh-CN`` → ``zh-hans``, ``fr-CA`` → ``fr``). English when none."""
    wanted = []
    for position, part in enumerate((accept_language_header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag.strip() and quality > 0:
            wanted.append((-quality, position, tag.strip()))
    for _, _, tag in sorted(wanted):
        code = normalize_language(tag) or normalize_language(primary_subtag(tag))
        if code:
            return code
    return "en" if "en" in site_languages() else site_languages()[0]
