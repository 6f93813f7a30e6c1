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



#: the heaviest test files, heaviest first (seconds of a loaded 2-core run, 2026-12-02): under
#: ``--dist loadfile`` (README's test command) each file is one unit of work, handed to the next
#: free worker in the order of collection; these go first, so that no worker starts a long file
#: near the end while the other waits (longest first).  (``--dist loadgroup`` would let the big
#: files be split test by test, but pytest-xdist 3.8 marks a group by rewriting ``item._nodeid``,
#: which pytest 9 no longer reads: the marks are ignored.)
FIRST = ("tests/test_sympy_oracle.py", "tests/test_parallel.py", "tests/test_mutation.py",
         "tests/test_pytest_plugin.py", "tests/test_proof_compact.py", "tests/test_latex_compile.py",
         "tests/test_proof.py", "tests/test_example_notebook.py", "tests/test_sympy_views.py",
         "tests/independent/test_independent_generator.py", "tests/test_formats.py")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The files of :data:`FIRST` first, in that order (the order within a file is kept; the
    other files keep theirs after them)."""
    rootdir = Path(str(config.rootpath))

    def rel(item: pytest.Item) -> str:
        try:
            return item.path.resolve().relative_to(rootdir).as_posix()
        except ValueError:
            return str(item.path)

    rank = {f: k for k, f in enumerate(FIRST)}
    ranks = {id(item): rank.get(rel(item), len(FIRST)) for item in items}
    items.sort(key=lambda item: ranks[id(item)])  # stable
