"""Every change to an article's content or lifecycle: the one place that checks permissions,
writes revisions and events, keeps the translation's columns right and records the index
journal, all in one transaction. Pages, the API, the importer and the admin call these.

    create_article(user, translation={...}, number=None, audience=None, message="")  -> Article
    save_translation(user, number, language, values, base_revision=, message="")       -> Revision
    restore_revision(user, number, language, revision, message="")                     -> Revision
    transition(user, number, to, comment="")                                           -> Article
    set_audience(user, number, audience)                                               -> Article
    set_hidden(user, number, language, hidden)                                         -> Translation

Importing a file is ``imports.import_translation``, under the same revision rules.

A translation's columns (what pages, search and the API show) hold its published revision
while the article is validated and the translation has been published; otherwise its latest
revision (work in progress, which readers never see). Saving a validated translation thus
makes a draft, and ``transition(..., "validated")`` publishes every translation's latest.
"""
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import textgate
from ..models import Article, ArticleEvent, ArticleNumberSequence, Product, Revision, Translation
from ..notifications import events as notifications
from ..search import sync
from ..templating import language_name
from . import health, merging, permissions
from .content import Content, clean_content, clean_language, derived_columns
from .diff import changed_fields
from .imports import source_revision_of
from .errors import Conflict, Invalid, InvalidTransition, NotFound

Status, Audience = Article.Status, Article.Audience
NUMBER_PREFIX = "KA"
NUMBER_FORM_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", re.ASCII)
SEQUENCED_RE = re.compile(rf"^{NUMBER_PREFIX}-([0-9]{{1,30}})$", re.ASCII | re.IGNORECASE)
# A number given in the sequence's form goes up to MAX_GIVEN_NUMBER; the sequence itself runs on
# to what its column holds (a 4-byte integer on PostgreSQL), so the largest number anyone may
# give still leaves two billion for the sequence to hand out.
MAX_GIVEN_NUMBER = 99_999_999
MAX_SEQUENCE_NUMBER = 2_147_483_647
# to -> (permission check, statuses it may come from)
TRANSITIONS = {
    Status.NOT_VALIDATED: (permissions.require_edit, {Status.WORK_IN_PROGRESS}),
    Status.WORK_IN_PROGRESS: (permissions.require_publish, {Status.NOT_VALIDATED, Status.VALIDATED, Status.ARCHIVED}),
    Status.VALIDATED: (permissions.require_publish, set(Status)),
    Status.ARCHIVED: (permissions.require_publish, {Status.WORK_IN_PROGRESS, Status.NOT_VALIDATED, Status.VALIDATED}),
}


def create_article(user, *, translation, number=None, audience=None, message=""):
    """A new article in work in progress with its first translation (revision 1)."""
    permissions.require_edit(user)
    language = clean_language((translation or {}).get("language"), "translation.language")
    content = _clean(translation or {}, prefix="translation.")
    audience = _clean_audience(audience or Audience.EXTERNAL)
    message = _clean_message(message)
    if number is not None:
        number = _clean_number(number)
    with transaction.atomic(), sync.deferred():
        if number is None:
            number = _next_number()
        elif Article.objects.filter(number__iexact=number).exists():
            raise Invalid("number", _("Article %(number)s already exists.") % {"number": number}, code="exists")
        try:
            with transaction.atomic():  # another create of the same number may commit first
                article = Article.objects.create(number=number, key_source=Article.KeySource.ARTICLE_NUMBER,
                                                 status=Status.WORK_IN_PROGRESS, audience=audience,
                                                 source_language=language)
        except IntegrityError:
            raise Invalid("number", _("Article %(number)s already exists.") % {"number": number},
                          code="exists") from None
        created = _new_translation(article, language)
        try:
            _add_revision(created, article, content, user, message)
        except Invalid as error:  # the body cannot be rendered: named as the request names it
            error.field = f"translation.{error.field}"
            error.details["field"] = error.field
            raise
        health.start_care(article, user)  # after the revision: its products set the review interval
        sync.record_change([created.pk], sync.SAVE)
    return article


