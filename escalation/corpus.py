"""Labelled sentences: reading JSON Lines, validating them, and the fixed split.

Each line is a JSON object with at least ``text`` and ``label`` (one of
:data:`escalation.model.LABELS`); the seed corpus also has ``setting``,
``register`` and optionally ``case`` (see ``seeds/corpus/GUIDELINES.md``).

The split is fixed: a sentence goes to ``train``, ``dev`` or ``test`` by the
SHA-256 of its whitespace-normalised text (80 / 10 / 10), so adding sentences
never moves existing ones between splits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .model import LABELS

__all__ = ["Example", "LabelledDataError", "corpus_digest", "load_corpus", "read_labelled", "split_of"]

#: Buckets out of 10 for each split (by the SHA-256 of the text).
SPLIT_BUCKETS = {"train": range(0, 8), "dev": range(8, 9), "test": range(9, 10)}


class LabelledDataError(ValueError):
    """A labelled-data file has a malformed line; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    """One labelled sentence."""

    text: str
    label: str
    setting: str = ""
    register: str = ""
    case: str = ""
    source: str = ""  # "file:line"

    @property
    def split(self) -> str:
        """``"train"``, ``"dev"`` or ``"test"``."""
        return split_of(self.text)


def split_of(text: str) -> str:
    """The fixed split of a sentence.

    Examples
    --------
    >>> split_of("The two sides agreed to a ceasefire.") in ("train", "dev", "test")
    True
    """
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).digest()
    bucket = int.from_bytes(digest[:8], "big") % 10
    return next(name for name, buckets in SPLIT_BUCKETS.items() if bucket in buckets)


def read_labelled(path: str | Path) -> Iterator[Example]:
    """Read labelled sentences from a JSON Lines file.

    Raises
    ------
    LabelledDataError
        A line is not a JSON object, lacks a non-empty ``text``, or has a
        label outside ``threat``, ``deescalation``, ``neutral``.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise LabelledDataError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LabelledDataError(f"{where}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise LabelledDataError(f"{where}: expected a JSON object, got {type(record).__name__}")
            text, label = record.get("text"), record.get("label")
            if not isinstance(text, str) or not text.strip():
                raise LabelledDataError(f"{where}: 'text' must be a non-empty string")
            if label not in LABELS:
                raise LabelledDataError(f"{where}: 'label' must be one of {', '.join(LABELS)}; got {label!r}")
            yield Example(text=text, label=label, setting=str(record.get("setting", "")),
                          register=str(record.get("register", "")), case=str(record.get("case", "")),
                          source=where)


def load_corpus(paths: Iterable[str | Path]) -> list[Example]:
    """Read every ``*.jsonl`` file of the given files or directories (sorted), without duplicates.

    A sentence that occurs twice with the same label is kept once; with
    conflicting labels it is an error.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.jsonl")) if p.is_dir() else [p])
    if not files:
        raise LabelledDataError(f"no labelled .jsonl files in {', '.join(map(str, paths))}")
    seen: dict[str, Example] = {}
    for file in files:
        for example in read_labelled(file):
            key = " ".join(example.text.split())
            if key in seen:
                if seen[key].label != example.label:
                    raise LabelledDataError(f"{example.source}: same sentence labelled {example.label!r} here "
                                            f"and {seen[key].label!r} at {seen[key].source}")
                continue
            seen[key] = example
    return list(seen.values())


def corpus_digest(examples: Iterable[Example]) -> str:
    """SHA-256 over the texts and labels, recorded in the model's metadata."""
    h = hashlib.sha256()
    for e in examples:
        h.update(f"{e.label}\t{e.text}\n".encode())
    return h.hexdigest()
