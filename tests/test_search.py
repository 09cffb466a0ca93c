import json
import time

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
import pytest
from whoosh.fields import ID, Schema

from articles.importing import import_paths
from articles.search import get_backend, sync
from articles.search.sync.indexer import Indexer
from articles.search.whoosh.analysis import analyze, analyzer_for, chain_for
from articles.search.codes import extract_error_codes, normalize_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["XSV-350176", "xsv350176", "xsv 350176", "Error XSV-350176", "XSV_350176"])
def test_code_spellings_meet(typed):
    assert [key for _, key in extract_error_codes(typed, query=True)] == ["xsv350176"]


@pytest.mark.parametrize("text, keys", [
    ("ASSETS-21827이 발생", ["assets21827"]),
    ("Caused by: javax.jcr.AccessDeniedException: denied", ["javax.jcr.accessdeniedexception", "accessdeniedexception"]),
    ("(iRc=16384)", ["irc=16384"]),
    ("HTTP 403 when saving", ["http403"]),
    ("returned 503 Service Unavailable", ["http503"]),
    ("ERR_AUTHORING_JOURNEYVERSION_201", ["err_authoring_journeyversion_201"]),
    ("got 403 in 2023 with Campaign v7", []),
])
def test_code_extraction_table(text, keys):
    assert [key for _, key in extract_error_codes(text)] == keys


def test_normalize_code():
    assert normalize_code("ORA01805") == normalize_code("ora-01805") == "ora01805"


@pytest.mark.parametrize("text, language, expected", [
    ("ASSETS-21827이", "ko", ["assets", "21827", "이"]),
    ("パイプライン", "ja", ["パイ", "イプ", "プラ", "ライ", "イン"]),
    ("KCS、方法", "ja", ["kcs", "方法"]),
    ("Déclencheurs", "fr", ["declencheur"]),
])
def test_analyzers_split_scripts_and_fold(text, language, expected):
    assert analyze(text, language) == expected


@pytest.mark.parametrize("text, language, typed, joined", [
    ("アクセス レベル", "ja", ["アク", "クセ", "セス", "レベ", "ベル"], ["アク", "クセ", "セス", "スレ", "レベ", "ベル"]),
    ("错误 日志", "zh-hans", ["错误", "日志"], ["错误", "误日", "日志"]),
    ("보고서 내보내기", "ko", ["보고", "고서", "내보", "보내", "내기"], ["보고", "고서", "서내", "내보", "보내", "내기"]),
    ("Adobe 보고서 export", "ko", ["adobe", "보고", "고서", "export"], ["adobe", "보고", "고서", "export"]),
])
def test_a_space_inside_han_or_kana_text_breaks_a_querys_terms_not_the_pages_text(text, language, typed, joined):
    """A page's Japanese, Chinese or Korean text, and a query's phrase, read a space between Han
    or kana characters, or Hangul syllables, as none; a query's terms keep it as a break."""
    assert analyze(text, language) == typed
    assert analyze(text, language, joined=True) == joined
    assert [term for term, _ in analyzer_for(language).positioned_terms(text)] == joined


@hsettings(max_examples=300, deadline=None)
@given(st.sampled_from(["en", "fr", "de", "es", "ko", "ja", "zh-hans"]),
       st.one_of(st.lists(st.sampled_from(["the", "of", "pipeline", "Déclencheurs", "der", "javax.jcr.Session",
                                           "ASSETS-21827이", "パイプライン", "、", "方法", "워크플로", "错误", "18:02"])),
                 st.lists(st.text(max_size=12), max_size=6)))
def test_the_remembering_analyzer_gives_the_chains_terms_and_positions(language, words):
    text = " ".join(words)
    chain = [(t.text, t.pos) for t in chain_for(language.split("-")[0])(text, positions=True)]
    # The chain's terms, with the bigrams bridging the spaces a CJK index joins, numbered on
    # from the chain's first position.
    first = chain[0][1] if chain else 0
    expected = [(term, first + i) for i, term in enumerate(analyze(text, language, joined=True))]
    if language.split("-")[0] not in ("ja", "zh", "ko"):
        assert expected == chain
    assert [(t.text, t.pos) for t in analyzer_for(language)(text, positions=True)] == expected
    assert analyzer_for(language).positioned_terms(text) == expected  # the index build's way


def test_a_word_weighs_more_in_the_title_than_in_the_body():
    from whoosh import query as Q
    from whoosh.filedb.filestore import RamStorage

    from articles.search.whoosh.schema import Part, WeightedText, text_field

    field = text_field("en")
    ix = RamStorage().create_index(Schema(id=ID(stored=True), **{field: WeightedText(analyzer=analyzer_for("en"))}))
    body = "quarterly report stops with a timeout after the upload"
    with ix.writer() as writer:
        writer.add_document(id="body", **{field: [Part("Export fails", 3.0), Part(body + " ledger", 1.0)]})
        writer.add_document(id="title", **{field: [Part("Ledger export fails", 3.0), Part(body, 1.0)]})
        # The symptoms repeat body text: more weight for their words, same length.
        writer.add_document(id="symptom", **{field: [Part("Export fails", 3.0), Part(body + " ledger", 1.0),
                                                     Part("ledger", 1.0, counted=False)]})
    with ix.searcher() as searcher:
        ranked = [hit["id"] for hit in searcher.search(Q.Term(field, "ledger"))]
        assert ranked == ["title", "symptom", "body"]
        assert searcher.doc_field_length(1, field) == searcher.doc_field_length(2, field)
        # Positions run on within a part and never join two parts into a phrase.
        assert {hit["id"] for hit in searcher.search(Q.Phrase(field, ["upload", "ledger"]))} == {"body", "symptom"}
        assert not list(searcher.search(Q.Phrase(field, ["fail", "quarter"])))


