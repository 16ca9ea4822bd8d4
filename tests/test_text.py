from hypothesis import given
from hypothesis import strategies as st

from escalation.text import analyze, normalize, split_sentences, tokenize


def test_abbreviations_do_not_end_sentences():
    text = "The U.S. envoy met Gen. Khan on Sept. 3 in Washington. Dr. J. Smith of the U.N. said no."
    assert split_sentences(text) == [
        "The U.S. envoy met Gen. Khan on Sept. 3 in Washington.",
        "Dr. J. Smith of the U.N. said no.",
    ]


def test_datelines_are_removed_at_paragraph_start_only():
    assert split_sentences("ISLAMABAD: Talks halted.") == ["Talks halted."]
    assert split_sentences("KABUL (Reuters) - Fighting resumed.") == ["Fighting resumed."]
    assert split_sentences("GENEVA, March 3 (AP) — Talks resumed.") == ["Talks resumed."]
    assert split_sentences("He said: it is over.") == ["He said: it is over."]


def test_paragraph_breaks_end_sentences_and_curly_quotes_stay_with_their_sentence():
    text = "“We will respond,” he said. “The truce holds.”\n\nA new paragraph without a stop\nNext line."
    assert split_sentences(text) == [
        "“We will respond,” he said.", "“The truce holds.”", "A new paragraph without a stop", "Next line.",
    ]


def test_seed_article_sentences(tmp_path):
    from conftest import SEED_ARTICLE

    sentences = split_sentences(SEED_ARTICLE.read_text(encoding="utf-8"))
    assert len(sentences) == 24
    assert sentences[0].startswith("Pakistan has officially halted")  # dateline "Islamabad:" removed
    assert any("Pakistan will respond decisively." in s for s in sentences)


def test_tokenize_rule():
    assert tokenize("Didn't the U.N. say 3,000?") == ["didn", "t", "the", "u", "n", "say", "3", "000"]
    # "İ".lower() is "i" + U+0307 (a combining mark, not \\w), so the token breaks there
    assert tokenize("İs") == ["i", "s"]
    assert tokenize("") == []
    assert analyze("a b c", (1, 2)) == ["a", "b", "c", "a b", "b c"]


def test_normalize_keeps_paragraphs():
    assert normalize(" a\u00a0 b\t\n c ") == "a b\nc"


@given(st.text())
def test_split_sentences_never_fails_and_loses_no_words(text):
    sentences = split_sentences(text)
    assert all(s and s == s.strip() for s in sentences)
    # every word of the output is a word of the input (datelines may be removed, nothing invented)
    source_words = set(tokenize(normalize(text)))
    assert set(tokenize(" ".join(sentences))) <= source_words


def test_bare_non_str_is_refused():
    import pytest

    with pytest.raises(TypeError, match="expects a str"):
        split_sentences(["a list"])
