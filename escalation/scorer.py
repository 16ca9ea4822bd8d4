"""The vectorised batch scorer: plain numpy, no scikit-learn.

:class:`FastScorer` reproduces the reference pipeline of
:mod:`escalation.features` (TF-IDF ⊕ lexicon features → multinomial logistic
regression) with whole-batch array operations:

1. join a chunk of sentences with ``"\\n"`` and lower-case it in one call;
2. decode it to code points (UTF-32) and classify word characters with a
   lookup table built from Python's own ``\\w``;
3. find token starts and ends where the word mask changes;
4. hash every token at once with a polynomial hash taken from one prefix sum
   (and the base's inverse mod 2**64) and a splitmix64 finaliser; hash n-grams
   by folding token hashes; map masked proper names to one token;
5. look every n-gram up in one open-addressing hash table per length that
   holds vocabulary terms, lexicon entries, negators, hedges and names (built
   at load time, where a hash collision between two phrases is refused);
6. count terms by sorting, apply sublinear tf, idf and l2 norm, add the
   lexicon features (the negation window is a prefix sum over cue ends), and
   take the linear scores and softmax.

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
from .text import NAME_TOKEN

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


@lru_cache(maxsize=1)
def lower_growth_table() -> np.ndarray:
    """``len(chr(c).lower()) - 1`` for every code point (non-zero only for "İ" in current Unicode)."""
    table = np.zeros(0x110000, dtype=np.int64)
    # lower every code point but NUL in one call, NUL-separated (no lower case contains NUL)
    pieces = "\x00".join(map(chr, range(1, 0x110000))).lower().split("\x00")
    table[1:] = np.fromiter(map(len, pieces), dtype=np.int64, count=0x110000 - 1) - 1
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


class _BadItemError(TypeError):
    """A batch item that is not a str, at ``index`` within its chunk."""

    def __init__(self, index: int, kind: str):
        super().__init__(index, kind)
        self.index, self.kind = index, kind

    def at(self, offset: int) -> TypeError:
        """The error to show the caller: the item's index in the whole batch."""
        return TypeError(f"item {offset + self.index} of the batch is {self.kind}, expected str")


def _join(chunk: Sequence[str]) -> str:
    try:
        return _SEPARATOR.join(chunk)
    except TypeError:
        for i, item in enumerate(chunk):
            if not isinstance(item, str):
                raise _BadItemError(i, type(item).__name__) from None
        raise


@dataclass(frozen=True)
class _Tokens:
    """Tokens of a chunk: their hashes, and which sentence each belongs to."""

    hashes: np.ndarray  # uint64, one per token
    sentence: np.ndarray  # int64, sentence index of each token
    first_token: np.ndarray  # int64, index of each sentence's first token (len n + 1)


_POWERS: list[tuple[np.ndarray, np.ndarray]] = []


def _powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**i`` and ``P**-i`` (mod 2**64) for ``i < length`` (at least); cached, grown by doubling."""
    if _POWERS and _POWERS[0][0].size >= length:
        return _POWERS[0]
    if _POWERS:
        length = max(length, 2 * _POWERS[0][0].size)
    _POWERS[:] = [_compute_powers(length)]
    return _POWERS[0]


def _compute_powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**i`` and ``P**-i`` (mod 2**64) for ``i < length``; P is odd, hence invertible mod 2**64."""
    inverse = pow(int(_HASH_BASE), -1, 1 << 64)
    powers = np.empty(length, dtype=_U64)
    inverses = np.empty(length, dtype=_U64)
    powers[0] = inverses[0] = 1
    if length > 1:
        powers[1:] = _HASH_BASE
        inverses[1:] = _U64(inverse)
        np.multiply.accumulate(powers, out=powers)
        np.multiply.accumulate(inverses, out=inverses)
    return powers, inverses