def test_a_log_lines_timestamp_is_not_searched():
    from whoosh.filedb.filestore import RamStorage

    from articles.search.whoosh.query import build_query
    from articles.search.whoosh.schema import build_schema, text_field

    ix = RamStorage().create_index(build_schema(["en"]))
    with ix.writer() as writer:
        writer.add_document(id="1", lang="en", **{text_field("en"): "The gateway closes idle connections: timeout."})
        writer.add_document(id="2", lang="en", **{text_field("en"): "Release 2024 build 30, hotfix 11 and 57."})
        writer.add_document(id="3", lang="en", **{text_field("en"): "Release notes of 2025."})
    with ix.searcher() as searcher:
        for line in ["2024-06-30 11:30:57,123 ERROR gateway timeout", "[2024/06/30T11:30:57Z] gateway timeout"]:
            query, _ = build_query(line, "en", searcher)
            assert [hit["id"] for hit in searcher.search(query)] == ["1"], line
        # Numbers that are not a date or a time are still searched.
        query, _ = build_query("build 30 hotfix 11", "en", searcher)
        assert [hit["id"] for hit in searcher.search(query)] == ["2"]


def test_a_fragment_cut_mid_word_at_both_ends_finds_its_sentence():
    from whoosh.filedb.filestore import RamStorage

    from articles.search.whoosh.query import build_query
    from articles.search.whoosh.schema import build_schema, text_field

    ix = RamStorage().create_index(build_schema(["en", "ko"]))
    with ix.writer() as writer:
        writer.add_document(id="sentence", lang="en", **{text_field("en"): (
            "Reports fail at night. The gateway closes idle connections after sixty seconds.")})
        writer.add_document(id="words", lang="en", **{text_field("en"): (
            "Idle connections: the gateway closes them. Connections stay idle. Sixty idle connections close.")})
        writer.add_document(id="ko-sentence", lang="ko", **{text_field("ko"): "야간 보고서를 내보내면 시간 초과로 중단됩니다."})
        writer.add_document(id="ko-words", lang="ko", **{text_field("ko"): "시간 보고서 시간 보고서 내보내기 초과 시간"})
    with ix.searcher() as searcher:
        for text, language, expected in [("teway closes idle connections after sixt", "en", "sentence"),
                                         ("서를 내보내면 시간 초과로 중", "ko", "ko-sentence")]:
            query, _ = build_query(text, language, searcher)
            assert searcher.search(query)[0]["id"] == expected, text


@pytest.fixture
def indexed(articles_dir):
    import_paths([articles_dir])
    sync.rebuild()


def test_api_finds_code_first_in_the_readers_language(client, indexed):
    body = client.get("/api/search", {"q": "rpt 504012", "lang": "fr-FR"}).json()
    first = body["results"][0]
    assert (first["article_number"], first["language"], first["url"]) == ("KB-100", "fr", "/fr/articles/KB-100/")
    assert "RPT-504012" in first["error_codes"]


def test_hidden_articles_do_not_leak(client, indexed):
    body = client.get("/api/search", {"q": "게이트웨이 인증서", "lang": "ko"}).json()
    assert all(r["article_number"] != "KB-200" for r in body["results"])


@pytest.mark.parametrize("params, code", [
    ({"q": ""}, "missing_query"), ({"q": "x", "lang": "klingon"}, "unknown_language"),
    ({"q": "x", "limit": "abc"}, "invalid_parameter"), ({"q": "x", "page": "0"}, "invalid_parameter"),
])
def test_api_errors_are_json_with_a_stable_code(client, indexed, params, code):
    response = client.get("/api/search", params)
    assert response.status_code == 400 and response.json()["error"]["code"] == code


def test_missing_index_answers_catching_up_then_the_indexer_builds_it(client, articles_dir, settings):
    import_paths([articles_dir])
    assert not settings.KB_INDEX_DIR.exists()
    started = time.monotonic()
    response = client.get("/api/search", {"q": "RPT-504012"})
    assert response.status_code == 503 and time.monotonic() - started < 1.0  # never a rebuild in a request
    assert response.json()["error"]["code"] == "index_unavailable" and response["Retry-After"]
    assert client.get("/en/search", {"q": "RPT-504012"}).status_code == 503
    Indexer().run_once()
    assert client.get("/api/search", {"q": "RPT-504012"}).json()["total"] == 1


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_gets_an_answer(client, indexed, text):
    response = client.get("/api/search", {"q": text, "lang": "en"})
    assert response.status_code in (200, 400)


def test_search_page_shows_highlighted_results_codes_and_facets(client, indexed):
    html = client.get("/en/search", {"q": "export timeout RPT-504012"}).content.decode()
    assert '<a class="result-title" href="/en/articles/KB-100/" lang="en">Report <mark>export</mark>' in html
    assert 'href="/en/codes/RPT-504012/"' in html
    assert "Contoso Reports" in html  # product facet


def test_search_page_marks_results_in_another_language(client, indexed):
    html = client.get("/ko/search", {"q": "RPT-504012"}).content.decode()
    assert 'class="other-language"' in html


def test_search_page_empty_state_and_odd_input(client, indexed):
    assert "No results" in client.get("/en/search", {"q": "zzqqxx"}).content.decode()
    for odd in ['"', "title:(", "-", "*?~^", "a" * 3000]:
        assert client.get("/en/search", {"q": odd}).status_code == 200
    assert client.get("/en/search", {"q": "\x00"}).status_code == 400  # articles/middleware.py


def test_code_page_lists_every_article_citing_the_code(client, indexed):
    html = client.get("/fr/codes/rpt504012/").content.decode()
    assert "/fr/articles/KB-100/" in html


