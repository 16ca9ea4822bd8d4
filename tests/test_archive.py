"""Archive runs lose nothing: records read = scored + quarantined (+ skipped on resume)."""

import gzip
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escalation
from escalation.aggregate import timeline
from escalation.archive import Quarantined, Record, iter_records, run_archive

GOOD = {"id": "ok", "date": "2025-11-01", "text": "Rebels shelled the town. Talks resumed in Doha."}


def write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_records_are_quarantined_with_reasons_and_good_ones_scored(model, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [
        json.dumps(GOOD), "not json", json.dumps({"id": "e", "text": ""}), json.dumps([1]),
        json.dumps({"id": "n", "text": 7}), json.dumps({"id": "m"}), json.dumps({**GOOD, "id": "ok2"}),
    ])
    out = tmp_path / "out.jsonl"
    summary = run_archive([src], out, model)
    assert summary.to_dict() == {"read": 7, "scored": 2, "quarantined": 5, "skipped": 0}
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["ok", "ok2"]
    bad = [json.loads(line) for line in (tmp_path / "out.jsonl.quarantine.jsonl").read_text().splitlines()]
    reasons = {b["source"].rsplit(":", 1)[1]: b["reason"] for b in bad}
    assert reasons == {"2": "invalid JSON (Expecting value at column 1)", "3": "'text' is empty",
                       "4": "expected a JSON object, got list", "5": "'text' is int, expected a string",
                       "6": "no 'text' field"}
    expected = escalation.score(GOOD["text"])
    assert rows[0]["risk"] == pytest.approx(expected.risk, abs=1e-12)


def test_formats_csv_txt_gzip_and_bad_encoding(model, tmp_path):
    (tmp_path / "a.csv").write_text('id,date,text\nx,2025-11-03,"Troops massed on the border."\ny,,\n',
                                    encoding="utf-8")
    with gzip.open(tmp_path / "b.txt.gz", "wt", encoding="utf-8") as f:
        f.write("The ceasefire held. Both sides released prisoners.")
    (tmp_path / "c.txt").write_bytes(b"\xff\xfe not utf-8")
    (tmp_path / "d.jsonl.gz").write_bytes(gzip.compress(b'{"text": "Talks resumed."}\n\xff\n'))
    (tmp_path / "e.csv").write_text("headline,body\na,b\n", encoding="utf-8")
    records = list(iter_records([tmp_path]))
    good = [r for r in records if isinstance(r, Record)]
    bad = [r for r in records if isinstance(r, Quarantined)]
    assert [r.id for r in good] == ["x", "b.txt", "d.jsonl.gz:1"]
    assert good[0].date == "2025-11-03" and good[1].date is None
    assert sorted(b.reason.split(" (")[0] for b in bad) == sorted([
        "'text' is empty", "not valid utf-8", "not valid utf-8", "no 'text' column in the header ['headline', 'body']"])


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    data = gzip.compress(("\n".join(json.dumps({**GOOD, "id": str(i)}) for i in range(200)) + "\n").encode())
    (tmp_path / "t.jsonl.gz").write_bytes(data[: len(data) // 2])
    records = list(iter_records([tmp_path]))
    assert isinstance(records[-1], Quarantined) and "cannot read the rest" in records[-1].reason
    assert all(isinstance(r, Record) for r in records[:-1]) and len(records) > 1


def test_resume_skips_done_records_and_never_reads_its_own_output(model, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps({**GOOD, "id": str(i)}) for i in range(5)])
    out = tmp_path / "out.jsonl"
    run_archive([tmp_path], out, model)
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:3]) + "\n" + lines[3][:10])  # an interrupted run: a torn last line
    summary = run_archive([tmp_path], out, model, resume=True)
    assert summary.to_dict() == {"read": 5, "scored": 2, "quarantined": 0, "skipped": 3}
    ids = [json.loads(x)["id"] for x in out.read_text().splitlines()]  # every line is whole again
    assert sorted(ids) == ["0", "1", "2", "3", "4"]
    assert src.exists()


line = st.one_of(
    st.builds(lambda t, i: json.dumps({"id": i, "text": t}), st.text(max_size=40), st.integers(0, 99)),
    st.text(max_size=30).filter(lambda s: "\n" not in s and "\r" not in s),
    st.sampled_from(["{}", "[]", "null", '{"text": null}', '{"text": ["a"]}', "{bad"]),
)


@settings(max_examples=60)
@given(st.lists(line, max_size=15))
def test_nothing_is_lost(model, tmp_path_factory, lines):
    d = tmp_path_factory.mktemp("arch")
    write_jsonl(d / "in.jsonl", lines)
    summary = run_archive([d / "in.jsonl"], d / "out.jsonl", model)
    assert summary.read == summary.scored + summary.quarantined
    assert summary.read == sum(1 for x in lines if x.strip())
    assert len((d / "out.jsonl").read_text().splitlines()) == summary.scored


def test_timeline():
    rows = [{"date": "2025-10-03", "risk": 0.5, "label": "threat"},
            {"date": "2025-10-20", "risk": -0.1, "label": "neutral"},
            {"date": "2025-11-01T10:00", "risk": -0.6, "label": "deescalation"}, {"risk": 0.2, "label": "threat"}]
    by_month = timeline(rows, "month")
    assert [(p["period"], p["articles"]) for p in by_month] == [("2025-10", 2), ("2025-11", 1), ("undated", 1)]
    assert by_month[0]["mean_risk"] == pytest.approx(0.2) and by_month[0]["threat_share"] == 0.5
    assert [p["period"] for p in timeline(rows, "year")] == ["2025", "undated"]
    with pytest.raises(ValueError, match="by must be one of"):
        timeline(rows, "week")


def test_archive_and_report_cli(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [json.dumps(GOOD), "oops"])
    out = tmp_path / "out.jsonl"
    r = subprocess.run([sys.executable, "-m", "escalation", "archive", str(tmp_path / "in.jsonl"), "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "read 2, scored 1, quarantined 1" in r.stderr and "in.jsonl:2: invalid JSON" in r.stderr
    r = subprocess.run([sys.executable, "-m", "escalation", "report", str(out), "--by", "day"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "2025-11-01" in r.stdout
    r = subprocess.run([sys.executable, "-m", "escalation", "archive", str(tmp_path / "missing"), "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "no such file or directory" in r.stderr


def test_csv_with_a_long_article(tmp_path):
    long_text = "Rebels shelled the town. " * 20_000  # ~500 KB, beyond the csv module's default field limit
    (tmp_path / "big.csv").write_text(f'id,text\nbig,"{long_text}"\nsmall,Talks resumed.\n', encoding="utf-8")
    records = list(iter_records([tmp_path / "big.csv"]))
    assert [type(r).__name__ for r in records] == ["Record", "Record"]
    assert len(records[0].text) == len(long_text)
