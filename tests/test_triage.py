"""Log triage (extraction, ranking, line attribution, noise, API, page), related articles and the
machine-translation notice. Every article and log below is written for these tests."""
import json
import random

import pytest

from articles.importing import import_paths
from articles.search import sync
from articles.triage.extraction import read_paste
from articles.triage.ranking import triage
from tests.helpers import write

pytestmark = pytest.mark.django_db

ARTICLE = """---
title: {title}
description: {title}.
product: {product}
article-number: {number}
{extra}---
# {title}

## Description {{#description}}

{body}
"""

NLSERVER_LOG = """\
2026-03-02 04:10:11.201Z 7f3a9c01 nlserver web@default (12345) XSV-350176 Could not read the delivery parts (iRc=16384)
2026-03-02 04:10:12.201Z 7f3a9c01 nlserver web@default (12345) XSV-350176 Could not read the delivery parts (iRc=16384)
"""

AEM_TRACE = """\
19.05.2026 10:15:02.123 *ERROR* [qtp-88] com.example.cms.PublishServlet Could not publish the page
com.example.cms.WrapperException: replication of /content/site failed
\tat com.example.cms.Replicator.replicate(Replicator.java:41)
\tat com.example.cms.PublishServlet.doPost(PublishServlet.java:77)
Caused by: javax.jcr.InvalidItemStateException: OakState0001: Unresolved conflicts in /content/site/jcr:content
\tat org.apache.jackrabbit.oak.jcr.session.SessionImpl.save(SessionImpl.java:240)
\t... 12 more
"""

ACCESS_LOG = """\
203.0.113.9 - - [19/May/2026:10:15:01 +0000] "GET /content/site/en.html HTTP/1.1" 200 5120
203.0.113.9 - - [19/May/2026:10:15:02 +0000] "POST /bin/replicate HTTP/1.1" 503 312
"""


def article(root, number, title, body, lang="en", product="Campaign", extra=""):
    write(root / lang / f"{number}.md", ARTICLE.format(number=number, title=title, body=body, product=product,
                                                       extra=extra))


@pytest.fixture
def triage_dir(tmp_path):
    root = tmp_path / "triage"
    article(root, "TRI-1", "Delivery parts cannot be read",
            "The server logs `XSV-350176` together with `iRc=16384` when the delivery parts are locked.")
    article(root, "TRI-1", "Les parties de diffusion sont illisibles",
            "Le serveur journalise `XSV-350176` avec `iRc=16384` quand les parties sont verrouillées.", lang="fr",
            extra="workflow-type: tm+mt\nht-degree: 3%\n")
    article(root, "TRI-9", "Delivery parts error", "The workflow stops with `XSV-350176` after an upgrade.")
    article(root, "TRI-10", "Return code 16384", "A script returns `iRc=16384` when the disk is full.")
    article(root, "TRI-2", "Rare import failure", "The import logs `NLS-700001` when the schema is missing.")
    for n in range(3, 9):
        article(root, f"TRI-{n}", f"Common import message {n}", "Imports log `NLS-100200` for every batch.")
    article(root, "AEM-1", "Publishing fails with a wrapper exception",
            "The servlet throws `com.example.cms.WrapperException` when replication fails.", product="Experience Manager")
    article(root, "AEM-2", "Unresolved conflicts when saving a page",
            "A save fails with `javax.jcr.InvalidItemStateException` (OakState0001) when two sessions write.",
            product="Experience Manager")
    article(root, "DIS-1", "Replication returns 503 Service Unavailable",
            "The replication agent gets `HTTP 503` from the dispatcher flush when the publisher is down.",
            product="Experience Manager")
    article(root, "TXT-1", "Ledger partition overflow",
            "The ledger compactor reports quarantined tablespace shards during overflow.")
    article(root, "PRIV-1", "Internal note about XSV-350176",
            "Internal: `XSV-350176` and `iRc=16384` and `NLS-700001` are seen by the support team.",
            extra="hide: true\n")
    import_paths([root])
    sync.bring_up_to_date()
    return root


def numbers(found):
    return [r.article_number for r in found.results]


# -- extraction -------------------------------------------------------------------------------
@pytest.mark.parametrize("log, expected", [
    (NLSERVER_LOG, [("XSV-350176", "code", 0), ("iRc=16384", "code", 0)]),
    (AEM_TRACE, [("com.example.cms.WrapperException", "exception", 0),
                 ("javax.jcr.InvalidItemStateException", "exception", 1), ("OakState0001", "code", 1)]),
    (ACCESS_LOG, [("HTTP 503", "http", 0)]),
    ("12:00:01 GET /x returned 404 Not Found after HTTP 200", [("HTTP 404 Not Found", "http", 0)]),
    ("id 4b1e2f3a-1234-4abc-9def-0123456789ab host web01.example.com 10.0.0.12:8080", []),
])
def test_signals_are_read_from_real_looking_logs(log, expected):
    assert [(s.display, s.kind, s.depth) for s in read_paste(log).signals] == expected


