"""Benchmark fixtures and the summary table (ratios are measured in the same run)."""

from __future__ import annotations

import os

import pytest

from benchmarks.generator import sentences

#: Sentences per benchmark (the issue's figure is 100k); override with BENCH_SENTENCES.
N_SENTENCES = int(os.environ.get("BENCH_SENTENCES", "100000"))
RESULTS: dict[str, dict[str, float]] = {}


@pytest.fixture(scope="session")
def corpus() -> list[str]:
    return sentences(N_SENTENCES, seed=0)


@pytest.fixture(scope="session")
def corpus_mb(corpus) -> float:
    return sum(len(s.encode("utf-8")) + 1 for s in corpus) / 1e6


@pytest.fixture(scope="session")
def model():
    import escalation

    return escalation.load_model()


def record(benchmark, name: str, n: int, mb: float) -> None:
    """Attach sentences/s and MB/s (from the fastest round) to the benchmark and the summary."""
    best = benchmark.stats.stats.min
    figures = {"sentences_per_s": n / best, "mb_per_s": mb / best, "seconds": best, "n": n}
    benchmark.extra_info.update(figures)
    RESULTS[name] = figures


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    tr = terminalreporter
    tr.section("escalation throughput (fastest round)")
    ref = RESULTS.get("reference", {}).get("sentences_per_s")
    tr.write_line(f"{'scorer':<28} {'sentences/s':>12} {'MB/s':>8} {'× reference':>12}")
    for name, f in RESULTS.items():
        if "sentences_per_s" not in f:
            continue
        ratio = f"{f['sentences_per_s'] / ref:.1f}×" if ref else "-"
        tr.write_line(f"{name:<28} {f['sentences_per_s']:>12,.0f} {f['mb_per_s']:>8.2f} {ratio:>12}")
    for name, f in RESULTS.items():
        if "peak_mb" in f:
            tr.write_line(f"{name}: {f['n']:,} sentences streamed, peak traced memory {f['peak_mb']:.1f} MB")
