"""examples/seed_walkthrough.ipynb: committed without outputs, and executed cell by cell with
nbclient under a real ipykernel running this interpreter (a kernelspec made for
``sys.executable`` in a temporary folder); any cell error fails the test.

The executed notebook is exported to HTML (nbconvert, MathJax from Debian's libjs-mathjax) and
looked at in headless Chromium: the DOM after MathJax, and two screenshots (kept in the folder
``SYMBP_EVIDENCE`` names, when set).  A copy of the notebook also runs from a folder outside the
repository.

Needs the ``notebook`` extra (ipykernel, nbclient, nbformat, nbconvert:
``pip install -e '.[notebook]'``, which ``.ci/run`` installs); without it the execution test
skips, except under CI (``CI=true``), where a missing extra is a failure rather than a silent skip.
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


def _execute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notebook: Path, cwd: Path) -> Any:
    """Run ``notebook`` cell by cell in ``cwd`` under a kernel on this interpreter; the executed
    notebook (a cell error raises CellExecutionError)."""
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
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    client = nbclient.NotebookClient(nb, km=km, timeout=600, startup_timeout=300,
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute()  # raises CellExecutionError on the first cell that fails
    return nb


def test_the_walkthrough_runs_under_a_real_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _execute(tmp_path, monkeypatch, NOTEBOOK, NOTEBOOK.parent)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    (last,) = nb.cells[-1].outputs
    assert Path(last["text"].strip()) == Path(sys.executable)  # the kernel ran this interpreter
    html = _outputs(nb, "text/html")
    tex = _outputs(nb, "text/latex")
    assert "symbp-results" in html and "refuted" in html
    assert "did you mean </span>\\(\\sum_l\\)" in html  # typeset
    assert "counterexample: sizes" in html and str(ROOT) not in html  # paths relative
    assert "\\frac{\\partial E}{\\partial w_{ji}} = \\sum_{l} \\delta_{j_l} z_{i_l}" in tex
    assert "\\delta_{j_l} = h'(a_{j_l}) \\sum_{k} w_{kj_l} \\delta_{k}" in tex
    stream = _outputs(nb, "stream")
    assert "Eq(ErrorDerivative(E, w_ji[j, i]), Sum(delta_jl[j, l]*z_il[i, l], (l, 1, L)))" in stream
    assert "nobreak" not in tex  # SymPy's own LaTeX of the views: no Idx ranges for MathJax to choke on
    assert "([], [])" in _outputs(nb, "text/plain")  # ① and ② agree with sympy.diff
    assert 'torch.einsum("jl,k,kjl->jl"' in stream  # ② exported
    assert "\\delta_{j_1} z_{i_1}" in tex and "d/d" not in tex  # at_sizes, through symbp's printer
    assert "did you mean \\sum_l instead of \\sum_k?" in _outputs(nb, "stream")
    _screenshots(nb, tmp_path)


def test_the_walkthrough_runs_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Copied out of the repository and run elsewhere, it finds the seed note through the
    checkout symbp is imported from (was: a bare StopIteration)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / NOTEBOOK.name
    copy.write_bytes(NOTEBOOK.read_bytes())
    nb = _execute(tmp_path, monkeypatch, copy, elsewhere)
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


#: MathJax 2 from Debian's libjs-mathjax: the HTML export typesets offline
MATHJAX = Path("/usr/share/javascript/mathjax/MathJax.js")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--virtual-time-budget=20000"]


def _chromium() -> str | None:
    import shutil

    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def _screenshots(nb: Any, tmp_path: Path) -> None:
    """The executed notebook exported to HTML and looked at in headless Chromium: the DOM after
    MathJax ran has typeset the verdict tables' diagnoses, and two screenshots (the top, and the
    verdict table) are PNGs with something on them.  With ``SYMBP_EVIDENCE`` set to a folder,
    the HTML and the screenshots are kept there.  Skips without Chromium or MathJax, except
    under CI (``.ci/run`` installs both)."""
    import subprocess

    chromium = _chromium()
    if chromium is None or not MATHJAX.is_file():
        if os.environ.get("CI") == "true":
            raise AssertionError("chromium and libjs-mathjax are needed (.ci/run installs them)")
        pytest.skip("headless Chromium or MathJax (libjs-mathjax) not installed")
    nbconvert: Any = _need("nbconvert")
    exporter = nbconvert.HTMLExporter(mathjax_url=MATHJAX.as_uri() + "?config=TeX-AMS_CHTML-full")
    body, _ = exporter.from_notebook_node(nb)
    # as Jupyter shows it (MathJax 3, no automatic line breaks): the export's MathJax 2 set-up
    # breaks every formula of a table cell, measured before the table is laid out
    body = body.replace("automatic: true", "automatic: false")
    page = tmp_path / "walkthrough.html"
    page.write_text(body, encoding="utf-8")
    # the same page from the cell that shows the first verdict table (the cells above it hidden)
    scroll = ("<script>(function () { var t = document.querySelector('table.symbp-results');"
              " var cell = t.closest('.jp-Cell'); var all = document.querySelectorAll('.jp-Cell');"
              " for (var k = 0; k < all.length && all[k] !== cell; k++) { all[k].style.display = 'none'; }"
              " })();</script>")
    table = tmp_path / "table.html"
    table.write_text(body.replace("</body>", scroll + "</body>"), encoding="utf-8")

    def chrome(*args: str) -> subprocess.CompletedProcess[str]:
        profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
        return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)

    dom = chrome("--dump-dom", table.as_uri()).stdout
    assert "MathJax_CHTML" in dom or "mjx-chtml" in dom, "MathJax did not typeset the table"
    assert "Math input error" not in dom and "class=\"mjx-merror" not in dom  # nothing MathJax could not read
    shots = []
    for source, size in ((page, "1200,1600"), (table, "1400,1100")):
        png = tmp_path / f"{source.stem}.png"
        chrome(f"--screenshot={png}", f"--window-size={size}", source.as_uri())
        assert png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"no screenshot: {source.name}"
        assert png.stat().st_size > 20_000, f"{png.name} is only {png.stat().st_size} bytes: is it blank?"
        shots.append(png)
    keep = os.environ.get("SYMBP_EVIDENCE")
    if keep:
        import shutil

        Path(keep).mkdir(parents=True, exist_ok=True)
        for f in (page, table, *shots):
            shutil.copy(f, keep)
