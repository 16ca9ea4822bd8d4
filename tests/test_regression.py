"""Regression cases from a data file (case, text, expected, comment); known failures are strict xfails.

A known failure that starts passing fails the suite (strict), so the file stays an honest list of
what the shipped model gets wrong. Add cases to tests/data/regression_cases.jsonl, never expected
scores: only the label a person gives the sentence under seeds/corpus/GUIDELINES.md.
"""

import json
from pathlib import Path

import pytest

CASES = [json.loads(line) for line in
         (Path(__file__).parent / "data" / "regression_cases.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", [
    pytest.param(c, id=f"{c['case']}:{c['text'][:40]}",
                 marks=[pytest.mark.xfail(reason=c["xfail"], strict=True)] if "xfail" in c else [])
    for c in CASES
])
def test_regression_case(model, case):
    assert model.predict([case["text"]]) == [case["expected"]], case["comment"]
