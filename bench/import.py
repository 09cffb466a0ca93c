"""Import benchmark: files per second and peak memory for the whole corpus, then detection
accuracy with the path rule off. Run: ``.venv/bin/python bench/import.py``.

Targets (issue 2): at least 200 files/s on a 2-core machine, peak RSS under 500 MB,
detection at least 99.5% right.
"""
import resource
import statistics
import time

from _setup import CORPUS, django_with_scratch_database


def main():
    django_with_scratch_database()
    from articles.importing import import_paths
    from articles.importing.language_rules import language_from_path
    from articles.importing.sources import find_sources, read_source

    started = time.perf_counter()
    report = import_paths(CORPUS)
    elapsed = time.perf_counter() - started
    files = len(report.outcomes)
    print(f"first import: {files} files in {elapsed:.1f} s = {files / elapsed:.0f} files/s; {report.counts}")

    rerun = []
    for _ in range(3):
        started = time.perf_counter()
        again = import_paths(CORPUS)
        rerun.append(time.perf_counter() - started)
    print(f"re-import (unchanged): median {statistics.median(rerun):.1f} s = "
          f"{files / statistics.median(rerun):.0f} files/s; {again.counts}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    right = total = 0
    started = time.perf_counter()
    for path, explicit, _ in find_sources(CORPUS):
        total += 1
        right += read_source(path, explicit=explicit, use_path_rule=False).language == language_from_path(path)
    print(f"language detection, path rule off: {right}/{total} = {100 * right / total:.2f}% right "
          f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
