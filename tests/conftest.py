"""Shared fixtures for the symbp test suite.

The suite runs from the repository root (``python -m pytest -q tests``); the helpers below do
not depend on the working directory.
"""

from __future__ import annotations

import gc
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


@pytest.fixture(scope="session")
def session_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the pytest-xdist workers of this session share (tests/session_cache.py)."""
    from session_cache import session_folder
    return session_folder(tmp_path_factory)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """The cyclic garbage collector's cost, not the tests': what collection made (the modules,
    thousands of items, the networks the parameters came from) lives to the end, so it is frozen
    out of the collector's sweeps (``gc.freeze``), and the youngest generation runs every 10,000
    allocations instead of 700 (the same ratios between generations).  Every full collection
    walked all of it again: 6% of ``test_audit_findings``'s CPU, less than half of that after (suite7).
    Nothing a test asserts depends on when cyclic garbage is freed (``gc.collect()`` still frees
    what a test made)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """A .tex file under tests/ is a fixture, not a derivation for the pytest plugin to check
    (derivations/ is collected through testpaths)."""
    return True if collection_path.suffix == ".tex" else None



#: seconds of test time per file (a quiet 2-core run of the suite, 2026-12-02; rounded; the mutation
#: harness's 54 s are its per-file tests', below; the SymPy oracle's halved since, suite6): the
#: scheduler below hands out the costliest work first.  Only an estimate for the order of the
#: work: nothing here decides what a test checks.
FILE_SECONDS = {
    "tests/test_mutation.py": 9, "tests/test_parallel.py": 44, "tests/test_sympy_oracle.py": 22,
    "tests/test_proof_compact.py": 30, "tests/test_generic.py": 30, "tests/test_numeric.py": 25,
    "tests/test_proof.py": 23, "tests/test_sympy_views.py": 20, "tests/test_latex_compile.py": 19,
    "tests/test_export.py": 18, "tests/test_formats.py": 18, "tests/test_pytest_plugin.py": 17,
    "tests/test_cli.py": 16, "tests/test_example_notebook.py": 14, "tests/test_fuzz.py": 13,
    "tests/independent/test_independent_generator.py": 10, "tests/test_factors.py": 8,
    "tests/test_safety.py": 7, "tests/test_display_compile.py": 7, "tests/test_depth_growth.py": 7,
    "tests/test_audit_findings.py": 6, "tests/test_vector.py": 6, "tests/test_layout.py": 5,
    "tests/test_bounds.py": 5, "tests/test_notebook.py": 4, "tests/test_engine.py": 4,
}
#: seconds per test of the slowest test functions (same run), where the file's mean misleads
TEST_SECONDS = {
    "tests/test_mutation.py::test_the_harness_on_each_file": 2.1,
    "tests/test_mutation.py::test_the_oracle_agrees_with_every_shipped_verdict": 7.4,
    "tests/test_example_notebook.py::test_the_walkthrough_runs_under_a_real_kernel": 11.5,
    "tests/test_parallel.py::test_numeric_check_in_parallel_is_the_serial_check": 9.4,
    "tests/test_parallel.py::test_cli_output_does_not_depend_on_jobs": 5.6,
    "tests/test_parallel.py::test_the_pytest_plugin_under_xdist_gives_the_serial_outcomes": 6.9,
    "tests/test_parallel.py::test_check_paths_in_parallel_is_the_serial_check": 6.1,
    "tests/test_factors.py::test_no_module_reads_a_factor_by_position": 7.9,
    "tests/test_generic.py::test_mutants_of_the_shipped_files_have_no_false_accept": 7.5,
    "tests/test_pytest_plugin.py::test_the_shipped_derivations_pass_item_for_item": 7.1,
    "tests/test_display_compile.py::test_every_display_compiles_with_lualatex": 6.9,
    "tests/test_fuzz.py::test_fuzz_mutated_derivations": 5.2,
    "tests/test_formats.py::test_sarif_validates_against_the_sarif_2_1_0_schema": 4.6,
    "tests/independent/test_independent_generator.py::test_no_false_accept": 4.6,
    "tests/test_numeric.py::test_cli_numeric_on_the_shipped_derivations": 4.5,
    "tests/test_proof_compact.py::test_compact_proofs_compile_and_are_short": 1.25,
    "tests/test_sympy_oracle.py::test_shipped_derivations_agree_with_sympy_diff": 1.4,
    "tests/test_sympy_oracle.py::test_random_networks_agree_with_sympy_diff": 1.1,
    "tests/test_latex_compile.py::test_derivation_compiles": 0.8,
    "tests/test_proof.py::test_proof_compiles_with_pdflatex": 0.45,
}
#: the files whose tests may run on different workers: ``"test"``, each test on its own; ``"param"``,
#: the tests of one parameter id together (a fixture or a cache keyed by the parameter stays on one
#: worker) and the tests without parameters together.  The other files go whole to one worker.
SPLIT = {
    "tests/test_mutation.py": "param", "tests/test_parallel.py": "test",
    "tests/test_sympy_oracle.py": "param", "tests/test_proof_compact.py": "param",
    "tests/test_generic.py": "param", "tests/test_proof.py": "param",
    "tests/test_latex_compile.py": "param", "tests/test_formats.py": "param", "tests/test_cli.py": "param",
    "tests/test_pytest_plugin.py": "param", "tests/test_fuzz.py": "param",
    "tests/test_example_notebook.py": "test", "tests/independent/test_independent_generator.py": "param",
    "tests/test_export.py": "param",
}


