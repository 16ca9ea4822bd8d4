"""Training the reference model and compiling it into the plain format.

Training is deterministic: the corpus is read in sorted file order, the
split is fixed by text hash, and ``LogisticRegression`` (lbfgs) has no
randomness. Temperature scaling, fitted on the ``dev`` split, is folded into
the exported coefficients (``softmax(z / T)`` is ``softmax`` of a linear model
with ``coef / T`` and ``intercept / T``), so the fast scorer stays exact.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import logging
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .corpus import Example, corpus_digest, load_corpus
from .evaluation import classification_report
from .lexicon import Lexicon, load_lexicon
from .model import LABELS, Model
from .scorer import softmax

__all__ = ["TrainingConfig", "fit_temperature", "make_pipeline", "model_from_pipeline", "train"]

log = logging.getLogger(__name__)
FeatureSet = Literal["both", "lexicon", "tfidf"]


@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    """Settings of a training run (recorded in the model's metadata).

    The defaults are the values chosen by cross-validation on the seed corpus
    (``escalation select``; see the model card).
    """

    ngram_range: tuple[int, int] = (1, 2)  # word unigrams and bigrams
    min_df: int = 2  # a term must occur in two training sentences
    sublinear_tf: bool = True
    negation_window: int = 3  # tokens after a negation cue that it negates
    lexicon_scale: float = 1.0  # weight of lexicon features against TF-IDF
    lead_window: int = 0  # >0: lexicon matches in the first N tokens (the main clause) count again
    mask_names: bool = True  # TF-IDF sees proper names as one token: learn what is said, not who says it
    C: float = 10.0  # inverse L2 regularisation strength
    class_weight: str | None = "balanced"
    max_iter: int = 5000
    tol: float = 1e-8  # tight, so that the fit does not depend on iteration noise
    calibrate: bool = True  # fit a temperature on the dev split

    def __post_init__(self):
        if len(self.ngram_range) != 2 or not 1 <= self.ngram_range[0] <= self.ngram_range[1]:
            raise ValueError(f"ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n, got {self.ngram_range}")
        if min(self.min_df - 1, self.negation_window, self.lead_window) < 0 or min(self.C, self.lexicon_scale) <= 0:
            raise ValueError(f"invalid training config: {self}")
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight must be None or 'balanced', got {self.class_weight!r}")
        object.__setattr__(self, "ngram_range", tuple(int(n) for n in self.ngram_range))

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["ngram_range"] = list(self.ngram_range)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown training settings {unknown}; known: {sorted(known)}")
        return cls(**data)

    @classmethod
    def from_file(cls, path: str | Path) -> TrainingConfig:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def for_seeds(cls, seeds: str | Path) -> TrainingConfig:
        """``SEEDS/config.json`` (written by ``escalation select --write``), or the defaults."""
        path = Path(seeds) / "config.json"
        return cls.from_file(path) if path.is_file() else cls()


def names_for(texts: Sequence[str], lexicon: Lexicon, config: TrainingConfig) -> frozenset[str]:
    """The proper names to mask, learned from the training texts (empty if ``mask_names`` is off)."""
    from .text import find_proper_names

    # lexicon words are never masked: the lexicon matches the unmasked tokens
    return find_proper_names(texts, lexicon.words()) if config.mask_names else frozenset()


def make_pipeline(lexicon: Lexicon, config: TrainingConfig, features: FeatureSet = "both",
                  names: frozenset[str] = frozenset()):
    """The unfitted reference pipeline; ``features`` selects a baseline ("lexicon" or "tfidf" only)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from .features import make_features

    union = make_features(lexicon, ngram_range=config.ngram_range, min_df=config.min_df,
                          sublinear_tf=config.sublinear_tf, negation_window=config.negation_window,
                          lexicon_scale=config.lexicon_scale, lead_window=config.lead_window, names=names)
    if features != "both":
        union = FeatureUnion([(name, step) for name, step in union.transformer_list if name == features])
    classifier = LogisticRegression(C=config.C, class_weight=config.class_weight, max_iter=config.max_iter,
                                    tol=config.tol, solver="lbfgs")
    return Pipeline([("features", union), ("classifier", classifier)])


def fit_temperature(decision: np.ndarray, truth: np.ndarray) -> float:
    """The temperature ``T`` minimising the negative log-likelihood of ``softmax(decision / T)``."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        p = softmax(decision / np.exp(log_t))
        return float(-np.mean(np.log(np.clip(p[np.arange(len(truth)), truth], 1e-300, None))))

    result = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded", options={"xatol": 1e-6})
    return float(np.exp(result.x))


def _label_order(pipeline) -> np.ndarray:
    classes = list(pipeline.named_steps["classifier"].classes_)
    if sorted(classes) != sorted(LABELS):
        raise ValueError(f"training data must contain all three labels {LABELS}, got {classes}")
    return np.array([classes.index(label) for label in LABELS])


def model_from_pipeline(pipeline, lexicon: Lexicon, config: TrainingConfig, temperature: float = 1.0,
                        metadata: dict[str, Any] | None = None) -> Model:
    """Compile a fitted reference pipeline into a :class:`Model` (plain arrays, labels in LABELS order)."""
    union = pipeline.named_steps["features"]
    tfidf = union.named_transformers["tfidf"]
    classifier = pipeline.named_steps["classifier"]
    order = _label_order(pipeline)
    vocabulary = sorted(tfidf.vocabulary_, key=tfidf.vocabulary_.__getitem__)
    names = sorted(tfidf.analyzer.keywords.get("names", ()))
    settings = {"tokenizer": "lowercase, maximal runs of \\w", "ngram_range": list(config.ngram_range),
                "sublinear_tf": config.sublinear_tf, "norm": "l2", "smooth_idf": True,
                "negation_window": config.negation_window, "lexicon_scale": config.lexicon_scale,
                "lead_window": config.lead_window, "masked_names": names}
    return Model(vocabulary=vocabulary, idf=tfidf.idf_, coef=classifier.coef_[order] / temperature,
                 intercept=classifier.intercept_[order] / temperature, lexicon=lexicon, settings=settings,
                 metadata=metadata)


def _library_versions() -> dict[str, str]:
    import nltk
    import scipy
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__, "nltk": nltk.__version__}


def train(seeds: str | Path = "seeds", *, data: Sequence[str | Path] = (), use_seed_corpus: bool = True,
          config: TrainingConfig | None = None) -> Model:
    """Train a model from the seed corpus and lexicon, and optionally your own labelled data.

    Parameters
    ----------
    seeds : str or Path
        Folder with ``corpus/`` (labelled ``*.jsonl``), ``lexicon/`` (the TSV
        files) and optionally ``config.json`` (a :class:`TrainingConfig`).
    data : sequence of paths
        Extra labelled JSON Lines files (``text`` and ``label`` per line).
    use_seed_corpus : bool
        Include ``seeds/corpus``; set False to train on ``data`` only (the lexicon is still used).
    config : TrainingConfig, optional
        Overrides ``seeds/config.json``.

    Returns
    -------
    Model
        With the test-split evaluation in ``model.metadata["evaluation"]``.
    """
    seeds = Path(seeds)
    if not seeds.is_dir():
        raise FileNotFoundError(f"{seeds}: seeds folder not found (it needs corpus/ and lexicon/)")
    if config is None:
        config = TrainingConfig.for_seeds(seeds)
    lexicon = load_lexicon(seeds / "lexicon")
    sources = ([seeds / "corpus"] if use_seed_corpus else []) + [Path(p) for p in data]
    if not sources:
        raise ValueError("nothing to train on: pass data or keep the seed corpus")
    examples = load_corpus(sources)
    splits: dict[str, list[Example]] = {"train": [], "dev": [], "test": []}
    for e in examples:
        splits[e.split].append(e)
    train_set = splits["train"]
    log.info("training on %d sentences (%d dev, %d test)", len(train_set), len(splits["dev"]), len(splits["test"]))
    train_texts = [e.text for e in train_set]
    pipeline = make_pipeline(lexicon, config, names=names_for(train_texts, lexicon, config))
    pipeline.fit(train_texts, [e.label for e in train_set])
    temperature = 1.0
    if config.calibrate and splits["dev"]:
        uncalibrated = model_from_pipeline(pipeline, lexicon, config)
        truth = np.array([LABELS.index(e.label) for e in splits["dev"]])
        temperature = fit_temperature(uncalibrated.decision_function([e.text for e in splits["dev"]]), truth)
    metadata: dict[str, Any] = {
        "training": config.to_dict(),
        "temperature": temperature,
        "corpus": {"sha256": corpus_digest(examples), "sources": [str(s) for s in sources],
                   "sentences": {k: len(v) for k, v in splits.items()},
                   "labels": {label: sum(e.label == label for e in train_set) for label in LABELS}},
        "lexicon": {"entries": len(lexicon), "negators": len(lexicon.negators), "hedges": len(lexicon.hedges)},
        "libraries": _library_versions(),
        "trained_on": _dt.date.today().isoformat(),
    }
    selection = seeds / "selection.json"
    if selection.is_file():  # how the settings were chosen (escalation select --write)
        chosen = json.loads(selection.read_text(encoding="utf-8"))
        metadata["selection"] = {k: chosen[k] for k in ("cv_macro_f1", "folds", "grouped_by", "chosen",
                                                          "char_ngrams_within_words") if k in chosen}
    model = model_from_pipeline(pipeline, lexicon, config, temperature, metadata)
    if splits["test"]:
        test = splits["test"]
        report = classification_report([e.label for e in test], model.predict_proba([e.text for e in test]), LABELS)
        model.metadata["evaluation"] = {"test_split": {k: report[k] for k in
                                                       ("n", "accuracy", "macro_f1", "per_class", "confusion", "ece")}}
    return model
