"""Hot read queries (``articles.prepared``) give every reader what the queryset defines, with the
SQL compiled once (``KB_SEARCH_SPEEDUPS`` on) or through Django's public API at every call (off,
or another Django release), on the database the suite runs on."""
import logging

import django
import pytest

from articles import prepared
from articles.models import Article, Product, Translation
from articles.search.related import _visible_titles

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["compiled-once", "public-api"])
def switch(request, settings):
    settings.KB_SEARCH_SPEEDUPS = request.param
    return request.param


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


def test_readers_see_only_public_translations_and_nobody_archived_ones(articles, switch):
    public = {(number, language) for number, language, _ in prepared.rows(_visible_titles, (False,), articles)}
    assert public == {("PUB-1", "en"), ("PUB-1", "fr"), ("PUB-2", "en")}
    staff = {number for number, _, _ in prepared.rows(_visible_titles, (True,), articles)}
    assert staff == {"PUB-1", "PUB-2", "INT-1", "WIP-1"}


def test_titles_come_back_as_written_whatever_their_percent_signs(articles, switch):
    assert prepared.rows(_visible_titles, (False,), ["PUB-1"]) == [
        ("PUB-1", "en", "PUB-1 en ‘%s’ %%"), ("PUB-1", "fr", "PUB-1 fr ‘%s’ %%")]


def test_a_value_asked_twice_is_one_query_and_no_value_none(articles, switch, django_assert_num_queries):
    prepared.rows(_visible_titles, (False,), ["PUB-1"])  # compiled, when it is
    with django_assert_num_queries(1):
        assert len(prepared.rows(_visible_titles, (False,), ["PUB-1", "PUB-1", "NOPE-1"])) == 2
    with django_assert_num_queries(0):
        assert prepared.rows(_visible_titles, (False,), []) == []


def test_compiled_sql_answers_as_the_queryset_for_every_count_and_order(articles, settings):
    settings.KB_SEARCH_SPEEDUPS = True
    if not prepared.enabled():
        pytest.skip(f"compiled queries are off: written for Django {prepared.WRITTEN_FOR}")
    for everything in (False, True):
        for count in range(1, len(articles) + 1):
            for offset in range(len(articles)):
                numbers = (articles[offset:] + articles[:offset])[:count] + ["NOPE-1"]
                assert prepared.rows(_visible_titles, (everything,), numbers) == \
                    list(_visible_titles(everything, numbers))


def test_a_query_that_does_not_use_its_markers_is_refused(settings):
    settings.KB_SEARCH_SPEEDUPS = True
    if not prepared.enabled():
        pytest.skip(f"compiled queries are off: written for Django {prepared.WRITTEN_FOR}")

    def ignores_values(values):
        return Translation.objects.filter(language="en").values_list("title")

    with pytest.raises(ValueError, match="ignores_values"):
        prepared.rows(ignores_values, (), ["a"])


def test_json_and_date_columns_come_back_as_python_values(articles, switch):
    from django.utils import timezone

    now = timezone.now()
    Translation.objects.filter(article__number="PUB-1", language="en").update(
        assets={"shot.png": "/media/a/shot.png"}, keywords=["ledger", "export"], published_on=now)

    def shown(pks):
        return Translation.objects.filter(pk__in=pks).values_list("assets", "keywords", "published_on", "title")

    pk = Translation.objects.get(article__number="PUB-1", language="en").pk
    assert prepared.rows(shown, (), [pk], numeric=True) == [
        ({"shot.png": "/media/a/shot.png"}, ["ledger", "export"], now, "PUB-1 en ‘%s’ %%")]


def test_instances_have_the_fields_read_and_load_the_others_on_use(articles, switch):
    from articles.pages import SIBLING_FIELDS

    def siblings(numbers):
        return Translation.objects.filter(article__number__in=numbers).values_list(*SIBLING_FIELDS)

    made = prepared.instances(Translation, SIBLING_FIELDS, prepared.rows(siblings, (), ["PUB-1"]))
    assert [t.language for t in made] == ["en", "fr"]
    assert "title" in made[0].get_deferred_fields() and "language" not in made[0].get_deferred_fields()
    made[0].title = "Renamed"  # a deferred field is loaded on first use, as with only()
    made[0].save(update_fields=["title"])  # and the instance saves like one read by the ORM
    assert Translation.objects.get(pk=made[0].pk).title == "Renamed"


def test_the_article_page_shows_products_and_the_languages_a_reader_may_open(articles, switch, client):
    pub = Translation.objects.get(article__number="PUB-2", language="en")
    pub.products.add(Product.objects.create(name="Zeta Suite"), Product.objects.create(name="Alpha Server"))
    page = client.get("/en/articles/PUB-2/").content.decode()
    assert page.index("Alpha Server") < page.index("Zeta Suite")
    assert 'href="/fr/articles/PUB-2/"' not in page  # its French translation is hidden
    assert client.get("/en/articles/INT-1/").status_code == 404


def test_the_setting_switches_compiling_off(articles, settings):
    settings.KB_SEARCH_SPEEDUPS = False
    prepared._compiled.cache_clear()
    prepared.rows(_visible_titles, (False,), ["PUB-1"])
    assert not prepared.enabled() and prepared._compiled.cache_info().misses == 0


@pytest.fixture
def release_checked_again():
    prepared.release_matches.cache_clear()
    yield
    prepared.release_matches.cache_clear()


def test_another_django_switches_compiling_off_with_one_warning(settings, monkeypatch, caplog,
                                                                 release_checked_again):
    settings.KB_SEARCH_SPEEDUPS = True
    monkeypatch.setattr(django, "VERSION", (6, 0, 0, "final", 0))
    with caplog.at_level(logging.WARNING, logger=prepared.__name__):
        assert [prepared.enabled() for _ in range(3)] == [False] * 3
    assert len(caplog.records) == 1 and "Django 6.0" in caplog.records[0].getMessage()
    prepared.release_matches.cache_clear()
    monkeypatch.setattr(django, "VERSION", (*prepared.WRITTEN_FOR, 0, "final", 0))
    assert prepared.enabled()
