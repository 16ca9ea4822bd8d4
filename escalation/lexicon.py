"""The curated lexicon: loading it, and the reference lexicon features.

A lexicon is four plain TSV files (``phrase``, ``category``, ``weight``,
``note``) that a person can edit and diff:

``threat.tsv``
    escalation phrases, each in a CAMEO/PLOVER-style conflict family
``deescalation.tsv``
    cooperation phrases, each in a cooperation family
``negators.tsv``
    negation cues ("not", "ruled out", "refused to")
``hedges.tsv``
    hedging cues ("reportedly", "could")

Phrases are tokenised with :func:`escalation.text.tokenize`, so they match
exactly what the tokeniser produces.

Features (:func:`lexicon_features`), one column per family plus three:
the weighted count of matches of each family, with matches that start within
``negation_window`` tokens after the end of a negation cue counted instead
under ``<polarity>:negated``; and ``hedge``, the weighted count of hedges.
Each count ``c`` becomes ``scale * log1p(c)``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .text import tokenize

__all__ = ["MAX_PHRASE_WORDS", "Lexicon", "LexiconError", "lexicon_features", "load_lexicon"]

#: Longest phrase, in tokens, that a lexicon may hold (the fast scorer hashes n-grams up to this).
MAX_PHRASE_WORDS = 4
POLARITIES = ("threat", "deescalation")
_COLUMNS = ("phrase", "category", "weight", "note")


class LexiconError(ValueError):
    """A lexicon file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Lexicon:
    """A loaded lexicon: phrases as token tuples, with their family and weight.

    Attributes
    ----------
    entries : dict
        ``tokens -> (polarity, category, weight)`` for threat and de-escalation phrases.
    negators : frozenset
        Negation cues, as token tuples.
    hedges : dict
        ``tokens -> weight`` for hedging cues.
    """

    entries: dict[tuple[str, ...], tuple[str, str, float]]
    negators: frozenset[tuple[str, ...]]
    hedges: dict[tuple[str, ...], float] = field(default_factory=dict)

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Column names of :func:`lexicon_features` without lead features, in order."""
        return self.columns(0)

    def columns(self, lead_window: int = 0) -> tuple[str, ...]:
        """Column names of :func:`lexicon_features` with the given ``lead_window``, in order."""
        families = sorted({(pol, cat) for pol, cat, _ in self.entries.values()},
                          key=lambda pc: (POLARITIES.index(pc[0]), pc[1]))
        lead = tuple(f"{pol}:lead" for pol in POLARITIES) if lead_window > 0 else ()
        return (*(f"{pol}:{cat}" for pol, cat in families),
                *(f"{pol}:negated" for pol in POLARITIES), "hedge", *lead)

    def to_records(self) -> dict[str, list]:
        """Plain-data form for the model file (see :meth:`from_records`)."""
        return {
            "entries": [[" ".join(t), pol, cat, w] for t, (pol, cat, w) in sorted(self.entries.items())],
            "negators": sorted(" ".join(t) for t in self.negators),
            "hedges": [[" ".join(t), w] for t, w in sorted(self.hedges.items())],
        }

    @classmethod
    def from_records(cls, records: dict) -> Lexicon:
        """Rebuild a lexicon from :meth:`to_records` output."""
        try:
            entries = {tuple(p.split(" ")): (pol, cat, float(w)) for p, pol, cat, w in records["entries"]}
            negators = frozenset(tuple(p.split(" ")) for p in records["negators"])
            hedges = {tuple(p.split(" ")): float(w) for p, w in records["hedges"]}
        except (KeyError, TypeError, ValueError) as exc:
            raise LexiconError(f"malformed lexicon records: {exc!r}") from exc
        return cls(entries=entries, negators=negators, hedges=hedges)

    def words(self) -> frozenset[str]:
        """Every token of every entry, negator and hedge phrase."""
        return frozenset(t for phrase in (*self.entries, *self.negators, *self.hedges) for t in phrase)

    def __len__(self) -> int:
        return len(self.entries)


def _read_table(path: Path) -> list[tuple[int, tuple[str, ...], str, float]]:
    """Read one TSV file into ``(line, tokens, category, weight)`` rows."""
    rows = []
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read lexicon file ({exc.strerror})") from exc
    with handle:
        lines = ((n, line) for n, line in enumerate(handle, 1) if line.strip() and not line.startswith("#"))
        numbered = list(lines)
        if not numbered:
            raise LexiconError(f"{path}: empty lexicon file")
        header = next(csv.reader([numbered[0][1]], delimiter="\t"))
        if tuple(h.strip() for h in header) != _COLUMNS:
            expected = "\t".join(_COLUMNS)
            raise LexiconError(f"{path}:{numbered[0][0]}: header must be {expected!r}, got {header!r}")
        seen: dict[tuple[str, ...], int] = {}
        for lineno, line in numbered[1:]:
            cells = next(csv.reader([line.rstrip("\r\n")], delimiter="\t"))
            if len(cells) != len(_COLUMNS):
                raise LexiconError(f"{path}:{lineno}: expected {len(_COLUMNS)} tab-separated cells, got {len(cells)}")
            phrase, category, weight_text, _note = cells
            tokens = tuple(tokenize(phrase))
            if not tokens or len(tokens) > MAX_PHRASE_WORDS:
                raise LexiconError(f"{path}:{lineno}: phrase {phrase!r} must have 1 to {MAX_PHRASE_WORDS} words")
            try:
                weight = float(weight_text)
            except ValueError:
                raise LexiconError(f"{path}:{lineno}: weight {weight_text!r} is not a number") from None
            if not (0.0 < weight <= 1.0) or not math.isfinite(weight):
                raise LexiconError(f"{path}:{lineno}: weight {weight} must be in (0, 1]")
            if tokens in seen:
                raise LexiconError(f"{path}:{lineno}: phrase {phrase!r} already listed on line {seen[tokens]}")
            seen[tokens] = lineno
            rows.append((lineno, tokens, category.strip(), weight))
    return rows


def load_lexicon(directory: str | Path) -> Lexicon:
    """Load ``threat.tsv``, ``deescalation.tsv``, ``negators.tsv`` and ``hedges.tsv``.

    Parameters
    ----------
    directory : str or Path
        The folder holding the four files (``seeds/lexicon`` in this repository).

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        A file is missing or malformed, or a phrase is listed as both threat
        and de-escalation; the message names the file and line.
    """
    directory = Path(directory)
    entries: dict[tuple[str, ...], tuple[str, str, float]] = {}
    where: dict[tuple[str, ...], str] = {}
    for polarity in POLARITIES:
        path = directory / f"{polarity}.tsv"
        for lineno, tokens, category, weight in _read_table(path):
            if tokens in entries:
                raise LexiconError(f"{path}:{lineno}: phrase {' '.join(tokens)!r} is also listed at {where[tokens]}")
            if not category:
                raise LexiconError(f"{path}:{lineno}: empty category")
            entries[tokens] = (polarity, category, weight)
            where[tokens] = f"{path}:{lineno}"
    negators = frozenset(t for _, t, _, _ in _read_table(directory / "negators.tsv"))
    hedges = {t: w for _, t, _, w in _read_table(directory / "hedges.tsv")}
    return Lexicon(entries=entries, negators=negators, hedges=hedges)


def lexicon_features(tokens: Sequence[str], lexicon: Lexicon, *, negation_window: int = 3,
                     scale: float = 1.0, lead_window: int = 0,
                     feature_index: dict[str, int] | None = None) -> list[float]:
    """Reference lexicon features of one tokenised sentence (plain Python).

    Parameters
    ----------
    tokens : sequence of str
        Output of :func:`escalation.text.tokenize`.
    lexicon : Lexicon
    negation_window : int
        A match is negated when a negation cue ends within this many tokens
        before the match starts.
    scale : float
        Multiplier applied after ``log1p``.
    lead_window : int
        If positive, matches that are not negated and start within the first ``lead_window``
        tokens also count under ``<polarity>:lead``: in news copy the main clause, which
        decides the label, usually comes first.
    feature_index : dict, optional
        ``name -> column``; computed from ``lexicon.columns(lead_window)`` if omitted.

    Returns
    -------
    list of float
        One value per name in ``lexicon.columns(lead_window)``.

    Examples
    --------
    >>> lex = Lexicon(entries={("threatened",): ("threat", "threaten", 1.0)},
    ...               negators=frozenset({("not",)}), hedges={})
    >>> lexicon_features("They threatened".split(), lex)
    [0.6931471805599453, 0.0, 0.0, 0.0]
    >>> lexicon_features("They have not threatened".split(), lex)
    [0.0, 0.6931471805599453, 0.0, 0.0]
    """
    index = feature_index or {name: i for i, name in enumerate(lexicon.columns(lead_window))}
    counts = [0.0] * len(index)
    n = len(tokens)
    negation_ends = [
        start + length - 1
        for start in range(n)
        for length in range(1, MAX_PHRASE_WORDS + 1)
        if start + length <= n and tuple(tokens[start:start + length]) in lexicon.negators
    ]
    for start in range(n):
        for length in range(1, MAX_PHRASE_WORDS + 1):
            if start + length > n:
                break
            gram = tuple(tokens[start:start + length])
            hit = lexicon.entries.get(gram)
            if hit is not None:
                polarity, category, weight = hit
                negated = any(start - negation_window <= end < start for end in negation_ends)
                counts[index[f"{polarity}:negated" if negated else f"{polarity}:{category}"]] += weight
                if start < lead_window and not negated:
                    counts[index[f"{polarity}:lead"]] += weight
            hedge = lexicon.hedges.get(gram)
            if hedge is not None:
                counts[index["hedge"]] += hedge
    return [scale * math.log1p(c) for c in counts]
