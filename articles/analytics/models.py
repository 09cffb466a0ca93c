"""What readers did, without saying who: searches (and the result opened) and article votes.

No user id, IP address, session or cookie value is stored. A vote keeps a keyed hash of a
random anonymous cookie id, only so that a reader's second vote replaces the first."""
from django.db import models


class SearchEvent(models.Model):
    """One search as a reader or an integration ran it. ``key`` is a random id handed to the
    results page so that a click can be matched to its search (it identifies the search, not
    the reader). ``query_key`` groups spellings: casefolded, spaces collapsed."""

    class Source(models.TextChoices):
        PAGE = "page", "page"
        API = "api", "api"

    key = models.UUIDField(unique=True)
    query = models.CharField(max_length=500)
    query_key = models.CharField(max_length=500, db_index=True)
    language = models.CharField(max_length=20)
    results = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices)
    searched_at = models.DateTimeField(db_index=True)
    opened_article = models.CharField(max_length=100, blank=True)
    opened_rank = models.PositiveIntegerField(null=True, blank=True)  # 1 = the first result
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["language", "searched_at"], name="analytics_search_lang_time")]

    def __str__(self):
        return f"{self.query} ({self.language}, {self.results})"


class Feedback(models.Model):
    """One reader's answer to "Did this solve your problem?" for one article in one language."""

    article = models.ForeignKey("articles.Article", related_name="feedback", on_delete=models.CASCADE)
    language = models.CharField(max_length=20)
    reader = models.CharField(max_length=64)  # HMAC-SHA256 of the anonymous cookie id, hex
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "language", "reader"],
                                               name="one_vote_per_reader")]

    def __str__(self):
        return f"{self.article_id} ({self.language}): {'yes' if self.helpful else 'no'}"