def test_rebuild_swaps_in_a_complete_new_index(indexed, settings):
    backend = get_backend()
    first = (settings.KB_INDEX_DIR / "CURRENT").read_text()
    assert sync.rebuild() == 3
    second = (settings.KB_INDEX_DIR / "CURRENT").read_text()
    assert second != first
    # The replaced folder stays a while for searchers still reading it, then goes.
    assert (settings.KB_INDEX_DIR / first / "SUPERSEDED").exists()
    backend.store.remove_abandoned(grace=0)
    assert not (settings.KB_INDEX_DIR / first).exists() and (settings.KB_INDEX_DIR / second).exists()


def test_corrupt_index_answers_catching_up_until_the_indexer_rebuilds_it(client, indexed, settings):
    live = settings.KB_INDEX_DIR / (settings.KB_INDEX_DIR / "CURRENT").read_text()
    for path in live.iterdir():
        if path.suffix in (".seg", ".toc"):
            path.write_bytes(b"garbage")
    get_backend().store.forget()
    get_backend().searchers.discard_searcher()
    assert client.get("/api/search", {"q": "RPT-504012"}).status_code == 503
    Indexer().run_once()
    assert (settings.KB_INDEX_DIR / "CURRENT").read_text() != live.name
    assert client.get("/api/search", {"q": "RPT-504012"}).json()["total"] == 1


def test_misspelt_words_get_a_did_you_mean(client, indexed):
    body = client.get("/api/search", {"q": "exprt timout", "lang": "en"}).json()
    assert body["did_you_mean"] == "export timeout"
    html = client.get("/en/search", {"q": "exprt timout"}).content.decode()
    assert "Showing results for “export timeout”." in html  # nothing found: the correction's results
    exact = client.get("/en/search", {"q": "exprt timout", "exact": "1"}).content.decode()
    assert 'href="?q=export%20timeout">export timeout</a>' in exact
    # Correct words, codes and ids are left alone.
    assert client.get("/api/search", {"q": "export timeout RPT-504012"}).json()["did_you_mean"] is None
    assert client.get("/api/search", {"q": "Rapport exportation", "lang": "fr"}).json()["did_you_mean"] is None


def test_the_did_you_mean_lexicon_holds_words_people_can_read(indexed):
    from articles.search.whoosh.analysis import CJK_CHAR_RE

    with get_backend().searcher() as searcher:
        words = [word.decode() for word in searcher.lexicon("spelling")]
    assert "export" in words and "timeout" in words
    # Korean and Japanese runs are sentences, not words: they are never offered as corrections.
    assert not [word for word in words if CJK_CHAR_RE.search(word) or any(ch.isdigit() for ch in word)]


def test_a_saved_translation_is_searchable_when_the_save_returns(indexed, django_capture_on_commit_callbacks):
    from articles.models import Translation
    from articles.search.service import search

    translation = Translation.objects.get(article__number="KB-100", language="en")
    translation.title = "Report export halts on the quarterly ledger"
    with django_capture_on_commit_callbacks(execute=True):
        translation.save()
    assert [r.article_number for r in search("quarterly ledger", "en").results] == ["KB-100"]
    with django_capture_on_commit_callbacks(execute=True):
        translation.article.audience = "internal"
        translation.article.save()
    assert search("RPT-504012", "en").total == 0  # no longer public: gone for anonymous readers
    assert search("RPT-504012", "en", user=type("Staff", (), {"is_staff": True})()).total == 1


def test_hiding_a_translation_in_the_admin_removes_it_from_search(client, indexed, admin_user,
                                                                   django_capture_on_commit_callbacks):
    from articles.models import Translation

    translation = Translation.objects.get(article__number="KB-100", language="fr")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/articles/translation/{translation.pk}/change/", {"hidden": "on"})
    assert response.status_code == 302
    client.logout()
    results = client.get("/api/search", {"q": "RPT-504012", "lang": "fr"}).json()["results"]
    assert [(r["article_number"], r["language"]) for r in results] == [("KB-100", "en")]


def test_an_index_of_another_schema_version_is_rebuilt_by_the_indexer(client, indexed, settings):
    live = settings.KB_INDEX_DIR / (settings.KB_INDEX_DIR / "CURRENT").read_text()
    (live / "KB_SCHEMA").write_text("1")
    get_backend().store.forget()
    assert client.get("/api/search", {"q": "RPT-504012"}).status_code == 503
    Indexer().run_once()
    assert client.get("/api/search", {"q": "RPT-504012"}).json()["total"] == 1
    assert (settings.KB_INDEX_DIR / "CURRENT").read_text() != live.name


def _set_audience(number, audience):
    """As the admin does: the article's audience, journalled, and the index brought up to date."""
    from articles.models import Article, Translation

    Article.objects.filter(number=number).update(audience=audience)
    sync.record_change(Translation.objects.filter(article__number=number).values_list("pk", flat=True),
                       sync.VISIBILITY)
    sync.bring_up_to_date()


def _write_article(folder, number, title, body, lang="en"):
    """A translation's file in ``folder`` (``KB-1.md`` in English, ``KB-1.fr.md`` otherwise)."""
    name = f"{number}.md" if lang == "en" else f"{number}.{lang}.md"
    (folder / name).write_text(f"---\narticle-number: {number}\ntitle: {json.dumps(title, ensure_ascii=False)}\n"
                               f"lang: {lang}\n---\n{body}\n", encoding="utf-8")


def _import_article(folder, number, title, body):
    _write_article(folder, number, title, body)
    import_paths([folder])


def test_did_you_mean_never_offers_a_word_of_an_article_the_reader_may_not_see(client, indexed, tmp_path):
    _import_article(tmp_path, "KB-300", "Zirconium gasket leaks under pressure",
                    "The zirconium gasket leaks when the pump restarts.")
    _set_audience("KB-300", "internal")
    body = client.get("/api/search", {"q": "zirconum gasket", "lang": "en"}).json()
    assert body["did_you_mean"] is None and body["total"] == 0
    # Made public, the same word is offered.
    _set_audience("KB-300", "external")
    assert client.get("/api/search", {"q": "zirconum gasket", "lang": "en"}).json()["did_you_mean"] == "zirconium gasket"


