"""The pytest entry point of symbp (``pytest11: symbp``), kept outside the ``symbp`` package.

pytest imports every installed plugin on every run, in every project of the environment.  This
shim imports nothing but the standard library, so a pytest run that meets no ``.tex`` file does
not pay for importing symbp (and NumPy); the plugin itself is :mod:`symbp.pytest_plugin`, imported
at the first ``.tex`` file.  (Hypothesis ships its plugin the same way.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def pytest_collect_file(file_path: Path, parent: Any) -> Any:
    """Hand ``.tex`` files to :func:`symbp.pytest_plugin.pytest_collect_file`."""
    if file_path.suffix != ".tex":
        return None
    from symbp.pytest_plugin import pytest_collect_file as collect
    return collect(file_path, parent)
