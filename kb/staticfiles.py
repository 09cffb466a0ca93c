"""The storage of static files in production: WhiteNoise's hashed, compressed names, which a
page that names a file the manifest lacks still renders with.

A file added since ``collectstatic`` last ran (code deployed, ``make setup`` not run again) has
no entry in the manifest; Django's storage then raises from ``static()`` and every page that
links the file answers 500. Here it is linked by its plain name instead (served once collected)
and the missing entry is logged, once per name and process. ``collectstatic`` itself stays
strict: a stylesheet naming a missing file still fails it.
"""
import logging
import threading

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    _reported = set()
    _lock = threading.Lock()

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError as error:
            with self._lock:
                first = name not in self._reported
                self._reported.add(name)
            if first:
                logger.error("static file %s is linked by its plain name (%s): run collectstatic (make setup)",
                             name, error)
            return name
