from hypothesis import given, settings as hypothesis_settings, strategies as st
import pytest

from articles.importing.errors import SourceError
from articles.importing.frontmatter import MAX_DEPTH, dump_document, parse_document


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


# Properties (hypothesis): any front matter kb can store survives a dump and a parse, and no
# text makes the parser fail otherwise than with a SourceError.

# Text front matter may hold: no NUL, lone surrogate or non-character (articles.textgate).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cn"), blacklist_characters="\x00"), max_size=40)
SCALARS = st.none() | st.booleans() | st.integers() | TEXT | st.floats(allow_nan=False)
VALUES = st.recursive(SCALARS, lambda children: st.lists(children, max_size=4)
                      | st.dictionaries(TEXT, children, max_size=4), max_leaves=20)
BODIES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=200)


@hypothesis_settings(max_examples=200, deadline=None)
@given(front=st.dictionaries(TEXT, VALUES, max_size=6), body=BODIES)
def test_parse_of_dump_gives_back_front_matter_and_body(front, body):
    document = parse_document(dump_document(front, body))
    assert document.front_matter == front and document.body == body


YAMLISH = st.lists(st.sampled_from(list("[]{}&*!|>-:?,'\"#%@` \n\tab0") + ["&a ", "*a", "- ", ": "]),
                   max_size=150).map("".join)


@hypothesis_settings(max_examples=300, deadline=None)
@given(yaml_text=YAMLISH | st.text(max_size=200))
def test_any_front_matter_text_parses_or_fails_with_a_source_error(yaml_text):
    try:
        parse_document(f"---\n{yaml_text}\n---\nbody\n")
    except SourceError:
        pass


def test_nesting_at_the_limit_is_accepted_and_one_deeper_refused():
    ok = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert parse_document(f"---\n{ok}---\nb\n").front_matter["x"]
    with pytest.raises(SourceError, match="nested deeper"):
        parse_document("---\nx: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n---\nb\n")