def save_translation(user, number, language, values, *, base_revision, message=""):
    """A new revision of the translation (created when absent, with ``base_revision`` None).

    Saved from an older revision than the latest, the editor's changes since ``base_revision``
    and those saved in between are merged (``merging``): the new revision holds both and
    records ``based_on``. Raises ``Conflict`` when both changed the same text, or when there is
    no common revision (both added this translation)."""
    permissions.require_edit(user)
    language = clean_language(language)
    content = _clean(values)
    message = _clean_message(message)
    with transaction.atomic(), sync.deferred():
        article = _locked_article(number)
        if article.status == Status.ARCHIVED:
            raise InvalidTransition(_("An archived article cannot be edited: restore it first."))
        translation = Translation.objects.select_for_update().filter(article=article, language=language).first()
        current = translation.latest_revision if translation else None
        based_on = None
        if base_revision != current:
            content = _merged_or_conflict(translation, base_revision, content)
            based_on = base_revision
        if translation is None:
            translation = _new_translation(article, language)
        revision = _add_revision(translation, article, content, user, message, based_on=based_on)
        if translation.shown_revision == revision.number:  # a draft of a live one changes nothing shown
            sync.record_change([translation.pk], sync.SAVE)
    return revision


def restore_revision(user, number, language, revision, message=""):
    """A new revision holding revision ``revision``'s content: nothing is ever lost."""
    permissions.require_edit(user)
    language = clean_language(language)
    message = _clean_message(message)
    if not isinstance(revision, int) or not 0 < revision <= MAX_SEQUENCE_NUMBER:  # what the column holds
        raise NotFound(_("No revision %(revision)s of this translation.") % {"revision": str(revision)[:30]})
    with transaction.atomic(), sync.deferred():
        article = _locked_article(number)
        if article.status == Status.ARCHIVED:
            raise InvalidTransition(_("An archived article cannot be edited: restore it first."))
        translation = Translation.objects.select_for_update().filter(article=article, language=language).first()
        old = Revision.objects.filter(translation=translation, number=revision).first() if translation else None
        if old is None:
            raise NotFound(_("No revision %(revision)s of this translation.") % {"revision": revision})
        content = Content(title=old.title, body=old.body, description=old.description,
                          keywords=list(old.keywords), products=list(old.products))
        # No message of the system's own is stored: pages say "restored from N" from
        # ``restored_from``, in each reader's language.
        restored = _add_revision(translation, article, content, user, message, restored_from=old.number)
        if translation.shown_revision == restored.number:
            sync.record_change([translation.pk], sync.SAVE)
    return restored


def transition(user, number, to, comment="", seen=None):
    """Move the article in its lifecycle. ``validated`` publishes every translation's latest
    revision (again on an already validated article). ``seen`` (``{language: revision}``, the
    latest revisions the publisher was shown) makes publishing refuse, with
    ``InvalidTransition``, when a translation it would publish has a later revision or is not
    in it: nobody publishes what they have not seen."""
    if to not in TRANSITIONS:
        raise Invalid("to", _("'%(to)s' is not a status (wip, not_validated, validated, archived).")
                      % {"to": str(to)[:30]}, code="invalid_choice")
    require, sources = TRANSITIONS[to]
    require(user)
    comment = _clean_message(comment, "comment", limit=5000)
    with transaction.atomic(), sync.deferred():
        article = _locked_article(number)
        if article.status not in sources:
            raise InvalidTransition(_("An article in status '%(old)s' cannot move to '%(new)s'.")
                                    % {"old": article.status, "new": to})
        old = article.status
        translations = list(Translation.objects.select_for_update().filter(article=article))
        if to == Status.VALIDATED and seen is not None:
            _require_seen(translations, seen)
        article.status = to
        article.save(update_fields=["status", "updated_at"])
        for translation in translations:
            if to == Status.VALIDATED and translation.latest_revision and (
                    translation.latest_revision != translation.published_revision):
                translation.published_revision = translation.latest_revision
                translation.published_on, translation.published_by = timezone.now(), _name(user)
            _sync_columns(translation, article)
        _event(article, user, "transition", old, to, comment)
        notifications.article_moved(article, user, old, to, comment)  # once committed
        if to == Status.VALIDATED:
            health.article_published(article, user)
        sync.record_change([t.pk for t in translations], sync.VISIBILITY)
    return article


