"""How the triage page shows a paste: pure functions of the paste and the results.

``paste_rows(paste, explained, context=2, whole=200)`` → ``[Row]``: every line of a paste of at
most ``whole`` lines, else the explained lines with ``context`` lines around them and a gap row
(``number`` None) where lines are left out; at most ``MAX_ROWS`` rows, each line cut at
``MAX_LINE_CHARS``. ``line_ranges([3, 4, 5, 9]) == "3–5, 9"``.
"""
from typing import NamedTuple

MAX_ROWS = 600
MAX_LINE_CHARS = 500


class Row(NamedTuple):
    number: int | None  # 1-based; None for a gap
    text: str
    explained: bool


def paste_rows(paste, explained, context=2, whole=200):
    count = len(paste.lines)
    if count <= whole:
        shown = range(1, count + 1)
    else:
        wanted = {n for e in explained for n in range(max(1, e - context), min(count, e + context) + 1)}
        shown = sorted(wanted)
    rows, previous = [], 0
    for number in shown:
        if len(rows) >= MAX_ROWS:
            break
        if number != previous + 1:
            rows.append(Row(None, "", False))
        rows.append(Row(number, paste.lines[number - 1][:MAX_LINE_CHARS], number in explained))
        previous = number
    if shown and previous < count:
        rows.append(Row(None, "", False))
    return rows


def line_ranges(numbers, limit=12):
    """Line numbers as ranges: ``[3, 4, 5, 9] → "3–5, 9"`` (at most ``limit`` ranges, then "…")."""
    ranges = []
    for n in sorted(numbers):
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1][1] = n
        else:
            ranges.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in ranges[:limit])
    return text + (", …" if len(ranges) > limit else "")
