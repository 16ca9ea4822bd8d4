"""A deterministic generator of news-like sentences for benchmarks, built from our corpus and lexicon.

Each sentence is 12 to 35 words: words of a corpus sentence, continued with a clause of another
one, with a lexicon phrase spliced in half of the time. The same ``seed`` gives the same
sentences; the generator streams, so it scales to millions.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from escalation.corpus import load_corpus
from escalation.lexicon import load_lexicon

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@lru_cache(maxsize=1)
def _material() -> tuple[list[list[str]], list[str]]:
    sentences = [e.text.split() for e in load_corpus([SEEDS / "corpus"])]
    phrases = [" ".join(p) for p in load_lexicon(SEEDS / "lexicon").entries]
    return sentences, sorted(phrases)


def iter_sentences(n: int, seed: int = 0, min_words: int = 12, max_words: int = 35) -> Iterator[str]:
    """Yield ``n`` news-like sentences, deterministically."""
    sentences, phrases = _material()
    rng = np.random.default_rng(seed)
    batch = 10_000
    for start in range(0, n, batch):
        m = min(batch, n - start)
        lengths = rng.integers(min_words, max_words + 1, m)
        base = rng.integers(0, len(sentences), m)
        extra = rng.integers(0, len(sentences), m)
        splice = rng.random(m) < 0.5
        phrase = rng.integers(0, len(phrases), m)
        where = rng.random(m)
        for i in range(m):
            words = sentences[base[i]] + sentences[extra[i]]
            words = words[: lengths[i]]
            if splice[i]:
                at = int(where[i] * len(words))
                words = [*words[:at], *phrases[phrase[i]].split(), *words[at:]][: lengths[i]]
            yield " ".join(words)


def sentences(n: int, seed: int = 0) -> list[str]:
    """A list of ``n`` news-like sentences."""
    return list(iter_sentences(n, seed))
