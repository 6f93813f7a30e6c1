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


#: under ``--dist loadgroup`` (README's test command), the tests of these files are handed to the
#: workers one by one (their tests share nothing but what every worker collects anyway: each is a
#: fresh pytester run, a LaTeX run, a subprocess, or an independent oracle computation), so that
#: the heaviest files (tens of seconds each) no longer land whole on one worker; every other file
#: stays on one worker, as ``--dist loadfile`` would keep it (its tests share module caches:
#: ``functools.cache``, module-scoped fixtures, the mutation harness's report)
SPLIT = frozenset({"tests/test_sympy_oracle.py", "tests/test_pytest_plugin.py", "tests/test_parallel.py",
                   "tests/test_proof_compact.py", "tests/test_latex_compile.py", "tests/test_formats.py",
                   "tests/test_cli.py", "tests/test_example_notebook.py", "tests/test_display_compile.py",
                   "tests/test_factors.py", "tests/test_fuzz.py", "tests/test_bounds.py"})
#: files that hold one long unit of work (the mutation harness, computed once per worker): handed
#: out first, so that no worker starts one near the end while the other waits
FIRST = ("tests/test_mutation.py", "tests/independent/test_independent_generator.py",
         "tests/test_rewrites_and_mutants.py")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group the tests for ``--dist loadgroup``: each file one group (``xdist_group``), except the
    files of :data:`SPLIT`, whose tests are distributed one by one; the files of :data:`FIRST`
    come first (the order within a file is kept, and without xdist only that order changes)."""
    rootdir = Path(str(config.rootpath))

    def rel(item: pytest.Item) -> str:
        try:
            return item.path.resolve().relative_to(rootdir).as_posix()
        except ValueError:
            return str(item.path)

    names = {id(item): rel(item) for item in items}
    rank = {f: k for k, f in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(names[id(item)], len(FIRST)))  # stable: the rest keep their order
    for item in items:
        name = names[id(item)]
        if name not in SPLIT:
            item.add_marker(pytest.mark.xdist_group(name=name))
