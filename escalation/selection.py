"""Model selection by cross-validation on our own corpus only.

Folds are grouped by corpus *batch* (``GroupKFold`` over the source files): each batch was written
by a different writer over different conflict settings, so every fold is scored on wording and
settings the model did not see in training, the closest proxy we have for real news. Grouping by
``setting`` alone is available too (``group_by="setting"``).
Only the ``train`` split is used; ``dev`` and ``test`` stay untouched. The search is a
deterministic coordinate search: starting from the defaults, each setting in turn takes the
value with the best mean macro-F1 if it beats the incumbent by at least :data:`MIN_GAIN`, for
two passes.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .corpus import load_corpus
from .lexicon import load_lexicon
from .training import TrainingConfig, make_pipeline, names_for

__all__ = ["GRID", "cross_validate", "select"]

log = logging.getLogger(__name__)

#: Candidate values of each setting searched by :func:`select`.
GRID: dict[str, list[Any]] = {
    "C": [1.0, 3.0, 10.0, 30.0],
    "class_weight": [None, "balanced"],
    "ngram_range": [(1, 1), (1, 2), (1, 3)],
    "min_df": [1, 2, 3],
    "lexicon_scale": [0.5, 1.0, 2.0, 4.0],
    "negation_window": [2, 3, 5],
    "lead_window": [0, 6, 10],
    "mask_names": [False, True],
}
FOLDS = 5
#: A setting replaces the incumbent only if it raises CV macro-F1 by at least this much. Fold
#: standard deviations are about 0.01, so smaller gains are noise; requiring a margin keeps the
#: starting (default) settings, such as name masking, unless the data clearly prefer another.
MIN_GAIN = 0.001


def cross_validate(seeds: str | Path, config: TrainingConfig, folds: int = FOLDS, char_ngrams: bool = False,
                   n_jobs: int = 2, group_by: str = "batch") -> dict[str, float]:
    """Mean and standard deviation of macro-F1 over grouped folds of the train split.

    ``group_by`` is ``"batch"`` (the corpus file; default) or ``"setting"``.

    ``char_ngrams`` adds character 2-5-grams within words (``char_wb``) to the reference features,
    to measure whether they would help; the fast scorer does not implement them (see the model card).
    """
    from joblib import Parallel, delayed
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    seeds = Path(seeds)
    lexicon = load_lexicon(seeds / "lexicon")
    train = [e for e in load_corpus([seeds / "corpus"]) if e.split == "train"]
    texts = np.array([e.text for e in train], dtype=object)
    labels = np.array([e.label for e in train])
    if group_by == "batch":  # the file a sentence came from: each batch has its own writer and settings
        groups = np.array([e.source.rsplit(":", 1)[0] for e in train])
    elif group_by == "setting":
        groups = np.array([e.setting for e in train])
    else:
        raise ValueError(f"group_by must be 'batch' or 'setting', got {group_by!r}")

    def one_fold(fit_idx, score_idx) -> float:
        pipe = make_pipeline(lexicon, config, names=names_for(list(texts[fit_idx]), lexicon, config))
        if char_ngrams:
            union = pipe.named_steps["features"]
            union.transformer_list.append(("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                                                    min_df=3, sublinear_tf=True)))
        pipe.fit(list(texts[fit_idx]), labels[fit_idx])
        return f1_score(labels[score_idx], pipe.predict(list(texts[score_idx])), average="macro")

    splits = GroupKFold(n_splits=folds).split(texts, labels, groups)
    scores = Parallel(n_jobs=n_jobs)(delayed(one_fold)(a, b) for a, b in splits)
    return {"macro_f1": float(np.mean(scores)), "std": float(np.std(scores))}


def select(seeds: str | Path, start: TrainingConfig | None = None, grid: dict[str, Sequence[Any]] | None = None,
           passes: int = 2, folds: int = FOLDS, group_by: str = "batch", min_gain: float = MIN_GAIN,
           ) -> dict[str, Any]:
    """Coordinate search over ``grid``; returns the chosen config and every trial.

    Starting from ``start`` (default: :class:`TrainingConfig` defaults), each setting in turn is
    replaced by the grid value with the best CV macro-F1, but only if that beats the incumbent by at
    least ``min_gain``; the search stops after ``passes`` passes or a pass without change.
    """
    config = start or TrainingConfig()
    grid = grid or GRID
    trials: list[dict[str, Any]] = []
    cache: dict[str, dict[str, float]] = {}

    def evaluate(cfg: TrainingConfig) -> float:
        key = repr(cfg.to_dict())
        if key not in cache:
            cache[key] = cross_validate(seeds, dataclasses.replace(cfg, tol=1e-6), folds=folds, group_by=group_by)
            trials.append({"config": cfg.to_dict(), **cache[key]})
            log.info("%s -> %.4f", {k: getattr(cfg, k) for k in grid}, cache[key]["macro_f1"])
        return cache[key]["macro_f1"]

    best = evaluate(config)
    for _ in range(passes):
        changed = False
        for name, values in grid.items():
            candidates = [dataclasses.replace(config, **{name: value}) for value in values]
            score, candidate = max(((evaluate(c), c) for c in candidates), key=lambda sc: sc[0])
            if candidate != config and score >= best + min_gain:
                best, config, changed = score, candidate, True
        if not changed:
            break
    return {"chosen": config.to_dict(), "cv_macro_f1": best, "folds": folds, "grouped_by": group_by,
            "min_gain": min_gain, "trials": trials}
