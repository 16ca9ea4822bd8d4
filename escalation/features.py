"""The reference feature pipeline (scikit-learn): TF-IDF ⊕ lexicon features.

This is the *definition* of the model's features. The fast scorer
(:mod:`escalation.scorer`) must reproduce it exactly, and the tests check that
it does.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

from .lexicon import Lexicon, lexicon_features
from .scorer import check_texts
from .text import analyze, tokenize

__all__ = ["LexiconFeatures", "make_features"]


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Lexicon features of sentences (see :func:`escalation.lexicon.lexicon_features`).

    Parameters
    ----------
    lexicon : Lexicon
        The loaded lexicon.
    negation_window : int, default=3
        Tokens before a match in which a negation cue negates it.
    scale : float, default=1.0
        Multiplier of the ``log1p`` counts, which sets how strongly the
        lexicon competes with TF-IDF under the same regularisation.
    lead_window : int, default=0
        If positive, also count matches in the first ``lead_window`` tokens (see
        :func:`escalation.lexicon.lexicon_features`).
    """

    def __init__(self, *, lexicon: Lexicon | None = None, negation_window: int = 3, scale: float = 1.0,
                 lead_window: int = 0):
        self.lexicon = lexicon
        self.negation_window = negation_window
        self.scale = scale
        self.lead_window = lead_window

    def fit(self, X, y=None):  # noqa: N803 (scikit-learn naming)
        """Validate parameters and record the feature names; returns ``self``."""
        if not isinstance(self.lexicon, Lexicon):
            raise TypeError(f"lexicon must be a Lexicon (see escalation.lexicon.load_lexicon), "
                            f"got {type(self.lexicon).__name__}")
        if not (isinstance(self.negation_window, int) and self.negation_window >= 0):
            raise ValueError(f"negation_window must be a non-negative int, got {self.negation_window!r}")
        if not (np.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"scale must be a positive finite number, got {self.scale!r}")
        if not (isinstance(self.lead_window, int) and self.lead_window >= 0):
            raise ValueError(f"lead_window must be a non-negative int, got {self.lead_window!r}")
        check_texts(X)
        self.feature_names_ = self.lexicon.columns(self.lead_window)
        self.n_features_out_ = len(self.feature_names_)
        return self

    def transform(self, X):  # noqa: N803
        """Return a sparse matrix of shape (n_sentences, n_lexicon_features)."""
        check_is_fitted(self, "feature_names_")
        check_texts(X)
        index = {name: i for i, name in enumerate(self.feature_names_)}
        rows = [lexicon_features(tokenize(s), self.lexicon, negation_window=self.negation_window,
                                 scale=self.scale, lead_window=self.lead_window, feature_index=index)
                for s in X]
        return sp.csr_matrix(np.asarray(rows, dtype=np.float64).reshape(len(rows), self.n_features_out_))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns."""
        check_is_fitted(self, "feature_names_")
        return np.asarray(self.feature_names_, dtype=object)


def make_features(lexicon: Lexicon, *, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                  sublinear_tf: bool = True, negation_window: int = 3, lexicon_scale: float = 1.0,
                  lead_window: int = 0, names: frozenset[str] = frozenset(),
                  vocabulary: dict[str, int] | None = None) -> FeatureUnion:
    """The unfitted reference feature union: ``TfidfVectorizer`` ⊕ :class:`LexiconFeatures`.

    Parameters
    ----------
    lexicon : Lexicon
    ngram_range : (int, int)
        Word n-gram range of the TF-IDF terms.
    min_df : int
        Minimum document frequency of a term.
    sublinear_tf : bool
        Use ``1 + log(tf)``.
    negation_window, lexicon_scale, lead_window :
        See :class:`LexiconFeatures`.
    names : frozenset of str
        Proper names that the TF-IDF terms mask (see :func:`escalation.text.analyze`).
    vocabulary : dict, optional
        A fixed vocabulary (used when rebuilding a trained model).
    """
    tfidf = TfidfVectorizer(analyzer=partial(analyze, ngram_range=tuple(ngram_range), names=frozenset(names)),
                            min_df=min_df, sublinear_tf=sublinear_tf, norm="l2", use_idf=True,
                            smooth_idf=True, dtype=np.float64, vocabulary=vocabulary)
    lexicon_step = LexiconFeatures(lexicon=lexicon, negation_window=negation_window, scale=lexicon_scale,
                                   lead_window=lead_window)
    return FeatureUnion([("tfidf", tfidf), ("lexicon", lexicon_step)])
