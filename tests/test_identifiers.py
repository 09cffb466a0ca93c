"""Identifiers, phrases and product context: what support engineers and readers type.

An identifier copied from a log or a config (``aem_program_id``, ``onTokenRefresh``,
``xtk:workflow``) finds the article that holds it, first, in every language's analyzer; its
parts typed apart still find it; an exact phrase, a page's whole title or one of its UI labels
outranks the same words scattered; a product or version the query names (``Campaign
Standard``, ``v8``) puts that product's page before its sibling's, and results show the product.
"""
import re

import pytest
from whoosh import query as Q
from whoosh.filedb.filestore import RamStorage

from articles.importing import import_paths
from articles.rendering import plain_text
from articles.search import sync
from articles.search.product_context import named_products
from articles.search.whoosh import speedups
from articles.search.whoosh.analysis import analyze, analyzer_for, chain_for, identifiers
from articles.search.whoosh.documents import name_term
from articles.search.whoosh.query import build_query
from articles.search.whoosh.schema import LABELS, TITLE_TERMS, Part, build_schema, text_field
from articles.search.whoosh.scoring import top_documents

LANGUAGES = ["en", "fr", "de", "es", "ja", "ko", "zh-hans"]
# An identifier and its parts, as a reader would type them apart.
IDENTIFIERS = [
    ("aem_program_id", "aem program id"),
    ("FeatureFlag_InboundMomentum", "feature flag inbound momentum"),
    ("xtk:workflow", "xtk workflow"),
    ("com.day.cq.wcm", "com day cq wcm"),
    ("/libs/granite/ui/components", "libs granite ui components"),
    ("dest_addr_npi", "dest addr npi"),
    ("onTokenRefresh", "on token refresh"),
    ("NmsInteraction_MapWorkflowId", "nms interaction map workflow id"),
]
# A sentence of each language around an identifier.
SENTENCES = {"en": "Set {} before the import", "fr": "Définissez {} avant l'import", "de": "Setzen Sie {} vor dem Import",
             "es": "Defina {} antes de importar", "ja": "インポートの前に{}を設定します",
             "ko": "가져오기 전에 {}를 설정합니다", "zh-hans": "导入前设置{}参数"}
BACKGROUND = 40
FILLER = "The nightly export job writes the ledger to the archive and mails a report. " * 40


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("identifier, apart", IDENTIFIERS)
def test_an_identifier_is_one_term_and_also_its_parts_in_every_language(identifier, apart, language):
    terms = analyze(SENTENCES[language].format(identifier), language)
    whole = identifiers(identifier, language)
    assert len(whole) == 1 and whole[0] in terms  # the exact form, one term
    assert whole[0] not in analyze(apart, language)  # …which the parts typed apart are not
    assert set(analyze(apart, language)) <= set(terms)  # …and every part


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("identifier, apart", [("dest_addr_npi", "dest addr npi"), ("xtk:workflow", "xtk workflow"),
                                               ("onTokenRefresh", "on token refresh"),
                                               ("com.day.cq.wcm", "com day cq wcm")])
