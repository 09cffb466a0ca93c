"""The per-page checks of ``bench/docs_fidelity.py``, on markdown and HTML written for these tests."""
import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "docs_fidelity.py"
_spec = importlib.util.spec_from_file_location("docs_fidelity", BENCH)
fidelity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fidelity)

# One ordered list whose steps hold what documentation indents by 3 spaces: an image, a note,
# fenced code; then a heading and a second list.
STEPS = """\
# Send a proof

1. Open the delivery.

   ![](assets/open.png)

1. Pick the test profiles:

   >[!NOTE]
   >
   >Only test profiles receive proofs.

   ```sql
   select id from profiles;
   ```

1. Click **[!UICONTROL Send]**.

## Check the result

1. Open the log.
"""
ONE_LIST = """<h1 id="send-a-proof">Send a proof</h1>
<ol><li><p>Open the delivery.</p><p><img src="/media/open.png" alt=""></p></li>
<li><p>Pick the test profiles:</p><div class="alert alert-note"><p>Only test profiles receive proofs.</p></div>
<pre><code class="language-sql">select id from profiles;</code></pre></li>
<li><p>Click <strong><span class="uicontrol">Send</span></strong>.</p></li></ol>
<h2 id="check-the-result">Check the result</h2><ol><li>Open the log.</li></ol>"""
# What a renderer that wants 4 spaces makes of it: the list broken at the image, the note and
# code turned into text, the marker left raw.
SPLIT = """<h1 id="send-a-proof">Send a proof</h1>
<ol><li>Open the delivery.</li></ol><p><img src="assets/open.png" alt=""></p>
<ol start="2"><li>Pick the test profiles:</li></ol><p>&gt;[!NOTE]
&gt;Only test profiles receive proofs.</p><p>select id from profiles;</p>
<ol start="3"><li>Click **[!UICONTROL Send]**.</li></ol>
<h2 id="check-the-result">Check the result</h2><ol><li>Open the log.</li></ol>"""


def facts(html):
    return fidelity.read_body(html, container=None)


def test_steps_with_indented_content_are_one_list_and_one_fence():
    assert fidelity.count_ordered_lists(STEPS) == 2
    assert fidelity.count_fences(STEPS) == 1


def test_a_page_rendering_each_list_once_has_no_problem():
    assert fidelity.check_page(STEPS, facts(ONE_LIST)) == {}


def test_a_page_splitting_the_steps_is_reported_with_what_it_lost():
    problems = fidelity.check_page(STEPS, facts(SPLIT))
    assert problems["split lists"] == ["4 <ol> for 2 list(s) in the source"]
    assert problems["lost code"] == ["0 <pre> for 1 fenced block(s)"]
    assert problems["unresolved images"] == ["assets/open.png"]
    assert {kind for kind, _ in problems["raw dialect"]} == {"quote >[!", "alert", "uicontrol", "bold **"}


# (source, ordered lists CommonMark makes outside list items)
LIST_CASES = [
    ("1. a\n2. b\n3. c\n", 1),
    ("1. a\n\n\n2. b\n", 1),  # blank lines do not end a list
    ("1. a\n\n   more text\n\n1. b\n", 1),  # indented to the item's text
    ("1. a\nlazy continuation\n1. b\n", 1),  # a paragraph's lazy line
    ("1. a\n\nNot indented.\n\n1. b\n", 2),  # a non-indented line ends the list
    ("1. a\n\n  two spaces\n\n1. b\n", 2),  # "1. " puts the text at column 3
    ("1.  a\n\n    four\n\n1. b\n", 1),  # two spaces after the marker: column 4
    ("1. a\n1) b\n", 2),  # another delimiter, another list
    ("1. a\n- b\n1. c\n", 2),  # a bullet item of the same level is another list
    ("- a\n   1. nested\n   2. nested\n", 0),  # nested in a list item
    ("1. a\n   1. nested\n2. b\n", 1),
    ("Text\n2. not a list\n", 0),  # only "1." may interrupt a paragraph
    ("Text\n1. a list\n", 1),
    ("# Title\n2. after a heading\n", 1),
    ("> 1. in a quote\n> 2. still\n\n1. outside\n", 2),
    (">[!NOTE]\n>\n>1. step\n>1. step\n", 1),
    ("1. a\n\n   >[!NOTE]\n   >Careful.\n\n1. b\n", 1),  # a note indented into the item
    ("1. a\n\n>[!NOTE]\n>Careful.\n\n1. b\n", 2),  # a note at column 0 ends the list
    ("1. a\n\n   ```\n1. not an item\n   ```\n\n1. b\n", 1),  # a fence's body is skipped
    ("1. a\n\n```\ncode\n```\n\n1. b\n", 2),  # a fence at column 0 ends the list
    ("```\n1. code\n```\n~~~\n1. code\n~~~\n", 0),
    ("<!--\n1. commented out\n-->\n", 0),
    # CommonMark ends the list at a comment block; the renderer takes such comments out first.
    ("1. a\n\n<!-- hidden -->\n\n1. b\n", 1),
    ("    1. indented code\n", 0),
    ("1. a\n\n+++ More\n\n1. b\n\n+++\n", 2),
    ("***\n1. a\n", 1),
    ("<ol><li>raw HTML</li></ol>\n", 1),
    ("Use `<ol>` for lists.\n", 0),
]


