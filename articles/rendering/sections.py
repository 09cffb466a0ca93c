"""KCS sections of an article body, recognised in every language of the corpus.

``split_sections(markdown)`` returns a dict of the kinds found, each the markdown of its
section(s) joined by blank lines::

    {"environment": "...", "symptoms": "...", "steps": "...", "cause": "...", "resolution": "..."}

A section starts at a heading (``### Issue/Symptoms``, ``### <b>문제/증상</b>``,
``## Resolution {#resolution}``) or a bold label alone on its line (``<b>Cause</b>``,
``**Steps to resolve:**``) whose label is one of ``LABELS``, and runs until the next heading of
the same or a higher level, or the next recognised label. Headings inside fenced code are
ignored. A document with no recognised label is not a KCS article: the result is ``{}``.
"""
import re

KINDS = ("environment", "symptoms", "steps", "cause", "resolution")

# Normalised labels (see _normalize) that open each kind; a label matches when it equals one
# of these or starts with one followed by a space or "/". Checked in this order, so
# "steps to reproduce" is "steps" before "steps to resolve" is "resolution".
LABELS = {
    "steps": [
        "steps to reproduce", "étapes à reproduire", "étapes pour reproduire", "procédure à suivre",
        "schritte zur reproduktion", "zu reproduzierende schritte", "schritte zum reproduzieren",
        "pasos a seguir", "pasos para reproducir", "pasos a reproducir", "재현 단계", "재현 절차",
        "再現手順", "再現する手順", "重现问题的步骤", "重现步骤", "复现步骤",
    ],
    "environment": [
        "environment", "environments", "environnement", "environnements", "umgebung", "umgebungen",
        "entorno", "entornos", "환경", "環境", "环境",
    ],
    "symptoms": [
        "issue", "issues", "issue/symptoms", "issues/symptoms", "issue/symptom", "symptoms",
        "problème", "problèmes", "probleme", "problem", "probleme/symptome", "problem/symptome",
        "problema", "problemas", "síntomas", "symptome", "symptômes", "문제", "증상", "問題",
        "症状", "问题",
    ],
    "cause": [
        "cause", "root cause", "cause racine", "cause première", "ursache", "grundursache",
        "causa", "causa principal", "causa raíz", "원인", "근본 원인", "原因", "根本原因",
    ],
    "resolution": [
        "resolution", "solution", "steps to resolve", "workaround", "fix", "résolution",
        "étapes à résoudre", "procédure de résolution", "auflösung", "lösung", "schritte zum auflösen",
        "schritte zur lösung", "resolución", "solución", "pasos a resolver", "pasos para resolver",
        "해결 방법", "해결 단계", "해결", "해상도", "솔루션", "解決策", "解決する手順", "解決手順",
        "解決/回避策の手順", "ソリューション", "解决方法", "解决方案", "分辨率", "要解决的步骤",
        "解决/解决方法的步骤", "解决步骤",
    ],
}

FENCE_RE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
# Closing "#"s are stripped in Python: a lazy title racing "[ \t#]*$" is quadratic on long lines.
HEADING_RE = re.compile(r"^[ ]{0,3}(#{1,6})[ \t]++(.*)")
BOLD_LABEL_RE = re.compile(r"^[ \t]*+(?:<b>|<strong>|\*\*)(.{1,60}?)(?:</b>|</strong>|\*\*)[ \t]*+[:：]?[ \t]*+$")
TAG_RE = re.compile(r"<[^<>]*+>|\{[#.:][^{}]*+\}|\*\*|__")
LABEL_LEVEL = 7  # a bold label ranks below every heading


PLURAL_RE = re.compile(r"\((?:s|e|es)\)")  # "Symptom(s)", "Symptom(e)"
# Per kind, in ``LABELS``' order: the labels, and what a label followed by more words starts with.
_KINDS = [(kind, frozenset(labels), tuple(label + joint for label in labels for joint in (" ", "/")))
          for kind, labels in LABELS.items()]


def _normalize(label):
    label = TAG_RE.sub("", label).replace("／", "/").replace("：", ":")
    label = "/".join(part.strip() for part in label.split("/"))  # linear; r"\s*/\s*" is quadratic on spaces
    label = PLURAL_RE.sub("", label)
    return " ".join(label.strip(" \t:.-").split()).casefold()


def classify_label(label):
    """The KCS kind a heading or bold label names (``"Problème/Symptômes"`` → ``"symptoms"``):
    the first kind one of whose labels it is, or starts with before a space or a slash."""
    text = _normalize(label)
    for kind, labels, starts in _KINDS:
        if text in labels or text.startswith(starts):
            return kind
    return None


def _markers(lines):
    """Yield (index, level, kind-or-None) for every heading and recognised label outside code."""
    fence = None
    for index, line in enumerate(lines):
        opened = FENCE_RE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        heading = HEADING_RE.match(line)
        if heading:
            yield index, len(heading.group(1)), classify_label(heading.group(2).rstrip(" \t#"))
            continue
        bold = BOLD_LABEL_RE.match(line)
        if bold:
            kind = classify_label(bold.group(1))
            if kind:
                yield index, LABEL_LEVEL, kind


def _section_ranges(lines):
    """Yield ``(kind, first, end)`` line ranges of the recognised sections."""
    markers = list(_markers(lines))
    for position, (start, level, kind) in enumerate(markers):
        if not kind:
            continue
        end = len(lines)
        for next_start, next_level, next_kind in markers[position + 1:]:
            if next_level <= level or next_kind:
                end = next_start
                break
        yield kind, start + 1, end


def split_sections(markdown):
    """The KCS sections of a markdown body, as described in the module docstring."""
    lines = markdown.split("\n")
    found = {}
    for kind, first, end in _section_ranges(lines):
        text = "\n".join(lines[first:end]).strip("\n")
        if text.strip():
            found.setdefault(kind, []).append(text)
    return {kind: "\n\n".join(found[kind]) for kind in KINDS if kind in found}

