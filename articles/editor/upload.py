"""Upload or paste front-matter markdown files: the importer's rules, validation and report
(``importing.import_paths``), shown as a table."""
import os
from pathlib import Path
import re
import tempfile
from urllib.parse import unquote

from django.shortcuts import render

from ..editing.permissions import require_publish
from ..importing import import_paths
from ..importing.sources import IMAGE_SUFFIXES
from ..search import get_backend, sync
from .forms import UploadForm
from .shortcuts import editor_page

SAFE_NAME_RE = re.compile(r"[^\w.\-]+")
MAX_PLACED = 200  # image references an upload's files may have filled (each is read at import)
# A relative address ending in a file name, as an image reference writes it: ](shot.png),
# ](assets/shot.png "title"), src="./shot.png".
IMAGE_REFERENCE_RE = re.compile(r"""(?:\]\(\s*<?|src\s*=\s*["']?)((?:\.{1,2}/)*[\w%.\-/]{1,400})""")


@editor_page
def upload(request, lang):
    """Files (and/or a pasted file) imported as ``import_articles`` imports them, language by
    front matter or detection; the images uploaded with them (``IMAGE_SUFFIXES``) are the
    images they reference by that file name. Template ``editor/upload.html``; context ``form``,
    ``report`` (``ImportReport`` with paths shown as the uploaded names; its reasons and
    warnings are lazy text, worded in the page's language when the template shows them) and
    ``unused``, the names of images no uploaded file references. Publishers only: an import
    publishes what it reads, as ``import_articles`` does, so it would skip review."""
    require_publish(request.user)
    form, report, unused = UploadForm(request.POST or None, request.FILES or None), None, []
    if request.method == "POST" and form.is_valid():
        with tempfile.TemporaryDirectory(prefix="kb-upload-") as folder:
            names, unused = _write_files(Path(folder), form.cleaned_data["files"], form.cleaned_data["pasted"])
            folders = {str(Path(path).parent): name for path, name in names.items()}
            report = import_paths(list(folders), use_path_rule=False, user=request.user, shown=names | folders)
        # A request never builds the index; when there is one, saved files become searchable now.
        if get_backend().position() is not None:
            sync.bring_up_to_date()
    return render(request, "editor/upload.html", {"form": form, "report": report, "unused": unused})


def _write_files(folder, files, pasted):
    """Each upload under its own name in a folder of its own (``a b.md`` → ``001/a_b.md``: two
    files with one name both arrive, and a file without a number in its front matter is named
    by its own name, as on the command line); each image beside every file that references
    it by its name, at the place the reference says (``shot.png``, ``assets/shot.png``).
    Returns ``({written path: name shown}, [names of images no file references])``."""
    names, images = {}, {}
    items = [(f.name, f.read()) for f in files]
    if pasted.strip():
        items.append(("pasted.md", pasted.encode("utf-8")))
    for position, (name, data) in enumerate(items, 1):
        shown = Path(name).name or "file.md"
        if Path(shown).suffix.lower() in IMAGE_SUFFIXES:
            images.setdefault(shown, data)
            continue
        if not shown.lower().endswith((".md", ".markdown")):
            shown += ".md"
        path = folder / f"{position:03d}" / SAFE_NAME_RE.sub("_", shown)
        path.parent.mkdir()
        path.write_bytes(data)
        names[str(path)] = shown
    stored = folder / "images"  # each image once; placed as links to it, never as copies
    stored.mkdir()
    for number, (name, data) in enumerate(images.items()):
        images[name] = stored / f"{number:03d}{Path(name).suffix.lower()}"
        images[name].write_bytes(data)
    used, room = set(), [MAX_PLACED]
    for path in names:
        used.update(_place_images(Path(path), images, room))
    return names, sorted(set(images) - used)


def _place_images(path, images, room):
    """Link each of ``images`` (``{file name: stored path}``) that the file at ``path``
    references where the reference leads, when that is inside the file's folder, while
    ``room[0]`` (places left in this upload) lasts; the names placed."""
    text = path.read_bytes().decode("utf-8", "replace")
    home, placed = path.parent.resolve(), set()
    for match in IMAGE_REFERENCE_RE.finditer(text):
        reference = unquote(match.group(1))
        name = reference.rsplit("/", 1)[-1]
        if name not in images or "\\" in reference:
            continue
        try:
            target = (home / reference).resolve()
            if target == home or not target.is_relative_to(home):
                continue
            if target.exists():
                if target.is_file():
                    placed.add(name)
                continue
            if room[0] <= 0:
                break
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(images[name], target)
            room[0] -= 1
        except (OSError, ValueError):  # a folder where it would go, a name too long, a NUL: left missing
            continue
        placed.add(name)
    return placed
