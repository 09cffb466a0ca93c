"""The vectors each process holds for semantic search (``semantic.vectors``): the nearest rows
are the same whatever the block size the matrix is scored in, and the table is read whole in
chunks without losing or reordering a row."""
from django.utils import timezone
import numpy as np
import pytest

from articles.importing import import_paths
from articles.models import Translation
from articles.search.semantic import vectors
from articles.search.semantic.models import TranslationEmbedding
from tests.helpers import kcs_article, write


def random_set(rows, dim=16, seed=3):
    rng = np.random.default_rng(seed)
    matrix = rng.integers(-127, 128, size=(rows, dim), dtype=np.int8)
    scales = rng.uniform(0.5, 1.5, size=rows).astype(np.float32)
    ids = np.arange(1000, 1000 + rows, dtype=np.int64)
    return vectors.VectorSet(ids, matrix, scales)


def exact_nearest(vector_set, query, k):
    scores = (vector_set.matrix.astype(np.float64) @ query.astype(np.float64)) * vector_set.scales
    order = np.argsort(-scores, kind="stable")[:k]
    return vector_set.ids[order].tolist()


@pytest.mark.parametrize("block", [1, 7, 64, 1024])
def test_nearest_rows_do_not_depend_on_the_block_size(monkeypatch, block):
    monkeypatch.setattr(vectors, "BLOCK_ROWS", block)
    vector_set = random_set(130)
    query = np.random.default_rng(5).normal(size=16).astype(np.float32)
    query /= np.linalg.norm(query)
    found = vector_set.nearest(query, 10)
    assert [tid for tid, _ in found] == exact_nearest(vector_set, query, 10)
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


def test_asking_for_more_rows_than_there_are_gives_them_all_and_none_gives_nothing():
    vector_set = random_set(5)
    query = np.ones(16, dtype=np.float32) / 4
    assert sorted(tid for tid, _ in vector_set.nearest(query, 50)) == vector_set.ids.tolist()
    assert vector_set.nearest(query, 0) == []
    assert vectors.EMPTY.nearest(query, 5) == []


@pytest.mark.django_db
@pytest.mark.parametrize("chunk", [2, 3, 2000])
def test_every_stored_row_is_read_with_its_own_vector_and_scale(tmp_path, monkeypatch, chunk):
    for number in range(7):
        write(tmp_path / "kb" / "en" / f"KA-9{number:04d}.md", kcs_article(
            title=f"Export number {number} stops", description="An export stops.", number=f"KA-9{number:04d}",
            symptoms="The export stops."))
    import_paths([tmp_path / "kb"])
    rows = {}
    for translation in Translation.objects.all():
        vector = np.full(8, translation.pk % 100, dtype=np.int8)
        TranslationEmbedding.objects.create(
            translation=translation, model="test-model", text_hash="h", source_updated_at=timezone.now(),
            vector_bytes=vector.tobytes(), scale=translation.pk / 10)
        rows[translation.pk] = vector
    assert len(rows) == 7
    monkeypatch.setattr(vectors, "READ_ROWS", chunk)
    ids, matrix, scales = vectors.read_rows(TranslationEmbedding.objects.filter(model="test-model"))
    assert sorted(ids.tolist()) == sorted(rows)
    for tid, vector, scale in zip(ids.tolist(), matrix, scales.tolist()):
        assert vector.tolist() == rows[tid].tolist()
        assert scale == pytest.approx(tid / 10)
