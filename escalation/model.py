"""The trained model: the plain on-disk format, loading, and the :class:`Model` API.

A model directory holds two files and nothing executable:

``model.json``
    format name and version, labels, tokenisation and feature settings, the
    vocabulary (term → column, stored as a list in column order), the lexicon,
    training metadata and evaluation figures, the SHA-256 of ``weights.npz``
    and a checksum of its own content.
``weights.npz``
    ``idf``, ``coef`` and ``intercept`` as float64 arrays (numpy's ``.npz``,
    read with ``allow_pickle=False``).

Loading validates everything and raises :class:`ModelFormatError` naming the
file and the problem. Nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .lexicon import Lexicon, LexiconError
from .scorer import FastScorer, check_texts, softmax

if TYPE_CHECKING:  # pragma: no cover
    from sklearn.pipeline import Pipeline

    from .explain import Explanation

__all__ = ["FORMAT_VERSION", "LABELS", "Model", "ModelFormatError", "default_model_path", "load_model"]

LABELS: tuple[str, str, str] = ("threat", "deescalation", "neutral")
FORMAT_NAME = "escalation-model"
FORMAT_VERSION = 1
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"
_ARRAYS = ("idf", "coef", "intercept")
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # reproducible weights.npz bytes


class ModelFormatError(ValueError):
    """A model directory is missing, corrupted, tampered with or of another format version."""


def _content_checksum(document: dict[str, Any]) -> str:
    body = {k: v for k, v in document.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write an ``.npz`` whose bytes depend only on the arrays (fixed zip timestamps)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


class Model:
    """A trained escalation model, scored by the vectorised :class:`~escalation.scorer.FastScorer`.

    Use :func:`load_model` (or :func:`escalation.train`) rather than the constructor.

    Attributes
    ----------
    labels : tuple of str
        ``("threat", "deescalation", "neutral")``, the column order of every probability array.
    metadata : dict
        Training settings, corpus hash, library versions and evaluation figures.
    """

    def __init__(self, *, vocabulary: Sequence[str], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, lexicon: Lexicon, settings: dict[str, Any],
                 metadata: dict[str, Any] | None = None):
        self.vocabulary = tuple(vocabulary)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.lexicon = lexicon
        self.settings = dict(settings)
        self.metadata = dict(metadata or {})
        self.labels = LABELS
        self.lexicon_feature_names = lexicon.columns(self.settings.get("lead_window", 0))
        self.scorer = FastScorer(
            vocabulary=self.vocabulary, idf=self.idf, coef=self.coef, intercept=self.intercept,
            lexicon=lexicon, lexicon_feature_names=self.lexicon_feature_names,
            negation_window=self.settings["negation_window"], lexicon_scale=self.settings["lexicon_scale"],
            ngram_range=tuple(self.settings["ngram_range"]), sublinear_tf=self.settings["sublinear_tf"],
            lead_window=self.settings.get("lead_window", 0), names=self.settings.get("masked_names", ()),
        )

    def __repr__(self) -> str:
        return (f"Model(terms={len(self.vocabulary)}, lexicon_entries={len(self.lexicon)}, "
                f"labels={self.labels})")

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of all model features: TF-IDF terms, then ``lexicon:<family>`` columns."""
        return (*self.vocabulary, *(f"lexicon:{n}" for n in self.lexicon_feature_names))

    # -- scoring -----------------------------------------------------------------------------
    def decision_function(self, sentences: Iterable[str]) -> np.ndarray:
        """Linear scores (logits) of shape (n, 3), columns in :attr:`labels` order."""
        check_texts(sentences)
        return self.scorer.decision_function(sentences)

    def predict_proba(self, sentences: Iterable[str]) -> np.ndarray:
        """Probabilities of shape (n, 3), columns in :attr:`labels` order.

        Parameters
        ----------
        sentences : iterable of str
            The sentences to score. A bare ``str`` is refused: pass ``[sentence]``.

        Returns
        -------
        numpy.ndarray
            Each row sums to 1.

        Examples
        --------
        >>> model = load_model()
        >>> p = model.predict_proba(["Pakistan will respond decisively."])
        >>> p.shape, model.labels[int(p.argmax())]
        ((1, 3), 'threat')
        """
        return softmax(self.decision_function(sentences))

    def iter_predict_proba(self, sentences: Iterable[str]) -> Iterator[np.ndarray]:
        """Probabilities chunk by chunk, for archives larger than memory."""
        check_texts(sentences)
        return self.scorer.iter_predict_proba(sentences)

    def predict(self, sentences: Iterable[str]) -> list[str]:
        """The most probable label of each sentence."""
        proba = self.predict_proba(sentences)
        return [self.labels[i] for i in proba.argmax(axis=1)]

    def explain(self, sentence: str) -> Explanation:
        """Exact per-feature contributions to the scores of one sentence.

        See :func:`escalation.explain.explain`.
        """
        from .explain import explain

        return explain(self, sentence)

    # -- the reference estimator ---------------------------------------------------------------
    def to_sklearn(self) -> Pipeline:
        """Rebuild the fitted scikit-learn pipeline from the plain arrays.

        Its ``predict_proba`` is the reference definition of the scores; the
        fast scorer is tested to agree with it within 1e-9.
        """
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline

        from .features import make_features

        s = self.settings
        features = make_features(self.lexicon, ngram_range=tuple(s["ngram_range"]), min_df=1,
                                 sublinear_tf=s["sublinear_tf"], negation_window=s["negation_window"],
                                 lexicon_scale=s["lexicon_scale"], lead_window=s.get("lead_window", 0),
                                 names=frozenset(s.get("masked_names", ())),
                                 vocabulary={t: i for i, t in enumerate(self.vocabulary)})
        tfidf = features.named_transformers["tfidf"]
        tfidf.idf_ = self.idf.copy()
        features.named_transformers["lexicon"].fit([])
        classifier = LogisticRegression()
        classifier.classes_ = np.asarray(self.labels, dtype=object)
        classifier.coef_ = self.coef.copy()
        classifier.intercept_ = self.intercept.copy()
        classifier.n_features_in_ = self.coef.shape[1]
        classifier.n_iter_ = np.asarray([0])
        return Pipeline([("features", features), ("classifier", classifier)])

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``model.json`` and ``weights.npz`` into ``directory`` (created if needed)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        weights = directory / WEIGHTS_FILE
        _write_npz(weights, {"idf": self.idf, "coef": self.coef, "intercept": self.intercept})
        document = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "labels": list(self.labels),
            "settings": self.settings,
            "vocabulary": list(self.vocabulary),
            "lexicon": self.lexicon.to_records(),
            "lexicon_feature_names": list(self.lexicon_feature_names),
            "metadata": self.metadata,
            "weights_sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
        }
        document["checksum"] = _content_checksum(document)
        (directory / MODEL_FILE).write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n",
                                            encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> Model:
        """Load and validate a model directory (see the module docstring). Never unpickles."""
        directory = Path(directory)
        json_path, weights_path = directory / MODEL_FILE, directory / WEIGHTS_FILE
        if not directory.is_dir():
            raise ModelFormatError(f"{directory}: not a model directory (expected {MODEL_FILE} and {WEIGHTS_FILE})")
        try:
            document = json.loads(json_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelFormatError(f"{json_path}: missing") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelFormatError(f"{json_path}: not valid JSON ({exc}); the file is corrupted or truncated") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
            raise ModelFormatError(f"{json_path}: not an escalation model (format must be {FORMAT_NAME!r})")
        version = document.get("format_version")
        if version != FORMAT_VERSION:
            raise ModelFormatError(f"{json_path}: format version {version!r} is not supported "
                                   f"(this escalation reads version {FORMAT_VERSION}); retrain the model")
        if document.get("checksum") != _content_checksum(document):
            raise ModelFormatError(f"{json_path}: checksum mismatch: the file was edited or corrupted")
        try:
            weights_bytes = weights_path.read_bytes()
        except FileNotFoundError:
            raise ModelFormatError(f"{weights_path}: missing") from None
        if hashlib.sha256(weights_bytes).hexdigest() != document.get("weights_sha256"):
            raise ModelFormatError(f"{weights_path}: SHA-256 does not match {MODEL_FILE}: the weights were "
                                   "replaced, edited or truncated")
        try:
            with np.load(io.BytesIO(weights_bytes), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in _ARRAYS}
        except KeyError as exc:
            raise ModelFormatError(f"{weights_path}: missing array {exc}") from None
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            raise ModelFormatError(f"{weights_path}: unreadable ({exc})") from None
        try:
            labels = tuple(document["labels"])
            vocabulary = document["vocabulary"]
            lexicon = Lexicon.from_records(document["lexicon"])
            settings = document["settings"]
            names = tuple(document["lexicon_feature_names"])
        except (KeyError, TypeError, LexiconError) as exc:
            raise ModelFormatError(f"{json_path}: malformed ({exc})") from None
        if labels != LABELS:
            raise ModelFormatError(f"{json_path}: labels {labels} differ from {LABELS}")
        if not isinstance(settings, dict) or names != lexicon.columns(settings.get("lead_window", 0)):
            raise ModelFormatError(f"{json_path}: lexicon_feature_names do not match the lexicon")
        n_terms, n_features = len(vocabulary), len(vocabulary) + len(names)
        expected = {"idf": (n_terms,), "coef": (len(LABELS), n_features), "intercept": (len(LABELS),)}
        for name, shape in expected.items():
            array = arrays[name]
            if array.dtype != np.float64 or array.shape != shape:
                raise ModelFormatError(f"{weights_path}: {name} must be float64 of shape {shape}, "
                                       f"got {array.dtype} {array.shape}")
            if not np.all(np.isfinite(array)):
                raise ModelFormatError(f"{weights_path}: {name} has non-finite values")
        try:
            return cls(vocabulary=vocabulary, lexicon=lexicon, settings=settings,
                       metadata=document.get("metadata", {}), **arrays)
        except (KeyError, ValueError, TypeError) as exc:
            raise ModelFormatError(f"{json_path}: inconsistent model ({exc})") from None


def default_model_path() -> Path:
    """Where the shipped default model lives.

    After ``pip install`` it is package data (``escalation.default_model``,
    built from ``models/default`` in the repository); in a source checkout
    that has not been installed, it is ``models/default`` beside the package.
    """
    # resolved through the regular package: "default_model" has no __init__.py, and files() of a
    # namespace package is a MultiplexedPath whose str() is not a path
    installed = importlib.resources.files("escalation").joinpath("default_model")
    if isinstance(installed, Path) and (installed / MODEL_FILE).is_file():
        return installed
    checkout = Path(__file__).resolve().parent.parent / "models" / "default"
    if (checkout / MODEL_FILE).is_file():
        return checkout
    raise ModelFormatError("the default model is not installed; reinstall escalation or pass a model path")


def load_model(path: str | Path | None = None) -> Model:
    """Load a model directory, or the shipped default model when ``path`` is None.

    Parameters
    ----------
    path : str or Path, optional
        A directory with ``model.json`` and ``weights.npz``.

    Returns
    -------
    Model

    Raises
    ------
    ModelFormatError
        The directory is missing, corrupted, tampered with or of another format version.
    """
    return Model.load(default_model_path() if path is None else path)
