"""Throughput of the reference pipeline and the fast scorer (1 and 2 processes), and bounded memory.

Run: ``pytest benchmarks/ --benchmark-enable -p no:cacheprovider`` (BENCH_SENTENCES=100000 by default).
These measure and report; they never pass or fail on a time.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from joblib import Parallel, delayed

from benchmarks.conftest import RESULTS, record
from benchmarks.generator import iter_sentences

ROUNDS = 3


def test_reference_pipeline(benchmark, model, corpus, corpus_mb):
    reference = model.to_sklearn()
    benchmark.pedantic(reference.predict_proba, args=(corpus,), rounds=ROUNDS, iterations=1, warmup_rounds=0)
    record(benchmark, "reference", len(corpus), corpus_mb)


def test_fast_one_process(benchmark, model, corpus, corpus_mb):
    model.predict_proba(corpus[:100])  # build the lookup tables outside the timing
    benchmark.pedantic(model.predict_proba, args=(corpus,), rounds=ROUNDS, iterations=1, warmup_rounds=1)
    record(benchmark, "fast, 1 process", len(corpus), corpus_mb)


def _score_part(part: list[str]) -> np.ndarray:
    import escalation

    return escalation.load_model().predict_proba(part)


def test_fast_two_processes(benchmark, model, corpus, corpus_mb):
    half = len(corpus) // 2
    parts = [corpus[:half], corpus[half:]]
    with Parallel(n_jobs=2, backend="loky") as parallel:
        def run():
            return np.concatenate(parallel(delayed(_score_part)(p) for p in parts))

        out = benchmark.pedantic(run, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    np.testing.assert_allclose(out, model.predict_proba(corpus), rtol=0, atol=1e-12)
    record(benchmark, "fast, 2 processes (joblib)", len(corpus), corpus_mb)


@pytest.mark.parametrize("n", [100_000, 1_000_000])
def test_bounded_memory(model, n):
    """Stream n sentences through the chunked scorer: peak traced memory should not grow with n."""
    tracemalloc.start()
    rows = 0
    for proba in model.iter_predict_proba(iter_sentences(n, seed=1)):
        rows += proba.shape[0]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == n
    RESULTS[f"memory, {n:,} sentences"] = {"n": n, "peak_mb": peak / 1e6}