def _require_seen(translations, seen):
    for translation in translations:
        if translation.latest_revision and translation.latest_revision != translation.published_revision and (
                seen.get(translation.language) != translation.latest_revision):
            raise InvalidTransition(
                _("The %(language)s translation has a revision you have not seen (revision %(revision)s): "
                  "look at it, then publish again.")
                % {"language": language_name(translation.language), "revision": translation.latest_revision})


def set_audience(user, number, audience):
    permissions.require_publish(user)
    audience = _clean_audience(audience)
    with transaction.atomic(), sync.deferred():
        article = _locked_article(number)
        if article.audience != audience:
            _event(article, user, "audience", article.audience, audience)
            article.audience = audience
            article.save(update_fields=["audience", "updated_at"])
            sync.record_change(article.translations.values_list("pk", flat=True), sync.VISIBILITY)
    return article


def set_hidden(user, number, language, hidden):
    """Hide a translation from readers' lists and search (``hide: true`` in a file), or show it."""
    permissions.require_publish(user)
    language = clean_language(language)
    with transaction.atomic(), sync.deferred():
        article = _locked_article(number)
        translation = Translation.objects.select_for_update().filter(article=article, language=language).first()
        if translation is None:
            raise NotFound(_("The article has no translation in that language."))
        if translation.hidden != bool(hidden):
            _event(article, user, "hidden", language, "hidden" if hidden else "shown")
            translation.hidden = bool(hidden)
            translation.save(update_fields=["hidden", "updated_at"])
            sync.record_change([translation.pk], sync.VISIBILITY)
    return translation


# -- helpers ---------------------------------------------------------------------------------
def _clean(values, prefix=""):
    try:
        return clean_content(values)
    except Invalid as error:
        error.field = prefix + error.field
        error.details["field"] = error.field
        raise


def _clean_message(value, field="message", limit=500):
    """A revision's message (at most 500 characters, its column's size) or a transition's
    comment (``limit`` 5,000): text, never anything else."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(field, _("This field must be text."), code="invalid_type")
    if len(value.strip()) > limit:
        raise Invalid(field, _("This field is longer than %(limit)d characters.") % {"limit": limit},
                      code="too_long")
    found = textgate.invalid_character(value)
    if found is not None:
        raise Invalid(field, _("This field holds a character that is not allowed (%(character)s).")
                      % {"character": textgate.describe(found)}, code="invalid_characters")
    return value.strip()


def _clean_audience(value):
    if value not in Audience.values:
        raise Invalid("audience", _("The audience must be 'internal' or 'external'."), code="invalid_choice")
    return value


def _clean_number(number):
    """ASCII letters, digits, '-', '.' and '_'; in the ``KA-`` sequence's own form, a number
    the sequence can hold (so no stored number can stop later articles from being numbered)."""
    number = str(number).strip()
    if not NUMBER_FORM_RE.match(number):
        raise Invalid("number", _("An article number is letters, digits, '-', '.' and '_' (at most 100)."),
                      code="invalid")
    sequenced = SEQUENCED_RE.match(number)
    if sequenced and int(sequenced.group(1)) > MAX_GIVEN_NUMBER:
        raise Invalid("number", _("Numbers of the form %(prefix)s-N go up to %(prefix)s-%(limit)d.")
                      % {"prefix": NUMBER_PREFIX, "limit": MAX_GIVEN_NUMBER}, code="out_of_range")
    return number


def _locked_article(number):
    article = Article.objects.select_for_update().by_number(number)
    if article is None:
        raise NotFound(_("No article %(number)s.") % {"number": str(number)[:100]})
    return article


def _next_number():
    """The next free ``KA-`` number above the highest, under the sequence row's lock."""
    sequence = ArticleNumberSequence.objects.select_for_update().filter(prefix=NUMBER_PREFIX).first()
    if sequence is None:
        ArticleNumberSequence.objects.get_or_create(prefix=NUMBER_PREFIX)
        sequence = ArticleNumberSequence.objects.select_for_update().get(prefix=NUMBER_PREFIX)
    taken = {_sequence_value(n) for n in
             Article.objects.filter(number__istartswith=f"{NUMBER_PREFIX}-").values_list("number", flat=True)}
    # Numbers above what may be given (imported files may carry any) do not move the sequence
    # on; the sequence steps over them if it ever reaches them.
    following = max(min(sequence.last, MAX_SEQUENCE_NUMBER), max((v for v in taken if v <= MAX_GIVEN_NUMBER),
                                                                  default=0)) + 1
    while following in taken:
        following += 1
    if following > MAX_SEQUENCE_NUMBER:
        raise Invalid("number", _("No %(prefix)s- number is left: give the article a number.")
                      % {"prefix": NUMBER_PREFIX}, code="sequence_exhausted")
    sequence.last = following
    sequence.save(update_fields=["last"])
    return f"{NUMBER_PREFIX}-{sequence.last}"


