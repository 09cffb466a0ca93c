"""Upload or paste front-matter markdown files: the importer's rules, validation and report
(``importing.import_paths``), shown as a table."""
from pathlib import Path
import re
import tempfile

from django.shortcuts import render

from ..editing.permissions import require_publish
from ..importing import import_paths
from ..search import get_backend, sync
from .forms import UploadForm
from .shortcuts import editor_page

SAFE_NAME_RE = re.compile(r"[^\w.\-]+")


@editor_page
def upload(request, lang):
    """Files (and/or a pasted file) imported as ``import_articles`` imports them, language by
    front matter or detection. Template ``editor/upload.html``; context ``form``, ``report``
    (``ImportReport`` with paths shown as the uploaded names; its reasons and warnings are lazy
    text, worded in the page's language when the template shows them). Publishers only: an
    import publishes what it reads, as ``import_articles`` does, so it would skip review."""
    require_publish(request.user)
    form, report = UploadForm(request.POST or None, request.FILES or None), None
    if request.method == "POST" and form.is_valid():
        with tempfile.TemporaryDirectory(prefix="kb-upload-") as folder:
            names = _write_files(Path(folder), form.cleaned_data["files"], form.cleaned_data["pasted"])
            folders = {str(Path(path).parent): name for path, name in names.items()}
            report = import_paths(list(folders), use_path_rule=False, user=request.user, shown=names | folders)
        # A request never builds the index; when there is one, saved files become searchable now.
        if get_backend().position() is not None:
            sync.bring_up_to_date()
    return render(request, "editor/upload.html", {"form": form, "report": report})


def _write_files(folder, files, pasted):
    """Each upload under its own name in a folder of its own (``a b.md`` → ``001/a_b.md``: two
    files with one name both arrive, and a file without a number in its front matter is named
    by its own name, as on the command line); returns ``{written path: name shown}``."""
    names = {}
    items = [(f.name, f.read()) for f in files]
    if pasted.strip():
        items.append(("pasted.md", pasted.encode("utf-8")))
    for position, (name, data) in enumerate(items, 1):
        shown = Path(name).name or "file.md"
        if not shown.lower().endswith((".md", ".markdown")):
            shown += ".md"
        path = folder / f"{position:03d}" / SAFE_NAME_RE.sub("_", shown)
        path.parent.mkdir()
        path.write_bytes(data)
        names[str(path)] = shown
    return names
