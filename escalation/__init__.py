"""escalation: score escalation risk in news text.

The public API:

>>> import escalation
>>> article = escalation.score("Pakistan will respond decisively. Both sides agreed to a ceasefire.")
>>> [s.label for s in article.sentences]
['threat', 'deescalation']
>>> model = escalation.load_model()
>>> model.labels
('threat', 'deescalation', 'neutral')
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .aggregate import ArticleScore, SentenceScore, article_score, sentence_scores
from .model import LABELS, Model, ModelFormatError
from .model import load_model as _load_model
from .scorer import check_texts
from .text import split_sentences

__version__ = "0.1.0"
__all__ = [
    "LABELS",
    "ArticleScore",
    "Model",
    "ModelFormatError",
    "SentenceScore",
    "__version__",
    "load_model",
    "score",
    "score_articles",
    "score_sentences",
    "split_sentences",
    "train",
]


@lru_cache(maxsize=1)
def _default_model() -> Model:
    return _load_model(None)


def load_model(path: str | Path | None = None) -> Model:
    """Load a model directory, or the shipped default model (cached) when ``path`` is None.

    See :func:`escalation.model.load_model`.
    """
    return _default_model() if path is None else _load_model(path)


def score_sentences(sentences: Iterable[str], model: Model | None = None) -> list[SentenceScore]:
    """Score sentences as they are (no splitting).

    Parameters
    ----------
    sentences : iterable of str
    model : Model, optional
        Defaults to the shipped model.
    """
    check_texts(sentences)
    model = model or load_model()
    sentences = list(sentences)
    return sentence_scores(sentences, model.predict_proba(sentences), model.labels)


def score(text: str, model: Model | None = None) -> ArticleScore:
    """Split an article into sentences, score each, and aggregate.

    Parameters
    ----------
    text : str
        The article.
    model : Model, optional
        Defaults to the shipped model.

    Returns
    -------
    ArticleScore
        ``.risk`` for the article and ``.sentences`` with each sentence's label, risk and probabilities.
    """
    if not isinstance(text, str):
        raise TypeError(f"score takes one article as str, got {type(text).__name__}; "
                        "use score_articles for many")
    return article_score(score_sentences(split_sentences(text), model))


def score_articles(texts: Iterable[str], model: Model | None = None) -> list[ArticleScore]:
    """Score many articles, with one vectorised pass over all their sentences."""
    check_texts(texts, "texts")
    model = model or load_model()
    split = [split_sentences(t) for t in texts]
    flat = [s for sentences in split for s in sentences]
    scored = sentence_scores(flat, model.predict_proba(flat), model.labels)
    out, pos = [], 0
    for sentences in split:
        out.append(article_score(scored[pos:pos + len(sentences)]))
        pos += len(sentences)
    return out


def train(seeds: str | Path = "seeds", **kwargs) -> Model:
    """Train a model; see :func:`escalation.training.train`."""
    from .training import train as _train

    return _train(seeds, **kwargs)
