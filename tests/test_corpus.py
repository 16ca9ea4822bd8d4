"""The seed corpus: size, spread, format, the fixed split, and no copying from evaluation data."""

import json
from collections import Counter

import pytest
from conftest import SEEDS, SHARED_EVAL

from escalation.corpus import LabelledDataError, load_corpus, read_labelled, split_of
from escalation.text import tokenize

REGISTERS = {"wire", "quote", "headline", "statement", "analysis"}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus([SEEDS / "corpus"])


def test_size_and_label_minimums(corpus):
    labels = Counter(e.label for e in corpus)
    assert len(corpus) >= 4000
    assert labels["threat"] >= 1000 and labels["deescalation"] >= 1000 and labels["neutral"] >= 1500


def test_spread_over_settings_and_registers(corpus):
    settings = Counter(e.setting for e in corpus)
    assert len([s for s, n in settings.items() if n >= 10]) >= 60
    assert {e.register for e in corpus} == REGISTERS
    assert sum(bool(e.case) for e in corpus) >= 400  # hard cases written on purpose


def test_every_line_has_the_documented_fields():
    for path in sorted((SEEDS / "corpus").glob("*.jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line)
            assert {"text", "label", "setting", "register"} <= set(record) <= {
                "text", "label", "setting", "register", "case"}, f"{path.name}:{lineno}"
            assert record["register"] in REGISTERS, f"{path.name}:{lineno}"


def test_split_is_fixed_and_proportional(corpus):
    assert split_of("The two sides agreed to a ceasefire.") == split_of("The  two sides agreed to a ceasefire. ")
    shares = Counter(e.split for e in corpus)
    assert 0.75 < shares["train"] / len(corpus) < 0.85
    assert 0.07 < shares["test"] / len(corpus) < 0.13


def _runs(text, n=8):
    words = tokenize(text)
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_no_evaluation_sentence_was_copied_into_the_corpus(corpus):
    """Not one run of 8 words is shared with the evaluation data (measure-only, never copied)."""
    if not SHARED_EVAL.is_dir():
        pytest.skip("../shared/eval is not present")
    ours = {e.text: _runs(e.text) for e in corpus}
    theirs = set()
    for path in SHARED_EVAL.glob("*.jsonl"):
        for e in read_labelled(path):
            theirs |= _runs(e.text)
    shared = {text: runs & theirs for text, runs in ours.items() if runs & theirs}
    assert not shared, f"{len(shared)} corpus sentences share 8-word runs with ../shared/eval: {shared}"


def test_guidelines_define_the_labels():
    text = (SEEDS / "corpus" / "GUIDELINES.md").read_text(encoding="utf-8")
    for heading in ("`threat`", "`deescalation`", "`neutral`", "hard cases"):
        assert heading in text


def test_conflicting_duplicate_labels_are_refused(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "Talks resumed.", "label": "deescalation"}\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "Talks  resumed.", "label": "threat"}\n', encoding="utf-8")
    with pytest.raises(LabelledDataError, match="same sentence labelled"):
        load_corpus([tmp_path])


@pytest.mark.parametrize("line, message", [
    ("not json", "not valid JSON"), ("[1, 2]", "expected a JSON object"),
    ('{"label": "threat"}', "'text' must be"), ('{"text": "x", "label": "Threat"}', "'label' must be one of"),
])
def test_malformed_lines_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "fine", "label": "neutral"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(LabelledDataError, match=message) as info:
        list(read_labelled(path))
    assert "d.jsonl:2" in str(info.value)
