"""From sentence scores to article scores, and from articles to a timeline.

An article's ``risk`` is the mean of its sentences' risks weighted by how
much each sentence is *about* escalation or de-escalation, ``1 - p(neutral)``:
routine sentences neither raise nor dilute it. ``peak_risk`` and
``threat_share`` are reported beside it because a single ultimatum in a long
report matters to analysts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ArticleScore", "SentenceScore", "article_score", "sentence_scores", "timeline"]


@dataclass(frozen=True)
class SentenceScore:
    """The scores of one sentence.

    Attributes
    ----------
    text : str
    label : str
        The most probable of ``threat``, ``deescalation``, ``neutral``.
    probabilities : dict
        ``label -> probability``; the values sum to 1.
    risk : float
        ``p(threat) - p(deescalation)``, in [-1, 1].
    """

    text: str
    label: str
    probabilities: dict[str, float]
    risk: float

    def to_dict(self) -> dict:
        return {"text": self.text, "label": self.label, "risk": self.risk, "probabilities": self.probabilities}


@dataclass(frozen=True)
class ArticleScore:
    """The scores of an article, aggregated from its sentences.

    Attributes
    ----------
    risk : float
        Mean sentence risk weighted by ``1 - p(neutral)``; 0.0 for an article with no sentences.
    label : str
        ``threat`` if ``risk`` > 0 by at least :data:`LABEL_MARGIN`, ``deescalation``
        if below ``-LABEL_MARGIN``, else ``neutral``.
    peak_risk, trough_risk : float
        Highest and lowest sentence risk.
    threat_share, deescalation_share : float
        Fraction of sentences with each label.
    sentences : list of SentenceScore
    """

    risk: float
    label: str
    peak_risk: float
    trough_risk: float
    threat_share: float
    deescalation_share: float
    counts: dict[str, int]
    sentences: list[SentenceScore] = field(repr=False)

    def to_dict(self) -> dict:
        return {"risk": self.risk, "label": self.label, "peak_risk": self.peak_risk,
                "trough_risk": self.trough_risk, "threat_share": self.threat_share,
                "deescalation_share": self.deescalation_share, "counts": self.counts,
                "sentences": [s.to_dict() for s in self.sentences]}


#: An article is labelled neutral when its risk is within this margin of zero.
LABEL_MARGIN = 0.1


def sentence_scores(sentences: Sequence[str], proba: np.ndarray, labels: Sequence[str]) -> list[SentenceScore]:
    """Wrap a probability array (columns in ``labels`` order) as :class:`SentenceScore` objects."""
    t, d = labels.index("threat"), labels.index("deescalation")
    risk = proba[:, t] - proba[:, d]
    best = proba.argmax(axis=1)
    return [SentenceScore(text=s, label=labels[b], risk=float(r),
                          probabilities={label: float(p) for label, p in zip(labels, row, strict=True)})
            for s, b, r, row in zip(sentences, best.tolist(), risk.tolist(), proba, strict=True)]


def article_score(sentences: Sequence[SentenceScore]) -> ArticleScore:
    """Aggregate sentence scores into an :class:`ArticleScore`.

    Examples
    --------
    >>> s = [SentenceScore("a", "threat", {"threat": .8, "deescalation": .1, "neutral": .1}, .7),
    ...      SentenceScore("b", "neutral", {"threat": 0., "deescalation": 0., "neutral": 1.}, 0.)]
    >>> round(article_score(s).risk, 6)
    0.7
    """
    counts = Counter(s.label for s in sentences)
    n = len(sentences)
    if n == 0:
        return ArticleScore(0.0, "neutral", 0.0, 0.0, 0.0, 0.0, {}, [])
    risks = np.array([s.risk for s in sentences])
    weights = np.array([1.0 - s.probabilities["neutral"] for s in sentences])
    risk = float(np.dot(weights, risks) / weights.sum()) if weights.sum() > 0 else 0.0
    label = "threat" if risk > LABEL_MARGIN else "deescalation" if risk < -LABEL_MARGIN else "neutral"
    return ArticleScore(risk=risk, label=label, peak_risk=float(risks.max()), trough_risk=float(risks.min()),
                        threat_share=counts["threat"] / n, deescalation_share=counts["deescalation"] / n,
                        counts={k: counts[k] for k in ("threat", "deescalation", "neutral")},
                        sentences=list(sentences))


#: Length of the ISO date prefix that names a period.
PERIODS = {"year": 4, "month": 7, "day": 10}


def timeline(rows: Iterable[dict], by: str = "month") -> list[dict]:
    """Article rows (as written by :func:`escalation.archive.run_archive`) → one row per period.

    Each period reports the number of articles, their mean risk, the share labelled ``threat``
    and ``deescalation``, and the highest article risk. Articles are placed by the ISO date prefix
    of their ``date`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); undated ones under ``"undated"``.

    Examples
    --------
    >>> rows = [{"date": "2025-10-03", "risk": 0.5, "label": "threat"},
    ...         {"date": "2025-10-20", "risk": -0.1, "label": "neutral"}, {"risk": 0.2, "label": "threat"}]
    >>> [(p["period"], p["articles"], round(p["mean_risk"], 2)) for p in timeline(rows, "month")]
    [('2025-10', 2, 0.2), ('undated', 1, 0.2)]
    """
    if by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}, got {by!r}")
    groups: dict[str, list[dict]] = {}
    for row in rows:
        date = row.get("date") or ""
        key = date[: PERIODS[by]] if len(date) >= PERIODS[by] else "undated"
        groups.setdefault(key, []).append(row)
    out = []
    for period in sorted(groups, key=lambda k: (k == "undated", k)):
        g = groups[period]
        risks = np.array([r["risk"] for r in g], dtype=np.float64)
        out.append({"period": period, "articles": len(g), "mean_risk": float(risks.mean()),
                    "peak_risk": float(risks.max()),
                    "threat_share": sum(r["label"] == "threat" for r in g) / len(g),
                    "deescalation_share": sum(r["label"] == "deescalation" for r in g) / len(g)})
    return out
