"""The pytest entry point of symbp (``pytest11: symbp``), kept outside the ``symbp`` package.

pytest imports every installed plugin on every run, in every project of the environment.  This
shim imports nothing but the standard library and pytest, so a pytest run that meets no ``.tex`` file does
not pay for importing symbp (and NumPy); the plugin itself is :mod:`symbp.pytest_plugin`, imported
at the first ``.tex`` file.  (Hypothesis ships its plugin the same way.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest  # already imported: this module is loaded by pytest


def pytest_collect_file(file_path: Path, parent: Any) -> Any:
    """Hand ``.tex`` files to :func:`symbp.pytest_plugin.pytest_collect_file`."""
    if file_path.suffix != ".tex":
        return None
    # loaded also by name (``-p symbp.pytest_plugin``, as a bare checkout is told to): that module's
    # own hook collects the file, so it is not collected twice (every item twice, each checked twice)
    if parent.config.pluginmanager.has_plugin("symbp.pytest_plugin"):
        return None
    from symbp.pytest_plugin import pytest_collect_file as collect
    return collect(file_path, parent)


_WORDS = {"passed": ("passed", ".", "PASSED"), "failed": ("failed", "F", "FAILED"),
          "skipped": ("xfailed", "x", "XFAIL")}


@pytest.hookimpl(tryfirst=True)  # before pytest's own words for xfail
def pytest_report_teststatus(report: Any, config: Any) -> Any:
    """The status word of a link's item carries its verdict: ``PASSED (verified)``,
    ``XFAIL (refuted)``, ``FAILED (error)`` (shown by ``-v`` and by ``-rA``'s short summary)."""
    if report.when != "call" or not str(getattr(report, "fspath", "")).endswith(".tex"):
        return None
    verdict = dict(getattr(report, "user_properties", ())).get("verdict")
    outcome = report.outcome
    if verdict is None or outcome not in _WORDS or (outcome == "skipped" and not hasattr(report, "wasxfail")):
        return None
    category, letter, word = _WORDS[outcome]
    return category, letter, f"{word} ({verdict})"

