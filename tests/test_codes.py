"""What counts as an error code in article text, pasted logs and queries (``search.codes``).

The lines are written for these tests in the shape of Campaign, AEM and Experience Platform logs.
"""
import pytest

from articles.search.codes import extract_error_codes, locate_error_codes, normalize_code


def keys(text, **options):
    return [key for _, key in extract_error_codes(text, **options)]


@pytest.mark.parametrize("line, expected", [
    ("2026-03-02 10:14:07.118Z 4411 4420 1 error log XSV-350176 Private key rejected by the IMS server",
     ["xsv350176"]),
    ("04/02/2026 9:12:44 PMDLV-490037 The delivery could not be prepared", ["dlv490037"]),
    ("Error: ST-360011 An error occurred while calling the service", ["st360011"]),
    ("Caused by: javax.jcr.AccessDeniedException: OakAccess0000: Access denied",
     ["javax.jcr.accessdeniedexception", "accessdeniedexception", "oakaccess0000"]),
    ("[Tue Mar 03 10:00:01 2026] [core:error] AH00534: httpd: no MPM loaded", ["ah00534"]),
    ("java.sql.SQLException: ORA-01722: invalid number", ["java.sql.sqlexception", "sqlexception", "ora01722"]),
    ('{"type": "https://ns.example.test/errors/UPSDK-112004-422", "status": 422}', ["upsdk112004"]),
    ("ALC-DSC-003-000: com.example.dsc.DSCInvocationException: invocation failed",
     ["alc-dsc-003-000", "com.example.dsc.dscinvocationexception", "dscinvocationexception"]),
    ("The fix shipped with NPR-17596 and CAMP-47983.", ["npr17596", "camp47983"]),
    ("Known issue SITES-17355이 해결되었습니다", ["sites17355"]),
    ('{"error_code": "UNEXPECTED-100", "message": "job stopped"}', ["unexpected100"]),
    ("Error code: QZT-4410 while saving", ["qzt4410"]),
    ('"error": "CLIENT_ID_NOT_AUTHORIZED"', ["client_id_not_authorized"]),
    ("Journey failed with ERR_AUTHORING_JOURNEYVERSION_201", ["err_authoring_journeyversion_201"]),
    ("errorCode=PGS-220000 duplicate key", ["pgs220000"]),
], ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None)
def test_codes_read_in_log_lines(line, expected):
    assert keys(line) == expected


@pytest.mark.parametrize("line", [
    "INFO [req q-ab77988] session opened for user 7781",  # a piece of an id
    "DEBUG starting cq-author-4502.jar with -Xmx4g",  # a file name
    "see ticket ABC-1234 for the rollout plan",  # a ticket number in prose
    "TLS handshake: cipher AES-128 then AES-256, digest SHA-256",  # ciphers and hashes
    "negotiated ECDHE-RSA-AES256-GCM-SHA384 with the proxy",
    "image assets/afbc7944-b517-ed11-b83e-002248086a73.png missing",  # hex in a GUID
    "Linked from kbarticles/KA-17452.html in the footer",  # another article, not a code
    "Fixed in CVE-2020-11022 and in the JUNE-2026 release",  # a CVE's year, a heading anchor
    "cookie uuid230 and tmp8215 were set, SHA256 of the file, DV360 export",  # lower-case or glued
    "Define DISP_LOG_LEVEL info and HKEY_LOCAL_MACHINE access",  # configuration names
    "XSV-350 is how the code begins",  # a Campaign family with three digits: a prefix
    "Error: XSV-350 truncated in the mail",  # even where the text calls it an error
    "Workflow WKF1747 started, bundle felix/bundle102 loaded",
])
def test_what_is_not_a_code(line):
    assert keys(line) == []


def test_a_word_glued_to_a_java_package_is_not_part_of_the_exception():
    text = "Session abortedjavax.jcr.RepositoryException: the item is stale"
    assert keys(text) == ["javax.jcr.repositoryexception", "repositoryexception"]
    (offset, display, _), _short = locate_error_codes(text)
    assert display == "javax.jcr.RepositoryException" and text[offset:].startswith("javax.jcr.")


def test_known_accepts_a_code_the_corpus_cites():
    line = "WARN job ZQX-7781 failed twice"
    assert keys(line) == []
    assert [k for _, _, k in locate_error_codes(line, known={"zqx7781"}.__contains__)] == ["zqx7781"]


@pytest.mark.parametrize("typed, key", [
    ("XSV-350176", "xsv350176"), ("xsv 350176", "xsv350176"), ("PMDLV-490037", "dlv490037"),
    ("neo-23240", "neo23240"), ("scm12008", "scm12008"), ("ALC-DSC-003-000", "alc-dsc-003-000"),
])
def test_queries_read_any_spelling(typed, key):
    assert keys(typed, query=True) == [key]
    assert normalize_code(typed) == key


@pytest.mark.parametrize("typed", ["AES-256", "q-ab77988", "XSV-35"])
def test_queries_refuse_never_codes(typed):
    assert keys(typed, query=True) == []


@pytest.mark.django_db
def test_the_migration_reads_stored_codes_again_and_journals_the_changed_translations(tmp_path):
    from importlib import import_module

    from django.apps import apps

    from articles.importing import import_paths
    from articles.models import Translation
    from tests.helpers import write

    write(tmp_path / "en" / "M-1.md", "---\ntitle: Keys\narticle-number: M-1\n---\n# Keys\n\n"
                                       "The proxy uses AES-256; the log shows `XSV-350176`.\n")
    import_paths([tmp_path])
    stored = Translation.objects.get(article__number="M-1")
    Translation.objects.filter(pk=stored.pk).update(error_codes=[["AES-256", "aes256"], ["XSV-350176", "xsv350176"]])
    entries = apps.get_model("search", "JournalEntry").objects
    before = max(entries.values_list("id", flat=True), default=0)
    import_module("articles.migrations.0011_real_error_codes").read_codes_again(apps, None)
    assert Translation.objects.get(pk=stored.pk).error_codes == [["XSV-350176", "xsv350176"]]
    assert list(entries.filter(id__gt=before).values_list("translation_id", flat=True)) == [stored.pk]
