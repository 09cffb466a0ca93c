import pytest

from articles import languages
from articles.importing.detection import detect_language
from articles.importing.grouping import article_key
from articles.importing.language_rules import decide_language, language_from_path


@pytest.mark.parametrize("tag, code", [
    ("fr", "fr"), ("fr-FR", "fr"), ("fr_FR", "fr"), ("FR", "fr"), ("en-US", "en"), ("ko-KR", "ko"),
    ("ja_JP", "ja"), ("zh-Hans", "zh-hans"), ("zh-CN", "zh-hans"), ("zh_Hans_CN", "zh-hans"), ("zh", "zh-hans"),
    ("zh-TW", None), ("it", None), ("articles", None), ("", None), ("x" * 40, None), ("en-", None),
])
def test_every_usual_spelling_maps_to_a_served_code(tag, code):
    assert languages.normalize_language(tag) == code


@pytest.mark.parametrize("code, name", [
    ("fr", "Français"), ("ko", "한국어"), ("ja", "日本語"), ("zh-hans", "简体中文"), ("de", "Deutsch"), ("es", "Español"),
])
def test_native_names_come_from_babel(code, name):
    assert languages.native_name(code) == name


@pytest.mark.parametrize("path, code", [
    ("corpus/kcs/fr-FR/articles/KA-1.md", "fr"),
    ("campaign-classic.ko-KR/help/using/page.md", "ko"),
    ("experience-cloud-kcs.zh-Hans/articles/KA-1.md", "zh-hans"),
    ("docs/en/x.md", "en"),
    ("guides/page.ja.md", "ja"),
    ("help/using/page.md", None),
    ("seeds/000_332751386793e346.txt", None),
])
def test_locale_in_path(path, code):
    assert language_from_path(path) == code


def test_rules_apply_in_order_and_say_which_decided():
    fm = {"lang": "de-DE"}
    assert decide_language("fr-FR/a.md", fm, "", forced="ko").rule == "forced"
    assert decide_language("fr-FR/a.md", fm, "").code == "de"
    assert decide_language("fr-FR/a.md", {}, "").rule == "path"
    decided = decide_language("a.md", {}, "Ceci est un article en français sur la configuration du serveur.")
    assert (decided.code, decided.rule) == ("fr", "detected")


@pytest.mark.parametrize("text, code", [
    ("The export job stops after the certificate was renewed on the server.", "en"),
    ("Der Exportauftrag wird angehalten, nachdem das Zertifikat erneuert wurde.", "de"),
    ("El trabajo de exportación se detiene después de renovar el certificado del servidor.", "es"),
    ("La tâche d’export s’arrête après le renouvellement du certificat du serveur.", "fr"),
    ("서버 인증서를 갱신한 후 내보내기 작업이 중지됩니다. `ERROR NWS-410233 TLS handshake failed`", "ko"),
    ("サーバー証明書を更新した後、エクスポートジョブが停止します。", "ja"),
    ("更新服务器证书后，导出作业停止。日志中显示错误信息。", "zh-hans"),
])
def test_detection_reads_prose_not_log_lines(text, code):
    log = "\n```\njava.lang.IllegalStateException: handshake failed at com.example.Export.run(Export.java:42)\n```\n"
    assert detect_language(text + log) == code


def test_browser_preferences_are_negotiated():
    assert languages.negotiate("ko-KR,ko;q=0.9,en;q=0.8") == "ko"
    assert languages.negotiate("zh-CN,zh;q=0.9") == "zh-hans"
    assert languages.negotiate("it-IT, fr;q=0.5") == "fr"
    assert languages.negotiate("") == "en"
    assert languages.negotiate("garbage;;q=x,,") == "en"


def test_fallback_prefers_the_reader_then_english_then_settings_order():
    assert languages.fallback_order("ko")[:3] == ["ko", "en", "fr"]


@pytest.mark.parametrize("front, path, key", [
    ({"article-number": "KA-23014", "exl-id": "e1"}, "x/KA-1.md", ("KA-23014", "article-number")),
    ({"exl-id": "76645a6f-9536"}, "x/page.md", ("76645a6f-9536", "exl-id")),
    ({}, "kcs/en/articles/KT-11251.md", ("KT-11251", "file-name")),
    # A video page: KT- and its kt field, named so, is its number in every folder, whatever its exl-id;
    ({"exl-id": "333293c1-aa49", "kt": 11251}, "kcs/fr-FR/articles/KT-11251.md", ("KT-11251", "article-number")),
    ({"kt": "11251"}, "kcs/en/articles/kt-11251.md", ("KT-11251", "article-number")),
    # a page named otherwise (a tutorial's slug), or numbered by its editors, keeps its key.
    ({"exl-id": "8be6836d-f7dc", "kt": 4711}, "help/v8/send/create-sms.md", ("8be6836d-f7dc", "exl-id")),
    ({"exl-id": "e2", "kt": 4711}, "docs/en/KT-4712.md", ("e2", "exl-id")),
    ({"exl-id": "e3"}, "docs/en/KA-23014.md", ("e3", "exl-id")),
    ({"article-number": "KA-5", "kt": 5}, "x/KT-5.md", ("KA-5", "article-number")),
    ({}, "guide.fr-FR.md", ("guide", "file-name")),
])
def test_translation_grouping_key(front, path, key):
    assert article_key(front, path) == key


@pytest.mark.parametrize("reader, code, name", [
    ("zh-hans", "zh-hans", "简体中文"),  # as the language menu names it, not 中文 (简体)
    ("en", "zh-hans", "Chinese (Simplified)"),
    ("fr", "fr", "français"),  # inside a sentence: "disponible en français"
    ("ja", "en", "英語"),
])
def test_a_language_is_named_in_the_readers_language_and_chinese_as_its_readers_name_it(reader, code, name):
    from django.utils import translation

    from articles.templating import language_name

    with translation.override(reader):
        assert language_name(code) == name