def _unit(nodeid: str) -> str:
    """The unit of work a test belongs to under ``--dist loadfile`` (see :data:`SPLIT`)."""
    file = nodeid.split("::", 1)[0]
    how = SPLIT.get(file)
    if how == "test":
        return nodeid
    if how == "param" and nodeid.endswith("]") and "[" in nodeid:
        param = nodeid[nodeid.index('[') + 1:]
        if file == "tests/test_sympy_oracle.py":  # a loss's wrong formulas beside its own check:
            # one worker writes the network out and differentiates it (a per-process cache)
            param = param.removeprefix("derivations/").removesuffix("-<lambda>]").removesuffix("]") + "]"
        return f"{file}::[{param}"
    return file


def _seconds(nodeid: str, tests_in_file: dict[str, int]) -> float:
    """The estimated seconds of one test (:data:`TEST_SECONDS`, else the file's mean)."""
    file = nodeid.split("::", 1)[0]
    name = nodeid.split("[", 1)[0]
    if name in TEST_SECONDS:
        return TEST_SECONDS[name]
    return FILE_SECONDS.get(file, 0.02 * tests_in_file[file]) / tests_in_file[file]


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadfile`` (README's test command), balanced: each file is one unit of work, except
    the heavy files of :data:`SPLIT`, cut into smaller units; the units are handed out costliest
    first (:data:`FILE_SECONDS`, :data:`TEST_SECONDS`), so that no worker starts a long unit near
    the end while the other waits.  (``--dist loadgroup`` cannot split: pytest-xdist 3.8 marks a
    group by rewriting ``item._nodeid``, which pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Balanced(LoadFileScheduling):
        _ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

        def _assign_work_unit(self, node):  # noqa: ANN001, ANN202
            if not self._ordered:  # the queue is complete at the first assignment
                self._ordered = True
                counts: dict[str, int] = {}
                for unit in self.workqueue.values():
                    for nodeid in unit:
                        f = nodeid.split("::", 1)[0]
                        counts[f] = counts.get(f, 0) + 1
                cost = {scope: sum(_seconds(n, counts) for n in unit)
                        for scope, unit in self.workqueue.items()}
                order = sorted(self.workqueue.items(), key=lambda item: -cost[item[0]])  # stable
                self.workqueue.clear()
                self.workqueue.update(order)
            super()._assign_work_unit(node)

    return Balanced(config, log)
