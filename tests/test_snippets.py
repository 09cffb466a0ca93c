"""Documentation snippets (``articles.importing.snippets``): which lines name one, what a
snippet holds, where its text goes, and what is never read."""
import os
import time

import pytest

from articles.importing import snippets


def repo(tmp_path, text, encoding="utf-8"):
    (tmp_path / "help" / "_includes").mkdir(parents=True)
    (tmp_path / "help" / "_includes" / "snippets.md").write_text(text, encoding=encoding)
    return tmp_path / "help" / "page.md"


def test_a_snippet_runs_to_the_next_heading_of_its_level_and_holds_those_nested_in_it():
    found = snippets.parse("# All\n\n## Live {#live}\n\nCareful.\n\n### Why {#why}\n\nAt once.\n\n"
                           "```md\n## Not a heading {#code}\n```\n\n## Next {#next}\n\nOther.\n")
    assert found["why"] == "At once.\n\n```md\n## Not a heading {#code}\n```"
    assert found["live"] == "Careful.\n\n### Why {#why}\n\nAt once.\n\n```md\n## Not a heading {#code}\n```"
    assert found["next"] == "Other." and "code" not in found


def test_the_text_goes_at_the_markers_column_in_a_step_and_in_a_quote(tmp_path):
    page = repo(tmp_path, "## Two {#two}\n\nFirst line.\n\nSecond line.\n")
    body = "1. {{two}}\n\n   {{two}}\n\n>{{two}}\n"
    assert snippets.expand(body, page, tmp_path) == (
        "1. First line.\n\n   Second line.\n\n   First line.\n\n   Second line.\n\n>First line.\n>\n>Second line.\n")


def test_markers_inside_fenced_code_stay_whatever_the_fence(tmp_path):
    page = repo(tmp_path, "## A {#a}\n\nText.\n")
    body = "```\n```text\n{{a}}\n```\n\n1. ````\n   {{a}}\n   ````\n\n{{a}}\n"
    assert snippets.expand(body, page, tmp_path) == "```\n```text\n{{a}}\n```\n\n1. ````\n   {{a}}\n   ````\n\nText.\n"


def test_a_file_with_a_byte_order_mark_keeps_its_first_snippet(tmp_path):
    page = repo(tmp_path, "## First {#first}\n\nHello.\n", encoding="utf-8-sig")
    assert snippets.expand("{{first}}\n", page, tmp_path) == "Hello.\n"


def test_a_snippets_file_linked_from_outside_the_imported_folder_is_not_read(tmp_path):
    outside = tmp_path / "private.md"
    outside.write_text("## Secret {#secret}\n\nNot for readers.\n", encoding="utf-8")
    root = tmp_path / "repo"
    (root / "help" / "_includes").mkdir(parents=True)
    try:
        os.symlink(outside, root / "help" / "_includes" / "snippets.md")
    except OSError:
        pytest.skip("this file system has no symbolic links")
    assert snippets.expand("{{secret}}\n", root / "help" / "page.md", root) == "{{secret}}\n"


def test_indentation_counts_against_the_budget(tmp_path):
    page = repo(tmp_path, "## Tall {#tall}\n\n" + "a\n" * 50_000)
    body = (" " * 60 + "{{tall}}\n") * 20  # 3 MB of indentation if every copy went in
    started = time.monotonic()
    expanded = snippets.expand(body, page, tmp_path)
    assert len(expanded) <= snippets.MAX_ADDED_CHARS + len(body) and time.monotonic() - started < 5
    assert (" " * 500 + "{{tall}}") == snippets.expand(" " * 500 + "{{tall}}", page, tmp_path)  # too far in


def test_a_file_included_under_many_names_is_read_once_and_the_budget_is_checked_before_reading(tmp_path, monkeypatch):
    """``a1/../_includes/big.md``, ``a2/../_includes/big.md``… are one file: read once, and past
    the budget no file is read at all (4,000 such lines once took 4 GB of memory)."""
    page = repo(tmp_path, "## A {#a}\n\nText.\n")
    (tmp_path / "help" / "_includes" / "big.md").write_text("x" * 900_000 + "\n", encoding="utf-8")
    reads = []
    head = snippets._head
    monkeypatch.setattr(snippets, "_head", lambda path, limit: reads.append(path) or head(path, limit))
    body = "".join(f"{{{{$include a{i}/../_includes/big.md}}}}\n" for i in range(4000))
    expanded = snippets.expand(body, page, tmp_path)
    assert expanded.count("x" * 900_000) == 2  # the budget (2 MB) holds two copies
    assert len(reads) == 1


def test_an_include_that_is_not_text_is_left_as_written(tmp_path):
    """What a page of its own would be refused for (a NUL, bytes that are not UTF-8) does not get
    into a page through an include or a snippet: the marker stays, for the editor to see."""
    page = repo(tmp_path, "## Bin {#bin}\n\nA\x00B\n")
    includes = tmp_path / "help" / "_includes"
    (includes / "nul.md").write_bytes(b"Before\x00after\n")
    (includes / "latin1.md").write_bytes("Caf\u00e9\n".encode("latin-1"))
    (includes / "fine.md").write_text("Caf\u00e9\n", encoding="utf-8")
    body = "{{bin}}\n\n{{$include _includes/nul.md}}\n\n{{$include _includes/latin1.md}}\n\n{{$include _includes/fine.md}}\n"
    assert snippets.expand(body, page, tmp_path) == (
        "{{bin}}\n\n{{$include _includes/nul.md}}\n\n{{$include _includes/latin1.md}}\n\nCaf\u00e9\n")


def test_a_loop_of_symbolic_links_is_not_followed(tmp_path):
    page = repo(tmp_path, "## A {#a}\n\nText.\n")
    includes = tmp_path / "help" / "_includes"
    try:
        os.symlink(includes / "loop2.md", includes / "loop1.md")
        os.symlink(includes / "loop1.md", includes / "loop2.md")
    except OSError:
        pytest.skip("this file system has no symbolic links")
    assert snippets.expand("{{$include _includes/loop1.md}}\n", page, tmp_path) == "{{$include _includes/loop1.md}}\n"