def test_an_exception_and_its_short_name_are_one_signal():
    signal = read_paste("Caused by: javax.jcr.AccessDeniedException: denied").signals[0]
    assert signal.keys == ("javax.jcr.accessdeniedexception", "accessdeniedexception")


def test_identical_lines_once_noise_is_removed_are_read_once():
    paste = read_paste(NLSERVER_LOG)
    assert len(paste.distinct) == 1 and paste.distinct[0].numbers == [1, 2]


def test_products_and_versions_are_recognised():
    paste = read_paste("Campaign Classic build 9032 on AEM version 6.5.17", ["Campaign Classic", "Experience Manager"])
    assert paste.products == ["Campaign Classic"] and paste.versions == ["9032", "6.5.17"]


# -- ranking ----------------------------------------------------------------------------------
def test_a_rare_code_beats_a_common_one(triage_dir):
    found = triage("ERROR NLS-100200 batch done\nERROR NLS-700001 schema missing", "en")
    assert numbers(found)[0] == "TRI-2"


def test_codes_cited_together_rank_their_article_first(triage_dir):
    found = triage(NLSERVER_LOG, "en")
    assert numbers(found)[:1] == ["TRI-1"] and set(numbers(found)[1:3]) == {"TRI-9", "TRI-10"}
    assert found.results[0].codes == ["XSV-350176", "iRc=16384"]


def test_the_deepest_cause_weighs_more_than_its_wrapper(triage_dir):
    assert numbers(triage(AEM_TRACE, "en"))[:2] == ["AEM-2", "AEM-1"]


def test_an_http_error_status_of_an_access_log_finds_its_article(triage_dir):
    found = triage(ACCESS_LOG, "en")
    assert numbers(found)[0] == "DIS-1" and found.results[0].lines == [2]


def test_lines_without_codes_are_searched_by_their_rarest_words(triage_dir):
    found = triage("10:00:00 WARN ledger compactor quarantined tablespace shards", "en")
    assert numbers(found)[0] == "TXT-1" and found.results[0].lines == [1]


def test_results_come_in_the_readers_language(triage_dir):
    first = triage(NLSERVER_LOG, "fr").results[0]
    assert (first.article_number, first.language, first.title) == ("TRI-1", "fr", "Les parties de diffusion sont illisibles")


def test_readers_never_get_an_article_they_may_not_see(triage_dir):
    assert "PRIV-1" not in numbers(triage(NLSERVER_LOG + "NLS-700001", "en"))


def test_each_result_names_the_lines_it_explains(triage_dir):
    paste = "starting\n" + AEM_TRACE + NLSERVER_LOG
    by_number = {r.article_number: r.lines for r in triage(paste, "en").results}
    assert by_number["AEM-2"][:1] == [6] and by_number["TRI-1"] == [9, 10]
    assert 2 in by_number["AEM-1"]


def noise(count, seed=7):
    rng = random.Random(seed)
    lines = []
    for n in range(count):
        uuid = "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                                rng.getrandbits(12), rng.getrandbits(48))
        lines.append(rng.choice([
            f"2026-05-19 10:{n % 60:02d}:{rng.randrange(60):02d},{rng.randrange(1000):03d} INFO [worker-{rng.randrange(9)}] "
            f"com.example.Scheduler Job {uuid} finished on app{rng.randrange(40)}.example.com",
            f'10.1.{rng.randrange(255)}.{rng.randrange(255)} - - [19/May/2026:10:{n % 60:02d}:00 +0000] '
            f'"GET /content/page-{rng.randrange(500)}.html HTTP/1.1" 200 {rng.randrange(99999)}',
            f"2026-05-19T10:{n % 60:02d}:00.{rng.randrange(999):03d}Z DEBUG request {uuid} took {rng.randrange(900)} ms",
        ]))
    return lines


def test_noise_costs_nothing(triage_dir):
    log = AEM_TRACE + NLSERVER_LOG + ACCESS_LOG
    plain = triage(log, "en")
    lines = log.splitlines()
    noisy = noise(10000)
    found = triage("\n".join(noisy[:100] + lines + noisy[100:]), "en")
    assert [(r.article_number, r.score, r.codes) for r in found.results] == \
           [(r.article_number, r.score, r.codes) for r in plain.results]
    assert found.codes == plain.codes
    assert [[n - 100 for n in r.lines] for r in found.results] == [r.lines for r in plain.results]


