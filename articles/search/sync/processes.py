"""Child processes die with their parent.

The index build runs in several processes (Whoosh's multiprocessing writer). If the process
that started them is killed (SIGKILL, the OOM killer), its children would wait forever on a
queue nobody writes to. Every multiprocessing child started from here asks Linux to send it
SIGKILL when its parent dies (``PR_SET_PDEATHSIG``), and exits at once if that already happened.
"""
import ctypes
import multiprocessing.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


class _Hook:
    """A weak-referenceable owner for the after-fork registration (it must stay alive)."""

    def __init__(self):
        self.parent = os.getpid()


def _die_with_parent(hook):
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != hook.parent:  # the parent died before the request took effect
        os._exit(1)
    hook.parent = os.getpid()  # for the children this one starts


_HOOK = _Hook()
multiprocessing.util.register_after_fork(_HOOK, _die_with_parent)
