"""Whether a translation was made by machine, from its verbatim front matter.

``machine_translated(front_matter)`` is True for ``workflow-type: mt``, and for ``tm+mt`` (a
translation memory filled in by machine) whose ``ht-degree`` (the share a human translated,
``"3%"``) is under ``HUMAN_DEGREE_MIN``, or not given. ``machine_notice(page)`` → a
``MachineNotice`` for an article page showing such a translation of an article whose source is
another language (``url`` empty when the reader may not open the source), else None.
"""
from dataclasses import dataclass
import re

HUMAN_DEGREE_MIN = 50
MACHINE_WORKFLOWS = {"mt", "tm+mt"}
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class MachineNotice:
    source_language: str
    url: str


def machine_translated(front_matter):
    workflow = str((front_matter or {}).get("workflow-type") or "").strip().lower()
    if workflow not in MACHINE_WORKFLOWS:
        return False
    if workflow == "mt":
        return True
    degree = NUMBER_RE.search(str(front_matter.get("ht-degree") or ""))
    return degree is None or float(degree.group()) < HUMAN_DEGREE_MIN


def machine_notice(page):
    translation, source = page.translation, page.article.source_language
    if not source or translation.language == source or not machine_translated(translation.front_matter):
        return None
    link = next((link for link in page.links if link.code == source), None)
    return MachineNotice(source, link.url if link else "")