def _hash_runs(cp: np.ndarray, isw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hash every maximal run of word characters in ``cp``; return (hashes, run starts).

    A token at ``[s, e)`` hashes to ``mix(sum_{s<=i<e} (cp[i] + 1) * P**(i - s) ^ len * SALT)``,
    computed for all tokens at once from one prefix sum over the chunk: the sum over the token is
    ``(S[e] - S[s]) * P**-s`` with ``S`` the prefix sums of ``(cp[i] + 1) * P**i`` (wrapping uint64).
    """
    edges = np.diff(isw.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    if starts.size == 0:
        return np.empty(0, _U64), starts
    ends = np.flatnonzero(edges == -1)
    powers, inverses = _powers(cp.size + 1)
    prefix = np.empty(cp.size + 1, dtype=_U64)
    prefix[0] = 0
    np.cumsum((cp.astype(_U64) + _U64(1)) * powers[: cp.size], out=prefix[1:])
    sums = (prefix[ends] - prefix[starts]) * inverses[starts]
    lengths = (ends - starts).astype(_U64)
    return _mix(sums ^ (lengths * _LEN_SALT)), starts


def _ngram_hashes(tokens: _Tokens, n: int, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of all n-grams (of token ``hashes``) within one sentence, and their first-token index."""
    count = hashes.size - n + 1
    if count <= 0:
        return np.empty(0, _U64), np.empty(0, np.int64)
    valid = np.flatnonzero(tokens.sentence[: count] == tokens.sentence[n - 1:])
    h = hashes[valid]
    for k in range(1, n):
        h = _mix(h * _PAIR_MULT + hashes[valid + k])
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


#: Columns of ``_PhraseTable.values``: what a known n-gram is (-1 where it is not).
_TERM, _ENTRY, _NEGATOR, _HEDGE, _NAME = range(5)
_COLUMNS = 5


class _PhraseTable:
    """All known n-grams of one length: vocabulary terms, lexicon entries, negators and hedges.

    An open-addressing hash table (linear probing, load factor at most 1/8) keyed by n-gram
    hash, so that one lookup is a few vectorised gathers. Two *different* phrases with the
    same hash are refused at build time, since the scorer could then not be exact.
    """

    _EMPTY = _U64(0)

    def __init__(self, phrases: dict[tuple[str, ...], list[int]], what: str):
        keys_list = list(phrases)
        hashes = _phrase_hashes(keys_list)
        order = np.argsort(hashes, kind="stable")
        dup = np.flatnonzero(hashes[order][1:] == hashes[order][:-1])
        if dup.size:
            a, b = keys_list[order[dup[0]]], keys_list[order[dup[0] + 1]]
            raise ValueError(f"{what}: {' '.join(a)!r} and {' '.join(b)!r} share a hash; cannot score exactly")
        if np.any(hashes == self._EMPTY):
            raise ValueError(f"{what}: a phrase hashes to the reserved value 0; cannot score exactly")
        size = 1 << max(4, (8 * len(keys_list) - 1).bit_length())
        self.mask = _U64(size - 1)
        self.keys = np.zeros(size, dtype=_U64)
        self.values = np.full((size, _COLUMNS), -1, dtype=np.int32)
        self.max_probe = 0
        for h, key in zip(hashes.tolist(), keys_list, strict=True):  # load time only
            slot, probe = h & (size - 1), 0
            while self.keys[slot] != self._EMPTY:
                slot, probe = (slot + 1) & (size - 1), probe + 1
            self.keys[slot] = h
            self.values[slot] = phrases[key]
            self.max_probe = max(self.max_probe, probe)

    def lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (indices into ``hashes`` that are known, their rows of ``values``)."""
        slot = (hashes & self.mask).astype(np.int64)
        key = self.keys[slot]
        hit = key == hashes
        # most lookups end at the first slot (a hit, or an empty slot); probe further only for the rest
        pending = np.flatnonzero(~hit & (key != self._EMPTY))
        found_slot = np.where(hit, slot, -1)
        mask = int(self.mask)
        for _ in range(self.max_probe):
            if pending.size == 0:
                break
            slot_p = (slot[pending] + 1) & mask
            slot[pending] = slot_p
            key_p = self.keys[slot_p]
            hit_p = key_p == hashes[pending]
            found_slot[pending[hit_p]] = slot_p[hit_p]
            pending = pending[~hit_p & (key_p != self._EMPTY)]
        found = np.flatnonzero(found_slot >= 0)
        return found, self.values[found_slot[found]]


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
    lead_window : int
    names : iterable of str
        Proper names that TF-IDF sees as :data:`NAME_TOKEN` (the lexicon never contains them).
    ngram_range : (int, int)
    sublinear_tf : bool
    chunk_sentences, chunk_chars : int
        Chunking of large batches (bounded memory).
    """

    def __init__(self, *, vocabulary: Sequence[str], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, lexicon: Lexicon, lexicon_feature_names: Sequence[str],
                 negation_window: int, lexicon_scale: float, ngram_range: tuple[int, int] = (1, 2),
                 sublinear_tf: bool = True, lead_window: int = 0, names: Iterable[str] = (),
                 chunk_sentences: int = DEFAULT_CHUNK_SENTENCES,
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
        self.lead_window = int(lead_window)
        self.lexicon_scale = float(lexicon_scale)
        self.chunk_sentences = int(chunk_sentences)
        self.chunk_chars = int(chunk_chars)
        self.lexicon_feature_names = tuple(lexicon_feature_names)
        self.max_n = max(self.ngram_range[1], MAX_PHRASE_WORDS)

        index = {name: i for i, name in enumerate(self.lexicon_feature_names)}
        if not all(f"{p}:negated" in index for p in POLARITIES) or "hedge" not in index:
            raise ValueError("lexicon_feature_names lack the negated or hedge columns")
        entries = list(lexicon.entries.items())
        self._entry_col = np.array([index[f"{pol}:{cat}"] for _, (pol, cat, _) in entries], np.int64)
        self._entry_negcol = np.array([index[f"{pol}:negated"] for _, (pol, _, _) in entries], np.int64)
        self._entry_weight = np.array([w for _, (_, _, w) in entries], np.float64)
        if self.lead_window > 0:
            self._entry_leadcol = np.array([index[f"{pol}:lead"] for _, (pol, _, _) in entries], np.int64)
        self._hedge_col = index["hedge"]
        hedges = sorted(lexicon.hedges)
        self._hedge_weight = np.array([lexicon.hedges[h] for h in hedges], np.float64)

        known: dict[int, dict[tuple[str, ...], list[int]]] = {n: {} for n in range(1, self.max_n + 1)}

        def record(phrase: tuple[str, ...], what: int, value: int) -> None:
            known[len(phrase)].setdefault(phrase, [-1] * _COLUMNS)[what] = value

        for col, term in enumerate(vocabulary):
            tokens = tuple(term.split(" "))
            if not self.ngram_range[0] <= len(tokens) <= self.ngram_range[1]:
                raise ValueError(f"vocabulary term {term!r} is not a word n-gram in {self.ngram_range}")
            record(tokens, _TERM, col)
        for i, (phrase, _) in enumerate(entries):
            record(phrase, _ENTRY, i)
        for phrase in lexicon.negators:
            record(phrase, _NEGATOR, 1)
        for i, phrase in enumerate(hedges):
            record(phrase, _HEDGE, i)
        names = sorted(names)
        if lexicon.words().intersection(names):
            raise ValueError(f"masked names {sorted(lexicon.words().intersection(names))[:5]} are lexicon words; "
                             "the lexicon matches unmasked tokens, so they cannot be masked")
        # a masked name counts as the TF-IDF term NAME_TOKEN; it is never a term or lexicon word itself
        name_col = known[1].get((NAME_TOKEN,), [-1] * _COLUMNS)[_TERM]
        for name in names:
            if (name,) in known[1]:
                raise ValueError(f"masked name {name!r} is also a vocabulary term; the model file is inconsistent")
            record((name,), _NAME, 1)
            record((name,), _TERM, name_col)
        self.masks_names = bool(names)
        self._tables = {n: _PhraseTable(phrases, f"{n}-word phrases") for n, phrases in known.items() if phrases}
        self._name_hash = _phrase_hashes([(NAME_TOKEN,)])[0]

    # -- tokenisation ---------------------------------------------------------------------------
    @staticmethod
    def _tokens(chunk: Sequence[str]) -> _Tokens:
        joined = _join(chunk)
        lowered = joined.lower()  # equals joining the lowered sentences: "\n" is neither cased nor case-ignorable
        lengths = np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk))
        if len(lowered) != len(joined):  # some character's lower case is longer (e.g. "İ" -> "i̇")
            original = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            growth = np.cumsum(lower_growth_table()[original], dtype=np.int64)
            ends = np.cumsum(lengths + 1) - 2  # index of each sentence's last character
            at_end = np.where(ends >= 0, growth[np.maximum(ends, 0)], 0)
            lengths = lengths + np.diff(at_end, prepend=np.int64(0))
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
        term_rows, term_cols, matches = [], [], []
        neg_end = np.zeros(tokens.hashes.size + 1, dtype=np.int64)
        masked = tokens.hashes
        for k, table in self._tables.items():
            if k == 1:  # unigrams: every token; the lookup also finds the proper names to mask
                first = np.arange(tokens.hashes.size)
                found, known = table.lookup(tokens.hashes)
                if self.masks_names:  # longer n-grams see NAME_TOKEN in place of each name
                    masked = tokens.hashes.copy()
                    masked[found[known[:, _NAME] >= 0]] = self._name_hash
            else:
                h, first = _ngram_hashes(tokens, k, masked)
                found, known = table.lookup(h)
            first = first[found]
            is_term = known[:, _TERM] >= 0
            term_rows.append(tokens.sentence[first[is_term]])
            term_cols.append(known[is_term, _TERM])
            np.add.at(neg_end, first[known[:, _NEGATOR] >= 0] + k, 1)  # marks the token after each cue
            matches.append((first, known))

        # TF-IDF
        keys = np.concatenate(term_rows) * self.n_terms + np.concatenate(term_cols)
        if n * self.n_terms < np.iinfo(np.int32).max:  # sorting int32 is about twice as fast
            keys = keys.astype(np.int32)
        keys = np.sort(keys).astype(np.int64)
        first_of_run = np.flatnonzero(np.diff(keys, prepend=np.int64(-1)))  # count runs of equal keys
        counts = np.diff(first_of_run, append=keys.size)
        keys = keys[first_of_run]
        rows, cols = np.divmod(keys, self.n_terms) if self.n_terms else (keys, keys)
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
        values /= norms[rows]

        # lexicon, with the negation window
        neg_cum = np.cumsum(neg_end)  # neg_cum[j] = negation cues ending before token j
        lex_rows, lex_cols, lex_w = [], [], []
        for first, known in matches:
            is_entry = known[:, _ENTRY] >= 0
            start, entry = first[is_entry], known[is_entry, _ENTRY]
            sent = tokens.sentence[start]
            lo = np.maximum(start - self.negation_window, tokens.first_token[sent])
            negated = (neg_cum[start] - neg_cum[lo]) > 0
            lex_rows.append(sent)
            lex_cols.append(np.where(negated, self._entry_negcol[entry], self._entry_col[entry]))
            lex_w.append(self._entry_weight[entry])
            if self.lead_window > 0:
                lead = ~negated & (start - tokens.first_token[sent] < self.lead_window)
                lex_rows.append(sent[lead])
                lex_cols.append(self._entry_leadcol[entry[lead]])
                lex_w.append(self._entry_weight[entry[lead]])
            is_hedge = known[:, _HEDGE] >= 0
            lex_rows.append(tokens.sentence[first[is_hedge]])
            lex_cols.append(np.full(int(is_hedge.sum()), self._hedge_col, np.int64))
            lex_w.append(self._hedge_weight[known[is_hedge, _HEDGE]])
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
        offset = 0
        while True:
            chunk = list(islice(it, self.chunk_sentences))
            if not chunk:
                return
            # close a chunk early if it is too long in characters
            try:
                lengths = np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk))
            except TypeError:
                try:
                    _join(chunk)
                except _BadItemError as bad:
                    raise bad.at(offset) from None
                raise
            offset += len(chunk)
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
        offset = 0
        for chunk in self.iter_chunks(sentences):
            try:
                yield self._decision_chunk(chunk)
            except _BadItemError as bad:
                raise bad.at(offset) from None
            offset += len(chunk)

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
