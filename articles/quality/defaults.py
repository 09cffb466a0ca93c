"""The checklist kb ships: the KCS Content Standard as weighted yes/no questions, in kb's own
words. Each is ``(key, msgid, weight, automatic check or "")``, in the order asked; the msgid
is the English text and the catalogs translate it (``Question.text_in``). Installed by the
migration ``0002_default_checklist`` and again by ``checklist.ensure_defaults`` when a database
holds no question at all; publishers reweigh, reorder, retire and add questions afterwards.
"""
from django.utils.translation import gettext_noop

QUESTIONS = [
    ("issue_in_customer_words", gettext_noop(
        "The issue is told the way the customer experienced it: what they did, what they saw, error text as "
        "it appeared."), 3, ""),
    ("title_in_customer_words", gettext_noop(
        "The title says what goes wrong in words a customer would search with, not only an error code."),
     2, "title_not_only_code"),
    ("kcs_sections", gettext_noop(
        "The article is laid out in the KCS sections: the issue, the environment and the resolution."),
     1, "kcs_sections"),
    ("environment_given", gettext_noop(
        "The environment is given: product, version and the setting in which the issue happens."),
     2, "environment"),
    ("resolution_present", gettext_noop(
        "A resolution or workaround is given, and someone could follow it without asking."), 3, "resolution"),
    ("cause_given", gettext_noop(
        "The cause is explained, when it is known."), 1, "cause"),
    ("one_issue", gettext_noop(
        "The article deals with a single issue: one problem, one answer."), 1, ""),
    ("no_internal_data", gettext_noop(
        "Nothing meant for staff only (internal notes, internal systems, customer data) shows in an external "
        "article."), 3, "no_internal_data"),
    ("links_resolve", gettext_noop(
        "Links and images work: linked articles exist and every image is there."), 2, "links_resolve"),
    ("clear_and_findable", gettext_noop(
        "It reads clearly and briefly, and its products and keywords let people find it."), 1, ""),
]
