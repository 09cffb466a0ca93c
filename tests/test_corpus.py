"""Integration: the real corpus from ../shared (read, never copied). Skipped when absent."""
import re

import pytest

from articles.importing import import_paths
from articles.models import Article, Translation

pytestmark = [pytest.mark.django_db, pytest.mark.corpus, pytest.mark.slow]

CODE_RE = re.compile(r"<pre>.*?</pre>|<code>.*?</code>", re.DOTALL)
RAW_RE = re.compile(r"\[!UICONTROL|\[!DNL|&gt;\[!|>\[!|^\+\+\+|\{#|<script", re.MULTILINE | re.IGNORECASE)


def test_whole_corpus_imports_renders_and_reimports_unchanged(corpus):
    sources = [corpus / "kcs", corpus / "docs"]
    report = import_paths(sources)
    assert report.failures == []
    assert report.counts["imported"] == 8328
    assert Article.objects.count() == 1217 and Translation.objects.count() == 8328
    docs = Translation.objects.filter(source_path__contains="/docs/")
    assert docs.count() == 74 and set(docs.values_list("language", flat=True)) == {"en", "ko"}
    assert docs.values("article").distinct().count() == 37

    offenders = []
    for number, language, html in Translation.objects.values_list("article__number", "language", "rendered_html"):
        outside_code = CODE_RE.sub("", html).replace("<p>", "\n")
        if not html.strip() or RAW_RE.search(outside_code):
            offenders.append((number, language, RAW_RE.search(outside_code)))
    assert offenders == []

    again = import_paths(sources)
    assert again.counts["unchanged"] == 8328 and again.counts["updated"] == 0


def test_kcs_sections_found_in_every_language(corpus):
    import_paths([corpus / "kcs" / lang for lang in ("en", "fr-FR", "ko-KR", "ja-JP", "zh-Hans", "de-DE", "es-ES")])
    for language in ("en", "fr", "ko", "ja", "zh-hans", "de", "es"):
        translations = Translation.objects.filter(language=language)
        with_resolution = sum(1 for s in translations.values_list("sections", flat=True) if "resolution" in s)
        assert with_resolution / translations.count() > 0.9, language
