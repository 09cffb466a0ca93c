"""How the processes of one server coordinate around its index: marker files in the index's
folder (``KB_INDEX_DIR``, the backend's ``root``), shared by the web workers, the commands and
this server's indexer, with no other channel between them::

    INDEXER            touched by the running indexer on every turn: while it is fresh
                       (``INDEXER_ALIVE_SECONDS``), requests leave writing to it
    AWAITED            touched by a request waiting for its save to be searchable: the indexer
                       then applies at once instead of waiting to gather more saves
    REBUILD_REQUESTED  left by a request that found the index unreadable: the indexer reads
                       the whole index to check it, and rebuilds it when that fails

Touching never raises (a request must not fail for a marker); reading a missing marker is
"no".
"""
import os
from pathlib import Path
import time

INDEXER_HEARTBEAT = "INDEXER"
INDEXER_ALIVE_SECONDS = 5.0
AWAITED = "AWAITED"
REBUILD_REQUESTED = "REBUILD_REQUESTED"


def heartbeat(root):
    """Called by this server's indexer on every turn."""
    _touch(root, INDEXER_HEARTBEAT)


def stop_heartbeat(root):
    (Path(root) / INDEXER_HEARTBEAT).unlink(missing_ok=True)


def indexer_alive(root):
    """This server's indexer has reported within ``INDEXER_ALIVE_SECONDS``."""
    try:
        return time.time() - (Path(root) / INDEXER_HEARTBEAT).stat().st_mtime < INDEXER_ALIVE_SECONDS
    except OSError:
        return False


def await_indexer(root):
    """Called by a request waiting for the indexer to apply its save."""
    _touch(root, AWAITED)


def awaited_since(root, moment):
    """Whether a request has waited for the indexer since ``moment`` (``time.time()``)."""
    try:
        return os.path.getmtime(Path(root) / AWAITED) > moment
    except OSError:
        return False


def request_check(root):
    """Called by a request that found the index unreadable: the indexer verifies it."""
    try:
        Path(root).mkdir(parents=True, exist_ok=True)
        (Path(root) / REBUILD_REQUESTED).touch()
    except OSError:
        pass


def check_requested(root):
    return (Path(root) / REBUILD_REQUESTED).exists()


def clear_check_request(root):
    """Called once the index was found sound, or built afresh."""
    (Path(root) / REBUILD_REQUESTED).unlink(missing_ok=True)


def _touch(root, name):
    path = Path(root) / name
    try:
        os.utime(path)
    except FileNotFoundError:
        Path(root).mkdir(parents=True, exist_ok=True)
        path.write_text(str(os.getpid()))
    except OSError:
        pass
