"""The checklist as coaches meet it. Reads only (but for the shipped questions' first install).

    active_questions()                       -> [Question] asked now, in order
    install_defaults(Question)               -> questions of ``defaults.QUESTIONS`` made (by key)
    ensure_defaults()                        -> the shipped questions, when no question exists at all
    suggestions(translation, revision, user, questions) -> {question key: checks.Finding}
                                                for the questions an automatic check answers
"""
from .checks import run_checks
from .defaults import QUESTIONS
from .models import Question
from .subjects import subject_for


def install_defaults(model):
    """Makes each shipped question missing by its key (``model``: the migration's or the real
    ``Question``); a question already there is left as publishers made it."""
    made = 0
    for position, (key, msgid, weight, check) in enumerate(QUESTIONS, start=1):
        made += model.objects.get_or_create(key=key, defaults={"msgid": msgid, "weight": weight,
                                                               "position": position * 10,
                                                               "automatic_check": check})[1]
    return made


def ensure_defaults():
    """A database emptied since the migration (a test's flush) gets the shipped checklist
    again; one holding any question, active or retired, is the publishers'."""
    if not Question.objects.exists():
        install_defaults(Question)


def active_questions():
    ensure_defaults()
    return list(Question.objects.filter(active=True).order_by("position", "id"))


def suggestions(translation, revision, user, questions):
    wanted = {q.key: q.automatic_check for q in questions if q.automatic_check}
    if not wanted:
        return {}
    found = run_checks(subject_for(translation, revision, user))
    return {key: found[check] for key, check in wanted.items() if check in found}
