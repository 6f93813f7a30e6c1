"""The indicator ``\\mathbb{1}(k = l)`` (CS231n's ``\\mathbb{1}(k = y_i)`` with letters), also
``\\mathbb{1}_{k = l}`` and ``\\mathbb{1}\\{k = l\\}``: Iverson's ``[k = l]``, a Kronecker delta.

Each form parses to the bracket's node; on the softmax of ``derivations/prml_5_2_softmax.tex``
the Jacobian written with it is verified and its slips refuted, each row also decided by the
independent oracle; ``\\mathbb{1}`` alone stays the all-ones vector of vector notation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import symbp
from symbp import notebook as nb
from symbp.latex.parser import parse_chain, parse_expression
from symbp.soundness.oracle import DIFFERENT, EQUIVALENT, compare

ROOT = Path(__file__).resolve().parents[1]
FORMS = [r"\mathbb{1}(k = l)", r"\mathbb{1}_{k = l}", r"\mathbb{1}\{k = l\}", r"\mathbb{1}(k=l)"]


@pytest.mark.parametrize("form", FORMS)
def test_each_form_is_the_bracket(form: str) -> None:
    assert parse_expression(form).key() == parse_expression("[k = l]").key()


def test_alone_it_is_the_all_ones_vector() -> None:
    assert parse_expression(r"\mathbb{1}").key() == parse_expression(r"\mathbf{1}").key()


dy = r"\frac{\partial y_k}{\partial a_l} = "
ROWS = [(dy + f"y_k ({form} - y_l)", "verified", EQUIVALENT) for form in FORMS] + [
    (dy + r"\mathbb{1}(k = l) y_k - y_k y_l", "verified", EQUIVALENT),
    (dy + r"\mathbb{1}(k = l) - y_l", "refuted", DIFFERENT),  # the softmax's y_k dropped
    (dy + r"y_k \mathbb{1}(k = l) - y_l", "refuted", DIFFERENT),
    (dy + r"y_k (y_l - \mathbb{1}(k = l))", "refuted", DIFFERENT),
]


@pytest.mark.parametrize("latex, verdict, truth", ROWS)
def test_the_softmax_jacobian_with_the_indicator(latex: str, verdict: str, truth: str) -> None:
    net = nb.network(ROOT / "derivations" / "prml_5_2_softmax.tex")
    (r,) = symbp.check_equation(latex, net)
    assert r.verdict == verdict, r.message
    assert compare(net, *parse_chain(latex, net.functions).sides) == truth