def test_a_word_only_internal_articles_hold_is_unknown_to_readers(client, indexed, tmp_path):
    """Typed exactly, a word of internal articles only gets a correction for a reader, as any
    word no document holds does: its absence of a correction would tell that it exists."""
    _import_article(tmp_path, "KB-301", "Zirconium seals crack in winter", "The zirconium seals crack below freezing.")
    _import_article(tmp_path, "KB-302", "Zirconia rotors wear out", "Zirconia rotors wear out after a year.")
    _set_audience("KB-301", "internal")
    body = client.get("/api/search", {"q": "zirconium", "lang": "en"}).json()
    assert body["total"] == 0 and body["did_you_mean"] == "zirconia"


def test_a_result_without_description_or_symptoms_shows_the_opening_of_its_body(client, tmp_path):
    from tests.helpers import write

    write(tmp_path / "en" / "KB-7.md", "---\ntitle: Quasar relay drops mail\ndescription: Description\n"
          "article-number: KB-7\n---\n# Quasar relay drops mail\n\n## Description\n\nThe quasar relay drops "
          "every third message after an upgrade.\n\n## Resolution\n\nRestart it.\n")
    import_paths([tmp_path])
    sync.rebuild()
    first = client.get("/api/search", {"q": "quasar relay"}).json()["results"][0]
    assert first["snippet"].startswith("The quasar relay drops every third message")


def test_a_query_nothing_in_the_readers_language_holds_finds_the_article_in_english(client, indexed, tmp_path):
    """An article not yet translated is found from any language by the words it holds (a name,
    an identifier), marked as in English; one the reader may not see is not."""
    _import_article(tmp_path, "KB-310", "Quillon relay drops its token",
                    "The quillon relay drops aem_relay_token at midnight.")
    sync.bring_up_to_date()
    for lang in ("ja", "fr-FR", "zh-Hans"):
        body = client.get("/api/search", {"q": "aem_relay_token", "lang": lang}).json()
        assert [(r["article_number"], r["language"]) for r in body["results"]] == [("KB-310", "en")], lang
    html = client.get("/ja/search", {"q": "quillon"}).content.decode()
    assert 'href="/ja/articles/KB-310/"' in html and 'class="other-language"' in html
    _set_audience("KB-310", "internal")
    assert client.get("/api/search", {"q": "aem_relay_token", "lang": "ja"}).json()["total"] == 0


def test_a_ui_label_matching_only_pages_of_another_language_still_reads_english(client, indexed, tmp_path,
                                                                                monkeypatch):
    """A Japanese reader types a UI label that Korean pages keep in English: the label matches
    those pages (their words are not stemmed), none in Japanese. That is not an answer in the
    reader's language: the English pages are searched too, and the article is shown in English,
    beside another only English holds."""
    _write_article(tmp_path, "KB-320", "Manage the zephyr lists", "Open [!UICONTROL Zephyrlists] to add one.")
    _write_article(tmp_path, "KB-320", "제퍼 목록 관리", "[!UICONTROL Zephyrlists] 메뉴를 여십시오.", lang="ko")
    _write_article(tmp_path, "KB-321", "Zephyrlists are empty after an upgrade",
                   "The zephyrlists of a schema show no value after the upgrade.")
    import_paths([tmp_path])
    sync.bring_up_to_date()
    body = client.get("/api/search", {"q": "Zephyrlists", "lang": "ja"}).json()
    found = {r["article_number"]: r["language"] for r in body["results"]}
    assert found == {"KB-320": "en", "KB-321": "en"}
    # Filtered to English, the reader gets what the unfiltered page counted; filtered to
    # Korean, the Korean page, and English is not searched for nothing.
    from articles.search.service import search
    from articles.search.whoosh.searching import WhooshView

    unfiltered = search("Zephyrlists", "ja")
    assert unfiltered.languages == {"en": 2, "ko": 1}
    in_english = search("Zephyrlists", "ja", in_language="en").results
    assert sorted(r.article_number for r in in_english) == ["KB-320", "KB-321"]
    searched, own = [], WhooshView.search
    monkeypatch.setattr(WhooshView, "search", lambda view, text, lang, *args: searched.append(lang) or own(
        view, text, lang, *args))
    assert [(r.article_number, r.language) for r in search("Zephyrlists", "ja", in_language="ko").results] == [
        ("KB-320", "ko")]
    assert searched == ["ja"]


def test_a_query_the_readers_language_answers_is_not_searched_in_english(client, indexed, tmp_path):
    (tmp_path / "KB-320.md").write_text("---\narticle-number: KB-320\ntitle: Quillon gauge reads zero\nlang: en\n"
                                        "---\nThe quillon gauge reads zero.\n", encoding="utf-8")
    (tmp_path / "KB-321.md").write_text("---\narticle-number: KB-321\ntitle: Quillon valve sticks\nlang: en\n"
                                        "---\nThe quillon valve sticks.\n", encoding="utf-8")
    (tmp_path / "KB-321.fr.md").write_text("---\narticle-number: KB-321\ntitle: La vanne quillon se bloque\n"
                                           "lang: fr\n---\nLa vanne quillon se bloque.\n", encoding="utf-8")
    import_paths([tmp_path])
    sync.bring_up_to_date()
    body = client.get("/api/search", {"q": "quillon", "lang": "fr-FR"}).json()
    assert [(r["article_number"], r["language"]) for r in body["results"]] == [("KB-321", "fr")]


