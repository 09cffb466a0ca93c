"""Files → records. ``import_paths`` is the entry point; ``export_translations`` the way back."""
from .errors import SourceError  # noqa: F401
from .loader import import_paths  # noqa: F401
from .report import FileOutcome, ImportReport  # noqa: F401
