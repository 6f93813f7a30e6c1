"""Issue 12: what the sources write and symbp does not read is an error that names its fix.

Each row is a formula from the corpus (tests/corpus) that symbp does not read: the result is an
``error`` at the line and column of the token, and its message names the directive or rewrite
that would make it readable; the rewrite, where one is given, is then read (and checked).  The
primed letter of Graves's softmax, ``\\sum_{k'=1}^{K}`` beside ``k`` over ``K``, was such an error
and is now read: its rows check it from both sides.
"""

from __future__ import annotations

import pytest

import symbp

P2 = [r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j", r"y_k = a_k"]
P4 = [r"a_j = \sum_i w_{ji} x_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j", r"y_k = \sigma(a_k)"]
CS = [r"s_j = \sum_i W_{ij} x_i + b_j", r"p_j = \sigma(s_j)"]
CS_DIR = ("params W, b", r"activation \sigma = logistic")
NG = [r"z^{[1]} = W^{[1]} x + b^{[1]}", r"a^{[1]} = g^{[1]}(z^{[1]})", r"z^{[2]} = W^{[2]} a^{[1]} + b^{[2]}",
      r"a^{[2]} = \sigma(z^{[2]})"]


def _file(forward: list[str], claim: str, directives: tuple[str, ...] = ()) -> str:
    return "\n".join([*(f"% symbp: {d}" for d in directives), "% symbp: forward", r"\begin{align*}",
                      " \\\\\n".join(forward), r"\end{align*}", "", f"$${claim}$$", ""])


def _results(text: str) -> list:
    return symbp.check_file(symbp.loads(text, "t.tex"))


#: (forward, claim, directives, the token's column in the claim line, what the message names,
#:  the rewrite that is read (or None), its verdict)
ROWS = [
    (P2, r"\delta_k^{(2)} = y_k - t_k", ("error sum-of-squares",), 3, r"drop it where the index letters "
     r"name the layers (\delta_k)", r"\delta_k = y_k - t_k", "verified"),
    (P2, r"\frac{\partial E}{\partial w^{(1)}_{ji}} = \delta_j x_i", (), 30, "(w_{ji})",
     r"\frac{\partial E}{\partial w_{ji}} = \delta_j x_i", "verified"),
    (P4, r"J_{ki} = \frac{\partial y_k}{\partial x_i}", (), 3, "if the equation defines J_{ki}, write the "
     "chain without it", None, None),
    (CS, r"\frac{d\sigma(x)}{dx} = (1 - \sigma(x)) \sigma(x)", CS_DIR, 22,
     r"\sigma'(s_{j}), at the quantity the forward pass applies it to, with s_{j} for x throughout",
     r"\sigma'(s_j) = (1 - \sigma(s_j)) \sigma(s_j)", "verified"),
    (NG, r"dz^{[2]} = a^{[2]} - y", ("params W, b",), 3, r"'% symbp: prefix d = \partial J'", None, None),
]


@pytest.mark.parametrize("forward, claim, directives, column, names, rewrite, verdict", ROWS,
                         ids=[r[1] for r in ROWS])
def test_the_error_names_the_fix(forward: list[str], claim: str, directives: tuple[str, ...], column: int,
                                 names: str, rewrite: str | None, verdict: str | None) -> None:
    results = _results(_file(forward, claim, directives))
    bad = results[0]
    assert bad.verdict == "error" and names in bad.message, bad.message
    assert bad.line == len(directives) + len(forward) + 5 and bad.column == column, (bad.line, bad.column)
    assert "if d is the error" not in bad.message  # Ng's dz: the prefix, not a letter d for the error
    if rewrite is not None:
        assert [r.verdict for r in _results(_file(forward, rewrite, directives))] == [verdict]


@pytest.mark.parametrize("superscript", [r"z^{(l+1)}_i = \sum_j W^{(l)}_{ij} a^{(l)}_j + b^{(l)}_i",
                                         r"z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j"])
def test_a_generic_layer_names_its_directive(superscript: str) -> None:
    with pytest.raises(symbp.SymbpError) as info:
        symbp.check_file(symbp.loads(_file([superscript], r"\delta_j = 1"), "t.tex"))
    assert "'% symbp: layers l = 1..L'" in str(info.value) and str(info.value).startswith("t.tex:3:")


GRAVES = [r"a_k = \sum_{h=1}^{H} w_{hk} b_h", r"y_k = \frac{e^{a_k}}{\sum_{k'=1}^{K} e^{a_{k'}}}",
          r"O = -\sum_{k=1}^{K} z_k \ln y_k"]


@pytest.mark.parametrize("claim, verdict", [
    (r"\frac{\partial O}{\partial a_k} = y_k - z_k", "verified"),
    (r"\frac{\partial O}{\partial a_k} = z_k - y_k", "refuted"),
    (r"\sum_{k'=1}^{K} y_{k'} = 1", "verified"),
    (r"\sum_{k'=1}^{K} y_{k'} = 2", "refuted"),
])
def test_a_primed_letter_runs_over_its_letter_s_range(claim: str, verdict: str) -> None:
    results = _results(_file(GRAVES, claim, ("params w", "targets z one-hot")))
    assert [r.verdict for r in results] == [verdict], [r.message for r in results]


def test_a_primed_letter_with_other_bounds_is_still_an_error() -> None:
    with pytest.raises(symbp.SymbpError, match="the indices h and k' both run up to H"):
        symbp.declare([r"a_k = \sum_{h=1}^{H} w_{hk} b_h", r"y_k = \sum_{k'=1}^{H} a_{k'}"])
