import pytest

from articles.importing.errors import SourceError
from articles.importing.frontmatter import dump_document, parse_document


def test_splits_front_matter_and_keeps_body_verbatim():
    doc = parse_document("---\ntitle: T\nkeywords: 'a, b'\n---\n# T\n\nBody  \n")
    assert doc.front_matter == {"title": "T", "keywords": "a, b"}
    assert doc.body == "# T\n\nBody  \n"


def test_dates_stay_text_so_they_survive_json_and_export():
    doc = parse_document("---\nd1: 2023-10-30\nd2: 10/30/2023 7:26:04 PM\n---\nx\n")
    assert doc.front_matter == {"d1": "2023-10-30", "d2": "10/30/2023 7:26:04 PM"}


def test_crlf_files_parse_like_lf_files():
    doc = parse_document("---\r\ntitle: T\r\n---\r\nline\r\n")
    assert doc.front_matter == {"title": "T"} and doc.body == "line\n"


@pytest.mark.parametrize("text, reason, line", [
    ("# no front matter\n", "no front matter", 1),
    ("---\ntitle: T\nbody without end\n", "unterminated", 1),
    ("---\ntitle: T\nkeywords: [a, b\n---\nx\n", "invalid YAML", 4),
    ("---\ntitle: 'unclosed\n---\nx\n", "invalid YAML", None),
    ("---\n- a\n- b\n---\nx\n", "not a mapping", 2),
])
def test_bad_front_matter_names_reason_and_line(text, reason, line):
    with pytest.raises(SourceError) as caught:
        parse_document(text)
    assert reason in str(caught.value)
    if line is not None:
        assert caught.value.line == line


def test_round_trip_of_nested_front_matter():
    front = {"title": "Ü: “quoted” – 한국어", "exl-id": "abc", "list": [{"id": "1", "internal-label": "X"}],
             "date": "2023-10-30", "empty": None, "flag": False, "n": 3}
    body = "# T\n\n```\n---\n```\n"
    doc = parse_document(dump_document(front, body))
    assert doc.front_matter == front and doc.body == body
