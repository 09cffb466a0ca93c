"""Article and code addresses built without reverse() (``articles.links``) are reverse()'s."""
import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from articles import links

# An article's address depends on what is stored: a documentation page imported without an
# article number is at its readable address (``docnav.address_of``).
pytestmark = pytest.mark.django_db

AWKWARD = ["KA-23014", "ka-1", "ORA-01805", "iRc=16384", "HTTP 403", "javax.jcr.AccessDeniedException",
           "50%", "a?b#c&d", "エラー-12", "오류 3", "x+y;z", "~tilde:colon@at", "'quote'(paren)*!$,"]


@pytest.mark.parametrize("value", AWKWARD)
@pytest.mark.parametrize("lang", ["en", "ja", "zh-hans"])
def test_addresses_match_reverse(value, lang):
    assert links.article_url(lang, value) == reverse("articles:article", kwargs={"lang": lang, "number": value})
    assert links.code_url(lang, value) == reverse("articles:code", kwargs={"lang": lang, "code": value})


def test_values_reverse_refuses_are_still_refused():
    for value in ["", "a/b"]:
        with pytest.raises(NoReverseMatch):
            links.article_url("en", value)


def test_addresses_follow_the_script_prefix():
    try:
        assert links.url("articles:home", lang="fr") == "/fr/"
        set_script_prefix("/kb/")
        assert links.article_url("fr", "KA-1") == "/kb/fr/articles/KA-1/"
        assert links.url("articles:home", lang="fr") == "/kb/fr/"
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("name, kwargs", [("articles:home", {"lang": "ko"}), ("articles:api-suggest", {}),
                                          ("articles:product", {"lang": "de", "product": "campaign-classic"})])
def test_remembered_addresses_match_reverse(name, kwargs):
    assert links.url(name, **kwargs) == links.url(name, **kwargs) == reverse(name, kwargs=kwargs)
    with pytest.raises(NoReverseMatch):
        links.url(name, lang="xx/yy", nothing="here")
    assert links.article_url("fr", "KA-1") == "/fr/articles/KA-1/"


def test_template_helpers():
    template = engines["jinja2"].from_string("{{ article_url(lang, n) }} {{ code_url(lang, c) }}")
    html = template.render({"lang": "de", "n": "KA 1", "c": "ORA-01805"})
    assert html == "/de/articles/KA%201/ /de/codes/ORA-01805/"


def test_passage_of_a_word_matching_thousands_of_times_is_found_in_linear_time():
    """The snippet's window slides over the matches; counting each window's terms anew took
    seconds for a body where a common word occurs thousands of times."""
    import time

    from articles.listings import matched_passage

    text = "error " * 20000 + "the AccessDenied exception while error reading " + "error " * 20000
    started = time.perf_counter()
    passage = matched_passage(text, "error reading AccessDenied exception")
    assert time.perf_counter() - started < 1.0
    assert "AccessDenied exception while error reading" in passage
    assert passage.startswith("…") and passage.endswith("…")


def test_passage_is_chosen_by_the_words_search_matched_not_the_ones_it_drops():
    """A window full of "the" and "and" does not win over the one holding the word asked for:
    the result's highlighting would mark nothing in it."""
    from articles.listings import matched_passage

    text = ("The and with from them. " * 30 + "Filler words follow. " * 30 + "Exports stop at midnight. "
            + "Filler words follow. " * 30)
    passage = matched_passage(text, "the and with from export", language="en")
    assert "Exports stop at midnight" in passage and "with from" not in passage
    assert matched_passage(text, "the and with from", language="en") == ""


def test_templates_render_missing_values_as_nothing_and_the_views_context_wins(rf):
    template = engines["jinja2"].from_string("[{{ page.source.language }}|{{ LANG }}|{{ user.is_authenticated }}]")
    assert template.render({}) == "[||]"
    request = rf.get("/fr/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override("fr"):
        assert template.render({}, request) == "[|fr|False]"  # LANG and user from the context processors
        assert template.render({"LANG": "ko"}, request) == "[|ko|False]"  # as in Django's templates
