"""Exact explanations: which terms and lexicon features moved a sentence's scores.

For a linear model the decision value of each label is ``intercept + sum_j
x_j * coef[label, j]``, so the contribution of feature ``j`` is exactly
``x_j * coef[label, j]``. :func:`explain` takes the features from the fast
scorer's own path, and the contributions plus the intercepts add up to the
model's decision values (the tests check this to 1e-12).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .scorer import softmax

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["Contribution", "Explanation", "explain"]


@dataclass(frozen=True)
class Contribution:
    """One feature's part in a sentence's scores.

    Attributes
    ----------
    feature : str
        A TF-IDF term ("respond decisively") or a lexicon column ("lexicon:threat:threaten").
    value : float
        The feature's value in this sentence.
    contributions : dict
        ``label -> value * coef[label, feature]``.
    """

    feature: str
    value: float
    contributions: dict[str, float]

    @property
    def risk(self) -> float:
        """Contribution to ``decision[threat] - decision[deescalation]``."""
        return self.contributions["threat"] - self.contributions["deescalation"]


@dataclass(frozen=True)
class Explanation:
    """Why a sentence got its scores.

    ``decision[label] == intercept[label] + sum(c.contributions[label] for c in contributions)``
    """

    sentence: str
    label: str
    probabilities: dict[str, float]
    risk: float
    decision: dict[str, float]
    intercept: dict[str, float]
    contributions: list[Contribution]

    def to_dict(self) -> dict:
        return {"sentence": self.sentence, "label": self.label, "risk": self.risk,
                "probabilities": self.probabilities, "decision": self.decision, "intercept": self.intercept,
                "contributions": [{"feature": c.feature, "value": c.value, "risk": c.risk,
                                   "contributions": c.contributions} for c in self.contributions]}


def explain(model: Model, sentence: str) -> Explanation:
    """Explain one sentence's scores exactly.

    Parameters
    ----------
    model : Model
    sentence : str

    Returns
    -------
    Explanation
        Contributions sorted by how much they move the risk (largest first).

    Examples
    --------
    >>> from escalation import load_model
    >>> e = load_model().explain("Pakistan will respond decisively.")
    >>> e.label
    'threat'
    >>> total = e.intercept["threat"] + sum(c.contributions["threat"] for c in e.contributions)
    >>> abs(total - e.decision["threat"]) < 1e-12
    True
    """
    if not isinstance(sentence, str):
        raise TypeError(f"explain takes one sentence as str, got {type(sentence).__name__}")
    scorer = model.scorer
    feats = scorer.features([sentence])
    labels = model.labels
    items: list[tuple[str, float, np.ndarray]] = []
    for col, value in zip(feats.cols.tolist(), feats.values.tolist(), strict=True):
        items.append((model.vocabulary[col], value, model.coef[:, col] * value))
    offset = len(model.vocabulary)
    for j, value in enumerate(feats.lexicon[0].tolist()):
        if value != 0.0:
            items.append((f"lexicon:{model.lexicon_feature_names[j]}", value, model.coef[:, offset + j] * value))
    contributions = [Contribution(feature=name, value=value,
                                  contributions={label: float(c[k]) for k, label in enumerate(labels)})
                     for name, value, c in items]
    contributions.sort(key=lambda c: (-abs(c.risk), c.feature))
    decision = np.array([model.intercept[k] + math.fsum(c.contributions[label] for c in contributions)
                         for k, label in enumerate(labels)])
    proba = softmax(decision[None, :])[0]
    return Explanation(
        sentence=sentence, label=labels[int(proba.argmax())],
        probabilities={label: float(proba[k]) for k, label in enumerate(labels)},
        risk=float(proba[0] - proba[1]),
        decision={label: float(decision[k]) for k, label in enumerate(labels)},
        intercept={label: float(model.intercept[k]) for k, label in enumerate(labels)},
        contributions=contributions,
    )
