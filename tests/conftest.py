"""Shared fixtures for the symbp test suite.

The suite runs from the repository root (``python -m pytest -q tests``); the helpers below do
not depend on the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]

# Hypothesis: deterministic, quick, and no wall-clock deadline (the first example of a test
# may pay for an import or a cache fill).
settings.register_profile(
    "symbp",
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow],
)
# A long, randomised run for bug hunting:  SYMBP_HYPOTHESIS=thorough python -m pytest tests
settings.register_profile("thorough", parent=settings.get_profile("symbp"), derandomize=False,
                          max_examples=600)
settings.load_profile(os.environ.get("SYMBP_HYPOTHESIS", "symbp"))


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root (the folder holding ``symbp/`` and ``derivations/``)."""
    return ROOT


@pytest.fixture(scope="session")
def derivations_dir() -> Path:
    return ROOT / "derivations"


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """A .tex file under tests/ is a fixture, not a derivation for the pytest plugin to check
    (derivations/ is collected through testpaths)."""
    return True if collection_path.suffix == ".tex" else None
