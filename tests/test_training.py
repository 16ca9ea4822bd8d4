"""Training is deterministic, the shipped model is what `escalation train` produces, calibration is folded in."""

import numpy as np
import pytest
from conftest import SEEDS

from escalation.model import LABELS
from escalation.training import TrainingConfig, fit_temperature, train


@pytest.fixture(scope="module")
def retrained():
    return train(SEEDS)


def test_shipped_model_is_not_stale(model, retrained):
    """models/default must be exactly what `escalation train` makes from seeds/: retrain after any seed change."""
    assert retrained.vocabulary == model.vocabulary, "vocabulary differs: run `escalation train`"
    assert retrained.lexicon.to_records() == model.lexicon.to_records(), "lexicon differs: run `escalation train`"
    assert retrained.settings == model.settings
    assert retrained.metadata["corpus"]["sha256"] == model.metadata["corpus"]["sha256"]
    for name in ("idf", "coef", "intercept"):
        np.testing.assert_allclose(getattr(retrained, name), getattr(model, name), rtol=1e-6, atol=1e-8,
                                   err_msg=f"{name} differs: run `escalation train`")


def test_training_is_deterministic(retrained):
    again = train(SEEDS)
    np.testing.assert_array_equal(again.coef, retrained.coef)
    np.testing.assert_array_equal(again.intercept, retrained.intercept)


def test_temperature_recovers_a_known_scale():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4000, 3)) * 3
    p = np.exp(logits / 2.0)
    p /= p.sum(axis=1, keepdims=True)
    truth = np.array([rng.choice(3, p=row) for row in p])
    assert fit_temperature(logits, truth) == pytest.approx(2.0, rel=0.1)


def test_calibrated_model_is_still_exact(retrained):
    reference = retrained.to_sklearn()
    sentences = ["Troops massed on the border.", "Both sides released prisoners.", "Rain fell."]
    np.testing.assert_allclose(retrained.predict_proba(sentences), reference.predict_proba(sentences), atol=1e-9)


def test_metadata_records_the_run(retrained):
    meta = retrained.metadata
    assert meta["training"] == TrainingConfig.for_seeds(SEEDS).to_dict()
    assert set(meta["corpus"]["labels"]) == set(LABELS)
    assert 0 < meta["evaluation"]["test_split"]["macro_f1"] <= 1


def test_invalid_config_is_refused():
    with pytest.raises(ValueError, match="ngram_range"):
        TrainingConfig(ngram_range=(2, 1))
    with pytest.raises(ValueError, match="unknown training settings"):
        TrainingConfig.from_dict({"C": 1.0, "alpha": 3})


def test_model_card_and_readme_figures_match_the_shipped_model(model):
    """The test-split figures written in MODEL_CARD.md and README.md are the shipped model's own."""
    from conftest import REPO

    ev = model.metadata["evaluation"]["test_split"]
    card = (REPO / "models" / "default" / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert f"Test split: n={ev['n']}, macro-F1 {ev['macro_f1']:.3f}, ECE {ev['ece']:.3f}" in card, \
        "MODEL_CARD.md is stale: rerun the commands written in it after `escalation train`"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"| {ev['n']:,} | **{ev['macro_f1']:.3f}** |" in readme, "README model table is stale"
    assert f"T = {model.metadata['temperature']:.3f}" in card


def test_selection_changes_a_setting_only_for_a_real_gain(monkeypatch):
    """The coordinate search keeps the incumbent unless a value beats it by ``min_gain``."""
    from escalation import selection

    def fake_cv(seeds, config, folds=5, group_by="batch"):
        score = {1.0: 0.80, 3.0: 0.85, 10.0: 0.8504}[config.C] + (0.0005 if config.mask_names is False else 0.0)
        return {"macro_f1": score, "std": 0.01}

    monkeypatch.setattr(selection, "cross_validate", fake_cv)
    grid = {"C": [1.0, 3.0, 10.0], "mask_names": [False, True]}
    result = selection.select("unused", start=TrainingConfig(C=1.0, mask_names=True), grid=grid, min_gain=0.001)
    assert result["chosen"]["C"] == 10.0           # the best value, a clear gain over C=1
    assert result["chosen"]["mask_names"] is True  # +0.0005 is noise: the starting setting stays
    assert result["cv_macro_f1"] == 0.8504
    greedy = selection.select("unused", start=TrainingConfig(C=1.0, mask_names=True), grid=grid, min_gain=0.0)
    assert greedy["chosen"]["C"] == 10.0 and greedy["chosen"]["mask_names"] is False
