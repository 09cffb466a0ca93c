"""Actions of the editing service on the Article Quality Index (``articles.quality``): a coach's
score, and the checklist publishers keep. Each checks the role and writes in one transaction.

    score_article(user, number, language, answers, comment="", revision=None) -> Score  (coaches, publishers, staff)
    add_question(user, values)                   -> Question  (publishers)
    change_question(user, key, values)           -> Question  (publishers)
    set_question_active(user, key, active)       -> Question  (publishers; retiring keeps every score)
    clean_question(values, creating)             -> values checked, or ``Invalid`` naming the field

A score is of the translation's current (latest) revision; ``revision``, when given, is the one
the coach read, and a newer one saved since is ``RevisionMoved`` (409). ``answers`` maps
question keys to "yes", "no" or "na"; an active question left out takes its automatic check's
answer when it has one (``checklist.suggestions``), else is ``Invalid("answers.<key>",
code="required")``. A score credits every author of the translation's revisions up to the one
scored.

``values`` of a question: ``key`` (a slug; made from the text when not given), ``text`` (one
text for every language) and/or ``texts`` ({language: text}), ``weight`` (1-10), ``position``,
``automatic_check`` (a ``Question.Check`` value or ""). A shipped question's ``msgid`` never
changes: giving it ``text``/``texts`` shows those instead of the catalogs' translations.
"""
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .. import languages
from ..models import Article, Revision, Translation
from ..quality import aqi
from ..quality.checklist import active_questions, suggestions
from ..quality.models import MAX_WEIGHT, Answer, Question, Score
from . import actions, permissions
from .content import clean_language
from .errors import EditingError, Invalid, InvalidTransition, NotFound

COMMENT_CHARS = 5000
QUESTION_CHARS = 1000
KEY_CHARS = 60
MAX_REVISION = 2_147_483_647  # what the column holds


class RevisionMoved(EditingError):
    """The translation was saved since the revision the coach read."""

    code, status = "revision_moved", 409


def score_article(user, number, language, answers, comment="", revision=None):
    permissions.require_coach(user)
    language = clean_language(language, "language")
    comment = actions._clean_message(comment, "comment", limit=COMMENT_CHARS)
    revision = _clean_revision(revision)
    answers = _clean_answers(answers)
    article = Article.objects.by_number(number)
    translation = Translation.objects.filter(article=article, language=language).first() if article else None
    if translation is None or not translation.latest_revision:
        raise NotFound(_("No %(language)s translation of %(number)s.") % {"language": language,
                                                                         "number": str(number)[:100]})
    if article.status == Article.Status.ARCHIVED:
        raise InvalidTransition(_("An archived article is not scored: restore it first."))
    current = Revision.objects.get(translation=translation, number=translation.latest_revision)
    if revision is not None and revision != current.number:
        raise RevisionMoved(_("This translation was saved again since you read it (it is now at revision "
                              "%(revision)d): read it again and score that.") % {"revision": current.number},
                            field="revision")
    questions = active_questions()
    suggested = suggestions(translation, current, user, questions)
    given = {q.key: _answer_of(q, answers, suggested) for q in questions}
    yes, applicable, index = aqi.weigh((given[q.key], q.weight) for q in questions)
    now = timezone.now()
    with transaction.atomic():
        score = Score.objects.create(article=article, translation=translation, language=language,
                                     revision=current.number, coach=user, scored_at=now,
                                     month=timezone.localdate(now).replace(day=1), comment=comment,
                                     yes_weight=yes, applicable_weight=applicable, aqi=index)
        Answer.objects.bulk_create([Answer(score=score, question=q, value=given[q.key], weight=q.weight,
                                           suggested=suggested[q.key].answer if q.key in suggested else "")
                                    for q in questions])
        score.authors.set(Revision.objects.filter(translation=translation, number__lte=current.number,
                                                  author__isnull=False).values_list("author_id", flat=True).distinct())
    return score


def _answer_of(question, answers, suggested):
    if question.key in answers:
        return answers[question.key]
    if question.key in suggested:
        return suggested[question.key].answer
    raise Invalid(f"answers.{question.key}", _("Answer this question: yes, no or not applicable."), code="required")


def _clean_answers(answers):
    """``{key: value}`` of known, active questions; refused ones named ``answers.<key>``."""
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise Invalid("answers", _("The answers are an object of question keys and yes, no or na."),
                      code="not_a_dict")
    known = dict(Question.objects.filter(key__in=[k for k in answers if isinstance(k, str)])
                 .values_list("key", "active"))
    for key, value in answers.items():
        field = f"answers.{str(key)[:KEY_CHARS]}"
        if key not in known:
            raise Invalid(field, _("No question %(key)s in the checklist.") % {"key": str(key)[:KEY_CHARS]},
                          code="unknown_question")
        if not known[key]:
            raise Invalid(field, _("Question %(key)s is retired: it is no longer answered.") % {"key": key},
                          code="retired_question")
        if value not in aqi.VALUES:
            raise Invalid(field, _("An answer is yes, no or na (not applicable)."), code="invalid_choice")
    return answers