def test_the_parts_typed_apart_are_a_phrase_of_the_identifier(identifier, apart, language):
    """Positions run on over the whole form and its parts: the parts typed apart follow each
    other in the identifier's terms, so a phrase of them matches it."""
    terms, parts = analyze(identifier, language), analyze(apart, language)
    assert any(terms[i:i + len(parts)] == parts for i in range(len(terms)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_remembering_analyzer_gives_the_chains_terms_for_identifiers(language):
    text = " ".join(SENTENCES[language].format(identifier) for identifier, _ in IDENTIFIERS) + " 11:30:57 6.5"
    chain = [(t.text, t.pos) for t in chain_for(language.split("-")[0])(text, positions=True)]
    first = chain[0][1] if chain else 0
    expected = [(term, first + i) for i, term in enumerate(analyze(text, language, joined=True))]
    assert analyzer_for(language).positioned_terms(text) == expected
    assert [(t.text, t.pos) for t in analyzer_for(language)(text, positions=True)] == expected


def test_times_and_plain_words_are_no_identifiers():
    assert identifiers("at 11:30:57 on 2024/06/30 the pipeline stopped", "en") == []
    assert analyze("11:30:57", "en") == ["11", "30", "57"]


def test_the_indexed_text_keeps_names_as_the_page_shows_them():
    """Underscores inside a name and angle-bracketed names that are not HTML's formatting
    (a config or XML shown in the page) reach the index; emphasis and formatting tags do not."""
    text = plain_text("Set _aem_program_id_ in `<mta autoStart=\"false\"/>` and <b>bold</b>:\n\n"
                      "    <md:SingleLogoutService Binding=\"urn:x\"/>\n")
    assert "aem_program_id" in text and "autoStart" in text and "md:SingleLogoutService" in text
    assert "<b>" not in text and "_aem" not in text


# ---------------------------------------------------------------------------------------------
# Ranking, on an index of the site's own schema (the speed-ups' scorer or Whoosh's, whichever is on).

def ranked(documents, text, language="en"):
    """``documents``: ``{id: (title, body)}`` or ``{id: (title, body, labels)}``; the ids as
    ``text`` ranks them."""
    ix = RamStorage().create_index(build_schema([language]))
    with ix.writer() as writer:
        for n in range(BACKGROUND):  # other articles, so that the query's words are rare, as in a real index
            writer.add_document(id=f"other-{n}", lang=language, public="1",
                                **{text_field(language): [Part(f"Ledger export {n}", 3.0), Part(FILLER[:300], 1.0)]})
        for key, (title, body, *labels) in documents.items():
            writer.add_document(id=key, lang=language, public="1", **{
                text_field(language): [Part(title, 3.0), Part(body, 1.0)],
                TITLE_TERMS: name_term(title, language),
                LABELS: ",".join(name_term(label, language) for label in (labels[0] if labels else []))})
    with ix.searcher() as searcher:
        query, _ = build_query(text, language, searcher)
        return [searcher.stored_fields(docnum)["id"] for docnum, _ in top_documents(searcher, query, 10)]


@pytest.mark.parametrize("typed", ["aem_program_id", "AEM_PROGRAM_ID", "aem_program_id missing"])
def test_the_exact_identifier_ranks_its_long_page_first(typed):
    found = ranked({
        "exact": ("Cloud Manager pipelines", FILLER + " Read aem_program_id from the environment. " + FILLER
                  + " A missing variable fails the build."),
        "words": ("AEM program id missing", "The AEM program id is missing in Cloud Manager: program id, AEM program."),
    }, typed)
    assert found[0] == "exact" and "words" in found


@pytest.mark.parametrize("typed", ["_jcr_content", "_setAccount", "_setaccount"])
def test_a_name_starting_with_an_underscore_finds_the_page_showing_it(typed):
    """The page as the index reads it (``plain_text``): code keeps its underscores."""
    found = ranked({
        "exact": ("Tracking calls", plain_text(FILLER + "\n\nThe module reads:\n\n* `_setAccount`\n* `_trackEvent`\n\n"
                                               "Then open `/content/site/_jcr_content.html`.\n\n" + FILLER)),
        "words": ("Set the account of the JCR content", "Set the account on the jcr content node: the content "
                                                       "and the account are set."),
    }, typed)
    assert found[0] == "exact"


def test_the_parts_typed_apart_find_the_identifier():
    assert ranked({
        "exact": ("SMPP settings", FILLER + " The connector sends dest_addr_npi with every message. "),
        "other": ("Destination addresses", "A destination address is checked before sending."),
    }, "dest addr npi")[0] == "exact"


def test_a_camel_case_name_and_its_words():
    documents = {
        "exact": ("Push notifications", FILLER + " Call onTokenRefresh when the token changes. "),
        "words": ("Token refresh", "Refresh the token: a token refresh renews the token."),
    }
    assert ranked(documents, "onTokenRefresh")[0] == "exact"
    assert set(ranked(documents, "token refresh")) == {"exact", "words"}


def test_an_exact_phrase_outranks_the_same_words_scattered():
    found = ranked({
        "phrase": ("Gateway settings", FILLER + " After an upgrade the gateway closes idle connections. " + FILLER),
        "scattered": ("Idle gateway", "Idle connections: the gateway closes them. Connections stay idle; "
                                      "the gateway closes, connections idle."),
    }, "gateway closes idle connections")
    assert found[:2] == ["phrase", "scattered"]


def test_a_quoted_phrase_is_a_phrase():
    found = ranked({
        "phrase": ("Gateway settings", FILLER + " Requests time out because of idle connections. " + FILLER),
        "scattered": ("Idle timeout", "Connections time out; idle ones time out first; connections, idle, timeout."),
    }, '"idle connections" timeout')
    assert found[:2] == ["phrase", "scattered"]


def test_a_pages_whole_title_outranks_longer_titles_holding_it():
    documents = {
        "title": ("Campaign interaction offers", FILLER + " Offers of interaction in Campaign."),
        "longer": ("Campaign interaction offers catalog", "Campaign interaction offers: the catalog of "
                                                         "interaction offers, offers of Campaign interaction."),
    }
    assert ranked(documents, "Campaign interaction offers")[0] == "title"


def test_a_ui_label_finds_the_page_that_names_it():
    documents = {
        # The same words, the same length: where they name a button, the page is about it.
        "words": ("Profiles", FILLER[:800] + " Without an address it is an anonymous contact."),
        "label": ("Delivery settings", FILLER[:800] + " Then click Anonymous contact.", ["Anonymous contact"]),
    }
    assert ranked(documents, "Anonymous contact")[0] == "label"


@pytest.mark.skipif(not speedups.enabled(), reason="the speed-ups are off: Whoosh scores every clause itself")
def test_a_lifted_phrase_scores_as_whoosh_scores_it():
    from articles.search.whoosh.speedups.build import codec
    from articles.search.whoosh.speedups.scoring import FieldLengths, top_documents as over_blocks

    field = text_field("en")
    ix = RamStorage().create_index(build_schema(["en"]))
    for segment in range(2):
        writer = ix.writer(codec=codec())
        for n in range(200):
            words = ["idle", "gateway", "closes", "connections"][n % 4:] + ["report"] * (n % 7)
            writer.add_document(id=f"{segment}-{n}", lang="en", **{field: " ".join(words * (1 + n % 3))})
        writer.commit(merge=False)
    query = Q.Or([Q.Term(field, "report"), Q.ConstantScoreQuery(Q.Phrase(field, ["gateway", "close"]), score=7.0),
                  Q.Or([Q.ConstantScoreQuery(Q.Phrase(field, ["close", "connect"]), score=3.0), Q.Term(field, "idl")],
                       boost=2.0)])
    with ix.searcher() as searcher:
        theirs = [(hit.docnum, hit.score) for hit in searcher.search(query, limit=400)]
        ours = over_blocks(searcher, query, 400, FieldLengths())
    assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-9)
    assert {d for d, _ in ours} == {d for d, _ in theirs}


# ---------------------------------------------------------------------------------------------
# Product context.

PRODUCT_NAMES = ["Campaign", "Campaign Standard", "Campaign v8", "Campaign Classic v7", "Experience Manager",
                 "Experience Manager 6.5", "Experience Manager as a Cloud Service", "Analytics"]


@pytest.mark.parametrize("text, named", [
    ("delivery stuck campaign standard", {"Campaign Standard"}),
    ("v8 delivery stuck", {"Campaign v8"}),
    ("AEM 6.5 replication queue blocked", {"Experience Manager 6.5"}),
    ("AEM as a Cloud Service pipeline", {"Experience Manager as a Cloud Service"}),
    ("ACS workflow fails", {"Campaign Standard"}),
    ("campaign workflow fails", {"Campaign"}),
    ("replication queue blocked", set()),
])
def test_the_products_a_query_names(text, named):
    assert named_products(text, PRODUCT_NAMES) == named


SIBLING = """---
title: Deliveries stay pending after the weekly purge
solution: {product}
article-number: {number}
---
# Deliveries stay pending after the weekly purge

## Description

After the weekly purge, deliveries stay pending and the MTA logs a throttle warning.
{extra}
"""


@pytest.fixture
def siblings(tmp_path):
    folder = tmp_path / "kcs" / "en"
    folder.mkdir(parents=True)
    (folder / "KB-501.md").write_text(SIBLING.format(product="Campaign, Campaign Standard", number="KB-501",
                                                     extra="Restart the workflow server."), encoding="utf-8")
    (folder / "KB-502.md").write_text(SIBLING.format(product="Campaign, Campaign v8", number="KB-502",
                                                     extra="Restart the workflow server. Check the MTA."),
                                      encoding="utf-8")
    page = tmp_path / "docs" / "campaign.en" / "help" / "v8" / "send"
    page.mkdir(parents=True)
    (page / "purge.md").write_text(
        "---\ntitle: About the database purge\nexl-id: 0a1b2c3d-purge\nproduct_v2:\n  - id: x\n"
        "    internal-label: Campaign\n---\n# About the database purge\n\nThe purge removes old deliveries.\n",
        encoding="utf-8")
    import_paths([tmp_path / "kcs", tmp_path / "docs"])
    sync.rebuild()


def first(client, text, **params):
    return client.get("/api/search", {"q": text, "lang": "en", **params}).json()["results"][0]


@pytest.mark.django_db
def test_the_product_a_query_names_wins_over_its_siblings_near_duplicate(client, siblings):
    assert first(client, "deliveries stay pending after the weekly purge campaign standard")["article_number"] == "KB-501"
    assert first(client, "deliveries stay pending after the weekly purge v8")["article_number"] == "KB-502"


@pytest.mark.django_db
def test_results_show_the_product_of_each_article_and_page(client, siblings):
    assert first(client, "database purge old deliveries")["products"] == ["Campaign v8"]  # a docs page's
    html = client.get("/en/search", {"q": "deliveries stay pending campaign standard"}).content.decode()
    shown = re.findall(r'<span class="products"[^>]*>([^<]*)</span>', html)
    assert shown[0] == "Campaign, Campaign Standard" and shown[1] == "Campaign, Campaign v8"


@pytest.mark.django_db
def test_a_docs_page_naming_its_product_in_product_v2_is_browsed_under_it(client, siblings, tmp_path):
    from articles.importing.export import export_translations
    from articles.models import Translation

    page = Translation.objects.get(article__number="0a1b2c3d-purge")
    assert [product.name for product in page.products.all()] == ["Campaign v8"]
    listing = client.get("/en/products/campaign/").content.decode()
    assert "About the database purge" in listing  # beside the KCS articles of Campaign
    # Exported, the page is written as it came: no solution field added for the product it names.
    assert export_translations(tmp_path / "out") == 3
    exported = next((tmp_path / "out").rglob("*purge*.md")).read_text(encoding="utf-8")
    assert "solution" not in exported and "internal-label: Campaign" in exported


@pytest.mark.django_db
def test_a_translated_page_listing_only_product_ids_is_browsed_under_its_english_pages_product(client, tmp_path):
    from articles.importing.export import export_translations
    from articles.models import Translation

    def page(locale, label_line, title, text):
        folder = tmp_path / "docs" / f"relay.{locale}" / "help" / "v3" / "run"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "drain.md").write_text(
            f"---\ntitle: {title}\nexl-id: 5d5d-drain\nproduct_v2:\n  - id: r-1\n{label_line}"
            f"---\n# {title}\n\n{text}\n", encoding="utf-8")

    page("en", "    internal-label: Relay\n  - id: m-2\n    internal-label: Mirror\n", "Drain a relay queue",
         "Drain the queue before the upgrade.")
    page("fr-FR", "  - id: m-2\n", "Vider la file d'un relais", "Videz la file d'attente avant la mise à niveau.")
    # German comes before English: stored first, it is given its products when English comes.
    page("de-DE", "    internal-label: Relais\n  - id: m-2\n", "Eine Relais-Warteschlange leeren",
         "Leeren Sie die Warteschlange vor dem Upgrade.")
    assert import_paths([tmp_path / "docs"]).counts["imported"] == 3
    sync.rebuild()

    def products(language):
        page = Translation.objects.get(article__number="5d5d-drain", language=language)
        return [product.name for product in page.products.order_by("name")]

    assert products("fr") == ["Mirror v3", "Relay v3"]
    assert products("de") == ["Mirror v3", "Relais v3"]  # its own label kept, the other borrowed
    assert "Eine Relais-Warteschlange leeren" in client.get("/de/products/mirror/").content.decode()
    assert "Vider la file d" in client.get("/fr/products/relay/").content.decode()
    found = client.get("/api/search", {"q": "vider la file relais", "lang": "fr", "product": "Relay v3"}).json()
    assert [(hit["article_number"], hit["language"]) for hit in found["results"]] == [("5d5d-drain", "fr")]
    # Exported, each page is written as it came: its products are what its ids say.
    assert export_translations(tmp_path / "out") == 3
    for language in ("fr", "de"):
        exported = (tmp_path / "out" / language / "5d5d-drain.md").read_text(encoding="utf-8")
        assert "solution" not in exported and "Mirror" not in exported


