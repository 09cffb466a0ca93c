from datetime import datetime, timezone

import pytest

from articles.importing.errors import SourceError
from articles.importing.fields import map_fields, split_list


@pytest.mark.parametrize("value, expected", [
    ("KCS, Pipeline triggers, authenticating error. ", ["KCS", "Pipeline triggers", "authenticating error"]),
    ('"KCS, triggers de pipeline, erreur.  »', ["KCS", "triggers de pipeline", "erreur"]),
    ("KCS、方法、ノードの確認", ["KCS", "方法", "ノードの確認"]),
    ("KCS，方法，更新", ["KCS", "方法", "更新"]),
    (["a", "b, c"], ["a", "b", "c"]),
    (None, []),
])
def test_keyword_lists_split_in_every_script(value, expected):
    assert split_list(value) == expected


def test_products_merge_solution_product_and_applies_to_without_case_duplicates():
    fields = map_fields({"title": "T", "solution": "Journey Optimizer", "product": "journey optimizer, Campaign",
                         "applies-to": "Campaign"}, "")
    assert fields.products == ["Journey Optimizer", "Campaign"]


def test_maps_dates_authors_version_flags():
    fields = map_fields({
        "title": " T ", "article-created-date": "10/17/2023 6:29:08 PM", "article-created-by": "Z R",
        "article-published-date": "2023-10-30", "version-number": "3", "hide": True,
        "internal-notes": None, "bug": "true",
    }, "")
    assert fields.title == "T"
    assert fields.created_on == datetime(2023, 10, 17, 18, 29, 8, tzinfo=timezone.utc)
    assert fields.published_on == datetime(2023, 10, 30, tzinfo=timezone.utc)
    assert (fields.created_by, fields.version_number, fields.hidden, fields.is_bug) == ("Z R", 3, True, True)
    assert fields.internal_notes == ""


def test_unreadable_date_is_a_warning_not_a_failure():
    fields = map_fields({"title": "T", "article-created-date": "yesterday"}, "")
    assert fields.created_on is None
    assert "article-created-date" in fields.warnings[0]


def test_hidefromtoc_hides():
    assert map_fields({"title": "T", "hidefromtoc": "yes"}, "").hidden


def test_title_falls_back_to_first_heading():
    assert map_fields({}, "intro\n\n# Heading title {#h}\n").title == "Heading title"


def test_no_title_anywhere_is_an_error_naming_the_field():
    with pytest.raises(SourceError) as caught:
        map_fields({"title": "  "}, "no heading here")
    assert caught.value.field == "title"


@pytest.mark.parametrize("title, shown", [
    # As YAML reads a single-quoted title a translation tool wrote: the backslashes are kept.
    ('"Échec de la tâche avec l’erreur \\"Délai dépassé\\"', 'Échec de la tâche avec l’erreur "Délai dépassé"'),
    ('Fehler \\"Zeitüberschreitung\\" beim Export"', 'Fehler "Zeitüberschreitung" beim Export'),
    ("「エクスポートが\\\"タイムアウト\\」で失敗する」", "「エクスポートが\"タイムアウト」で失敗する」"),
    # Quotes that pair up, and backslashes before anything else, are the title's own.
    ('"Timeout" shown when exporting', '"Timeout" shown when exporting'),
    ('Path C:\\exports\\daily is refused', 'Path C:\\exports\\daily is refused'),
    ("Share \\\\\\\\server\\\\exports is refused", "Share \\\\\\\\server\\\\exports is refused"),
])
def test_a_titles_escaped_and_unmatched_quotes_are_tidied_with_a_warning(title, shown):
    fields = map_fields({"title": title, "description": 'Erreur \\"Délai dépassé\\" à l’export.'}, "")
    assert fields.title == shown
    assert fields.description == 'Erreur "Délai dépassé" à l’export.'
    warned = " ".join(str(w) for w in fields.warnings)
    assert "'description'" in warned
    assert ("'title'" in warned) == (title != shown)


@pytest.mark.parametrize("title, shown", [
    # Marks a translation tool wrapped the whole title in, with quotes of its own inside.
    ("「エクスポートが「タイムアウト」で失敗する」", "エクスポートが「タイムアウト」で失敗する"),
    ("“导出任务因超时而失败”", "导出任务因超时而失败"),
    ('"Erreur de flux : "Délai dépassé" à l’export"', 'Erreur de flux : "Délai dépassé" à l’export'),
    # Two quotes side by side, a quote that ends before the title does, an unbalanced inside: kept.
    ("「エクスポート」と「インポート」が失敗する", "「エクスポート」と「インポート」が失敗する"),
    ('"Timeout" or "Denied" shown', '"Timeout" or "Denied" shown'),
    ("「パイプラインエラー：「プロパティがありません」", "「パイプラインエラー：「プロパティがありません」"),
    ("「」", "「」"),
])
def test_marks_wrapping_a_whole_title_are_removed_with_a_warning(title, shown):
    fields = map_fields({"title": title}, "")
    assert fields.title == shown
    warned = " ".join(str(w) for w in fields.warnings)
    assert ("around the whole of it" in warned) == (title != shown)


@pytest.mark.parametrize("title, shown", [
    ('"Total" affiché à zéro dans le rapport"', '"Total" affiché à zéro dans le rapport'),
    ('"Erreur 400 pour le flux "Export quotidien"', 'Erreur 400 pour le flux "Export quotidien"'),
    ('"Erreur "Accès refusé"lors de l’envoi "Test"-Lot', 'Erreur "Accès refusé"lors de l’envoi "Test"-Lot'),
    ('Le champ "Nom" et "Prénom" sont vides', 'Le champ "Nom" et "Prénom" sont vides'),
    ('Taille 5" non "reconnue" en entrée', 'Taille 5" non "reconnue" en entrée'),
    # An inch mark, a lone escaped quote and a title that is a quote are the title's own.
    ('Layout broken on a 27"', 'Layout broken on a 27"'),
    ('Use \\" inside JSON strings', 'Use \\" inside JSON strings'),
    ('Path "C:\\Program Files\\" is refused', 'Path "C:\\Program Files\\" is refused'),
    ('"', '"'),
])
def test_the_unmatched_quote_removed_is_the_one_that_pairs_with_none(title, shown):
    fields = map_fields({"title": title}, "")
    assert fields.title == shown
    assert bool(fields.warnings) == (title != shown)
