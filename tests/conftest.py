"""Shared fixtures. Tests use the shipped default model and fixed hypothesis settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import escalation

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED_EVAL = REPO.parent / "shared" / "eval"
SEED_ARTICLE = SEEDS / "articles" / "pakistan-afghanistan-talks-halted.txt"

# Deterministic property tests: a fixed seed (derandomize) and no example database.
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def model() -> escalation.Model:
    return escalation.load_model()


@pytest.fixture(scope="session")
def reference(model):
    """The scikit-learn pipeline rebuilt from the plain model: the definition of the scores."""
    return model.to_sklearn()
