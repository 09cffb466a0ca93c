"""Articles and their translations: data and querysets only.

An ``Article`` is a translation group keyed by its number (``KA-23014``, an ``exl-id``, or a
file stem); a ``Translation`` is one language of it, holding the source front matter verbatim,
the mapped columns, the markdown body, its KCS sections and a rendering cache. No markdown,
files or search index here: ``importing``, ``rendering`` and ``search`` own those.
"""
import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


def sees_unpublished(user):
    """Staff, editors and publishers see drafts, work in progress and internal articles."""
    if user is None or not getattr(user, "is_authenticated", False):
        return bool(getattr(user, "is_staff", False))  # test doubles with is_staff only
    return user.is_staff or user.has_perm("articles.edit_articles")


class ArticleQuerySet(models.QuerySet):
    def by_number(self, number):
        """The article numbered ``number``, whatever its case (``ka-23014`` finds ``KA-23014``);
        None when there is none. The exact spelling is looked up first, through the unique
        index: a case-insensitive match scans every article."""
        number = str(number)
        return self.filter(number=number).first() or self.filter(number__iexact=number).first()


class Article(models.Model):
    class KeySource(models.TextChoices):
        ARTICLE_NUMBER = "article-number", _("article number")
        EXL_ID = "exl-id", _("exl-id")
        FILE_NAME = "file-name", _("file name")

    class Status(models.TextChoices):
        # The KCS v6 lifecycle; imported articles are published (validated) ones.
        WORK_IN_PROGRESS = "wip", _("work in progress")
        NOT_VALIDATED = "not_validated", _("not validated")
        VALIDATED = "validated", _("validated")
        ARCHIVED = "archived", _("archived")

    class Audience(models.TextChoices):
        EXTERNAL = "external", _("external")
        INTERNAL = "internal", _("internal")

    number = models.CharField(max_length=100, unique=True)
    key_source = models.CharField(max_length=20, choices=KeySource.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VALIDATED)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.EXTERNAL)
    # The language translations are made from: English when it has English, else its first.
    source_language = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        # One article per number whatever its case: KA-1 and ka-1 are one address (by_number).
        constraints = [models.UniqueConstraint(Upper("number"), name="one_article_per_number_any_case")]
        permissions = [
            ("edit_articles", "Can create articles, edit and translate them, and submit them for review"),
            ("publish_articles", "Can publish, send back, archive and restore articles and change their audience"),
        ]

    def __str__(self):
        return self.number


class Product(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TranslationQuerySet(models.QuerySet):
    def public(self):
        """What an anonymous reader may see: not hidden, external, validated."""
        return self.filter(
            hidden=False,
            published_revision__isnull=False,
            article__audience=Article.Audience.EXTERNAL,
            article__status=Article.Status.VALIDATED,
        )

    def visible_to(self, user):
        """Staff, editors and publishers see everything; everybody else sees ``public()``."""
        return self if sees_unpublished(user) else self.public()


class Translation(models.Model):
    """One language of an article, as imported (or, later, edited)."""

    article = models.ForeignKey(Article, related_name="translations", on_delete=models.CASCADE)
    language = models.CharField(max_length=20, db_index=True)  # a settings.LANGUAGES code
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    products = models.ManyToManyField(Product, related_name="translations", blank=True)
    created_on = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=200, blank=True)
    published_on = models.DateTimeField(null=True, blank=True)
    published_by = models.CharField(max_length=200, blank=True)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    hidden = models.BooleanField(default=False)
    internal_notes = models.TextField(blank=True)
    is_bug = models.BooleanField(default=False)

    front_matter = models.JSONField(default=dict)  # every source field, verbatim
    body = models.TextField()  # markdown, verbatim
    sections = models.JSONField(default=dict, blank=True)  # KCS kind -> markdown
    assets = models.JSONField(default=dict, blank=True)  # image reference -> media URL
    error_codes = models.JSONField(default=list, blank=True)  # [[display, key], ...] (search.codes)

    source_path = models.CharField(max_length=1000, blank=True)
    # Where the page lives in its documentation repository, the locale taken out (``docpaths``):
    # links between pages resolve by it, and pages without an article number are addressed by it.
    doc_path = models.CharField(max_length=500, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)
    language_rule = models.CharField(max_length=20, blank=True)  # which rule decided the language

    rendered_html = models.TextField(blank=True)  # cache, valid for renderer_version
    renderer_version = models.PositiveIntegerField(default=0)

    # Revisions (editing): the columns above hold the published revision's content (what
    # readers, search and the API see) or, before the first publication, the latest one.
    latest_revision = models.PositiveIntegerField(default=0)  # its number; 0 before any
    published_revision = models.PositiveIntegerField(null=True, blank=True)
    shown_revision = models.PositiveIntegerField(null=True, blank=True)  # the one the columns hold
    # The source-language translation's published revision the shown content was written from:
    # behind the source's current one, this translation is outdated (None: not known).
    source_revision = models.PositiveIntegerField(null=True, blank=True)

    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TranslationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="one_translation_per_language"),
        ]
        # What ``public()`` reads of an article's translations, in an index: on SQLite those
        # columns come after the body and its HTML in each row, so without it every check read
        # the row's overflow pages (semantic search checks about 700 translations per question).
        indexes = [models.Index(fields=["article", "language", "hidden", "published_revision"],
                                name="translation_visibility")]
        ordering = ["article__number", "language"]

    def __str__(self):
        return f"{self.article.number} ({self.language})"

    @property
    def is_public(self):
        return not self.hidden and self.published_revision is not None and (
            self.article.audience == Article.Audience.EXTERNAL and self.article.status == Article.Status.VALIDATED)


