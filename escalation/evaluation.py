"""Evaluation: per-class precision/recall/F1, macro-F1, confusion matrix and calibration."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["classification_report", "expected_calibration_error", "write_reliability_diagram"]

#: Equal-width confidence bins for the expected calibration error (a common choice in the literature).
ECE_BINS = 15


def classification_report(y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """Metrics of predicted probabilities against true labels.

    Returns
    -------
    dict
        ``n``, ``accuracy``, ``macro_f1``, ``per_class`` (precision, recall,
        F1, support), ``confusion`` (rows: true label, columns: predicted, in
        ``labels`` order), ``ece`` and ``reliability`` (per-bin confidence,
        accuracy and count).

    Examples
    --------
    >>> import numpy as np
    >>> r = classification_report(["a", "b"], np.array([[0.9, 0.1], [0.2, 0.8]]), ["a", "b"])
    >>> r["macro_f1"], r["confusion"]
    (1.0, [[1, 0], [0, 1]])
    """
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    unknown = sorted(set(y_true) - set(labels))
    if unknown:
        raise ValueError(f"unknown labels in y_true: {unknown}; expected {labels}")
    truth = np.fromiter((index[y] for y in y_true), dtype=np.int64, count=len(y_true))
    pred = proba.argmax(axis=1)
    k = len(labels)
    confusion = np.bincount(truth * k + pred, minlength=k * k).reshape(k, k)
    per_class = {}
    for i, label in enumerate(labels):
        tp = confusion[i, i]
        predicted, support = confusion[:, i].sum(), confusion[i].sum()
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": float(precision), "recall": float(recall), "f1": float(f1),
                            "support": int(support)}
    present = [label for label in labels if per_class[label]["support"] > 0]
    ece, bins = expected_calibration_error(truth, proba)
    return {
        "n": len(truth),
        "accuracy": float((pred == truth).mean()) if len(truth) else 0.0,
        "macro_f1": float(np.mean([per_class[label]["f1"] for label in present])) if present else 0.0,
        "macro_f1_over": present,
        "per_class": per_class,
        "labels": labels,
        "confusion": confusion.tolist(),
        "ece": ece,
        "reliability": bins,
    }


def expected_calibration_error(truth: np.ndarray, proba: np.ndarray, n_bins: int = ECE_BINS
                               ) -> tuple[float, list[dict[str, float]]]:
    """Top-label expected calibration error over equal-width confidence bins.

    ``ECE = sum_b (n_b / n) * |accuracy_b - confidence_b|``.
    """
    if len(truth) == 0:
        return 0.0, []
    confidence = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == truth).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    bins, ece = [], 0.0
    for b in range(n_bins):
        mask = which == b
        if mask.any():
            conf, acc = float(confidence[mask].mean()), float(correct[mask].mean())
            ece += mask.sum() / len(truth) * abs(acc - conf)
            bins.append({"lower": float(edges[b]), "upper": float(edges[b + 1]), "confidence": conf,
                         "accuracy": acc, "count": int(mask.sum())})
    return float(ece), bins


def write_reliability_diagram(report: dict[str, Any], path: str | Path, title: str = "") -> Path:
    """Draw the reliability diagram of a :func:`classification_report` to a PNG (needs matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("the reliability diagram needs matplotlib: pip install 'escalation[plot]'") from exc
    bins = report["reliability"]
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    centers = [(b["lower"] + b["upper"]) / 2 for b in bins]
    width = bins[0]["upper"] - bins[0]["lower"] if bins else 0.1
    ax.bar(centers, [b["accuracy"] for b in bins], width=width * 0.9, alpha=0.6, label="accuracy")
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", color="C1",
            label="observed")
    ax.set_xlabel("confidence (top label)")
    ax.set_ylabel("accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"{title} ECE={report['ece']:.3f} (n={report['n']})".strip())
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