@pytest.mark.parametrize("source,expected", LIST_CASES, ids=[case[0][:30] for case in LIST_CASES])
def test_ordered_lists_are_counted_as_commonmark_makes_them(source, expected):
    assert fidelity.count_ordered_lists(source) == expected


FENCE_CASES = [
    ("```\na\n```\n", 1),
    ("~~~~\n```\nstill code\n~~~~\n", 1),  # a shorter fence of the other kind does not close
    ("1. a\n\n      ```xml\n      <x/>\n      ```\n", 1),  # any indentation, in an item
    ("> ```\n> quoted\n> ```\n", 1),
    ("```inline``` is a code span\n", 0),
    ("```\nnever closed\n", 1),
    ("<!--\n```\ncommented\n```\n-->\n", 0),
    ("Text with `` ` `` and ``` three.\n", 0),
]


@pytest.mark.parametrize("source,expected", FENCE_CASES, ids=[case[0][:30] for case in FENCE_CASES])
def test_fenced_blocks_are_counted_at_any_indentation(source, expected):
    assert fidelity.count_fences(source) == expected


def test_body_is_read_from_the_article_body_element_only():
    page = """<nav><ol><li><a href="/en/">Home</a></li></ol></nav>
    <div class="article-layout"><div class="article-body"><div class="alert"><p>[!DNL Campaign]</p></div>
    <ol><li>a<ol><li>nested</li></ol></li></ol><pre><code>[!UICONTROL in code]</code></pre></div>
    <p>{#after-the-body}</p></div>"""
    body = fidelity.read_body(page)
    assert (body.top_level_ols, body.pres, body.hrefs) == (1, 1, [])
    assert fidelity.raw_markers(body.text) == [("dnl", "[!DNL")]
    assert fidelity.read_body("<p>no body</p>") is None


def test_markers_inside_code_are_not_raw_dialect():
    body = facts("<p>Use <code>**[!UICONTROL x]** {#id}</code></p><pre><code>+++\n>[!NOTE]</code></pre>")
    assert fidelity.raw_markers(body.text) == []


@pytest.mark.parametrize("text,expected", [
    ('Heading {#my-id}', [("attribute list", "{#id}")]),
    ('link{target="_blank"} and {width="800" align="center"}',
     [("attribute list", "{target="), ("attribute list", "{width=")]),
    ('{expr: "@id"} and {string}', []),
    ("[!BEGINTABS] [!TAB Email] [!ENDTABS]", [("tabs", "[!BEGINTABS]"), ("tabs", "[!TAB"), ("tabs", "[!ENDTABS]")]),
    ("[!VIDEO](https://video.example/1)", [("video", "[!VIDEO]"), ("markdown link ](", "](")]),
    ("[!CAUTION] [!BADGE PDF]", [("alert", "[!CAUTION]"), ("other [!…]", "[!BADGE")]),
    ("Follow these steps:\n1. Open it.", [("list item as text", "1.")]),
    ("In 2021 there were 3. Then 1. Nothing at a line start.", []),
    ("Start here: {{step-1-to-setup}}", [("snippet {{…}}", "{{step-1-to-setup}}")]),
])
def test_raw_markers_name_kind_and_marker(text, expected):
    assert fidelity.raw_markers(text) == expected


def test_a_list_item_starting_a_table_cell_is_not_a_line_of_text():
    assert fidelity.raw_markers(facts("<table><tr><td>1. First</td></tr></table>").text) == []


def test_links_and_images_are_sorted_by_kind():
    hrefs = ["../send/preview.md#anchor", "start.md", "https://github.com/x/README.md", "/en/articles/KA-1/#step",
             "//cdn.example/x", "#local", "notes.md.html"]
    assert fidelity.md_links(hrefs) == (["../send/preview.md#anchor", "start.md"], ["https://github.com/x/README.md"])
    assert fidelity.internal_links(hrefs) == ["/en/articles/KA-1/"]
    srcs = ["/media/a.png", "/static/kb/x.svg", "https://x/b.png", "data:image/png;base64,AA", "assets/c.png",
            "../d.svg", "/help/assets/e.svg"]
    assert fidelity.unresolved_images(srcs) == ["assets/c.png", "../d.svg", "/help/assets/e.svg"]
