"""An article's nearest articles by meaning, for a translation's related articles:
``neighbour_articles(translation, limit)`` → article numbers, closest first, at most ``limit``.

Articles are compared by their vectors (``centroids``: each one's translations with their language
taken out, summed), so every language of an article gets the same neighbours, and only articles with
a translation in the translation's own language are given: the list is shown to the readers of that
page, who would otherwise be sent to an article that exists only in a language they may not read
(related articles found by words are in the page's language too). The article itself never appears;
hidden, internal and unpublished ones do (a page keeps those its reader may see, as ``related``
does). [] when semantic search is off (``KB_SEMANTIC``), when this process has not loaded the model
(``model.loaded``: it is never loaded here, so that the indexer's embedding thread loads it at its
lower priority; that thread and a web worker's first semantic search load it), or when the article
has no vector yet.
"""
import numpy as np

from . import _setting
from .centroids import article_vectors
from .model import loaded
from .text import embedding_key


def neighbour_articles(translation, limit, any_language=False):
    """``any_language``: articles in any language count (bench/beyond_search.py measures what
    readers would be sent to then)."""
    model = loaded()
    if not _setting() or model is None or limit <= 0:
        return []
    articles = article_vectors(embedding_key(model))
    row = articles.row_of(translation.article.number)
    if row is None:
        return []
    cosines = articles.cosines(articles.matrix[row])
    found = []
    for other in np.argsort(-cosines, kind="stable").tolist():
        if other != row and (any_language or translation.language in articles.languages[other]):
            found.append(articles.numbers[other])
            if len(found) >= limit:
                break
    return found
