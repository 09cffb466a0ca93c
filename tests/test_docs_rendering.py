"""Documentation constructs, input and whole expected output (``tests/data/docs_rendering``:
``NAME.md`` renders to ``NAME.html``), compared after normalising whitespace between tags."""
from pathlib import Path
import re

import pytest

from articles.rendering import render_markdown

CASES = Path(__file__).parent / "data" / "docs_rendering"


def normal(html):
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.md")))
def test_documentation_construct_renders_as_written(name):
    source = (CASES / f"{name}.md").read_text(encoding="utf-8")
    expected = (CASES / f"{name}.html").read_text(encoding="utf-8")
    assert normal(render_markdown(source).html) == normal(expected)


def test_text_of_a_pre_inside_a_div_holding_markdown_keeps_its_spaces():
    """The comparison above folds spaces between tags; inside a ``<pre>`` they are the text."""
    html = render_markdown((CASES / "html_block_indented_inside_a_div.md").read_text(encoding="utf-8")).html
    assert "\n<div>\n    <div>kept as written</div>\n</div>" in html


def test_html_images_are_resolved_like_markdown_images():
    source = '![a](assets/a.png)\n\n<img alt="b" src="assets/b.png" width="600">\n\n<img src="../../etc/passwd.png">\n'
    known = {"assets/a.png": "/media/x/a.png", "assets/b.png": "/media/x/b.png"}
    rendered = render_markdown(source, resolve_image=known.get)
    assert 'src="/media/x/a.png"' in rendered.html and 'src="/media/x/b.png"' in rendered.html
    assert 'width="600"' in rendered.html and "assets/" not in rendered.html
    assert rendered.missing == ["../../etc/passwd.png"]


def test_comment_lines_are_taken_out_in_linear_time():
    import time

    from articles.rendering.comments import without_comment_lines

    # Every line opens a comment that only the last line closes, with text after it: kept whole.
    hostile = "<!--\n" * 50_000 + "--> and text\n"
    started = time.perf_counter()
    assert without_comment_lines(hostile) == hostile
    assert time.perf_counter() - started < 0.5
    assert without_comment_lines("a\n<!-- x\n<!-- y -->\nb\n") == "a\nb\n"


def test_a_list_indented_as_a_whole_keeps_its_items_together_across_their_content():
    """A list whose markers are indented (3 spaces after a paragraph, or a step list nested under
    a bullet) with paragraphs or code under its items: the next marker at the list's own
    indentation is the next item, numbered on, not a list nested in the item before."""
    from articles.rendering import render_markdown

    top = render_markdown("Intro.\n\n   1. Open the panel.\n\n      Wait for it.\n\n   1. Pick a field.\n\n"
                          "      ```\n      field = 1\n      ```\n\n   1. Save.\n").html
    assert top.count("<ol>") == 1 and top.count("<li>") == 3 and "<li>\n<ol>" not in top.replace("<p>", "")
    nested = render_markdown("* Choose where the file goes:\n\n    1. Into a folder\n\n       Pick the folder.\n\n"
                             "    1. Into a list\n\n       Pick the list.\n").html
    assert nested.count("<ol>") == 1 and nested.count("<li>") == 3, nested
    kept = render_markdown("1. Step\n\n  - a detail indented by two\n\n2. Next\n").html
    assert kept.count("<ol>") == 1 and "<ul>" in kept.split("</li>\n<li>")[0]  # still nested under the step
