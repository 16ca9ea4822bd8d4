import pytest

from escalation.lexicon import Lexicon, LexiconError, lexicon_features, load_lexicon
from escalation.text import tokenize

HEADER = "phrase\tcategory\tweight\tnote\n"


def write_lexicon(folder, threat="", deescalation="", negators="not\tnegation\t1.0\tx\n",
                  hedges="may\thedge\t0.5\tx\n"):
    for name, body in [("threat", threat), ("deescalation", deescalation), ("negators", negators),
                       ("hedges", hedges)]:
        (folder / f"{name}.tsv").write_text(HEADER + body, encoding="utf-8")
    return folder


def test_seed_lexicon_is_large_and_categorised():
    from conftest import SEEDS

    lex = load_lexicon(SEEDS / "lexicon")
    assert len(lex) >= 1200
    families = {cat for _, cat, _ in lex.entries.values()}
    assert {"threaten", "accuse", "reject", "mobilize", "sanction", "assault", "fight"} <= families
    assert {"appeal", "consult", "negotiate", "mediate", "agree", "ceasefire", "withdraw", "release", "aid"} <= families
    assert ("not",) in lex.negators and lex.hedges


def test_negation_window(tmp_path):
    lex = load_lexicon(write_lexicon(tmp_path, threat="threaten\tthreaten\t1.0\tx\n",
                                     deescalation="ceasefire\tceasefire\t0.5\tx\n"))
    names = lex.feature_names
    assert names == ("threat:threaten", "deescalation:ceasefire", "threat:negated", "deescalation:negated", "hedge")

    def feats(text, window=3):
        return dict(zip(names, lexicon_features(tokenize(text), lex, negation_window=window), strict=True))

    assert feats("they threaten war")["threat:threaten"] > 0
    negated = feats("they did not threaten war")
    assert negated["threat:threaten"] == 0 and negated["threat:negated"] > 0
    far = feats("not a b c d threaten")  # cue 5 tokens before: outside a window of 3
    assert far["threat:threaten"] > 0 and far["threat:negated"] == 0
    assert feats("not a b c d threaten", window=5)["threat:negated"] > 0
    assert feats("may ceasefire")["hedge"] > 0


def test_scale_and_log1p(tmp_path):
    lex = load_lexicon(write_lexicon(tmp_path, threat="bomb\tassault\t1.0\tx\n"))
    import math

    values = lexicon_features(tokenize("bomb bomb bomb"), lex, scale=2.0)
    assert values[0] == pytest.approx(2.0 * math.log1p(3.0))


@pytest.mark.parametrize("body, message", [
    ("threaten\tthreaten\tlots\tx\n", "weight 'lots' is not a number"),
    ("threaten\tthreaten\t1.5\tx\n", "must be in"),
    ("threaten\tthreaten\n", "expected 4 tab-separated cells"),
    ("a b c d e\tthreaten\t1.0\tx\n", "1 to 4 words"),
    ("threaten\tthreaten\t1.0\tx\nthreaten\tthreaten\t1.0\tx\n", "already listed on line 2"),
])
def test_malformed_lexicon_names_file_and_line(tmp_path, body, message):
    write_lexicon(tmp_path, threat=body)
    with pytest.raises(LexiconError, match=message) as info:
        load_lexicon(tmp_path)
    assert "threat.tsv:" in str(info.value)


def test_phrase_in_both_polarities_is_refused(tmp_path):
    write_lexicon(tmp_path, threat="pull back\tdemand\t1.0\tx\n", deescalation="pull back\twithdraw\t1.0\tx\n")
    with pytest.raises(LexiconError, match="also listed at"):
        load_lexicon(tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(LexiconError, match="cannot read"):
        load_lexicon(tmp_path)


def test_records_round_trip():
    from conftest import SEEDS

    lex = load_lexicon(SEEDS / "lexicon")
    again = Lexicon.from_records(lex.to_records())
    assert again.entries == lex.entries and again.negators == lex.negators and again.hedges == lex.hedges