def _sequence_value(number):
    match = SEQUENCED_RE.match(number)
    return int(match.group(1)) if match else -1


def _new_translation(article, language):
    return Translation.objects.create(article=article, language=language, title="", body="", latest_revision=0)


def _add_revision(translation, article, content, user, message, restored_from=None, based_on=None):
    source_revision = None
    if translation.language != article.source_language:
        source_revision = source_revision_of(article.pk, article.source_language)
    revision = Revision.objects.create(
        translation=translation, number=translation.latest_revision + 1, created_at=timezone.now(),
        author=user if getattr(user, "pk", None) else None, message=(message or "")[:500],
        title=content.title, description=content.description, keywords=content.keywords, products=content.products,
        body=content.body, source_revision=source_revision, restored_from=restored_from,
        based_on=based_on)
    translation.latest_revision = revision.number
    _sync_columns(translation, article, latest=revision)
    return revision


def _sync_columns(translation, article, latest=None):
    """Columns = the published revision while the article is validated and this translation
    has one; else the latest revision. Re-renders only when that changes. Saves the row."""
    shown = translation.latest_revision
    if article.status == Status.VALIDATED and translation.published_revision:
        shown = translation.published_revision
    if shown and shown != translation.shown_revision:
        revision = latest if latest is not None and latest.number == shown else (
            Revision.objects.get(translation=translation, number=shown))
        content = Content(title=revision.title, body=revision.body, description=revision.description,
                          keywords=list(revision.keywords), products=list(revision.products))
        for name, value in derived_columns(content, translation.language, translation.assets,
                                             translation.doc_path).items():
            setattr(translation, name, value)
        translation.source_revision = revision.source_revision
        translation.shown_revision = shown
        translation.save()
        translation.products.set([Product.objects.get_or_create(name=name)[0] for name in revision.products])
    else:
        translation.save()


def _merged_or_conflict(translation, base_revision, content):
    """``content`` merged with what was saved since ``base_revision``, or ``Conflict``."""
    current = translation.latest_revision if translation else 0
    rows = {r.number: r for r in Revision.objects.filter(
        translation=translation, number__in=[base_revision or 0, current])} if translation else {}
    theirs = rows.get(current)
    # No base: the editor added a translation someone else added meanwhile; all they share is nothing.
    base = _as_dict(rows[base_revision]) if base_revision in rows else ({} if base_revision is None else None)
    if theirs is None or base is None or (base_revision or 0) > current:
        raise Conflict(current, _changes_since(translation, base_revision))
    result = merging.merge(base, _as_dict(theirs), content.as_dict())
    if result.conflicts:
        raise Conflict(current, _changes_since(translation, base_revision), conflicts=result.conflicts,
                       merged=result.content)
    return Content(**result.content)


def _changes_since(translation, base_revision):
    if translation is None or base_revision is None:
        return {}
    rows = {r.number: r for r in Revision.objects.filter(translation=translation,
                                                         number__in=[base_revision, translation.latest_revision])}
    old, new = rows.get(base_revision), rows.get(translation.latest_revision)
    if old is None or new is None:
        return {}
    return changed_fields(_as_dict(old), _as_dict(new), translation.language)


def _as_dict(revision):
    return {"title": revision.title, "description": revision.description, "keywords": revision.keywords,
            "products": revision.products, "body": revision.body}


def _event(article, user, action, old, new, comment=""):
    ArticleEvent.objects.create(article=article, at=timezone.now(), actor=user if getattr(user, "pk", None) else None,
                                action=action, old=old or "", new=new or "", comment=(comment or "")[:5000])


def _name(user):
    return (getattr(user, "get_username", lambda: "")() or "")[:200]
