"""The quality checklist and coaches' scores: data only.

A ``Question`` is one weighted yes/no question of the checklist. Its text is either a shipped
question's ``msgid`` (English, translated through the site's catalogs) or a publisher's:
``texts`` per language, else one ``text`` for every language. Questions are ordered by
``position``; a retired one (``active`` off) is asked no more, while the scores that answered
it keep their answers and their AQI.

A ``Score`` is one coach's reading of one revision of one translation: an ``Answer`` per active
question (yes, no, not applicable), each with the weight its question had then, so that a
weight changed or a question retired later moves no AQI already given. ``yes_weight`` and
``applicable_weight`` are the sums of the weights answered yes and yes-or-no; ``aqi`` is
``100 * yes / applicable`` (None when nothing applied). ``authors`` are whoever wrote a revision
of the translation up to the one scored (per-author and per-team reports credit them);
``month`` is the first day of the scoring's month, in the site's time zone.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation as django_translation
from django.utils.translation import gettext_lazy as _

MAX_WEIGHT = 10


class Question(models.Model):
    class Check(models.TextChoices):
        """What kb checks itself to pre-fill a question's answer (``checks``)."""

        KCS_SECTIONS = "kcs_sections", _("KCS sections present")
        ENVIRONMENT = "environment", _("environment given")
        RESOLUTION = "resolution", _("resolution present")
        CAUSE = "cause", _("cause given")
        NO_INTERNAL_DATA = "no_internal_data", _("no internal data in an external article")
        LINKS_RESOLVE = "links_resolve", _("links and images resolve")
        TITLE_NOT_ONLY_CODE = "title_not_only_code", _("title not only a code")

    key = models.SlugField(max_length=60, unique=True)  # how the API names the question
    msgid = models.TextField(blank=True)  # a shipped question: its English text, translated by gettext
    text = models.TextField(blank=True)  # a publisher's question, one text for every language
    texts = models.JSONField(default=dict, blank=True)  # ... or {language: text}
    weight = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    automatic_check = models.CharField(max_length=30, blank=True, choices=Check.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(weight__gte=1) & Q(weight__lte=MAX_WEIGHT),
                                              name="quality_question_weight_1_to_10")]

    def __str__(self):
        return self.key

    def text_in(self, language):
        """The question in ``language``: a shipped one as the catalog translates its msgid, a
        publisher's in that language, else its one text, else English, else any language's."""
        if self.msgid:
            with django_translation.override(language):
                return django_translation.gettext(self.msgid)
        texts = self.texts or {}
        return texts.get(language) or self.text or texts.get("en") or next(iter(texts.values()), self.key)


class Score(models.Model):
    article = models.ForeignKey("articles.Article", related_name="quality_scores", on_delete=models.CASCADE)
    translation = models.ForeignKey("articles.Translation", related_name="quality_scores", on_delete=models.CASCADE)
    language = models.CharField(max_length=20)
    revision = models.PositiveIntegerField()  # the translation's revision number scored
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="quality_scores_given")
    scored_at = models.DateTimeField()
    month = models.DateField()  # first day of scored_at's month
    comment = models.TextField(blank=True)
    yes_weight = models.PositiveIntegerField()
    applicable_weight = models.PositiveIntegerField()
    aqi = models.FloatField(null=True, blank=True)
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="quality_scores_credited")

    class Meta:
        ordering = ["-scored_at", "-id"]
        indexes = [models.Index(fields=["month", "article"], name="quality_score_month_article"),
                   models.Index(fields=["article", "-id"], name="quality_score_article_latest")]
        permissions = [("score_articles", "Can score articles against the quality checklist (coach)")]

    def __str__(self):
        return f"{self.article_id} {self.language} r{self.revision}: {self.aqi}"


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        NOT_APPLICABLE = "na", _("not applicable")

    score = models.ForeignKey(Score, related_name="answers", on_delete=models.CASCADE)
    question = models.ForeignKey(Question, related_name="answers", on_delete=models.PROTECT)
    value = models.CharField(max_length=3, choices=Value.choices)
    weight = models.PositiveSmallIntegerField()  # the question's weight when it was answered
    suggested = models.CharField(max_length=3, blank=True, choices=Value.choices)  # the automatic check's answer

    class Meta:
        ordering = ["score", "question__position", "question_id"]
        constraints = [models.UniqueConstraint(fields=["score", "question"], name="quality_one_answer_per_question")]

    @property
    def automatic(self):
        """The answer is the automatic check's, kept by the coach."""
        return bool(self.suggested) and self.suggested == self.value
