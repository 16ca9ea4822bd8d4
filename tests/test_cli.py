"""The command line, through a real subprocess."""

import json
import subprocess
import sys

import pytest
from conftest import SEED_ARTICLE


def run(*args, stdin=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "escalation", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_score_table():
    r = run("score", str(SEED_ARTICLE))
    assert r.returncode == 0, r.stderr
    assert "article: risk" in r.stdout and "respond decisively" in r.stdout
    assert r.stdout.count("\n") >= 26


def test_score_json_from_stdin():
    r = run("score", "-", "--json", stdin="Rebels shelled the city. Both sides agreed to a truce.")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [s["label"] for s in doc["sentences"]] == ["threat", "deescalation"]
    assert -1 <= doc["risk"] <= 1


def test_explain():
    r = run("explain", "Pakistan will respond decisively.")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("label threat") and "= decision values" in r.stdout
    doc = json.loads(run("explain", "Talks resumed.", "--json").stdout)
    assert doc["label"] in ("threat", "deescalation", "neutral") and doc["contributions"]


def test_evaluate(tmp_path):
    data = tmp_path / "mine.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in [
        {"text": "Rebels shelled the city overnight.", "label": "threat"},
        {"text": "The two sides signed a ceasefire.", "label": "deescalation"},
        {"text": "The central bank left interest rates unchanged.", "label": "neutral"},
    ]), encoding="utf-8")
    r = run("evaluate", str(data), "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)["model"]
    assert report["n"] == 3 and set(report["per_class"]) == {"threat", "deescalation", "neutral"}
    assert sum(map(sum, report["confusion"])) == 3
    text = run("evaluate", str(data))
    assert "macro-F1" in text.stdout and "confusion" in text.stdout


@pytest.mark.parametrize("args, message", [
    (("score", "no-such-file.txt"), "no-such-file.txt: no such file"),
    (("score", str(SEED_ARTICLE), "--model", "no-such-dir"), "not a model directory"),
])
def test_errors_go_to_stderr_with_status_1(args, message):
    r = run(*args)
    assert r.returncode == 1 and message in r.stderr and r.stdout == ""


def test_bad_labelled_line_is_named(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "ok", "label": "threat"}\n{"text": "x", "label": "war"}\n', encoding="utf-8")
    r = run("evaluate", str(data))
    assert r.returncode == 1 and "bad.jsonl:2" in r.stderr and "'label' must be one of" in r.stderr


def test_binary_input_is_reported(tmp_path):
    path = tmp_path / "bin.txt"
    path.write_bytes(b"\xff\xfe\x00\x81 not utf-8")
    r = run("score", str(path))
    assert r.returncode == 1 and "not valid utf-8" in r.stderr


def test_usage_error_exit_2():
    assert run("frobnicate").returncode == 2
    assert run().returncode == 2


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("escalation ")


def test_train_writes_a_loadable_model_from_user_data(tmp_path):
    """`escalation train --data mine.jsonl --no-seed-corpus` trains on the user's data with our lexicon."""
    from conftest import SEEDS

    mine = tmp_path / "mine.jsonl"
    rows = []
    for i in range(40):
        rows.append({"text": f"Militia {i} shelled the border post and threatened the garrison.", "label": "threat"})
        rows.append({"text": f"Envoys {i} agreed a truce and exchanged prisoners.", "label": "deescalation"})
        rows.append({"text": f"The council {i} approved the annual budget for schools.", "label": "neutral"})
    mine.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "model"
    r = run("train", "--seeds", str(SEEDS), "--data", str(mine), "--no-seed-corpus", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert (out / "model.json").is_file() and "wrote" in r.stderr
    r = run("score", "-", "--json", "--model", str(out), stdin="Militia shelled the border post.")
    assert json.loads(r.stdout)["sentences"][0]["label"] == "threat"
