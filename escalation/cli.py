"""The ``escalation`` command line: score, archive, report, explain, train, select, evaluate.

Each verb is a thin wrapper around an importable function; results go to
stdout, diagnostics to stderr, and any error exits with status 1 (2 for usage
errors, as argparse does).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__

PROG = "escalation"


class CLIError(Exception):
    """An error to report on stderr with exit status 1."""


def _read_input(path: str, encoding: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding=encoding)
    except FileNotFoundError:
        raise CLIError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CLIError(f"{path}: is a directory; pass a text file") from None
    except UnicodeDecodeError as exc:
        raise CLIError(f"{path}: not valid {encoding} text ({exc.reason} at byte {exc.start}); "
                       "try --encoding") from None
    except OSError as exc:
        raise CLIError(f"{path}: {exc.strerror}") from None


def _print_json(document: object) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _model(path: str | None):
    from .model import load_model

    return load_model(path)


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


# -- score -------------------------------------------------------------------------------------
def cmd_score(args: argparse.Namespace) -> int:
    from . import score

    model = _model(args.model)
    article = score(_read_input(args.file, args.encoding), model=model)
    if args.json:
        _print_json(article.to_dict())
        return 0
    # truncate sentences to the terminal's width; never when the output goes to a pipe or file
    width = max(shutil.get_terminal_size().columns - 46, 30) if sys.stdout.isatty() else sys.maxsize
    print(f"{'#':>3}  {'label':<12} {'risk':>6}  {'threat':>6} {'deesc':>6} {'neutr':>6}  sentence")
    for i, s in enumerate(article.sentences, 1):
        p = s.probabilities
        print(f"{i:>3}  {s.label:<12} {s.risk:>+6.3f}  {p['threat']:>6.3f} {p['deescalation']:>6.3f} "
              f"{p['neutral']:>6.3f}  {_truncate(s.text, width)}")
    c = article.counts
    print(f"\narticle: risk {article.risk:+.3f} ({article.label}); peak {article.peak_risk:+.3f}, "
          f"trough {article.trough_risk:+.3f}; {len(article.sentences)} sentences: "
          f"{c.get('threat', 0)} threat, {c.get('deescalation', 0)} deescalation, {c.get('neutral', 0)} neutral")
    return 0


# -- archive ----------------------------------------------------------------------------------
def cmd_archive(args: argparse.Namespace) -> int:
    from .archive import default_quarantine_path, run_archive

    summary = run_archive(args.inputs, args.output, _model(args.model), quarantine=args.quarantine,
                          resume=args.resume, sentences=args.sentences, text_field=args.text_field,
                          id_field=args.id_field, date_field=args.date_field, encoding=args.encoding)
    s = summary.to_dict()
    print(f"read {s['read']}, scored {s['scored']}, quarantined {s['quarantined']}, "
          f"skipped (already scored) {s['skipped']} -> {args.output}", file=sys.stderr)
    if s["quarantined"]:
        where = args.quarantine or default_quarantine_path(args.output)
        print(f"bad records and their reasons: {where}", file=sys.stderr)
    return 0


# -- report -----------------------------------------------------------------------------------
def cmd_report(args: argparse.Namespace) -> int:
    from .aggregate import timeline

    rows = []
    for path in args.results:
        with open(path, encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, 1):
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    raise CLIError(f"{path}:{lineno}: not a JSON line of escalation archive output") from None
    periods = timeline(rows, args.by)
    if args.json:
        _print_json(periods)
        return 0
    print(f"{args.by:<10} {'articles':>8} {'mean risk':>10} {'peak risk':>10} {'threat':>7} {'deesc':>7}")
    for p in periods:
        print(f"{p['period']:<10} {p['articles']:>8} {p['mean_risk']:>+10.3f} {p['peak_risk']:>+10.3f} "
              f"{p['threat_share']:>7.1%} {p['deescalation_share']:>7.1%}")
    return 0


# -- explain -----------------------------------------------------------------------------------
def cmd_explain(args: argparse.Namespace) -> int:
    sentence = sys.stdin.read().strip() if args.sentence == "-" else args.sentence
    e = _model(args.model).explain(sentence)
    if args.json:
        _print_json(e.to_dict())
        return 0
    p = e.probabilities
    print(f"label {e.label}, risk {e.risk:+.3f} (threat {p['threat']:.3f}, deescalation "
          f"{p['deescalation']:.3f}, neutral {p['neutral']:.3f})")
    print(f"\n{'feature':<40} {'value':>7} {'risk':>8} {'threat':>8} {'deesc':>8} {'neutral':>8}")
    shown = e.contributions if args.top <= 0 else e.contributions[: args.top]
    for c in shown:
        k = c.contributions
        print(f"{_truncate(c.feature, 40):<40} {c.value:>7.3f} {c.risk:>+8.3f} {k['threat']:>+8.3f} "
              f"{k['deescalation']:>+8.3f} {k['neutral']:>+8.3f}")
    if len(shown) < len(e.contributions):
        print(f"... {len(e.contributions) - len(shown)} more (use --top 0 for all)")
    i = e.intercept
    print(f"{'(intercept)':<40} {'':>7} {i['threat'] - i['deescalation']:>+8.3f} {i['threat']:>+8.3f} "
          f"{i['deescalation']:>+8.3f} {i['neutral']:>+8.3f}")
    d = e.decision
    print(f"{'= decision values':<40} {'':>7} {d['threat'] - d['deescalation']:>+8.3f} {d['threat']:>+8.3f} "
          f"{d['deescalation']:>+8.3f} {d['neutral']:>+8.3f}")
    return 0


# -- train -------------------------------------------------------------------------------------
def cmd_train(args: argparse.Namespace) -> int:
    from .training import TrainingConfig, train

    config = TrainingConfig.from_file(args.config) if args.config else None
    model = train(args.seeds, data=args.data, use_seed_corpus=not args.no_seed_corpus, config=config)
    model.save(args.output)
    ev = model.metadata.get("evaluation", {}).get("test_split")
    summary = f"wrote {args.output}: {len(model.vocabulary)} terms, {len(model.lexicon)} lexicon entries"
    if ev:
        summary += f"; test split macro-F1 {ev['macro_f1']:.3f}, ECE {ev['ece']:.3f} (n={ev['n']})"
    print(summary, file=sys.stderr)
    return 0


# -- select -----------------------------------------------------------------------------------
def cmd_select(args: argparse.Namespace) -> int:
    from .selection import MIN_GAIN, cross_validate, select
    from .training import TrainingConfig

    seeds = Path(args.seeds)
    result = select(seeds, passes=args.passes, min_gain=MIN_GAIN if args.min_gain is None else args.min_gain)
    chosen = TrainingConfig.from_dict(result["chosen"])
    chars = cross_validate(seeds, chosen, char_ngrams=True)
    result["char_ngrams_within_words"] = {"cv_macro_f1": chars["macro_f1"], "std": chars["std"],
                                          "adopted": False}
    print(f"chosen ({result['grouped_by']}-grouped {result['folds']}-fold CV macro-F1 {result['cv_macro_f1']:.4f}): "
          f"{json.dumps(result['chosen'])}")
    print(f"with character 2-5-grams within words: CV macro-F1 {chars['macro_f1']:.4f}")
    if args.write:
        (seeds / "config.json").write_text(json.dumps(result["chosen"], indent=1) + "\n", encoding="utf-8")
        (seeds / "selection.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {seeds / 'config.json'} and {seeds / 'selection.json'}", file=sys.stderr)
    return 0


# -- evaluate ----------------------------------------------------------------------------------
def evaluate_files(paths: Sequence[str], model_path: str | None = None, seeds: str | None = None,
                   reliability_png: str | None = None, split: str | None = None) -> dict:
    """Evaluate a model on labelled JSONL files or folders (together).

    ``split`` keeps only sentences of that fixed split (e.g. ``test`` of ``seeds/corpus``);
    ``seeds`` also trains and reports the lexicon-only and TF-IDF-only baselines.
    """
    from .corpus import load_corpus
    from .evaluation import classification_report, write_reliability_diagram
    from .model import LABELS

    examples = load_corpus(paths)
    if split:
        examples = [e for e in examples if e.split == split]
        if not examples:
            raise ValueError(f"no sentences of the {split!r} split in {', '.join(paths)}")
    texts, truth = [e.text for e in examples], [e.label for e in examples]
    model = _model(model_path)
    report = classification_report(truth, model.predict_proba(texts), LABELS)
    result = {"data": list(paths), "split": split, "model": report}
    if seeds:
        result["baselines"] = baselines(seeds, texts, truth)
    if reliability_png:
        write_reliability_diagram(result["model"], reliability_png, title="escalation")
        result["reliability_png"] = reliability_png
    return result


def baselines(seeds: str, texts: list[str], truth: list[str]) -> dict:
    """Lexicon-only and TF-IDF-only models trained on the seed train split, scored on ``texts``."""
    from .corpus import load_corpus
    from .evaluation import classification_report
    from .lexicon import load_lexicon
    from .model import LABELS
    from .training import TrainingConfig, make_pipeline, names_for

    seeds_path = Path(seeds)
    config = TrainingConfig.for_seeds(seeds_path)
    lexicon = load_lexicon(seeds_path / "lexicon")
    train_set = [e for e in load_corpus([seeds_path / "corpus"]) if e.split == "train"]
    train_texts = [e.text for e in train_set]
    names = names_for(train_texts, lexicon, config)
    out = {}
    for features in ("lexicon", "tfidf"):
        pipe = make_pipeline(lexicon, config, features=features, names=names)
        pipe.fit(train_texts, [e.label for e in train_set])
        classes = list(pipe.named_steps["classifier"].classes_)
        proba = pipe.predict_proba(texts)[:, [classes.index(label) for label in LABELS]]
        report = classification_report(truth, proba, LABELS)
        out[f"{features}_only"] = {k: report[k] for k in ("macro_f1", "accuracy", "per_class", "ece")}
    return out


def _print_report(name: str, r: dict) -> None:
    print(f"{name}: n={r['n']}  accuracy {r['accuracy']:.3f}  macro-F1 {r['macro_f1']:.3f}  ECE {r['ece']:.3f}")
    print(f"  {'label':<13} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
    for label, m in r["per_class"].items():
        print(f"  {label:<13} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['support']:>8}")
    labels = r["labels"]
    print("  confusion (rows: true, columns: predicted)")
    print("  " + " " * 13 + "".join(f"{label[:8]:>9}" for label in labels))
    for label, row in zip(labels, r["confusion"], strict=True):
        print(f"  {label:<13}" + "".join(f"{v:>9}" for v in row))


def cmd_evaluate(args: argparse.Namespace) -> int:
    result = evaluate_files(args.data, args.model, args.baselines, args.reliability_png, args.split)
    if args.json:
        _print_json(result)
        return 0
    _print_report("model", result["model"])
    for name, b in result.get("baselines", {}).items():
        per = ", ".join(f"{k} F1 {v['f1']:.3f}" for k, v in b["per_class"].items())
        print(f"baseline {name}: macro-F1 {b['macro_f1']:.3f}, accuracy {b['accuracy']:.3f}, "
              f"ECE {b['ece']:.3f} ({per})")
    if args.reliability_png:
        print(f"reliability diagram: {args.reliability_png}")
    return 0


# -- parser ------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Score escalation risk in news text.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def model_option(p):
        p.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")

    p = sub.add_parser("score", help="score an article: per-sentence table and article summary")
    p.add_argument("file", metavar="FILE", help="text file to score, or - for standard input")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--encoding", default="utf-8", help="text encoding of FILE (default: utf-8)")
    model_option(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("archive", help="score an archive (JSONL, CSV, TXT, .gz, folders) into article rows")
    p.add_argument("inputs", nargs="+", metavar="PATH", help="archive files or folders")
    p.add_argument("-o", "--output", required=True, help="JSON Lines output, one row per article")
    p.add_argument("--quarantine", metavar="FILE", help="bad records (default: OUTPUT.quarantine.jsonl)")
    p.add_argument("--resume", action="store_true", help="append, skipping records already in OUTPUT")
    p.add_argument("--sentences", action="store_true", help="include every sentence's scores")
    p.add_argument("--text-field", default="text", help="field/column with the article text (default: text)")
    p.add_argument("--id-field", default="id", help="field/column with the article id (default: id)")
    p.add_argument("--date-field", default="date", help="field/column with the ISO date (default: date)")
    p.add_argument("--encoding", default="utf-8", help="text encoding (default: utf-8)")
    model_option(p)
    p.set_defaults(func=cmd_archive)

    p = sub.add_parser("report", help="timeline of archive results: articles and risk per day/month/year")
    p.add_argument("results", nargs="+", metavar="RESULTS.jsonl", help="output of escalation archive")
    p.add_argument("--by", choices=("day", "month", "year"), default="month", help="period (default: month)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("explain", help="show the terms and lexicon features behind a sentence's score")
    p.add_argument("sentence", help="the sentence (quote it), or - to read it from standard input")
    p.add_argument("--top", type=int, default=15, help="show the N strongest features (0: all; default 15)")
    p.add_argument("--json", action="store_true", help="print JSON")
    model_option(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("train", help="train a model from seeds/ (and your own labelled data)")
    p.add_argument("--seeds", default="seeds", help="folder with corpus/, lexicon/, config.json (default: seeds)")
    p.add_argument("--data", action="append", default=[], metavar="FILE",
                   help="extra labelled JSONL (text, label per line); repeatable")
    p.add_argument("--no-seed-corpus", action="store_true", help="train on --data only (keeps our lexicon)")
    p.add_argument("--config", metavar="JSON", help="training settings (default: SEEDS/config.json)")
    p.add_argument("-o", "--output", default="models/default",
                   help="model directory to write (default: models/default)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("select", help="choose training settings by batch-grouped cross-validation")
    p.add_argument("--seeds", default="seeds", help="seeds folder (default: seeds)")
    p.add_argument("--passes", type=int, default=2, help="coordinate-search passes (default: 2)")
    p.add_argument("--min-gain", type=float, default=None, metavar="F1",
                   help="smallest CV macro-F1 gain that changes a setting (default: 0.001)")
    p.add_argument("--write", action="store_true", help="write SEEDS/config.json and SEEDS/selection.json")
    p.set_defaults(func=cmd_select)

    p = sub.add_parser("evaluate", help="evaluate on labelled JSONL: per-class P/R/F1, confusion, calibration")
    p.add_argument("data", nargs="+", metavar="DATA",
                   help="labelled .jsonl files or folders (text, label); scored together")
    p.add_argument("--split", choices=("train", "dev", "test"),
                   help="keep only this fixed split (e.g. of seeds/corpus)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--baselines", metavar="SEEDS", nargs="?", const="seeds", default=None,
                   help="also train and report lexicon-only and TF-IDF-only baselines from SEEDS (default: seeds)")
    p.add_argument("--reliability-png", metavar="PNG", help="write a reliability diagram (needs matplotlib)")
    model_option(p)
    p.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format=f"{PROG}: %(message)s", stream=sys.stderr)
    from .corpus import LabelledDataError
    from .lexicon import LexiconError
    from .model import ModelFormatError

    try:
        return args.func(args)
    except (CLIError, ModelFormatError, LabelledDataError, LexiconError, FileNotFoundError, ValueError,
            TypeError, RuntimeError) as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
