"""Translation → the Whoosh document that indexes it (a pure function of the row)."""
from ..rendering import plain_text
from .codes import normalize_code
from .schema import (ARTICLE, CODE_LIST, CODES, ID_FIELD, LANG, NUMBER, PRODUCTS, PUBLIC, SNIPPET,
                     SPELLING, TITLE_STORED, text_field)

SYMPTOM_KINDS = ("symptoms", "steps")  # what the reader sees happen


def translation_document(translation, products):
    """The fields of one translation; ``products`` is its list of product names."""
    language = translation.language
    sections = translation.sections or {}
    document = {
        ID_FIELD: str(translation.pk),
        ARTICLE: translation.article.number,
        LANG: language,
        PUBLIC: "1" if translation.is_public else "0",
        NUMBER: normalize_code(translation.article.number),
        CODES: " ".join(key for _, key in translation.error_codes),
        PRODUCTS: ",".join(products),
        TITLE_STORED: translation.title,
        SNIPPET: translation.description or plain_text(sections.get("symptoms", ""))[:300],
        CODE_LIST: [display for display, _ in translation.error_codes],
        text_field("title", language): translation.title,
        text_field("keywords", language): " ".join(translation.keywords),
    }
    symptoms = plain_text("\n\n".join(sections.get(kind, "") for kind in SYMPTOM_KINDS))
    document[text_field("symptoms", language)] = symptoms
    document[SPELLING] = "\n".join([translation.title, " ".join(translation.keywords),
                                    translation.description, symptoms])
    document[text_field("all", language)] = "\n".join([
        translation.title, " ".join(translation.keywords), translation.description, plain_text(translation.body)])
    return document
