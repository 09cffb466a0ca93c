"""The render pool sends an import's files to its workers in batches, and the time budget stays
per file: a file over the budget, one that kills its worker or one whose render raises fails
alone, with its own reason, while the rest of its batch is read."""
import os
import time

import pytest

from articles.importing.workers import BATCH_FILES, RenderFailed, RenderPool


def nap(seconds, answer):
    """Module-level, so a worker can run it: sleeps, then answers (or dies, or raises)."""
    if answer == "die":
        os._exit(3)
    time.sleep(seconds)
    if answer == "raise":
        raise ValueError("the render broke")
    return answer


def outcomes(pool, tickets):
    answers = []
    for ticket in tickets:
        try:
            answers.append(pool.result(ticket))
        except RenderFailed as failed:
            answers.append(str(failed.reason))
    return answers


@pytest.mark.parametrize("odd, reason", [
    ((1.4, "slow"), "rendering took longer than 1 s"),  # over the budget, the batch within its own
    ((1.4, "raise"), "rendering took longer than 1 s"),  # over the budget, then failing: the budget's reason
    ((60, "hangs"), "rendering took longer than 1 s"),  # the batch out of time: sent again file by file
    ((0, "die"), "the renderer process died (exit code 3)"),
    ((0, "raise"), "rendering failed: the render broke"),
])
def test_one_file_of_a_batch_fails_alone_with_its_reason(odd, reason):
    calls = [(0, f"file {n}") for n in range(BATCH_FILES)]
    calls[3] = odd
    started = time.perf_counter()
    with RenderPool(dry_run=True, timeout=1) as pool:
        tickets = [pool.queue(nap, *call) for call in calls]
        answers = outcomes(pool, tickets)
    assert answers == [reason if n == 3 else f"file {n}" for n in range(BATCH_FILES)]
    assert time.perf_counter() - started < 8  # two budgets for the batch, one for the file alone


def test_a_file_asked_for_before_its_batch_filled_up_is_sent_then():
    with RenderPool(dry_run=True, timeout=5) as pool:
        first = pool.queue(nap, 0, "first")
        assert pool.result(first) == "first"
        later = [pool.queue(nap, 0, n) for n in range(BATCH_FILES + 3)]
        assert outcomes(pool, later) == list(range(BATCH_FILES + 3))
