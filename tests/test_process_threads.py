"""Every process of the project runs numpy's BLAS on one thread unless the operator says
otherwise (``kb/__init__.py``): a helper thread left to the library spins between the small
products a search makes and takes most of a core from the other workers."""
import os
from pathlib import Path
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Threads of a process that has loaded numpy and multiplied with it, as a search's vectors do.
PROBE = ("import os, numpy; m = numpy.ones((2048, 384), numpy.float32); "
         "[m @ m[0] for _ in range(20)]; print(len(os.listdir('/proc/self/task')))")

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc (Linux)")


def _threads(args, **extra):
    env = {name: value for name, value in os.environ.items()
           if name not in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")}
    env.update(extra, DJANGO_SETTINGS_MODULE="kb.settings")
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.fixture(scope="module")
def library_default():
    threads = _threads(["-c", PROBE])
    if threads < 2:
        pytest.skip("numpy's BLAS starts no thread of its own on this machine")
    return threads


def test_a_project_process_multiplies_on_one_thread(library_default):
    assert _threads(["manage.py", "shell", "-c", PROBE]) == 1


def test_the_wsgi_application_loads_the_setting_before_numpy(library_default):
    assert _threads(["-c", "import kb.wsgi; " + PROBE]) == 1


def test_the_operators_setting_is_kept(library_default):
    assert _threads(["manage.py", "shell", "-c", PROBE], OPENBLAS_NUM_THREADS="2") == 2
