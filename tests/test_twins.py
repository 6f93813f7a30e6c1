"""Twins merged: one copy of each piece of logic, so that two cannot diverge again."""

from __future__ import annotations

import pytest

from symbp.latex import edit
from symbp.latex.parser import parse_expression
from symbp.latex.unparse import unparse
from symbp.soundness import mutation


def test_the_mutation_harness_renames_with_the_shared_edit() -> None:
    assert mutation.rename_free is edit.rename_free


@pytest.mark.parametrize(("before", "old", "new", "after"), [
    (r"\sum_{k=1}^{J} w_{kj} \delta_k", "j", "i", r"\sum_{k=1}^{J} w_{ki} \delta_{k}"),
    (r"\sum_{k} w_{kj} \delta_k", "k", "q", r"\sum_{k} w_{kj} \delta_{k}"),  # bound: untouched
    (r"[k = j] \delta_k", "k", "q", r"[q = j] \delta_{q}"),  # a Kronecker delta's letters too
    (r"\sum_{k} [k = j] \delta_k", "j", "i", r"\sum_{k} [k = i] \delta_{k}"),
])
def test_rename_free(before: str, old: str, new: str, after: str) -> None:
    assert unparse(edit.rename_free(parse_expression(before), old, new)) == after



def test_the_printers_join_terms_with_one_function() -> None:
    from symbp.notation import join_signed
    from symbp.printers import nfprint, sympy_latex
    assert nfprint.join_signed is join_signed and sympy_latex.join_signed is join_signed


def test_the_repair_renames_inside_a_kronecker_delta() -> None:
    """``[j' = r]`` for ``[j' = j]``: the rename reaches the delta (it did not: no proposal)."""
    from symbp import check_equation
    (r,) = check_equation(r"\frac{\partial a_k}{\partial w_{kj}} = \sum_{j'} z_{j'} [j' = r]", "plain")
    assert r.verdict == "refuted" and "did you mean j instead of r on the right?" in r.message
    assert r.suggestion == r"\frac{\partial a_{k}}{\partial w_{kj}} = \sum_{j'} z_{j'} [j' = j]"
