"""The storage of static files in production: WhiteNoise's hashed, compressed names, which a
page that names a file the manifest lacks still renders with.

A file added since ``collectstatic`` last ran (code deployed, ``make setup`` not run again) has
no entry in the manifest; Django's storage then raises from ``static()`` and every page that
links the file answers 500. Such a file, when the project has it (``finders.find``), is linked
by its plain name instead (served once collected) and the missing entry is logged, once per
name and process. A name no finder knows (a typo in a template, or the names WhiteNoise asks
about at start to tell hashed files from others) still raises, and ``collectstatic`` itself
stays strict: a stylesheet naming a missing file still fails it.
"""
import logging
import threading
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    _plain = {}  # name → its plain path, or None when no finder has it (decided once per process)
    _lock = threading.Lock()

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError as error:
            plain = self._plain_name(name, error)
            if plain is None:
                raise
            return plain

    def _plain_name(self, name, error):
        with self._lock:
            if name in self._plain:
                return self._plain[name]
        path = urlsplit(unquote(name)).path.strip()
        plain = path if finders.find(path) else None
        with self._lock:
            self._plain[name] = plain
        if plain is not None:
            logger.error("static file %s is linked by its plain name (%s): run collectstatic (make setup)",
                         path, error)
        return plain