@pytest.mark.parametrize("lang, typed, title, body", [
    ("fr", "rapport bloqué dans file",
     "Le rapport reste bloqué dans la file", "Le rapport reste bloqué dans la file ; le champ Retention days le montre."),
    ("de", "bericht hängt nicht mehr",
     "Der Bericht hängt in der Warteschlange", "Der Bericht hängt im Modus Niche; das Feld ist nicht mehr gesetzt."),
    ("es", "informe para cola",
     "El informe queda en la cola", "El informe queda en la cola para siempre en el modo Park."),
])
def test_the_stop_words_of_the_readers_language_are_never_corrected(client, tmp_path, lang, typed, title, body):
    """"dans", "nicht", "para": words the reader's language drops from every search are typed
    right, and never "corrected" into an English word that looks like them ("days", "niche")."""
    _write_article(tmp_path, "KB-310", "Report stuck in queue for days in niche park mode",
                   "The report stays in the queue for days; the Retention days field shows it. Nothing niche.")
    _write_article(tmp_path, "KB-310", title, body, lang)
    import_paths([tmp_path])
    sync.rebuild()
    found = client.get("/api/search", {"q": typed, "lang": lang}).json()
    assert found["did_you_mean"] is None
    assert found["results"][0]["article_number"] == "KB-310"
    # A misspelt word beside them is still corrected, and they are kept as typed.
    misspelt = typed.replace("rapport", "raport").replace("bericht", "bericth").replace("informe", "infrome")
    assert client.get("/api/search", {"q": misspelt, "lang": lang}).json()["did_you_mean"] == typed


@pytest.mark.parametrize("lang, typed, wanted, other", [
    ("en", "Consent Management Opt-Out", "Consent Management Opt-Out", "Consent Management Opt-In"),
    ("en", "turn off link tracking", "Turn off link tracking", "Turn on link tracking"),
    ("en", "sync fails after upgrade", "Sync fails after the upgrade", "Sync fails during the upgrade"),
    ("de", "Sitzung ohne Cookie", "Sitzung ohne Cookie", "Sitzung mit Cookie"),
    ("es", "sesión sin cookie", "Sesión sin cookie", "Sesión con cookie"),
])
def test_a_negation_or_a_direction_the_stop_lists_hold_tells_two_pages_apart(client, tmp_path, lang, typed,
                                                                              wanted, other):
    """"Opt-Out" is not "Opt-In", "off" not "on", "ohne" not "mit": two titles that differ only by
    such a word are two names, and the one typed comes first."""
    _write_article(tmp_path, "KB-401", other, f"{other}.", lang)
    _write_article(tmp_path, "KB-402", wanted, f"{wanted}.", lang)
    import_paths([tmp_path])
    sync.rebuild()
    found = client.get("/api/search", {"q": typed, "lang": lang}).json()["results"]
    assert [r["article_number"] for r in found][:1] == ["KB-402"]


@pytest.mark.parametrize("text, query, language, shown", [
    # A word of the text is marked whole where search matched it: another form of the word too.
    ("Exports fail on import", "export", "en", "<mark>Exports</mark> fail on import"),
    ("La configuración del informe", "configurar informes", "es",
     "La <mark>configuración</mark> del <mark>informe</mark>"),
    ("Préférences du navigateur", "preference", "fr", "<mark>Préférences</mark> du navigateur"),
    ("Échec de l’envoi, echec du test", "échec", "fr", "<mark>Échec</mark> de l’envoi, <mark>echec</mark> du test"),
    # Not a word that only starts alike, nor a word search drops.
    ("Impossible to save", "possible", "en", "Impossible to save"),
    ("The theme is there for them", "the theme", "en", "The <mark>theme</mark> is there for them"),
    ("La technique que voici", "que technique", "fr", "La <mark>technique</mark> que voici"),
    ("Die Seite lädt nicht und bleibt leer", "seite und nicht", "de",
     "Die <mark>Seite</mark> lädt <mark>nicht</mark> und bleibt leer"),
    # Never inside what escaping a character wrote.
    ("Tom & Jerry's AMP pages", "amp quot", "en", "Tom &amp; Jerry&#x27;s <mark>AMP</mark> pages"),
    ("A \"quoted\" name", "quot", "en", "A &quot;<mark>quoted</mark>&quot; name"),
    ("Sharing #export links", "x27 export", "en", "Sharing #<mark>export</mark> links"),
    # The parts of an identifier after "_", and an identifier typed whole.
    ("Set aem_program_id first", "program", "en", "Set aem_<mark>program</mark>_id first"),
    ("Set aem_program_id first", "aem_program_id", "en", "Set <mark>aem_program_id</mark> first"),
    # Scripts without spaces between words are marked wherever the run occurs.
    ("ログイン画面でエラー", "エラー", "ja", "ログイン画面で<mark>エラー</mark>"),
    ("비밀번호 재설정 설정을 변경", "설정", "ko", "비밀번호 재<mark>설정</mark> <mark>설정</mark>을 변경"),
    ("ACS에서 오류", "acs 오류", "ko", "<mark>ACS</mark>에서 <mark>오류</mark>"),
    # A CJK run typed without the space the text writes inside it, as search finds it.
    ("アクセス レベルを確認", "アクセスレベル", "ja", "<mark>アクセス レベル</mark>を確認"),
    ("보고서 내보내기 실패", "보고서내보내기", "ko", "<mark>보고서 내보내기</mark> 실패"),
    ("アクセス\u3000レベル", "アクセスレベル", "ja", "<mark>アクセス\u3000レベル</mark>"),
])
def test_result_highlighting_marks_the_words_typed_not_pieces_of_others(text, query, language, shown):
    from articles.templating import highlight

    assert str(highlight(text, query, language)) == shown


