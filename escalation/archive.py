"""Archives: streaming readers, scoring in batches, bad-record quarantine and resumable runs.

Supported inputs (each optionally gzip-compressed, ``.gz``), or folders of them:

``.jsonl`` / ``.ndjson``
    one JSON object per line with a text field (default ``text``) and optionally ``id`` and ``date``
``.csv``
    a header row naming the same fields
``.txt``
    one article per file; its id is the file name

A record that cannot be read (invalid JSON or encoding, no text, a text that is not a string) is
*quarantined*: reported with its file, line and reason, and skipped. Every good record is still
scored, and ``read == scored + quarantined`` (+ ``skipped`` when resuming).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .aggregate import ArticleScore
from .model import Model

__all__ = ["Quarantined", "Record", "RunSummary", "iter_records", "run_archive", "score_records"]

log = logging.getLogger(__name__)

SUFFIXES = (".jsonl", ".ndjson", ".csv", ".txt")
#: Articles scored together in one vectorised pass.
BATCH_ARTICLES = 512
_RAW_EXCERPT = 200  # characters of a bad record kept in the quarantine file


@dataclass(frozen=True)
class Record:
    """One article of an archive."""

    id: str
    text: str
    source: str  # "file:line"
    date: str | None = None


@dataclass(frozen=True)
class Quarantined:
    """A record that could not be scored, and why."""

    source: str
    reason: str
    raw: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "reason": self.reason, "raw": self.raw[:_RAW_EXCERPT]}


def _kind(path: Path) -> str | None:
    name = path.name.lower().removesuffix(".gz")
    return next((s for s in SUFFIXES if name.endswith(s)), None)


def _open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _files(paths: Iterable[str | Path], exclude: frozenset[Path] = frozenset()) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and _kind(f) and f.resolve() not in exclude)
        elif p.exists():
            if p.resolve() not in exclude:
                yield p
        else:
            raise FileNotFoundError(f"{p}: no such file or directory")


def _record_from_mapping(row: Any, where: str, fields: tuple[str, str, str], fallback_id: str,
                         raw: str) -> Record | Quarantined:
    text_field, id_field, date_field = fields
    if not isinstance(row, dict):
        return Quarantined(where, f"expected a JSON object, got {type(row).__name__}", raw)
    text = row.get(text_field)
    if text is None:
        return Quarantined(where, f"no {text_field!r} field", raw)
    if not isinstance(text, str):
        return Quarantined(where, f"{text_field!r} is {type(text).__name__}, expected a string", raw)
    if not text.strip():
        return Quarantined(where, f"{text_field!r} is empty", raw)
    rid = row.get(id_field)
    date = row.get(date_field)
    return Record(id=str(rid) if rid not in (None, "") else fallback_id, text=text, source=where,
                  date=str(date) if date not in (None, "") else None)


def iter_records(paths: Iterable[str | Path], *, text_field: str = "text", id_field: str = "id",
                 date_field: str = "date", encoding: str = "utf-8",
                 exclude: Iterable[str | Path] = ()) -> Iterator[Record | Quarantined]:
    """Stream the records of archive files and folders, in order.

    Yields :class:`Record` for every readable article and :class:`Quarantined` for every bad one;
    it never stops at a bad record. A file of an unknown type is quarantined whole. Files in
    ``exclude`` (e.g. a run's own output) are not read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.jsonl").write_text('{"id": "1", "text": "Talks resumed."}\\nnot json\\n')
    >>> [type(r).__name__ for r in iter_records([d])]
    ['Record', 'Quarantined']
    """
    fields = (text_field, id_field, date_field)
    for path in _files(paths, frozenset(Path(p).resolve() for p in exclude)):
        kind = _kind(path)
        if kind is None:
            yield Quarantined(str(path), f"unsupported file type (expected {', '.join(SUFFIXES)}, optionally .gz)")
            continue
        try:
            if kind == ".txt":
                yield from _read_txt(path, encoding)
            elif kind == ".csv":
                yield from _read_csv(path, encoding, fields)
            else:
                yield from _read_jsonl(path, encoding, fields)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:  # unreadable or truncated file
            yield Quarantined(str(path), f"cannot read the rest of the file ({exc})")


def _read_txt(path: Path, encoding: str) -> Iterator[Record | Quarantined]:
    with _open_binary(path) as handle:
        data = handle.read()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        yield Quarantined(str(path), f"not valid {encoding} ({exc.reason} at byte {exc.start})")
        return
    if not text.strip():
        yield Quarantined(str(path), "empty file")
        return
    yield Record(id=path.name.removesuffix(".gz"), text=text, source=str(path))


def _read_jsonl(path: Path, encoding: str, fields: tuple[str, str, str]) -> Iterator[Record | Quarantined]:
    with _open_binary(path) as handle:
        for lineno, raw in enumerate(handle, 1):
            where = f"{path}:{lineno}"
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                yield Quarantined(where, f"not valid {encoding} ({exc.reason} at byte {exc.start})",
                                  raw.decode(encoding, "replace"))
                continue
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Quarantined(where, f"invalid JSON ({exc.msg} at column {exc.colno})", line.strip())
                continue
            yield _record_from_mapping(row, where, fields, f"{path.name}:{lineno}", line.strip())


#: Longest CSV field accepted: whole articles can exceed the csv module's default of 128 KiB.
CSV_FIELD_LIMIT = 1 << 28


def _read_csv(path: Path, encoding: str, fields: tuple[str, str, str]) -> Iterator[Record | Quarantined]:
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    with _open_binary(path) as handle:
        text = io.TextIOWrapper(handle, encoding=encoding, errors="strict", newline="")
        try:
            reader = csv.DictReader(text)
            if reader.fieldnames is None or fields[0] not in reader.fieldnames:
                yield Quarantined(str(path), f"no {fields[0]!r} column in the header {reader.fieldnames}")
                return
            for row in reader:
                where = f"{path}:{reader.line_num}"
                if None in row:  # more cells than header fields
                    yield Quarantined(where, "more cells than the header has columns", str(row.get(None)))
                    continue
                yield _record_from_mapping(row, where, fields, f"{path.name}:{reader.line_num}", "")
        except UnicodeDecodeError as exc:
            yield Quarantined(str(path), f"not valid {encoding} from byte {exc.start}; the rest of the file is skipped")
        except csv.Error as exc:
            yield Quarantined(str(path), f"malformed CSV ({exc}); the rest of the file is skipped")


def score_records(records: Iterable[Record | Quarantined], model: Model,
                  batch_articles: int = BATCH_ARTICLES) -> Iterator[tuple[Record, ArticleScore] | Quarantined]:
    """Score records in vectorised batches; quarantined records pass through in order."""
    from . import score_articles

    batch: list[Record] = []
    pending: list[Quarantined] = []

    def flush() -> Iterator[tuple[Record, ArticleScore] | Quarantined]:
        if batch:
            yield from zip(batch, score_articles([r.text for r in batch], model=model), strict=True)
            batch.clear()
        yield from pending
        pending.clear()

    for item in records:
        if isinstance(item, Quarantined):
            pending.append(item)
        else:
            batch.append(item)
        if len(batch) >= batch_articles:
            yield from flush()
    yield from flush()


@dataclass
class RunSummary:
    """Counts of an archive run: ``read == scored + quarantined + skipped``."""

    read: int = 0
    scored: int = 0
    quarantined: int = 0
    skipped: int = 0  # already in the output of an earlier run (resume)

    def to_dict(self) -> dict[str, int]:
        return {"read": self.read, "scored": self.scored, "quarantined": self.quarantined, "skipped": self.skipped}


def _drop_torn_line(path: Path) -> None:
    """Truncate ``path`` after its last newline: an interrupted run may leave half a row."""
    if not path.is_file():
        return
    with path.open("rb+") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        if size == 0:
            return
        back = min(size, 1 << 20)
        while True:
            handle.seek(size - back)
            cut = handle.read(back).rfind(b"\n")
            if cut >= 0:
                handle.truncate(size - back + cut + 1)
                return
            if back == size:
                handle.truncate(0)
                return
            back = min(size, back * 2)


def _done_sources(output: Path) -> set[str]:
    """Sources already scored in ``output``; a torn last line (interrupted run) is ignored."""
    done = set()
    if output.is_file():
        with output.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    done.add(json.loads(line)["source"])
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue
    return done


def result_row(record: Record, article: ArticleScore, sentences: bool = False) -> dict[str, Any]:
    """The output row of one scored article."""
    row = {"id": record.id, "date": record.date, "source": record.source, "risk": article.risk,
           "label": article.label, "peak_risk": article.peak_risk, "trough_risk": article.trough_risk,
           "threat_share": article.threat_share, "deescalation_share": article.deescalation_share,
           "sentences": len(article.sentences), "counts": article.counts}
    if sentences:
        row["sentence_scores"] = [s.to_dict() for s in article.sentences]
    return row


def default_quarantine_path(output: str | Path) -> Path:
    """Where bad records go when no quarantine file is named: ``<output>.quarantine.jsonl``."""
    output = Path(output)
    return output.with_name(output.name + ".quarantine.jsonl")


def run_archive(paths: Iterable[str | Path], output: str | Path, model: Model, *,
                quarantine: str | Path | None = None, resume: bool = False, sentences: bool = False,
                **reader_options: Any) -> RunSummary:
    """Score an archive into a JSON Lines file, one row per article.

    Parameters
    ----------
    paths : iterable of paths
        Files and folders (see the module docstring).
    output : path
        Where to write the article rows. With ``resume=True`` rows are appended and records
        already in the file (by ``source``) are skipped, so an interrupted run can continue;
        quarantined records are tried again. The output files are never read as input.
    model : Model
    quarantine : path, optional
        Where to write bad records (``source``, ``reason``, ``raw``); default ``<output>.quarantine.jsonl``.
    sentences : bool
        Include every sentence's scores in the rows.

    Returns
    -------
    RunSummary
    """
    output = Path(output)
    quarantine = Path(quarantine) if quarantine else default_quarantine_path(output)
    if resume:
        _drop_torn_line(output)
        _drop_torn_line(quarantine)
    done = _done_sources(output) if resume else set()
    summary = RunSummary()

    def fresh(records: Iterable[Record | Quarantined]) -> Iterator[Record | Quarantined]:
        for r in records:
            summary.read += 1
            if isinstance(r, Record) and r.source in done:
                summary.skipped += 1
                continue
            yield r

    mode = "a" if resume else "w"
    with output.open(mode, encoding="utf-8") as out, quarantine.open(mode, encoding="utf-8") as bad:
        records = iter_records(paths, exclude=(output, quarantine), **reader_options)
        for item in score_records(fresh(records), model):
            if isinstance(item, Quarantined):
                summary.quarantined += 1
                bad.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
                log.warning("quarantined %s: %s", item.source, item.reason)
            else:
                summary.scored += 1
                out.write(json.dumps(result_row(*item, sentences=sentences), ensure_ascii=False) + "\n")
    return summary
