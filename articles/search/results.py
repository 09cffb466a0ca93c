"""What a search answers (``articles.search.service``): the backend builds each ``Result``
(``IndexView.result``), the service the ``SearchResults`` around them."""
from dataclasses import dataclass, field


@dataclass
class Result:
    article_number: str
    language: str
    title: str
    snippet: str
    score: float
    error_codes: list
    products: list


@dataclass
class SearchResults:
    query: str
    language: str
    total: int
    results: list
    codes: list = field(default_factory=list)  # the codes recognised in the query
    products: dict = field(default_factory=dict)  # facet: product -> articles
    languages: dict = field(default_factory=dict)  # facet: language -> articles
    suggestion: str | None = None  # the query with misspelt words corrected ("did you mean")
    more: bool = False  # True when the candidates ran out: ``total`` is a lower bound