# The largest id or number an integer column holds (any database's): a larger one a request
# names is refused as invalid or not found, never sent to the database (which would fail).
MAX_DATABASE_INTEGER = 2**63 - 1


class Revision(models.Model):
    """One immutable version of a translation's content, numbered from 1 per translation. Made
    by every change: a page, the API, an import (``import_path``), a restore. Never updated."""

    translation = models.ForeignKey(Translation, related_name="revisions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="article_revisions")
    import_path = models.CharField(max_length=1000, blank=True)  # the file, when an import made it
    message = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    products = models.JSONField(default=list, blank=True)
    body = models.TextField()
    # The source-language translation's revision this one was written from (None for the source).
    source_revision = models.PositiveIntegerField(null=True, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    # The revision the editor started from, when another was saved in between and both were
    # merged into this one (None: made from the revision before it).
    based_on = models.PositiveIntegerField(null=True, blank=True)
    # What a translation made from this revision follows: its title, description and body
    # (``content_key_of``). Two revisions with the same key read the same to a translator.
    content_key = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["translation", "number"], name="one_revision_number")]
        ordering = ["translation", "number"]

    def __str__(self):
        return f"{self.translation} r{self.number}"

    def save(self, *args, **kwargs):
        self.content_key = content_key_of(self.title, self.description, self.body)
        super().save(*args, **kwargs)

    @property
    def made_by_import(self):
        return bool(self.import_path) and self.author_id is None


def content_key_of(title, description, body):
    return hashlib.sha256("\x1f".join((title or "", description or "", body or "")).encode("utf-8",
                                                                                       "surrogatepass")).hexdigest()


class ArticleEvent(models.Model):
    """What happened to an article besides its content: a lifecycle transition (with the
    publisher's comment when sending back), an audience or source-language change."""

    article = models.ForeignKey(Article, related_name="events", on_delete=models.CASCADE)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="article_events")
    action = models.CharField(max_length=30)  # transition, audience, source_language, hidden
    old = models.CharField(max_length=30, blank=True)
    new = models.CharField(max_length=30, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["article", "at", "id"]


class ArticleNumberSequence(models.Model):
    """One row per prefix: the last number handed out in the ``KA-`` sequence (row-locked
    while an article is created, so concurrent creates get distinct numbers)."""

    prefix = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)


class DocTree(models.Model):
    """A documentation repository's navigation in one language, read from its ``TOC.md``:
    ``nodes`` is ``[{"title", "href", "anchor", "hidden", "children": [...]}]`` in the authors'
    order, ``href`` as written (relative to the TOC's folder, or an external address; "" for a
    group heading). Pages are found from it when shown (``docnav``), so a TOC imported before
    its pages starts linking to them as they come."""

    doc_path = models.CharField(max_length=500)  # docpaths.doc_path of the TOC.md file
    language = models.CharField(max_length=20)
    title = models.CharField(max_length=500, blank=True)
    nodes = models.JSONField(default=list)
    source_path = models.CharField(max_length=1000, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_path", "language"], name="one_tree_per_language")]
        ordering = ["doc_path", "language"]

    def __str__(self):
        return f"{self.doc_path} ({self.language})"


class ImportRun(models.Model):
    """One run of the importer: its counts and the files that failed (for /api/stats)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    paths = models.JSONField(default=list)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list)  # [{"path": ..., "reason": ...}]
    warnings = models.JSONField(default=list)

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

