"""The fast scorer against the scikit-learn reference: exactness and invariants (property tests)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.scorer import word_char_table
from escalation.text import tokenize

TOLERANCE = 1e-9

# Every code point, lone surrogates included (category Cs), so the strategy reaches all scripts,
# combining marks, emoji, zero-width and control characters.
any_char = st.characters(codec=None, categories=None)
ANY_TEXT = st.text(any_char, max_size=80)
SPECIAL = ["İ", "ß", "ﬁ", "Σ", "ΑΣ", "ς", "ǅ", "\u0307", "\u200b", "\u200d", "\ufeff", "\x00", "\n", "\r\n",
           "\u2028", "\ud800", "\udfff", "😀", "👩‍👩‍👧", "e\u0301", "٣", "²", "_", "Ⅻ", "\t", "'", "’", "-"]


@st.composite
def news_like(draw):
    """Vocabulary words and lexicon phrases mixed with arbitrary Unicode, so that terms actually match."""
    from escalation import load_model

    model = load_model()
    vocab = model.vocabulary
    phrases = [" ".join(p) for p in model.lexicon.entries] + [" ".join(p) for p in model.lexicon.negators]
    pieces = draw(st.lists(st.one_of(
        st.sampled_from(vocab).map(lambda t: t.upper() if len(t) % 3 == 0 else t),
        st.sampled_from(phrases),
        st.sampled_from(SPECIAL),
        st.text(any_char, max_size=6),
    ), max_size=30))
    seps = draw(st.lists(st.sampled_from([" ", "", ", ", ". ", "\n", "—", " \u0301"]), min_size=len(pieces),
                         max_size=len(pieces)))
    return "".join(p + s for p, s in zip(pieces, seps, strict=True))


SENTENCE = st.one_of(ANY_TEXT, news_like())


def assert_exact(model, reference, sentences):
    fast = model.predict_proba(sentences)
    ref = reference.predict_proba(sentences)
    assert fast.shape == ref.shape == (len(sentences), 3)
    np.testing.assert_allclose(fast, ref, rtol=0, atol=TOLERANCE)


@settings(max_examples=600)
@given(st.lists(SENTENCE, min_size=1, max_size=8))
def test_fast_scorer_equals_reference(model, reference, sentences):
    assert_exact(model, reference, sentences)


@settings(max_examples=300)
@given(news_like())
def test_decision_values_equal_reference(model, reference, sentence):
    np.testing.assert_allclose(model.decision_function([sentence]), reference.decision_function([sentence]),
                               rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("sentence", ["", " ", "\n", *SPECIAL, "İSTANBUL TALKS", "ΟΔΟΣ ΣΟΦΟΣ talks",
                                      "x" * 200_000, "ceasefire " * 20_000])
def test_edge_cases_exact(model, reference, sentence):
    assert_exact(model, reference, [sentence, "Pakistan will respond decisively.", sentence])


def test_lowercase_changing_length_in_a_batch(model, reference):
    # "İ".lower() has two code points: the scorer must lower sentence by sentence for such chunks
    batch = ["İran threatened retaliation", "talks resumed", "ΑΣ ΣΑΣ", "İİİ ceasefire holds"] * 3
    assert_exact(model, reference, batch)


@settings(max_examples=200)
@given(st.lists(SENTENCE, max_size=12), st.randoms(use_true_random=False))
def test_batch_equals_one_by_one_and_order_does_not_matter(model, batch, rnd):
    together = model.predict_proba(batch)
    alone = np.array([model.predict_proba([s])[0] for s in batch]).reshape(len(batch), 3)
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-12)
    order = list(range(len(batch)))
    rnd.shuffle(order)
    shuffled = model.predict_proba([batch[i] for i in order])
    np.testing.assert_allclose(shuffled, together[order], rtol=0, atol=1e-12)


@settings(max_examples=300)
@given(st.lists(SENTENCE, min_size=1, max_size=6))
def test_probabilities_are_distributions_and_risk_is_bounded(model, batch):
    p = model.predict_proba(batch)
    assert np.all(np.isfinite(p)) and np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    risk = p[:, 0] - p[:, 1]
    assert np.all((risk >= -1) & (risk <= 1))


def test_chunking_gives_the_same_scores(model):
    from escalation.scorer import FastScorer

    batch = [f"talks {i} collapsed after shelling" if i % 2 else "ceasefire agreed " * (i % 7) for i in range(300)]
    s = model.scorer
    small = FastScorer(vocabulary=model.vocabulary, idf=s.idf, coef=s.coef, intercept=s.intercept,
                       lexicon=model.lexicon, lexicon_feature_names=s.lexicon_feature_names,
                       negation_window=s.negation_window, lexicon_scale=s.lexicon_scale,
                       ngram_range=s.ngram_range, chunk_sentences=7, chunk_chars=50)
    np.testing.assert_array_equal(small.predict_proba(batch), model.predict_proba(batch))
    chunks = list(small.iter_chunks(iter(batch)))
    assert sum(map(len, chunks)) == len(batch) and max(map(len, chunks)) <= 7


def test_word_table_matches_python_regex():
    import re

    table = word_char_table()
    rng = np.random.default_rng(0)
    for cp in rng.integers(0, 0x110000, 20000).tolist() + list(range(0, 0x3000)):
        assert table[cp] == bool(re.match(r"\w", chr(cp))), hex(cp)


@given(ANY_TEXT)
def test_tokenizer_agrees_with_text_module(model, text):
    """The vectorised tokeniser finds exactly the tokens of escalation.text.tokenize."""
    tokens = model.scorer._tokens([text])
    assert tokens.hashes.size == len(tokenize(text))


def test_bare_string_and_bad_items_are_refused(model):
    with pytest.raises(TypeError, match=r"wrap it in a list"):
        model.predict_proba("Pakistan will respond decisively.")
    with pytest.raises(TypeError, match="item 1 of the batch is int"):
        model.predict_proba(["fine", 3])


def test_empty_batch(model):
    assert model.predict_proba([]).shape == (0, 3)


def test_scorer_does_not_import_sklearn():
    import ast
    from pathlib import Path

    import escalation.scorer

    tree = ast.parse(Path(escalation.scorer.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(name.startswith("sklearn") for name in imported)


@pytest.fixture(scope="module")
def variant_model():
    """A model trained with the optional settings the default model does not use (lead features, trigrams)."""
    import dataclasses

    from conftest import SEEDS

    from escalation.corpus import load_corpus
    from escalation.lexicon import load_lexicon
    from escalation.training import TrainingConfig, make_pipeline, model_from_pipeline

    config = dataclasses.replace(TrainingConfig(), lead_window=6, ngram_range=(1, 3), negation_window=4,
                                 sublinear_tf=False, calibrate=False)
    lexicon = load_lexicon(SEEDS / "lexicon")
    examples = load_corpus([SEEDS / "corpus"])[::6]
    pipeline = make_pipeline(lexicon, config).fit([e.text for e in examples], [e.label for e in examples])
    model = model_from_pipeline(pipeline, lexicon, config)
    return model, model.to_sklearn()


@settings(max_examples=300)
@given(st.lists(SENTENCE, min_size=1, max_size=6))
def test_variant_settings_are_exact_too(variant_model, sentences):
    model, reference = variant_model
    assert_exact(model, reference, sentences)


@settings(max_examples=200)
@given(st.data())
def test_scores_do_not_depend_on_which_name_is_mentioned(model, data):
    """Masked proper names are interchangeable: swapping one for another leaves every score unchanged."""
    names = model.settings.get("masked_names", [])
    if len(names) < 2:
        pytest.skip("this model masks no names")
    template = data.draw(news_like())
    a, b = data.draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
    first = model.predict_proba([f"{a.title()} {template} {a}"])
    second = model.predict_proba([f"{b.upper()} {template} {b}"])
    np.testing.assert_allclose(first, second, rtol=0, atol=1e-12)


def test_name_masking_is_learned_from_training_text_only():
    from escalation.text import find_proper_names

    texts = ["Talks in Kabul resumed on Monday.", "Envoys met in Kabul and Doha.", "Officials in Doha said so.",
             "KABUL CEASEFIRE HOLDS AS DOHA TALKS RESUME"]  # headline case is ignored
    assert find_proper_names(texts) == frozenset({"kabul", "doha"})
    assert find_proper_names(texts, exclude={"doha"}) == frozenset({"kabul"})


def test_lower_growth_table_matches_str_lower():
    from escalation.scorer import lower_growth_table

    table = lower_growth_table()
    rng = np.random.default_rng(1)
    for cp in rng.integers(0, 0x110000, 20000).tolist() + list(range(0x100, 0x600)):
        assert table[cp] == len(chr(cp).lower()) - 1, hex(cp)


def test_bad_item_is_named_by_its_index_in_the_whole_batch(model):
    batch = ["fine"] * 5000
    batch[4500] = b"bytes are not text"  # in the second chunk
    with pytest.raises(TypeError, match="item 4500 of the batch is bytes"):
        model.predict_proba(batch)
    batch[4500] = None
    with pytest.raises(TypeError, match="item 4500 of the batch is NoneType"):
        model.predict_proba(batch)
