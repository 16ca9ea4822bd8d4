"""The public API, and the seed article's key sentences."""

import math
import pickle

import numpy as np
import pytest
from conftest import SEED_ARTICLE

import escalation


@pytest.fixture(scope="module")
def article():
    return escalation.score(SEED_ARTICLE.read_text(encoding="utf-8"))


def sentence_with(article, fragment):
    (match,) = [s for s in article.sentences if fragment in s.text]
    return match


@pytest.mark.parametrize("fragment", ["Pakistan will respond decisively", "exercise all necessary options"])
def test_seed_article_explicit_threats(article, fragment):
    s = sentence_with(article, fragment)
    assert s.label == "threat" and s.risk > 0.3


@pytest.mark.parametrize("fragment", ["the ceasefire will hold", "maintain a temporary ceasefire",
                                      "uphold the truce"])
def test_seed_article_ceasefire_sentences(article, fragment):
    s = sentence_with(article, fragment)
    assert s.label == "deescalation" and s.risk < -0.3


def test_article_score_shape(article):
    assert -1 <= article.risk <= 1
    assert len(article.sentences) == 24
    assert sum(article.counts.values()) == 24
    for s in article.sentences:
        assert math.isclose(sum(s.probabilities.values()), 1.0, abs_tol=1e-12)
        assert math.isclose(s.risk, s.probabilities["threat"] - s.probabilities["deescalation"], abs_tol=1e-15)
        assert s.label == max(s.probabilities, key=s.probabilities.get)


def test_public_names():
    assert set(escalation.__all__) >= {"load_model", "score", "score_sentences", "score_articles", "train"}
    assert escalation.__version__


def test_predict_proba_refuses_bare_str(model):
    with pytest.raises(TypeError, match="list"):
        model.predict_proba("one sentence")
    with pytest.raises(TypeError, match="list"):
        escalation.score_sentences("one sentence")


def test_score_articles_equals_score_one_by_one():
    texts = [SEED_ARTICLE.read_text(encoding="utf-8"), "", "Rebels shelled the town. Talks resumed in Doha."]
    together = escalation.score_articles(texts)
    for text, a in zip(texts, together, strict=True):
        alone = escalation.score(text)
        assert a.risk == pytest.approx(alone.risk, abs=1e-12)
        assert [s.label for s in a.sentences] == [s.label for s in alone.sentences]


def test_empty_article():
    a = escalation.score("")
    assert a.sentences == [] and a.risk == 0.0 and a.label == "neutral"


def test_explain_adds_up_exactly(model):
    for sentence in ["Pakistan will respond decisively.", "The sides did not agree to a ceasefire.", "", "İ😀"]:
        e = model.explain(sentence)
        decision = model.decision_function([sentence])[0]
        for k, label in enumerate(model.labels):
            total = e.intercept[label] + math.fsum(c.contributions[label] for c in e.contributions)
            assert total == pytest.approx(decision[k], abs=1e-12)
            assert e.decision[label] == pytest.approx(decision[k], abs=1e-12)
        np.testing.assert_allclose(list(e.probabilities.values()), model.predict_proba([sentence])[0], atol=1e-12)


def test_explain_names_the_lexicon_features(model):
    e = model.explain("Pakistan will respond decisively and threatened retaliation.")
    assert any(c.feature.startswith("lexicon:threat:") for c in e.contributions)
    terms = [c.feature for c in e.contributions if not c.feature.startswith("lexicon:")]
    assert "threatened" in terms and "retaliation" in terms
    from escalation.text import analyze

    assert set(terms) <= set(analyze(e.sentence))  # only n-grams of the sentence itself


def test_to_sklearn_is_a_fitted_pipeline_that_pickles(model, reference):
    sentences = ["Talks collapsed.", "Aid convoys crossed the border."]
    np.testing.assert_allclose(reference.predict_proba(sentences), model.predict_proba(sentences), atol=1e-9)
    clone = pickle.loads(pickle.dumps(reference))
    np.testing.assert_array_equal(clone.predict_proba(sentences), reference.predict_proba(sentences))
    assert list(reference.named_steps["classifier"].classes_) == list(model.labels)
