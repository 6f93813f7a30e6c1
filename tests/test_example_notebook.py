"""examples/seed_walkthrough.ipynb: committed without outputs, and executed cell by cell with
nbclient under a real ipykernel running this interpreter (a kernelspec made for
``sys.executable`` in a temporary folder); any cell error fails the test.

Needs the ``notebook`` extra (ipykernel, nbclient, nbformat: ``pip install -e '.[notebook]'``,
which ``.ci/run`` installs); without it the execution test skips, except under CI (``CI=true``),
where a missing extra is a failure rather than a silent skip.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "seed_walkthrough.ipynb"


def test_the_notebook_is_committed_without_outputs() -> None:
    data = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None, "".join(cell["source"])[:80]


def _need(module: str) -> object:
    if os.environ.get("CI") == "true":
        return importlib.import_module(module)
    return pytest.importorskip(module)


def _kernelspec(folder: Path) -> str:
    """A kernelspec that runs ipykernel on this very interpreter (the venv's python)."""
    name = "symbp-test-python"
    spec = folder / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"symbp tests ({sys.executable})",
        "language": "python",
    }), encoding="utf-8")
    return name


def _outputs(nb: object, mime: str) -> str:
    """Every output of that MIME type (``stream``: what the cells printed)."""
    return "\n".join(str(o.get("text", "")) if mime == "stream" else str(o.get("data", {}).get(mime, ""))
                     for c in nb.cells if c.cell_type == "code"  # type: ignore[attr-defined]
                     for o in c.outputs)


def test_the_walkthrough_runs_under_a_real_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat: Any = _need("nbformat")
    nbclient: Any = _need("nbclient")
    _need("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    # keep the kernel away from the user's Jupyter and IPython set-up
    for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "config"),
                     ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    name = _kernelspec(tmp_path)
    km = KernelManager(kernel_name=name,
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")]))

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    client = nbclient.NotebookClient(nb, km=km, timeout=600, startup_timeout=300,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first cell that fails

    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    (last,) = nb.cells[-1].outputs
    assert Path(last["text"].strip()) == Path(sys.executable)  # the kernel ran this interpreter
    html = _outputs(nb, "text/html")
    tex = _outputs(nb, "text/latex")
    assert "symbp-results" in html and "refuted" in html and "did you mean </span>\\(\\sum_l\\)" in html
    assert "counterexample: sizes" in html
    assert "\\frac{\\partial E}{\\partial w_{ji}} = \\sum_{l} \\delta_{j_l} z_{i_l}" in tex
    assert "\\delta_{j_l} = h'(a_{j_l}) \\sum_{k} w_{kj_l} \\delta_{k}" in tex
    stream = _outputs(nb, "stream")
    assert "Eq(ErrorDerivative(E, w_ji[j, i]), Sum(delta_jl[j, l]*z_il[i, l], (l, 1, L)))" in stream
    assert "nobreak" not in tex  # SymPy's own LaTeX of the views: no Idx ranges for MathJax to choke on
    assert "([], [])" in _outputs(nb, "text/plain")  # ① and ② agree with sympy.diff
    assert 'torch.einsum("jl,k,kjl->jl"' in stream  # ② exported
    assert "did you mean \\sum_l instead of \\sum_k?" in _outputs(nb, "stream")