def test_did_you_mean_picks_the_correction_that_goes_with_the_words_around_it(client, tmp_path):
    """"pase" is one letter from "page" and from "passe": after "mot de" it is "passe", though
    "page" is the more frequent word; alone, the more frequent one is offered."""
    _write_article(tmp_path, "KB-320", "Réinitialiser le mot de passe",
                   "Le mot de passe expire ; la page de connexion le signale.", "fr")
    for n in range(321, 324):
        _write_article(tmp_path, f"KB-{n}", f"La page {n} ne charge pas",
                       "La page reste blanche ; recharger la page n’y change rien.", "fr")
    import_paths([tmp_path])
    sync.rebuild()
    assert client.get("/api/search", {"q": "mot de pase", "lang": "fr"}).json()["did_you_mean"] == "mot de passe"
    assert client.get("/api/search", {"q": "pase oubliée", "lang": "fr"}).json()["did_you_mean"] == "page oubliée"


def test_an_article_citing_the_code_typed_comes_first_whatever_its_language(client, tmp_path, settings):
    """A French reader pastes a code only an English article cites; French pages sharing the
    rest of the query (and the code's shape, a sibling code) come after it, not before."""
    settings.KB_SEMANTIC = False
    _write_article(tmp_path, "KB-330", "Journey publisher: ERR_JOURNEY_PUBLISH_201",
                   "Publishing a journey fails with ERR_JOURNEY_PUBLISH_201 when a step has no sender.")
    for n, code in ((331, "ERR_JOURNEY_PUBLISH_100"), (332, "ERR_JOURNEY_PUBLISH_102")):
        for lang, title, body in (
                ("en", f"Journey publisher: {code}", f"Publishing a journey fails with {code}."),
                ("fr", f"Éditeur de parcours : {code}", f"La publication du parcours échoue avec {code}.")):
            _write_article(tmp_path, f"KB-{n}", title, body, lang)
    for n in range(340, 400):  # other French pages, so the shared words weigh what they do in a real index
        _write_article(tmp_path, f"KB-{n}", f"Le rapport {n} reste vide",
                       f"Le rapport {n} ne montre aucune ligne après l’import.", "fr")
    import_paths([tmp_path])
    sync.rebuild()
    for q in ("ERR_JOURNEY_PUBLISH_201", "Éditeur de parcours : ERR_JOURNEY_PUBLISH_201",
              "la publication du parcours échoue ERR_JOURNEY_PUBLISH_201"):
        results = client.get("/api/search", {"q": q, "lang": "fr"}).json()["results"]
        assert [(r["article_number"], r["language"]) for r in results][:1] == [("KB-330", "en")], q
        assert {r["article_number"] for r in results[1:]} == {"KB-331", "KB-332"}, q
    # A code nothing cites changes nothing: the words decide.
    results = client.get("/api/search", {"q": "Éditeur de parcours ERR_JOURNEY_PUBLISH_999", "lang": "fr"}).json()
    assert results["results"][0]["language"] == "fr"


@pytest.mark.parametrize("speedups", [True, False])
def test_a_knowledge_base_with_no_articles_yet_answers_every_search(client, db, settings, speedups):
    """A fresh site, before its first import: searches find nothing, they are not "unavailable"."""
    settings.KB_SEARCH_SPEEDUPS = speedups
    sync.rebuild()
    for q in ("export timeout", "Éditeur de parcours : ERR_JOURNEY_PUBLISH_201", "aem_program_id", '"a phrase"',
              "KA-23014", "보고서 내보내기"):
        body = client.get("/api/search", {"q": q, "lang": "fr"}).json()
        assert (body["total"], body["results"]) == (0, []), q
        assert client.get("/fr/search", {"q": q}).status_code == 200
    assert client.post("/api/triage", {"text": "ERROR XSV-350176 in the log"},
                       content_type="application/json").status_code == 200


@pytest.mark.parametrize("semantic", ["off", "failing"])
def test_an_identifier_only_an_untranslated_article_holds_finds_it_in_any_language(client, tmp_path, settings,
                                                                                   monkeypatch, semantic):
    """A French reader types an identifier whole that only an English article holds: French pages
    sharing its parts (a sibling identifier) do not hide it, with semantic search off or with a
    model that fails (the fused path then keeps the lexical order)."""
    from types import SimpleNamespace

    from articles.search.semantic import hybrid
    from articles.search.semantic.model import SemanticUnavailable

    settings.KB_SEMANTIC = semantic != "off"
    if semantic == "failing":
        def fail(*args, **kwargs):
            raise SemanticUnavailable("the model failed")

        monkeypatch.setattr(hybrid, "embedder", fail)
        monkeypatch.setattr(hybrid, "semantic_candidates", fail)
        monkeypatch.setattr(hybrid, "vectors", SimpleNamespace(current=lambda identity: [identity]))  # something embedded
    _write_article(tmp_path, "KB-350", "Retries stop after a timeout",
                   "Set `deliveryRetry_maxCount` to 0 and the retries stop after the first timeout.")
    for n in range(351, 354):
        _write_article(tmp_path, f"KB-{n}", f"Nouvelles tentatives {n} de livraison",
                       "Le paramètre `deliveryRetry_period` règle le délai entre deux tentatives de livraison.", "fr")
    import_paths([tmp_path])
    sync.rebuild()
    for q in ("deliveryRetry_maxCount", "tentatives de livraison deliveryRetry_maxCount"):
        results = client.get("/api/search", {"q": q, "lang": "fr"}).json()["results"]
        assert [(r["article_number"], r["language"]) for r in results][:1] == [("KB-350", "en")], q
        assert {r["article_number"] for r in results[1:]} == {"KB-351", "KB-352", "KB-353"}, q
    # Hidden, it is not there for readers.
    _set_audience("KB-350", "internal")
    results = client.get("/api/search", {"q": "deliveryRetry_maxCount", "lang": "fr"}).json()["results"]
    assert "KB-350" not in {r["article_number"] for r in results}


def _indexed_in_english(folder, rows):
    """English articles ``(number, title, body)`` imported and indexed."""
    _indexed(folder, rows, "en", "About it.")


