"""Reader feedback: "Did this solve your problem?" per article and language.

    reader_hash(anonymous_id)                          -> 64 hex digits (what is stored)
    allow_vote(client_address)                         -> False past VOTES_PER_MINUTE from one client
    vote(article, language, reader, helpful, comment)  -> (Feedback, created)
    helpfulness(language=None)                         -> [Helpfulness], most votes first
    low_rated(rows)                                    -> the rows editors should review

A reader is a random id in a cookie (``READER_COOKIE``), stored only as a keyed hash; the client
address is used only as a keyed hash in the shared cache's count (``limits``), never stored in the
database.
"""
from dataclasses import dataclass

from django.db.models import Count, Q

from .limits import keyed_hash, within_budget
from .models import Feedback

READER_COOKIE = "kb_reader"
VOTES_PER_MINUTE = 10
COMMENT_CHARS = 2000
LOW_RATED_MIN_VOTES = 3
LOW_RATED_BELOW = 0.5


def reader_hash(anonymous_id):
    return keyed_hash("reader", anonymous_id)


def allow_vote(client_address, limit=VOTES_PER_MINUTE):
    """Counts a vote from this client in the current minute, on every worker and server together
    (``limits``); False once past ``limit``."""
    return within_budget("vote", client_address, limit, 60)


def vote(article, language, reader, helpful, comment=""):
    """The reader's vote on this article in this language; a second vote replaces the first."""
    return Feedback.objects.update_or_create(
        article=article, language=language, reader=reader,
        defaults={"helpful": helpful, "comment": comment.strip()[:COMMENT_CHARS]})


@dataclass
class Helpfulness:
    number: str
    language: str
    votes: int
    helpful: int
    comments: int

    @property
    def share(self):
        return self.helpful / self.votes if self.votes else 0.0


def helpfulness(language=None):
    votes = Feedback.objects.filter(language=language) if language else Feedback.objects.all()
    rows = (votes.values("article__number", "language")
            .annotate(votes=Count("id"), helpful=Count("id", filter=Q(helpful=True)),
                      comments=Count("id", filter=~Q(comment="")))
            .order_by("-votes", "article__number", "language"))
    return [Helpfulness(r["article__number"], r["language"], r["votes"], r["helpful"], r["comments"]) for r in rows]


def low_rated(rows, min_votes=LOW_RATED_MIN_VOTES, below=LOW_RATED_BELOW):
    """At least ``min_votes`` votes and fewer than ``below`` of them helpful, least helpful first."""
    return sorted((r for r in rows if r.votes >= min_votes and r.share < below), key=lambda r: (r.share, -r.votes))


def recent_comments(language=None, limit=20):
    comments = Feedback.objects.exclude(comment="").select_related("article").order_by("-updated_at")
    return list((comments.filter(language=language) if language else comments)[:limit])
