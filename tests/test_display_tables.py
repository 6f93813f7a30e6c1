"""Notebook tables (symbp.render.display): diagnoses typeset, cells left-aligned, paths relative;
``Formula.at_sizes`` through symbp's printer."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from symbp import builtin, check_equation, check_paths
from symbp import notebook as nb
from symbp.render.display import message_runs, report_html, result_html

RUNS = [
    (r"did you mean \sum_l instead of \sum_k? with it",
     [(False, "did you mean "), (True, r"\sum_l"), (False, " instead of "), (True, r"\sum_k"),
      (False, "? with it")]),
    (r"l is free on the right but not on the left", [(False, "l is free on the right but not on the left")]),
    (r"a factor h'(a_{j_l}) w_{kj_l} is missing.",
     [(False, "a factor "), (True, r"h'(a_{j_l}) w_{kj_l}"), (False, " is missing.")]),
    (r"symbp derives \frac{\partial E}{\partial w_{ji}} = \sum_{l} \delta_{j_l} z_{i_l}",
     [(False, "symbp derives "),
      (True, r"\frac{\partial E}{\partial w_{ji}} = \sum_{l} \delta_{j_l} z_{i_l}")]),
    ("unbalanced { stays prose", [(False, "unbalanced { stays prose")]),
    ("indices (J, M): none", [(False, "indices (J, M): none")]),
]


@pytest.mark.parametrize("message, runs", RUNS, ids=[r[0][:30] for r in RUNS])
def test_a_diagnosis_is_cut_into_prose_and_maths(message: str, runs: list[tuple[bool, str]]) -> None:
    assert message_runs(message) == runs
    assert "".join(t for _, t in message_runs(message)) == message


def test_the_table_typesets_the_diagnosis() -> None:
    seed = r"\frac{\partial E}{\partial w_{ji}} = \sum_k \delta_{j_l} z_{i_l}"
    r, = check_equation(seed, builtin("shared"))
    page = result_html(r)
    details = page.split("<td")[-1]
    maths = [html.unescape(m) for m in re.findall(r"\\\((.*?)\\\)", details)]
    assert r"\sum_l" in maths and r"\sum_k" in maths  # "did you mean \sum_l instead of \sum_k", typeset
    prose = re.findall(r'<span class="tex2jax_ignore mathjax_ignore">(.*?)</span>', details)
    assert prose and not any("\\" in p for p in prose)  # no raw LaTeX left in the prose


def test_an_input_error_is_not_typeset() -> None:
    r, = check_equation(r"\delta_j = (a_j", builtin("plain"))
    details = result_html(r).split("<td")[-1]
    assert "\\(" not in details


def test_cells_are_left_aligned(root: Path) -> None:
    page = report_html(check_paths([root / "derivations" / "weight_sharing.tex"]))
    cells = re.findall(r"<t[dh](?:\s[^>]*)?>", page)
    assert cells and all("text-align:left" in c for c in cells)


def test_where_is_relative_to_the_working_folder(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    page = report_html(check_paths([root / "derivations" / "weight_sharing.tex"]))
    assert str(root) not in page and "derivations/weight_sharing.tex:" in page.replace(os.sep, "/")


def test_at_sizes_prints_through_symbp() -> None:
    two = nb.gradients(nb.network("shared"))["w_{ji}"].at_sizes(L=2)
    assert two._repr_latex_() == (r"$$\frac{\partial E}{\partial w_{ji}} = \delta_{j_1} z_{i_1} + "
                                  r"\delta_{j_2} z_{i_2}$$")
    assert str(two.rhs) == "delta_jl[j, 1]*z_il[i, 1] + delta_jl[j, 2]*z_il[i, 2]"  # the SymPy Eq underneath
    assert two == two.sympy
