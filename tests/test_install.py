"""The installed package (pip install .) finds its shipped model from any working directory."""

import json
import subprocess
import sys

import pytest
from conftest import SEED_ARTICLE

PROBE = ("import escalation, json; m = escalation.load_model(); "
         "print(json.dumps([escalation.__file__, len(m.vocabulary)]))")


def test_installed_package_loads_default_model_from_anywhere(tmp_path):
    r = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    if "No module named 'escalation'" in r.stderr:
        pytest.skip("escalation is not installed in this environment")
    assert r.returncode == 0, r.stderr
    where, terms = json.loads(r.stdout)
    assert terms > 1000 and str(tmp_path) not in where


def test_console_script_scores_the_seed_article(tmp_path):
    import shutil

    exe = shutil.which("escalation")
    if exe is None:
        pytest.skip("the escalation console script is not installed")
    r = subprocess.run([exe, "score", str(SEED_ARTICLE)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "article: risk" in r.stdout