# -- the API ----------------------------------------------------------------------------------
def post_api(client, body, raw=None):
    return client.post("/api/triage", data=raw if raw is not None else json.dumps(body, ensure_ascii=False).encode(),
                       content_type="application/json")


def test_the_api_answers_codes_and_ranked_articles_with_their_lines(client, triage_dir):
    response = post_api(client, {"text": NLSERVER_LOG, "lang": "fr"})
    assert response.status_code == 200
    body = response.json()
    assert body["codes"] == ["XSV-350176", "iRc=16384"]
    first = body["results"][0]
    assert set(first) == {"article_number", "language", "title", "url", "score", "lines", "codes"}
    assert (first["article_number"], first["language"], first["url"], first["lines"]) == \
           ("TRI-1", "fr", "/fr/articles/TRI-1/", [1, 2])
    assert isinstance(first["score"], float) and first["codes"] == ["XSV-350176", "iRc=16384"]


@pytest.mark.parametrize("body, status, code, field", [
    ({"lang": "en"}, 400, "missing_text", "text"),
    ({"text": "   ", "lang": "en"}, 400, "missing_text", "text"),
    ({"text": 12}, 400, "missing_text", "text"),
    ({"text": "XSV-350176", "lang": "xx"}, 400, "unknown_language", "lang"),
    ({"text": "é" * (512 * 1024 + 1)}, 413, "paste_too_large", "text"),  # 1 MB + 2 bytes in UTF-8
])
def test_the_api_refuses_bad_requests_with_a_stable_code(client, triage_dir, body, status, code, field):
    response = post_api(client, body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code and response.json()["error"]["field"] == field


def test_the_api_refuses_a_body_over_the_parsers_limit(client, triage_dir):
    response = post_api(client, None, raw=json.dumps({"text": "x" * (2 * 1024 * 1024 + 10)}))
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"


def test_the_api_answers_get_with_method_not_allowed(client, triage_dir):
    assert client.get("/api/triage").status_code == 405


# -- the page ---------------------------------------------------------------------------------
def test_the_page_shows_a_form_that_works_without_javascript(client, triage_dir):
    response = client.get("/de/triage/")
    html = response.content.decode()
    assert response.status_code == 200 and 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert "<textarea" in html and "<script>" not in html and "style=" not in html


def test_the_page_ranks_articles_and_marks_the_explained_lines(client, triage_dir):
    paste = "hello <b>world</b>\n" + NLSERVER_LOG
    response = client.post("/fr/triage/", {"text": paste})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("/fr/articles/TRI-1/") < html.index("/fr/articles/TRI-9/")
    assert "Les parties de diffusion sont illisibles" in html
    assert '<li id="line-2" value="2"><mark>' in html and '<li id="line-1" value="1">hello &lt;b&gt;' in html


def test_the_page_checks_csrf(triage_dir):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/en/triage/", {"text": NLSERVER_LOG})
    assert response.status_code == 403


def test_the_page_refuses_an_empty_or_oversized_paste(client, triage_dir):
    assert client.post("/en/triage/", {"text": "  "}).status_code == 400
    assert client.post("/en/triage/", {"text": "x" * (1024 * 1024 + 1)}).status_code == 413


def test_a_long_paste_shows_the_explained_lines_with_their_context():
    from articles.triage.display import line_ranges, paste_rows

    paste = read_paste("\n".join(noise(1000)[:500] + ["ERROR XSV-350176"] + noise(1000)[500:]))
    rows = paste_rows(paste, {501})
    assert [r.number for r in rows] == [None, 499, 500, 501, 502, 503, None]
    assert [r.explained for r in rows if r.number] == [False, False, True, False, False]
    assert line_ranges([3, 4, 5, 9]) == "3–5, 9"


# -- related articles and the machine-translation notice --------------------------------------
def test_related_articles_share_codes_first_and_respect_visibility(triage_dir):
    from articles.models import Translation
    from articles.search.related import related_articles

    own = Translation.objects.get(article__number="TRI-1", language="en")
    found = [r.article_number for r in related_articles(own, "en")]
    assert set(found[:2]) == {"TRI-9", "TRI-10"} and "TRI-1" not in found and "PRIV-1" not in found
    assert len(found) == len(set(found)) <= 5


def test_a_related_article_archived_since_it_was_worked_out_is_not_listed(triage_dir):
    from articles.models import Article, Translation
    from articles.search.related import related_articles

    own = Translation.objects.get(article__number="TRI-1", language="en")
    assert "TRI-9" in [r.article_number for r in related_articles(own, "en")]  # now kept for minutes
    Article.objects.filter(number="TRI-9").update(status="archived")
    assert "TRI-9" not in [r.article_number for r in related_articles(own, "en")]


def test_lists_worked_out_in_the_background_are_what_pages_show(client, triage_dir):
    from django.core.cache import cache

    from articles.models import Translation
    from articles.search.models import RelatedArticles
    from articles.search.related import due, refresh

    assert len(due(1000)) == Translation.objects.count()
    while refresh(budget=5.0):
        pass
    assert due(1000) == [] and RelatedArticles.objects.count() == Translation.objects.count()
    own = Translation.objects.get(article__number="TRI-1", language="en")
    stored = RelatedArticles.objects.get(pk=own.pk)
    assert set([n for n in stored.numbers if n != "PRIV-1"][:2]) == {"TRI-9", "TRI-10"}
    assert "PRIV-1" in stored.numbers  # kept for staff; each page keeps what its reader may see
    cache.clear()
    # The page reads the stored list (and works out nothing): what it stores, it shows.
    stored.numbers = ["TXT-1", "PRIV-1", "TRI-1"]
    stored.save()
    html = client.get("/en/articles/TRI-1/").content.decode()
    related = html.split('class="related"', 1)[1].split("</section>", 1)[0]
    assert "/en/articles/TXT-1/" in related and "PRIV-1" not in related and "/en/articles/TRI-1/" not in related


def test_new_and_day_old_lists_are_due_but_not_those_of_edited_translations(triage_dir):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Translation
    from articles.search.models import RelatedArticles
    from articles.search.related import MAX_AGE, due, refresh

    while refresh(budget=5.0):
        pass
    own = Translation.objects.get(article__number="TRI-9", language="en")
    own.title = "Delivery parts error after an upgrade"
    own.save()
    assert due(1000) == []  # an edit alone does not make its list due
    RelatedArticles.objects.filter(pk=own.pk).update(computed_at=timezone.now() - MAX_AGE - timedelta(minutes=1))
    assert due(1000) == [own]
    refresh(budget=5.0)
    assert due(1000) == []


def test_run_indexer_once_with_related_works_out_every_list(triage_dir):
    from io import StringIO

    from django.core.management import call_command

    from articles.models import Translation
    from articles.search.models import RelatedArticles

    out = StringIO()
    call_command("run_indexer", "--once", "--related", stdout=out)
    assert f"{Translation.objects.count()} related-articles lists worked out" in out.getvalue()
    assert RelatedArticles.objects.count() == Translation.objects.count()


def test_related_articles_include_alike_articles_in_the_readers_language(triage_dir):
    from articles.models import Translation
    from articles.search.related import related_articles

    own = Translation.objects.get(article__number="TRI-3")
    found = related_articles(own, "fr")
    assert {"TRI-4", "TRI-5"} <= {r.article_number for r in found}


def test_the_article_page_lists_related_articles(client, triage_dir):
    html = client.get("/en/articles/TRI-1/").content.decode()
    assert 'class="related"' in html and "/en/articles/TRI-9/" in html and "PRIV-1" not in html


@pytest.mark.parametrize("front_matter, machine", [
    ({"workflow-type": "tm+mt", "ht-degree": "3%"}, True),
    ({"workflow-type": "tm+mt", "ht-degree": "80%"}, False),
    ({"workflow-type": "tm+mt", "ht-degree": 49}, True),
    ({"workflow-type": "mt"}, True),
    ({"workflow-type": "tm"}, False),
    ({}, False),
])
def test_machine_translation_is_read_from_the_front_matter(front_matter, machine):
    from articles.translation_quality import machine_translated

    assert machine_translated(front_matter) is machine


def test_a_machine_translation_shows_a_notice_linking_to_the_source(client, triage_dir):
    french = client.get("/fr/articles/TRI-1/").content.decode()
    assert 'class="notice machine-translated"' in french and 'href="/en/articles/TRI-1/"' in french
    assert "traduite automatiquement" in french
    assert "machine-translated" not in client.get("/en/articles/TRI-1/").content.decode()


def test_a_korean_log_line_is_read_as_the_page_quoting_it_holds_it(tmp_path):
    """A quoted line's words run in a Korean page as the index reads it (the spaces between
    Hangul joined): the page quoting the line ranks above one holding its words apart."""
    line = "백업 작업이 대상 폴더를 찾을 수 없어서 중단됨"
    article(tmp_path, "KO-1", "백업 중단", f"로그:\n\n```\n{line}\n```\n", lang="ko")
    article(tmp_path, "KO-2", "폴더와 백업 작업", "대상 백업. 폴더를 찾을 수 없어서 작업이 중단됨.", lang="ko")
    import_paths([tmp_path])
    sync.rebuild()
    found = triage(f"10:00:00 {line}", "ko")
    assert numbers(found)[:1] == ["KO-1"]