def _clean_revision(revision):
    if revision is None:
        return None
    if isinstance(revision, bool) or not isinstance(revision, int) or not 0 < revision <= MAX_REVISION:
        raise Invalid("revision", _("The revision is a whole number from 1."), code="invalid_type")
    return revision


# -- the checklist ------------------------------------------------------------------------------
def add_question(user, values):
    permissions.require_publish(user)
    values = clean_question(values, creating=True)
    values.setdefault("position", (Question.objects.aggregate(last=Max("position"))["last"] or 0) + 10)
    try:
        with transaction.atomic():
            return Question.objects.create(**values)
    except IntegrityError:  # the same key added meanwhile
        raise Invalid("key", _("A question %(key)s exists already.") % {"key": values["key"]}, code="exists") from None


def change_question(user, key, values):
    permissions.require_publish(user)
    values = clean_question({k: v for k, v in values.items() if k != "key"}, creating=False)
    with transaction.atomic():
        question = _locked_question(key)
        for name, value in values.items():
            setattr(question, name, value)
        if not (question.msgid or question.text or question.texts):
            raise Invalid("text", _("A question needs a text."), code="required")
        question.save(update_fields=list(values))
    return question


def set_question_active(user, key, active):
    """Retire a question (no longer asked; the scores that answered it keep their answers and
    AQI) or ask it again."""
    permissions.require_publish(user)
    with transaction.atomic():
        question = _locked_question(key)
        if question.active != bool(active):
            question.active = bool(active)
            question.retired_at = None if active else timezone.now()
            question.save(update_fields=["active", "retired_at"])
    return question


def clean_question(values, creating):
    cleaned = {}
    if "text" in values or creating:
        cleaned["text"] = _clean_text(values.get("text") or "", "text")
    if "texts" in values or creating:
        cleaned["texts"] = _clean_texts(values.get("texts"))
    if creating and not (cleaned["text"] or cleaned["texts"]):
        raise Invalid("text", _("A question needs a text."), code="required")
    if "weight" in values or creating:
        cleaned["weight"] = _clean_number(values.get("weight", 1), "weight", 1, MAX_WEIGHT)
    if values.get("position") is not None:
        cleaned["position"] = _clean_number(values["position"], "position", 0, 1_000_000)
    if "automatic_check" in values:
        if (values["automatic_check"] or "") not in ("", *Question.Check.values):
            raise Invalid("automatic_check", _("No such automatic check."), code="invalid_choice")
        cleaned["automatic_check"] = values["automatic_check"] or ""
    if creating:
        cleaned["key"] = _clean_key(values.get("key"), cleaned["text"] or next(iter(cleaned["texts"].values())))
    return cleaned


def _clean_text(value, field):
    if value is None:  # a question's text is never left out as null
        raise Invalid(field, _("This field must be text."), code="invalid_type")
    return actions._clean_message(value, field, limit=QUESTION_CHARS)


def _clean_texts(texts):
    if texts in (None, ""):
        return {}
    if not isinstance(texts, dict):
        raise Invalid("texts", _("The texts are an object of languages and texts."), code="not_a_dict")
    cleaned = {}
    for code, text in texts.items():
        language = clean_language(code, f"texts.{str(code)[:20]}")
        text = _clean_text(text, f"texts.{language}")
        if text:
            cleaned[language] = text
    return {code: cleaned[code] for code in languages.site_languages() if code in cleaned}


def _clean_number(value, field, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(field, _("This is a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
                      code="out_of_range")
    return value


def _clean_key(key, text):
    """A given key as it is (refused when taken); else one made from the text, numbered when taken."""
    if key not in (None, ""):
        if not isinstance(key, str) or slugify(key) != key or len(key) > KEY_CHARS:
            raise Invalid("key", _("A key is lower-case letters, digits, '-' and '_' (at most %(limit)d).")
                          % {"limit": KEY_CHARS}, code="invalid")
        if Question.objects.filter(key=key).exists():
            raise Invalid("key", _("A question %(key)s exists already.") % {"key": key}, code="exists")
        return key
    base = slugify(text)[:KEY_CHARS - 8].strip("-_") or "question"
    key, n = base, 1
    while Question.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def _locked_question(key):
    question = Question.objects.select_for_update().filter(key=str(key)[:KEY_CHARS]).first()
    if question is None:
        raise NotFound(_("No question %(key)s in the checklist.") % {"key": str(key)[:KEY_CHARS]})
    return question
