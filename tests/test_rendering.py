from html.parser import HTMLParser
import json
from pathlib import Path
import re

from hypothesis import given, settings as hypothesis_settings, strategies as st
import pytest

from articles.rendering import MarkdownTooComplex, plain_text, render_markdown
from articles.rendering.sanitize import ATTRIBUTES, TAGS, sanitize_html
from articles.rendering.sections import classify_label, split_sections

DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "rendering_cases.json").read_text(encoding="utf-8"))
XSS = json.loads((DATA / "xss_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_rendering_case(case):
    rendered = render_markdown(case["source"], language=case.get("language", "en"))
    for expected in case.get("contains", []):
        assert expected in rendered.html
    for unexpected in case.get("absent", []):
        assert unexpected not in rendered.html
    if "contains_any" in case:
        assert any(expected in rendered.html for expected in case["contains_any"])
    assert rendered.missing == case.get("missing", [])


DANGER_RE = re.compile(r"<script|<iframe|<object|<embed|<style|<form|\son\w+\s*=|javascript:|style=|data:text",
                       re.IGNORECASE)


@pytest.mark.parametrize("source", XSS)
def test_no_active_content_survives(source):
    html = render_markdown(source).html
    assert not DANGER_RE.search(html), html


def test_resolved_images_point_at_media():
    rendered = render_markdown("![a](assets/x.png)", resolve_image={"assets/x.png": "/media/articles/ab.png"}.get)
    assert '<img alt="a" loading="lazy" src="/media/articles/ab.png">' in rendered.html or \
        'src="/media/articles/ab.png"' in rendered.html
    assert rendered.missing == []


def test_table_of_contents_lists_headings():
    assert render_markdown("# T\n\n## Cause {#cause}\n").toc == [(1, "t", "T"), (2, "cause", "Cause")]


@pytest.mark.parametrize("label, kind", [
    ("<b>Environment</b>", "environment"), ("Umgebungen", "environment"), ("<b>환경 </b>", "environment"),
    ("Issue/Symptoms", "symptoms"), ("Issues/Symptoms", "symptoms"), ("Issue", "symptoms"),
    ("Problème/Symptôme(s)", "symptoms"), ("<b>問題／症状</b>", "symptoms"), ("문제/증상", "symptoms"),
    ("问题/症状", "symptoms"), ("Problema/Síntomas", "symptoms"), ("<b>Probleme/Symptome</b>", "symptoms"),
    ("<b>Steps to reproduce:</b>", "steps"), ("<b>Procédure à suivre :</b>", "steps"), ("<b>재현 단계:</b>", "steps"),
    ("<b>再現手順：</b>", "steps"), ("Cause", "cause"), ("Root Cause", "cause"), ("根本原因", "cause"), ("원인", "cause"),
    ("Resolution", "resolution"), ("Résolution", "resolution"), ("해결 방법", "resolution"), ("解決策", "resolution"),
    ("解决方法", "resolution"), ("Auflösung", "resolution"), ("Steps to Resolve/Workaround", "resolution"),
    ("Related Reading", None), ("Description", None), ("Pipeline triggers", None),
])
def test_kcs_labels_in_every_language(label, kind):
    assert classify_label(label) == kind


KCS_BODY = """# Title

## Description {#description}

### <b>Environment</b>

Campaign v7

### <b>Issue/Symptoms</b>

Triggers are not processed.

```
### not a heading
```

### <b>Steps to reproduce:</b>

1. Open the log.

## Resolution {#resolution}

<b>Steps to resolve:</b>
1. Re-encode the key.

<b>Cause</b>
The key was not integrated.

### Related reading

Links.
"""


def test_kcs_sections_are_split_by_headings_and_bold_labels():
    sections = split_sections(KCS_BODY)
    assert sections["environment"] == "Campaign v7"
    assert "Triggers are not processed." in sections["symptoms"] and "### not a heading" in sections["symptoms"]
    assert sections["steps"] == "1. Open the log."
    assert "Re-encode the key." in sections["resolution"] and "integrated" not in sections["resolution"]
    assert sections["cause"] == "The key was not integrated."


def test_a_docs_page_has_no_kcs_sections():
    assert split_sections("# Pipeline\n\n## Prerequisites\n\nText.") == {}


def test_plain_text_keeps_codes_and_drops_markup():
    text = plain_text("## Fix {#fix}\n\nClick [!UICONTROL Save] then [docs](https://x.example).\n\n"
                      "```\nXSV-350176 Invalid key\n```\n<b>Cause</b> &amp; more ![img](a.png)")
    assert text == "Fix Click Save then docs. XSV-350176 Invalid key Cause & more"


# Properties (hypothesis): whatever the text, rendering returns sanitized HTML (or, for a
# body nested past the recursion limit, MarkdownTooComplex) and never another error.
class _Elements(HTMLParser):
    """Every (tag, attributes) of an HTML text, to check it against the allow-list."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

MARKDOWNISH = st.lists(st.sampled_from(
    list("[]()!#*_`<>{}:.-+|=\"'/&; \n\tab1") + ["[!UICONTROL ", "[!NOTE]", ">", "+++", "```", "{#id}",
                                                 "<script>", "javascript:", "onerror=", "](", "\n\n", "    "]),
    max_size=120).map("".join)


@hypothesis_settings(max_examples=300, deadline=None)
@given(source=MARKDOWNISH | st.text(max_size=300))
def test_rendering_any_text_gives_sanitized_html(source):
    try:
        rendered = render_markdown(source, resolve_image=lambda reference: None)
    except MarkdownTooComplex:
        return
    assert sanitize_html(rendered.html) == rendered.html
    for tag, attributes in _Elements(rendered.html).found:
        assert tag in TAGS, rendered.html
        for name, value in attributes:
            added = {"rel"} if tag == "a" else set()  # nh3 adds rel="noopener noreferrer"
            assert name in ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set()) | added, rendered.html
            assert not (value or "").strip().lower().startswith(("javascript:", "data:text")), rendered.html
    plain_text(source)
    split_sections(source)


def test_plain_text_drops_collapsible_markers_whole():
    """``+++Title`` opens a collapsible and a lone ``+++`` closes it: neither leaves "++" in a
    search snippet."""
    text = plain_text("Intro.\n\n+++Why does it fail?\n\nThe chain is old.\n\n+++\n\n<b>Cause</b>\n")
    assert text == "Intro. Why does it fail? The chain is old. Cause"


def test_plain_text_drops_the_attribute_lists_a_reader_never_sees():
    """Search snippets and the index hold no ``{zoomable="yes"}`` after an image, no
    ``{target=_blank}`` after a bracket, no table style on a line of its own; braces in running
    text or code stay (``{name}``, ``${workflow.id}``, ``{a=1}`` after a word)."""
    text = plain_text('Click ![Setting](assets/s.png){zoomable="yes" width="300"} then (GDPR){target=_blank} '
                      'and ![i](a.png) {width="20"} here.\n\n| a | b |\n{style="table-layout:auto"}\n\n'
                      "Use {name}, ${workflow.id} and x {a=1}.\n\n```\n[worker-1] {requestId=abc123 userId=42}\n"
                      "{errorCode=ACS-1234}\n```\n\nSet the (GDPR) {region=eu} option. ![a](b) {Figure 1}\n")
    assert text == ("Click then (GDPR) and here. a b Use {name}, ${workflow.id} and x {a=1}. "
                    "[worker-1] {requestId=abc123 userId=42} {errorCode=ACS-1234} Set the (GDPR) {region=eu} option. "
                    "{Figure 1}")


def test_plain_text_drops_thematic_breaks_and_heading_underlines():
    text = plain_text("Intro.\n\n---\n\nDetails\n=======\n\n* * *\n\n- item -- with dashes\n\n___\n")
    assert text == "Intro. Details item -- with dashes"


# Emphasis and code marks in search text: every ``*``, backtick and ``|`` goes; underscores go
# only in pairs that Markdown reads as emphasis, and nothing else of the text changes.
@hypothesis_settings(max_examples=400, deadline=None)
@given(st.text(alphabet="a_*`| é1\n日", max_size=40))
def test_emphasis_marks_go_and_only_they_do(source):
    from articles.rendering.text import REPLACEMENTS

    out = source
    for needle, pattern, replacement in REPLACEMENTS[-2:]:
        out = pattern.sub(replacement, out)
    assert not set("*`|") & set(out)
    assert re.sub(r"[_ ]", "", out) == re.sub(r"[_*`| ]", "", source)
    # An underscore between two letters or digits is part of a name: it stays.
    intraword = r"(?<=[^\W_])_(?=[^\W_])"
    assert len(re.findall(intraword, out)) == len(re.findall(intraword, source))


def test_plain_text_keeps_names_and_drops_their_emphasis():
    text = plain_text("Set __aem_program_id__ and `dam_asset` to *on*; ___x___ stays x; a | b\n")
    assert text == "Set aem_program_id and dam_asset to on ; x stays x; a b"
    # A name that starts or ends with an underscore keeps it: code is no emphasis, and one
    # underscore alone opens none.
    text = plain_text("* `_setAccount`\n* `__init__`\n\nOpen /content/site/_jcr_content.html\n\n"
                      "Pass adobe_id_ or _charset_.")
    assert text == "_setAccount __init__ Open /content/site/_jcr_content.html Pass adobe_id_ or charset."


def test_a_marker_nested_in_another_leaves_its_text_in_titles_and_search():
    from articles.rendering.text import inline_text

    assert inline_text("View the [!UICONTROL [!DNL Jira] Activity Log]") == "View the Jira Activity Log"
    assert plain_text("Open [!UICONTROL Posted from [!DNL Slack]] now.") == "Open Posted from Slack now."


def test_a_badges_attribute_list_is_neither_shown_nor_searched():
    from articles.rendering.text import inline_text

    source = 'Sharing [!BADGE Beta]{type=Informative tooltip="Since May"} is new'
    assert plain_text(source) == inline_text(source) == "Sharing Beta is new"
    nested = 'A [!BADGE [!DNL Target] only]{type=Positive tooltip="Soon"} step'
    assert plain_text(nested) == inline_text(nested) == "A Target only step"
    assert "Informative" not in render_markdown(source).html.replace('badge-informative', '')


def test_heading_ids_are_made_as_experience_league_makes_them():
    html = render_markdown("## Step 2 - Modify the map\n\n## Créer un segment\n\n[Go](#step-2---modify-the-map)\n").html
    assert '<h2 id="step-2---modify-the-map">' in html and '<h2 id="creer-un-segment">' in html


def _visible_text(html):
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize("source, kept", [
    # Two links opening a new tab, with emphasis and strong text between them: both keep their
    # target, and no letter of the second attribute list or of the words after it is lost.
    ("Read [Setup](https://example.com/a){target=_blank} in the *Admin Guide*. **Tip**: read "
     "[Logs](https://example.com/b){target=_blank} in the *Admin Guide* too.",
     "Read Setup in the Admin Guide. Tip: read Logs in the Admin Guide too."),
    ("x _sample *one* **two** y _sample *three four*", "x _sample one two y _sample three four"),
    # An unpaired run of asterisks in running CJK text: every character after it stays.
    ("Set *cache UI**/var under the cache.*Cache folder is here.", "Cache folder is here."),
    ("설정 *캐시 UI**/var 아래 항목을 지웁니다.*캐시 폴더에 있습니다.", "캐시 폴더에 있습니다."),
    ("**A**  **B** = .04******C****D** = *IF* Cost_Index <> 0 *THEN* x = y/Cost_Index", "IF Cost_Index <> 0 THEN"),
])
def test_emphasis_around_underscores_and_stray_asterisks_loses_no_text(source, kept):
    html = render_markdown(source).html
    text = _visible_text(html).replace("&lt;", "<").replace("&gt;", ">")
    assert kept in text
    assert "{target" not in html
    if "](" in source:
        assert html.count('target="_blank"') == 2


def test_a_site_absolute_image_the_site_does_not_have_is_missing_not_a_broken_image():
    source = ("![Found](/help/assets/found.png) ![Banner](/assets/banner.png) ![Upload](/media/uploads/shot.png)\n\n"
              '<p><img src="/assets/raw-banner.png" alt="Raw"></p>\n')
    rendered = render_markdown(source, resolve_image={"/help/assets/found.png": "/media/abc/found.png"}.get)
    assert 'src="/media/abc/found.png"' in rendered.html
    assert "Image not available: banner.png" in rendered.html and "Image not available: raw-banner.png" in rendered.html
    assert 'src="/media/uploads/shot.png"' in rendered.html  # one of this site's files: left as written
    assert sorted(rendered.missing) == ["/assets/banner.png", "/assets/raw-banner.png"]
    # A preview (no resolver) shows what the saved page will: the same placeholders.
    preview = render_markdown(source)
    assert sorted(preview.missing) == ["/assets/banner.png", "/assets/raw-banner.png", "/help/assets/found.png"]
    assert 'src="/media/uploads/shot.png"' in preview.html


@pytest.mark.parametrize("title, shown", [
    ("+++## Why is it slow?", "Why is it slow?"), ("+++### Closed marks ###", "Closed marks"),
    ("+++# C# tips", "C# tips"), ("+++#hashtag", "#hashtag"), ("+++##   Spaced  \t", "Spaced"),
])
def test_a_collapsible_titled_as_a_heading_shows_its_text(title, shown):
    assert f"<summary>{shown}</summary>" in render_markdown(f"{title}\n\nBody.\n\n+++\n").html


def test_a_collapsible_title_of_many_spaces_renders_in_linear_time():
    import time

    started = time.perf_counter()
    render_markdown("+++## a" + " " * 30000 + "b\nx\n+++\n")
    assert time.perf_counter() - started < 1.0
