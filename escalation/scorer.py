"""The vectorised batch scorer: plain numpy, no scikit-learn.

:class:`FastScorer` reproduces the reference pipeline of
:mod:`escalation.features` (TF-IDF ⊕ lexicon features → multinomial logistic
regression) with whole-batch array operations:

1. join a chunk of sentences with ``"\\n"`` and lower-case it in one call;
2. decode it to code points (UTF-32) and classify word characters with a
   lookup table built from Python's own ``\\w``;
3. find token starts and ends where the word mask changes;
4. hash every token with a polynomial hash over its code points
   (``np.add.reduceat``) and a splitmix64 finaliser; hash n-grams by folding
   token hashes;
5. find TF-IDF columns and lexicon entries with :func:`numpy.searchsorted`
   in sorted hash tables (built at load time, where a hash collision between
   two vocabulary entries is refused);
6. count with ``np.unique``/``np.bincount``, apply sublinear tf, idf and l2
   norm, add the lexicon features, and take the linear scores and softmax.

There is no Python loop per sentence or per token; work is done in chunks
so that memory stays bounded whatever the number of sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import numpy as np

from .lexicon import MAX_PHRASE_WORDS, POLARITIES, Lexicon

__all__ = ["FastScorer", "SparseFeatures", "check_texts"]

#: Sentences per chunk; with the character budget below this bounds the working set.
DEFAULT_CHUNK_SENTENCES = 4096
#: Characters per chunk (a chunk closes early once its sentences exceed this).
DEFAULT_CHUNK_CHARS = 1 << 20

_U64 = np.uint64
_HASH_BASE = _U64(0x100000001B3)  # FNV-64 prime: odd, so powers never vanish mod 2**64
_PAIR_MULT = _U64(0x9E3779B97F4A7C15)  # golden-ratio constant to fold n-gram hashes
_MIX1 = _U64(0xBF58476D1CE4E5B9)  # splitmix64 finaliser constants
_MIX2 = _U64(0x94D049BB133111EB)
_LEN_SALT = _U64(0xD6E8FEB86659FD93)
_SEPARATOR = "\n"  # not a word character, not cased, not case-ignorable


@lru_cache(maxsize=1)
def word_char_table() -> np.ndarray:
    """Boolean table over all code points: ``True`` where Python's ``re`` ``\\w`` matches.

    Built from ``re`` itself, so it agrees with :func:`escalation.text.tokenize`
    for every code point, lone surrogates included.
    """
    table = np.zeros(0x110000, dtype=bool)
    everything = "".join(map(chr, range(0x110000)))
    for match in re.finditer(r"\w+", everything):
        table[match.start():match.end()] = True
    return table


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, vectorised (wrapping uint64 arithmetic)."""
    h = (h ^ (h >> _U64(30))) * _MIX1
    h = (h ^ (h >> _U64(27))) * _MIX2
    return h ^ (h >> _U64(31))


