"""Queries compiled once (``articles.prepared``) answer what their queryset answers, for every
reader and number of values, on the database the suite runs on."""
import pytest

from articles import prepared
from articles.models import Article, Translation
from articles.search.related import _visible_titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    kinds = {"PUB-1": {}, "PUB-2": {}, "INT-1": {"audience": "internal"}, "ARC-1": {"status": "archived"},
             "WIP-1": {"status": "wip"}}
    for number, fields in kinds.items():
        article = Article.objects.create(number=number, key_source="article-number", **fields)
        for language in ("en", "fr"):
            Translation.objects.create(article=article, language=language, title=f"{number} {language} ‘%s’ %%",
                                       body="", published_revision=1)
    Translation.objects.filter(article__number="PUB-2", language="fr").update(hidden=True)
    return list(kinds)


@pytest.mark.parametrize("everything", [False, True])
def test_compiled_once_answers_as_the_queryset(articles, everything, django_assert_num_queries):
    for count in range(1, len(articles) + 1):
        for offset in range(len(articles)):
            numbers = (articles[offset:] + articles[:offset])[:count] + ["NOPE-1"]
            expected = list(_visible_titles(everything, numbers))
            assert prepared.rows(_visible_titles, (everything,), numbers) == expected
    expected = list(_visible_titles(everything, ["PUB-1"]))
    with django_assert_num_queries(1):
        assert prepared.rows(_visible_titles, (everything,), ["PUB-1", "PUB-1"]) == expected
    assert prepared.rows(_visible_titles, (everything,), []) == []


def test_readers_see_only_public_translations_and_nobody_archived_ones(articles):
    public = {(number, language) for number, language, _ in prepared.rows(_visible_titles, (False,), articles)}
    assert public == {("PUB-1", "en"), ("PUB-1", "fr"), ("PUB-2", "en")}
    staff = {number for number, _, _ in prepared.rows(_visible_titles, (True,), articles)}
    assert staff == {"PUB-1", "PUB-2", "INT-1", "WIP-1"}


def test_a_query_that_does_not_use_its_markers_is_refused():
    def ignores_values(values):
        return Translation.objects.filter(language="en").values_list("title")

    with pytest.raises(ValueError, match="ignores_values"):
        prepared.rows(ignores_values, (), ["a"])


def test_json_and_date_columns_come_back_as_the_queryset_gives_them(articles):
    from django.utils import timezone

    Translation.objects.filter(article__number="PUB-1", language="en").update(
        assets={"shot.png": "/media/a/shot.png"}, keywords=["ledger", "export"], published_on=timezone.now())

    def shown(pks):
        return Translation.objects.filter(pk__in=pks).values_list("assets", "keywords", "published_on", "title")

    pks = list(Translation.objects.values_list("pk", flat=True))
    assert prepared.rows(shown, (), pks, numeric=True) == list(shown(pks))
    first = prepared.rows(shown, (), pks[:1], numeric=True)[0]
    assert isinstance(first[0], dict) and isinstance(first[1], list)


def test_instances_are_the_models_only_would_give(articles):
    from articles.pages import SIBLING_FIELDS

    def siblings(numbers):
        return Translation.objects.filter(article__number__in=numbers).values_list(*SIBLING_FIELDS)

    made = prepared.instances(Translation, SIBLING_FIELDS, prepared.rows(siblings, (), ["PUB-1"]))
    expected = list(Translation.objects.filter(article__number="PUB-1").only(*SIBLING_FIELDS))
    assert [(t.pk, t.language, t.assets, t.published_on) for t in made] == \
        [(t.pk, t.language, t.assets, t.published_on) for t in expected]
    assert made[0].get_deferred_fields() == expected[0].get_deferred_fields()
    made[0].title  # a deferred field is loaded on first use, as with only()
    made[0].save(update_fields=["title"])  # and the instance saves like one read by the ORM
