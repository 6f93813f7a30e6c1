"""The maths symbp hands to Jupyter (every ``_repr_latex_``) is real LaTeX: one document holding
the displays of the shipped derivations (networks, equations, reports, results), of the built-in
networks' derivations and of the notebook formulas compiles with LuaLaTeX (amsmath, amssymb;
``ltjsarticle`` for the circled labels).  MathJax reads a subset of LaTeX, so this is the stricter
test.  Skips where ``lualatex`` is not installed; CI installs it (.ci/run).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import symbp
from symbp import notebook as nb

ROOT = Path(__file__).resolve().parents[1]
DERIVATIONS = sorted((ROOT / "derivations").glob("*.tex"))


def displays() -> list[str]:
    out: list[str] = []
    for path in DERIVATIONS:
        deriv = symbp.load(path)
        report = nb.check(deriv)
        out += [deriv.network._repr_latex_(), deriv._repr_latex_(), report._repr_latex_()]
        out += [eq._repr_latex_() for eq in deriv.equations]
        out += [tex for r in report.results if (tex := r._repr_latex_()) is not None]
    for name in ("plain", "shared"):
        net = symbp.builtin(name)
        out += [net._repr_latex_(), symbp.derive(net)._repr_latex_()]
        for formulas in (nb.forward(net), nb.deltas(net), nb.gradients(net)):
            out.append(formulas._repr_latex_())
            out += [f._repr_latex_() for f in formulas]
    return out


def test_every_display_compiles_with_lualatex(tmp_path: Path) -> None:
    lualatex = shutil.which("lualatex")
    if lualatex is None:
        pytest.skip("lualatex not on PATH (Debian package texlive-luatex; .ci/run installs it)")
    shown = displays()
    body = "\n\n".join(f"% display {k}\n{tex}" for k, tex in enumerate(shown))
    doc = tmp_path / "displays.tex"
    doc.write_text("\\documentclass{ltjsarticle}\n\\usepackage{amsmath,amssymb}\n"
                   "\\begin{document}\n" + body + "\n\\end{document}\n", encoding="utf-8")
    run = subprocess.run([lualatex, "-interaction=nonstopmode", "-halt-on-error",
                          f"-output-directory={tmp_path}", str(doc)], cwd=tmp_path,
                         stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    log = (tmp_path / "displays.log").read_bytes().decode("utf-8", errors="replace")
    lines = log.splitlines()
    errors = ["\n".join(lines[i:i + 3]) for i, line in enumerate(lines) if line.startswith("!")]
    assert not errors, "TeX errors:\n" + "\n---\n".join(errors)
    assert run.returncode == 0 and (tmp_path / "displays.pdf").is_file()
    missing = [line for line in lines if line.startswith("Missing character")]
    assert not missing, "characters missing from the fonts:\n" + "\n".join(missing)
    assert len(shown) > 100