def check_texts(texts: object, what: str = "sentences") -> None:
    """Refuse a bare string (or bytes) where an iterable of texts is expected."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"{what} must be a list (or other iterable) of str, got a single {type(texts).__name__}; "
            f"wrap it in a list: [{what[:-1]}]"
        )


def _join(chunk: Sequence[str]) -> str:
    try:
        return _SEPARATOR.join(chunk)
    except TypeError:
        for i, item in enumerate(chunk):
            if not isinstance(item, str):
                raise TypeError(f"item {i} of the batch is {type(item).__name__}, expected str") from None
        raise


@dataclass(frozen=True)
class _Tokens:
    """Tokens of a chunk: their hashes, and which sentence each belongs to."""

    hashes: np.ndarray  # uint64, one per token
    sentence: np.ndarray  # int64, sentence index of each token
    first_token: np.ndarray  # int64, index of each sentence's first token (len n + 1)


def _hash_runs(cp: np.ndarray, isw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hash every maximal run of word characters in ``cp``; return (hashes, run starts)."""
    edges = np.diff(isw.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if starts.size == 0:
        return np.empty(0, _U64), starts
    lengths = ends - starts
    word_pos = np.flatnonzero(isw)
    # position of each word character inside its token
    token_of_char = np.repeat(np.arange(starts.size), lengths)
    offsets = np.cumsum(lengths) - lengths
    pos_in_token = np.arange(word_pos.size) - offsets[token_of_char]
    powers = np.empty(int(lengths.max()), dtype=_U64)
    powers[0] = 1
    if powers.size > 1:
        powers[1:] = _HASH_BASE
        np.multiply.accumulate(powers, out=powers)
    terms = (cp[word_pos].astype(_U64) + _U64(1)) * powers[pos_in_token]
    sums = np.add.reduceat(terms, offsets)
    return _mix(sums ^ (lengths.astype(_U64) * _LEN_SALT)), starts


def _ngram_hashes(tokens: _Tokens, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of all n-grams that lie within one sentence, and their first-token index."""
    count = tokens.hashes.size - n + 1
    if count <= 0:
        return np.empty(0, _U64), np.empty(0, np.int64)
    valid = np.flatnonzero(tokens.sentence[: count] == tokens.sentence[n - 1:])
    h = tokens.hashes[valid]
    for k in range(1, n):
        h = _mix(h * _PAIR_MULT + tokens.hashes[valid + k])
    return h, valid


def _phrase_hashes(phrases: Sequence[Sequence[str]]) -> np.ndarray:
    """Hash token sequences (vocabulary terms, lexicon phrases) the way sentences are hashed."""
    flat = [tok for phrase in phrases for tok in phrase]
    if not flat:
        return np.empty(0, _U64)
    cp = np.frombuffer(_SEPARATOR.join(flat).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    isw = cp != ord(_SEPARATOR)
    token_hashes, _ = _hash_runs(cp, isw)
    if token_hashes.size != len(flat):
        raise ValueError("a vocabulary term or lexicon phrase contains a non-word character")
    lengths = np.fromiter(map(len, phrases), dtype=np.int64, count=len(phrases))
    starts = np.cumsum(lengths) - lengths
    out = token_hashes[starts]
    for k in range(1, int(lengths.max(initial=1))):  # fold exactly as _ngram_hashes does
        longer = np.flatnonzero(lengths > k)
        out[longer] = _mix(out[longer] * _PAIR_MULT + token_hashes[starts[longer] + k])
    return out


class _HashTable:
    """Sorted uint64 keys → values, looked up with ``searchsorted``."""

    def __init__(self, keys: np.ndarray, values: np.ndarray, what: str, names: Sequence[str]):
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.values = values[order]
        dup = np.flatnonzero(self.keys[1:] == self.keys[:-1])
        if dup.size:
            a, b = order[dup[0]], order[dup[0] + 1]
            raise ValueError(f"{what}: {names[a]!r} and {names[b]!r} share a hash; cannot score exactly")

    def lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (indices into ``hashes`` that were found, their values)."""
        if self.keys.size == 0 or hashes.size == 0:
            return np.empty(0, np.int64), self.values[:0]
        idx = np.searchsorted(self.keys, hashes)
        idx[idx == self.keys.size] = 0
        found = np.flatnonzero(self.keys[idx] == hashes)
        return found, self.values[idx[found]]


@dataclass(frozen=True)
class SparseFeatures:
    """Features of a chunk: TF-IDF as (row, column, value) triplets and dense lexicon features."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    lexicon: np.ndarray  # (n, n_lexicon_features)


class FastScorer:
    """Vectorised scorer compiled from the plain model arrays.

    Parameters
    ----------
    vocabulary : sequence of str
        TF-IDF terms in column order (n-grams joined by single spaces).
    idf : ndarray of shape (n_terms,)
    coef : ndarray of shape (n_labels, n_terms + n_lexicon_features)
    intercept : ndarray of shape (n_labels,)
    lexicon : Lexicon
    lexicon_feature_names : sequence of str
        Names of the lexicon feature columns, in order.
    negation_window : int
    lexicon_scale : float
    ngram_range : (int, int)
    sublinear_tf : bool
    chunk_sentences, chunk_chars : int
        Chunking of large batches (bounded memory).
    """

    def __init__(self, *, vocabulary: Sequence[str], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, lexicon: Lexicon, lexicon_feature_names: Sequence[str],
                 negation_window: int, lexicon_scale: float, ngram_range: tuple[int, int] = (1, 2),
                 sublinear_tf: bool = True, chunk_sentences: int = DEFAULT_CHUNK_SENTENCES,
                 chunk_chars: int = DEFAULT_CHUNK_CHARS):
        self.n_terms = len(vocabulary)
        self.idf = np.ascontiguousarray(idf, dtype=np.float64)
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.ascontiguousarray(intercept, dtype=np.float64)
        self.coef_terms_T = np.ascontiguousarray(self.coef[:, : self.n_terms].T)
        self.coef_lexicon_T = np.ascontiguousarray(self.coef[:, self.n_terms:].T)
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.sublinear_tf = bool(sublinear_tf)
        self.negation_window = int(negation_window)
        self.lexicon_scale = float(lexicon_scale)
        self.chunk_sentences = int(chunk_sentences)
        self.chunk_chars = int(chunk_chars)
        self.lexicon_feature_names = tuple(lexicon_feature_names)
        self.max_n = max(self.ngram_range[1], MAX_PHRASE_WORDS)

        term_tokens = [term.split(" ") for term in vocabulary]
        self._terms_by_n = {}
        for n in range(self.ngram_range[0], self.ngram_range[1] + 1):
            cols = np.array([i for i, t in enumerate(term_tokens) if len(t) == n], dtype=np.int64)
            hashes = _phrase_hashes([term_tokens[i] for i in cols])
            self._terms_by_n[n] = _HashTable(hashes, cols, "vocabulary", [vocabulary[i] for i in cols])
        all_hashes = np.concatenate([t.keys for t in self._terms_by_n.values()] or [np.empty(0, _U64)])
        if np.unique(all_hashes).size != all_hashes.size:
            raise ValueError("vocabulary: two terms of different lengths share a hash; cannot score exactly")

        index = {name: i for i, name in enumerate(self.lexicon_feature_names)}
        phrases = list(lexicon.entries)
        self._entry_col = np.array([index[f"{pol}:{cat}"] for pol, cat, _ in lexicon.entries.values()], np.int64)
        self._entry_negcol = np.array([index[f"{pol}:negated"] for pol, _, _ in lexicon.entries.values()], np.int64)
        self._entry_weight = np.array([w for _, _, w in lexicon.entries.values()], np.float64)
        self._hedge_col = index["hedge"]
        self._entries = self._by_length(phrases, np.arange(len(phrases)), "lexicon")
        hedges = list(lexicon.hedges)
        self._hedge_weight = np.array([lexicon.hedges[h] for h in hedges], np.float64)
        self._hedges = self._by_length(hedges, np.arange(len(hedges)), "hedges")
        negators = sorted(lexicon.negators)
        self._negators = self._by_length(negators, np.arange(len(negators)), "negators")
        assert all(f"{p}:negated" in index for p in POLARITIES)

    @staticmethod
    def _by_length(phrases: Sequence[tuple[str, ...]], values: np.ndarray, what: str) -> dict[int, _HashTable]:
        tables = {}
        for n in range(1, MAX_PHRASE_WORDS + 1):
            sel = [i for i, p in enumerate(phrases) if len(p) == n]
            if sel:
                tables[n] = _HashTable(_phrase_hashes([phrases[i] for i in sel]), values[sel], what,
                                       [" ".join(phrases[i]) for i in sel])
        return tables

    # -- tokenisation ---------------------------------------------------------------------------
    @staticmethod
    def _tokens(chunk: Sequence[str]) -> _Tokens:
        joined = _join(chunk)
        lowered = joined.lower()
        if len(lowered) == len(joined):
            lengths = np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk))
        else:  # rare: some character's lower case has another length (e.g. "İ"); lower one by one
            parts = [s.lower() for s in chunk]
            lowered = _SEPARATOR.join(parts)
            lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        cp = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        isw = word_char_table()[cp]
        hashes, starts = _hash_runs(cp, isw)
        sentence_starts = np.cumsum(lengths + 1) - (lengths + 1)
        sentence = np.searchsorted(sentence_starts, starts, side="right") - 1
        first_token = np.searchsorted(sentence, np.arange(len(chunk) + 1), side="left")
        return _Tokens(hashes=hashes, sentence=sentence.astype(np.int64), first_token=first_token)

    # -- features --------------------------------------------------------------------------------
    def features(self, chunk: Sequence[str]) -> SparseFeatures:
        """Features of one chunk of sentences (exactly the reference pipeline's)."""
        n = len(chunk)
        tokens = self._tokens(chunk)
        grams = {k: _ngram_hashes(tokens, k) for k in range(1, self.max_n + 1)}

        # TF-IDF
        rows_parts, cols_parts = [], []
        for k, table in self._terms_by_n.items():
            h, first = grams[k]
            found, cols = table.lookup(h)
            rows_parts.append(tokens.sentence[first[found]])
            cols_parts.append(cols)
        keys = np.concatenate(rows_parts) * self.n_terms + np.concatenate(cols_parts)
        keys, counts = np.unique(keys, return_counts=True)
        rows, cols = np.divmod(keys, self.n_terms) if self.n_terms else (keys, keys)
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
        values /= norms[rows]

        # lexicon, with the negation window
        n_tok = tokens.hashes.size
        neg_end = np.zeros(n_tok + 1, dtype=np.int64)
        for k, table in self._negators.items():
            h, first = grams[k]
            found, _ = table.lookup(h)
            np.add.at(neg_end, first[found] + k, 1)  # mark the token after the cue's end
        neg_cum = np.cumsum(neg_end)  # neg_cum[j] = cues ending before token j
        lex_rows, lex_cols, lex_w = [], [], []
        for k, table in self._entries.items():
            h, first = grams[k]
            found, entry = table.lookup(h)
            start = first[found]
            sent = tokens.sentence[start]
            lo = np.maximum(start - self.negation_window, tokens.first_token[sent])
            negated = (neg_cum[start] - neg_cum[lo]) > 0
            lex_rows.append(sent)
            lex_cols.append(np.where(negated, self._entry_negcol[entry], self._entry_col[entry]))
            lex_w.append(self._entry_weight[entry])
        for k, table in self._hedges.items():
            h, first = grams[k]
            found, hedge = table.lookup(h)
            lex_rows.append(tokens.sentence[first[found]])
            lex_cols.append(np.full(found.size, self._hedge_col, np.int64))
            lex_w.append(self._hedge_weight[hedge])
        width = len(self.lexicon_feature_names)
        lexicon = np.zeros(n * width, dtype=np.float64)
        if lex_rows:
            flat = np.concatenate(lex_rows) * width + np.concatenate(lex_cols)
            lexicon += np.bincount(flat, weights=np.concatenate(lex_w), minlength=n * width)
        lexicon = self.lexicon_scale * np.log1p(lexicon.reshape(n, width))
        return SparseFeatures(rows=rows, cols=cols, values=values, lexicon=lexicon)

    # -- scores ----------------------------------------------------------------------------------
    def _decision_chunk(self, chunk: Sequence[str]) -> np.ndarray:
        f = self.features(chunk)
        n = len(chunk)
        scores = f.lexicon @ self.coef_lexicon_T
        contrib = f.values[:, None] * self.coef_terms_T[f.cols]
        for k in range(scores.shape[1]):
            scores[:, k] += np.bincount(f.rows, weights=contrib[:, k], minlength=n)
        return scores + self.intercept

    def iter_chunks(self, sentences: Iterable[str]) -> Iterator[list[str]]:
        """Cut ``sentences`` into chunks of bounded size (count and characters)."""
        check_texts(sentences)
        it = iter(sentences)
        while True:
            chunk = list(islice(it, self.chunk_sentences))
            if not chunk:
                return
            # close a chunk early if it is too long in characters
            try:
                lengths = np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk))
            except TypeError:
                _join(chunk)  # raises a TypeError naming the bad item
                raise
            cuts = np.searchsorted(np.cumsum(lengths), np.arange(1, 1 + lengths.sum() // self.chunk_chars)
                                   * self.chunk_chars)
            start = 0
            for cut in np.unique(np.append(cuts + 1, len(chunk))):
                cut = int(min(cut, len(chunk)))
                if cut > start:
                    yield chunk[start:cut]
                    start = cut

    def iter_decision_function(self, sentences: Iterable[str]) -> Iterator[np.ndarray]:
        """Linear scores, one array of shape (chunk, n_labels) per chunk."""
        for chunk in self.iter_chunks(sentences):
            yield self._decision_chunk(chunk)

    def iter_predict_proba(self, sentences: Iterable[str]) -> Iterator[np.ndarray]:
        """Probabilities chunk by chunk: constant memory over any number of sentences."""
        for scores in self.iter_decision_function(sentences):
            yield softmax(scores)

    def decision_function(self, sentences: Iterable[str]) -> np.ndarray:
        """Linear scores of shape (n, n_labels)."""
        parts = list(self.iter_decision_function(sentences))
        return np.concatenate(parts) if parts else np.empty((0, self.intercept.size))

    def predict_proba(self, sentences: Iterable[str]) -> np.ndarray:
        """Class probabilities of shape (n, n_labels)."""
        return softmax(self.decision_function(sentences))


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, computed as scikit-learn does (shift by the row maximum)."""
    shifted = scores - scores.max(axis=1, keepdims=True) if scores.size else scores
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