def _indexed(folder, rows, language, description):
    """Articles ``(number, title, body)`` in ``language`` imported and indexed."""
    from tests.conftest import BROWSE_ARTICLE
    from tests.helpers import write

    for number, title, body in rows:
        write(folder / language / f"{number}.md", BROWSE_ARTICLE.format(
            title=title, description=description, products="Northwind", published="1/1/2024 10:00:00 AM",
            number=number, body=body))
    import_paths([folder], language=None if language == "en" else language)
    sync.rebuild()


def test_an_article_number_typed_alone_finds_it_then_the_pages_citing_it_not_its_prefix_as_a_word(client, tmp_path):
    _indexed_in_english(tmp_path, [("KA-31415", "Export stalls at midnight", "Plain words."),
                                   ("KA-20001", "Export retries", "If it stalls, see KA-31415 first."),
                                   ("KA-20002", "Ka band uplink", "The ka band and ka dishes."),
                                   ("KA-20003", "Counter", "It counted 31415 rows.")])
    for typed in ("KA-31415", "ka 31415"):
        results = client.get("/api/search", {"q": typed, "lang": "en"}).json()["results"]
        assert [r["article_number"] for r in results] == ["KA-31415", "KA-20001"], typed
    glued = client.get("/api/search", {"q": "KA31415", "lang": "en"}).json()["results"]
    assert [r["article_number"] for r in glued] == ["KA-31415"]
    # Among other words it is one more word; quoted phrases and exclusions still count.
    results = client.get("/api/search", {"q": "KA-99999 band", "lang": "en"}).json()["results"]
    assert [r["article_number"] for r in results][:1] == ["KA-20002"]
    results = client.get("/api/search", {"q": 'KA-31415 "band uplink"', "lang": "en"}).json()["results"]
    assert "KA-20002" in [r["article_number"] for r in results]
    results = client.get("/api/search", {"q": "KA-31415 -stalls", "lang": "en"}).json()["results"]
    assert not {"KA-31415", "KA-20001"} & {r["article_number"] for r in results}
    # A reader cannot tell a hidden article's number from one nobody has.
    _set_audience("KA-20003", "internal")
    for typed in ("KA-20003", "KA-20009"):
        assert client.get("/api/search", {"q": typed, "lang": "en"}).json()["results"] == [], typed


def test_the_digits_of_an_article_number_find_it_whatever_its_prefix(client, tmp_path):
    _indexed_in_english(tmp_path, [("KA-31415", "Export stalls at midnight", "Plain words."),
                                   ("KT-27182", "Video on setting up the gateway", "Plain words."),
                                   ("NW-9", "Ticket notes", "Customer ticket 31415 and 27182 were closed.")])
    for typed, expected in [("31415", "KA-31415"), ("#31415", "KA-31415"), (" 27182 ", "KT-27182")]:
        results = client.get("/api/search", {"q": typed, "lang": "en"}).json()["results"]
        assert results[0]["article_number"] == expected, typed
    # Digits among other words are words: the page citing them is found as before.
    results = client.get("/api/search", {"q": "ticket 31415", "lang": "en"}).json()["results"]
    assert results[0]["article_number"] == "NW-9"


def test_a_pasted_command_keeps_its_flags_as_words_and_typed_words_can_still_be_excluded(client, tmp_path):
    _indexed_in_english(tmp_path, [
        ("KA-41001", "Relationships variable unreadable",
         "Decode it with `echo $NORTHWIND_RELATIONS | base64 -d | json_pp` and read the database host."),
        ("KA-41002", "Slow storefront", "Run `json_pp` on the stats; a d drive and a v volume are listed."),
        ("KA-41003", "Cluster health", "Call `curl -m1 localhost:9200/_cluster/health` to see the status."),
        ("KA-41004", "Export report", "The export report is late."),
        ("KA-41005", "Export archive", "The export archive holds the report."),
    ])

    def first(typed):
        return [r["article_number"] for r in client.get("/api/search", {"q": typed, "lang": "en"}).json()["results"]]

    # A command pasted whole finds the article quoting it: its flags exclude nothing.
    assert first("echo $NORTHWIND_RELATIONS | base64 -d | json_pp")[:1] == ["KA-41001"]
    assert first("curl -m1 localhost:9200/_cluster/health")[:1] == ["KA-41003"]
    assert first("grep -v relations")[:1] == ["KA-41001"]  # a one-letter flag, no punctuation
    # Words typed as words are still excluded.
    assert first("export report -archive") == ["KA-41004"]
    assert "KA-41005" in first("export report")


def test_a_german_compounds_tail_after_a_hyphen_is_a_word_not_an_exclusion(client, tmp_path):
    """German writes "Fastly -Anmeldeinformationen" (a name apart from the rest of its compound)
    and "Strategie und -richtlinie": a title pasted whole finds its page, which its own
    "-Anmeldeinformationen" used to exclude; a word typed as an exclusion still excludes."""
    _write_article(tmp_path, "KB-501", "Fehler bei der Validierung der Fastly -Anmeldeinformationen",
                   "Die Fastly -Anmeldeinformationen werden abgelehnt.", "de")
    _write_article(tmp_path, "KB-502", "Fastly Zwischenspeicher leeren", "Der Fastly Zwischenspeicher wird geleert.",
                   "de")
    _write_article(tmp_path, "KB-503", "Versionsstrategie und -richtlinie", "Die Versionsstrategie gilt.", "de")
    import_paths([tmp_path])
    sync.rebuild()

    def found(typed):
        return [r["article_number"] for r in client.get("/api/search", {"q": typed, "lang": "de"}).json()["results"]]

    assert found("Fehler bei der Validierung der Fastly -Anmeldeinformationen")[:1] == ["KB-501"]
    assert found("Versionsstrategie und -richtlinie")[:1] == ["KB-503"]
    assert found("Fastly -anmeldeinformationen") == ["KB-502"]