@pytest.mark.django_db
def test_a_page_whose_product_field_names_its_product_v2_label_is_stored_under_the_labelled_version(tmp_path):
    from articles.models import Translation

    for locale, label in (("en", "    internal-label: Relay\n"), ("fr-FR", "")):
        folder = tmp_path / "docs" / f"relay.{locale}" / "help" / "v3" / "run"
        folder.mkdir(parents=True)
        (folder / "audit.md").write_text(
            f"---\nproduct: relay\ntitle: Audit {locale}\nexl-id: 6e6e-audit\nproduct_v2:\n  - id: r-1\n{label}"
            f"---\n# Audit\n\nThe audit trail of the relay.\n", encoding="utf-8")
    import_paths([tmp_path / "docs"])
    stored = {t.language: [p.name for p in t.products.all()] for t in Translation.objects.all()}
    assert stored == {"en": ["Relay v3"], "fr": ["Relay v3"]}  # as their siblings without "product" are


@pytest.mark.django_db
def test_a_page_imported_by_the_previous_release_gets_its_products_on_the_next_import(client, tmp_path):
    import hashlib

    from articles.models import Translation
    from articles.rendering import RENDERER_VERSION

    page = tmp_path / "docs" / "relay.en" / "help" / "v2" / "purge.md"
    page.parent.mkdir(parents=True)
    raw = ("---\ntitle: Purge old relays\nexl-id: 7e7e-purge\nproduct_v2:\n  - id: y\n    internal-label: Relay\n"
           "---\n# Purge old relays\n\nThe purge removes relays idle for a year.\n")
    page.write_text(raw, encoding="utf-8")
    import_paths([tmp_path / "docs"])
    stored = Translation.objects.get(article__number="7e7e-purge")
    # As the release before stored it: no products, its hash of the bare bytes, and re-rendered
    # since by a reader opening the page (the renderer's version is current).
    stored.products.clear()
    Translation.objects.filter(pk=stored.pk).update(content_hash=hashlib.sha256(raw.encode()).hexdigest(),
                                                    renderer_version=RENDERER_VERSION)
    assert client.get("/en/articles/7e7e-purge/", follow=True).status_code == 200
    report = import_paths([tmp_path / "docs"])
    assert report.counts["updated"] == 1
    assert [product.name for product in stored.products.all()] == ["Relay v2"]
    assert import_paths([tmp_path / "docs"]).counts["unchanged"] == 1
