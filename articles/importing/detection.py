"""Language detection from an article's text, with lingua (made for short, mixed texts).

The detector knows only the served languages, so it never answers with one the knowledge
base cannot show. Code, URLs and markup are removed first: a French article full of English
log lines is still French.
"""
from functools import lru_cache
import re

from lingua import IsoCode639_1, LanguageDetectorBuilder

from ..languages import normalize_language, site_languages

NOISE_RES = [
    re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL),  # fenced code
    re.compile(r"`[^`\n]*`"),  # inline code
    re.compile(r"!?\[[^\]]*\]\([^)]*\)"),  # links and images
    re.compile(r"\[!(?:UICONTROL|DNL|BADGE)\s[^\]]*\]"),  # product and UI names, untranslated
    re.compile(r"https?://\S+"),
    re.compile(r"<[^>]+>"),
    re.compile(r"\{[#.][^}]*\}"),
]
SAMPLE_CHARS = 3000
MIN_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def _detector():
    iso_codes = []
    for code in site_languages():
        try:
            iso_codes.append(IsoCode639_1.from_str(code.split("-")[0]))
        except ValueError:
            continue
    return LanguageDetectorBuilder.from_iso_codes_639_1(*iso_codes).build()


def prose_sample(text):
    """The prose of a markdown text, without code, links, markup or UI names."""
    for pattern in NOISE_RES:
        text = pattern.sub(" ", text)
    return " ".join(text.split())[:SAMPLE_CHARS]


def detect_language(text):
    """The served language code the text is written in, or None when lingua is not sure."""
    sample = prose_sample(text)
    if not sample:
        return None
    values = _detector().compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    return normalize_language(values[0].language.iso_code_639_1.name.lower())
