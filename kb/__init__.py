"""The kb project: settings, URLs and the WSGI/ASGI entry points.

Imported before any application module (``manage.py``, ``kb.wsgi``, ``kb.asgi`` and the tests
all name ``kb.settings``), so what is set here holds for every process of the project.

**One BLAS thread per process**, unless the operator sets ``OPENBLAS_NUM_THREADS`` or
``MKL_NUM_THREADS``. The numerical work here is many small products per request (search
scoring, embeddings 1,024 rows at a time); between two of them the BLAS library's helper thread
spins, waiting for the next, and so takes most of a core from the other workers of a busy
machine for nothing (``tests/test_process_threads.py``). The library reads the setting once,
when numpy loads it: so it is set here, before anything imports numpy. The embedding model's
own threads are another library's (``articles.search.semantic.model``).
"""
import os

for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