def test_a_long_japanese_sentence_copied_from_an_article_finds_it_first(client, tmp_path):
    """A sentence of more bigrams than a phrase holds (``PHRASE_MAX_CJK_TERMS``) still counts as
    typed in order: its opening run finds the page it was copied from above a short page that
    holds all of its words, scattered."""
    sentence = ("夜間のエクスポート処理がタイムアウトした場合は、管理画面の設定からバッチサイズを小さくしてから、"
                "もう一度ジョブを実行し、結果をログで確認してください。")
    clauses = sentence.rstrip("。").split("、")
    rows = [("KA-42001", "夜間ジョブの運用", "運用の手順です。" + sentence + "詳細は別の記事を参照してください。" * 20),
            # Every clause of the sentence, in another order: all its bigrams, in a short page.
            ("KA-42002", "バッチサイズの確認", "、".join(reversed(clauses)) + "。")]
    _indexed(tmp_path, rows, "ja", "概要。")
    from articles.search.whoosh.query import PHRASE_MAX_CJK_TERMS

    assert len(analyze(sentence, "ja")) > PHRASE_MAX_CJK_TERMS
    results = client.get("/api/search", {"q": sentence, "lang": "ja"}).json()["results"]
    assert [r["article_number"] for r in results][:2] == ["KA-42001", "KA-42002"]
    # Its clauses typed in the other page's order find that page first.
    shuffled = "、".join(reversed(clauses)) + "。"
    results = client.get("/api/search", {"q": shuffled, "lang": "ja"}).json()["results"]
    assert [r["article_number"] for r in results][:1] == ["KA-42002"]


def test_a_japanese_compound_is_found_with_or_without_the_space_a_translation_left_in_it(client, tmp_path):
    rows = [("KA-43001", "権限の設定", "管理者はアクセス レベルを変更できます。"),
            ("KA-43002", "レベルの一覧", "アクセスの記録とレベルの説明。")]
    _indexed(tmp_path, rows, "ja", "概要。")
    for typed in ("アクセスレベル", "アクセス レベル", '"アクセスレベル"', '"アクセス レベル"'):
        results = client.get("/api/search", {"q": typed, "lang": "ja"}).json()["results"]
        assert [r["article_number"] for r in results][:1] == ["KA-43001"], typed


def test_korean_words_typed_without_their_space_find_the_page(client, tmp_path):
    rows = [("KA-45001", "데이터 작업", "관리자는 보고서 내보내기 설정을 바꿀 수 있습니다."),
            ("KA-45002", "보고서 목록", "보고서와 내보내기 기록, 설정 보고서.")]
    _indexed(tmp_path, rows, "ko", "개요.")
    for typed in ("보고서내보내기", "보고서 내보내기"):
        results = client.get("/api/search", {"q": typed, "lang": "ko"}).json()["results"]
        assert [r["article_number"] for r in results][:1] == ["KA-45001"], typed


def test_japanese_keywords_typed_apart_stay_apart(client, tmp_path):
    """Keywords typed with a space between them (``検索エンジン リスト``) are two keywords: a page
    holding both, apart, comes before a short page holding the compound the two would make, whose
    only extra is the bigram across the space."""
    rows = [("KA-44001", "一覧の表示", "検索エンジンのリストを表示します。手順は次のとおりです。"),
            ("KA-44002", "設定", "エンジンリスト。")]
    _indexed(tmp_path, rows, "ja", "概要。")
    results = client.get("/api/search", {"q": "検索エンジン リスト", "lang": "ja"}).json()["results"]
    assert [r["article_number"] for r in results][:1] == ["KA-44001"]


def test_an_articles_keywords_stay_apart_in_a_japanese_field(client, tmp_path):
    """Two keywords typed in a row, as the keyword list gives them (``リスト，認識``), run as a
    phrase in the article listing them: keywords are not joined into one compound."""
    from tests.helpers import write

    write(tmp_path / "ja" / "KA-46001.md", "---\ntitle: 設定の手順\ndescription: 概要。\nproduct: Northwind\n"
          "keywords: 検索エンジン リスト，認識\narticle-number: KA-46001\n---\n# 設定の手順\n\n手順です。\n")
    write(tmp_path / "ja" / "KA-46002.md", "---\ntitle: 一覧\ndescription: 概要。\nproduct: Northwind\n"
          "article-number: KA-46002\n---\n# 一覧\n\nリスト。認識。\n")
    import_paths([tmp_path], language="ja")
    sync.rebuild()
    results = client.get("/api/search", {"q": '"リスト，認識"', "lang": "ja"}).json()["results"]
    assert [r["article_number"] for r in results][:1] == ["KA-46001"]


@pytest.mark.parametrize("page, typed, language", [
    ("データ を 削除", "データを削除", "ja"),  # a one-character word between bridged spaces
    ("내보낼 수 있습니다", "내보낼수있습니다", "ko"),
    ("Adobe の 設定", "Adobeの設定", "ja"),
    ("設定・ 変更", "設定・変更", "ja"),  # no bridge after a mark that is no word character
])
def test_words_a_page_spaces_out_run_as_typed_without_the_spaces(page, typed, language):
    index = [term for term, _ in analyzer_for(language).positioned_terms(page)]
    phrase = analyze(typed, language, joined=True)
    assert any(index[i:i + len(phrase)] == phrase for i in range(len(index) - len(phrase) + 1)), (index, phrase)


def test_cjk_words_and_not_negative_numbers_can_be_excluded():
    from articles.search.whoosh.query import exclusions

    assert exclusions("エクスポート -設定")[0] == ["設定"]
    assert exclusions("보고서 -설정")[0] == ["설정"]
    assert exclusions("SQLCODE -803 deadlock") == ([], "SQLCODE -803 deadlock")
    assert exclusions("error -aem")[0] == ["aem"]
