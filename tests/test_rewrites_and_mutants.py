"""Verdicts on the seed's equations: equivalent rewrites verify, mutants are refuted.

Two networks, as in the seed note:

* ``plain``  (PRML 5.3.1):  ``a_j = \\sum_i w_{ji} z_i``, ``z_j = h(a_j)``, ``a_k = \\sum_j w_{kj} z_j``;
* ``shared`` (PRML 5.5.6):  ``z_{i_l} = h(a_{i_l})``, ``a_{j_l} = \\sum_i w_{ji} z_{i_l}`` (``w_{ji}``
  shared over the positions ``l``), ``z_{j_l} = h(a_{j_l})``,
  ``a_k = \\sum_j \\sum_l w_{kj_l} z_{j_l}``; ``m`` is the composite index ``j_l``.

A rewrite must be ``verified`` (for all sizes) on every link.  A mutant must be ``refuted`` -
never ``verified``, ``verified-at-sizes`` or ``error`` - and a mutant whose indices are
consistent must come with a numeric counterexample.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbp import check_equation

P, S = "plain", "shared"
D_E = r"\frac{\partial E}{\partial "  # the head of every dE/d(...)


def dE(wrt: str) -> str:
    return D_E + wrt + "}"


def d(num: str, wrt: str) -> str:
    """``\\frac{\\partial num}{\\partial wrt}``"""
    return rf"\frac{{\partial {num}}}{{\partial {wrt}}}"


def op(wrt: str) -> str:
    """The operator form ``\\frac{\\partial}{\\partial wrt}``."""
    return rf"\frac{{\partial}}{{\partial {wrt}}}"


# ----------------------------------------------------------------------------------------------
# equivalent rewrites: every link verified

REWRITES = [
    # --- plain: the delta rule (5.56)
    (P, r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k", "delta rule as derived"),
    (P, r"\delta_j = h'(a_j) \sum_k \delta_k w_{kj}", "factors commuted inside the sum"),
    (P, r"\delta_j = \left( \sum_k w_{kj} \delta_k \right) h'(a_j)", "factors commuted outside"),
    (P, r"\delta_j = \sum_k \delta_k w_{kj} h'(a_j)", "h' moved into the sum (seed 5.56)"),
    (P, r"\delta_j = \sum_k h'(a_j) w_{kj} \delta_k", "h' moved into the sum, first"),
    (P, r"\delta_j = h'(a_j) \sum_q w_{qj} \delta_q", "dummy renamed, q undeclared"),
    (P, r"\delta_j = h'(a_j) \sum_\mu w_{\mu j} \delta_\mu", "dummy renamed to a Greek letter"),
    (P, r"\delta_j = h'(a_j) \sum_{k} w_{kj} \delta_k", "braced summation index"),
    (P, r"\delta_j = h'(a_j) \sum_{k=1}^{K} w_{kj} \delta_k", "bounds 1..K"),
    (P, r"\delta_j = h'(a_j) \sum_{k=0}^{K-1} w_{kj} \delta_k", "bounds 0..K-1"),
    (P, r"\delta_j = h'(a_j) \sum_{q=1}^{K} w_{qj} \delta_q", "bounds on an inferred dummy"),
    (P, r"\delta_j = h'(a_j) \sum_k w_{kj} \frac{\partial E}{\partial a_k}", "delta_k by definition"),
    (P, r"\frac{\partial E}{\partial a_j} = h'(a_j) \sum_k w_{kj} \delta_k", "delta_j by definition"),
    (P, r"\delta_j = \sum_k \frac{\partial E}{\partial a_k} \frac{\partial a_k}{\partial a_j}", "chain rule"),
    (P, r"\delta_j = \sum_k \delta_k \frac{\partial a_k}{\partial a_j}", "chain rule with delta_k"),
    (P, r"\delta_j = h'(a_j) \frac{\partial E}{\partial z_j}", "through z_j"),
    (P, r"\delta_j = h'(a_j) \cdot \sum_k w_{kj} \cdot \delta_k", "cdot"),
    (P, r"\delta_j = h'(a_j) \times \sum_k w_{kj} \times \delta_k", "times"),
    (P, r"\delta_j = h'(a_j) \, \sum_k w_{kj} \; \delta_k \quad", "spacing commands"),
    (P, r"\dfrac{\partial E}{\partial a_j} = h'(a_j) \sum_k w_{kj} \delta_k", "dfrac"),
    (P, r"\therefore \delta_j = \sum_k \delta_k w_{kj} h'(a_j) = h'(a_j) \sum_k \delta_k w_{kj}",
     "therefore and a chain (seed 5.56)"),
    (P, r"\delta_j \equiv \frac{\partial E}{\partial a_j} = \sum_k \frac{\partial E}{\partial a_k}"
        r" \frac{\partial a_k}{\partial a_j}", "equiv and a chain (seed 5.55)"),
    # --- plain: dE/dw_{ji} (5.53) and dE/dw_{kj}
    (P, dE("w_{ji}") + r" = \delta_j z_i", "dE/dw_ji as derived"),
    (P, dE("w_{ji}") + r" = z_i \delta_j", "dE/dw_ji commuted"),
    (P, dE("w_{ji}") + r" = \delta_j \cdot z_i", "dE/dw_ji cdot"),
    (P, dE("w_{ji}") + r" = \frac{\partial E}{\partial a_j} z_i", "dE/dw_ji, delta by definition"),
    (P, dE("w_{ji}") + " = " + d("E", "a_j") + " " + d("a_j", "w_{ji}") + r" = \delta_j z_i",
     "dE/dw_ji chain (seed 5.53)"),
    (P, dE("w_{ji}") + r" = \dfrac{\partial E}{\partial a_j} z_i", "dE/dw_ji dfrac"),
    (P, dE("w_{ji}") + r" = z_i h'(a_j) \sum_k w_{kj} \delta_k", "dE/dw_ji unrolled"),
    (P, dE("w_{ji}") + r" = \sum_k z_i h'(a_j) w_{kj} \delta_k", "dE/dw_ji unrolled, factors in the sum"),
    (P, dE("w_{ji}") + r" = z_i h'(a_j) \sum_{q=1}^{K} \delta_q w_{qj}",
     "dE/dw_ji unrolled, renamed, bounds"),
    (P, dE("w_{kj}") + r" = \delta_k z_j", "dE/dw_kj as derived"),
    (P, dE("w_{kj}") + r" = z_j \times \delta_k", "dE/dw_kj commuted"),
    (P, dE("w_{kj}") + r" = \delta_k h(a_j)", "dE/dw_kj, z_j as h(a_j)"),
    (P, dE("w_{kj}") + r" = \frac{\partial E}{\partial a_k} \frac{\partial a_k}{\partial w_{kj}}",
     "dE/dw_kj chain"),
    (P, dE("w_{kj}") + r" = \delta_k z_j = \delta_k h(a_j)", "dE/dw_kj chain of three"),
    (P, dE("z_i") + r" = \sum_{j,k} w_{ji} h'(a_j) w_{kj} \delta_k", "dE/dz_i, multi-index sum"),
    (P, dE("z_i") + r" = \sum_{k,j} \delta_k w_{kj} h'(a_j) w_{ji}", "dE/dz_i, multi-index reversed"),
    # --- plain: local derivatives
    (P, r"\frac{\partial a_k}{\partial a_j} = w_{kj} h'(a_j)", "da_k/da_j as derived"),
    (P, r"\frac{\partial a_k}{\partial a_j} = h'(a_j) \cdot w_{kj}", "da_k/da_j commuted"),
    (P, r"\frac{\partial a_k}{\partial a_j} = \frac{\partial}{\partial a_j} \sum_l w_{kl} z_l"
        r" = \frac{\partial}{\partial a_j} \sum_l w_{kl} h(a_l) = w_{kj} h'(a_j)",
     "da_k/da_j, the seed's chain"),
    (P, r"\frac{\partial a_k}{\partial a_j} = \frac{\partial}{\partial a_j} \sum_q w_{kq} z_q",
     "operator form, renamed"),
    (P, r"\frac{\partial a_k}{\partial a_j} = \frac{\partial}{\partial a_j} \sum_j w_{kj} h(a_j)",
     "operator form, index both free and bound"),
    (P, r"\frac{\partial a_k}{\partial z_j} = w_{kj}", "da_k/dz_j"),
    (P, r"\frac{\partial a_j}{\partial w_{ji}} = z_i", "da_j/dw_ji (5.52)"),
    (P, r"\frac{\partial a_j}{\partial w_{ji}} = \frac{\partial}{\partial w_{ji}} \sum_i w_{ji} z_i = z_i",
     "da_j/dw_ji, the seed's chain"),
    (P, r"\frac{\partial a_j}{\partial w_{ji}} = \frac{\partial}{\partial w_{ji}} \sum_{q=1}^{I} w_{jq} z_q",
     "da_j/dw_ji, renamed with bounds"),
    (P, r"\frac{\partial a_k}{\partial w_{kj}} = h(a_j)", "da_k/dw_kj, z as h(a)"),
    # --- shared: the delta rule (2)
    (S, r"\delta_{j_l} = h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", "shared delta rule as derived"),
    (S, r"\delta_{j_l} = \sum_k \delta_k w_{kj_l} h'(a_{j_l})", "shared delta rule, seed (2)"),
    (S, r"\delta_{j_l} = \sum_k h'(a_{j_l}) w_{kj_l} \delta_k", "shared delta rule, h' in the sum"),
    (S, r"\delta_{j_l} = \sum_q w_{qj_l} \delta_q h'(a_{j_l})", "shared delta rule, renamed"),
    (S, r"\delta_{j_l} = h'(a_{j_l}) \sum_{k=1}^{K} w_{kj_l} \delta_k", "shared delta rule, bounds 1..K"),
    (S, r"\delta_{j_l} = h'(a_{j_l}) \sum_{k=0}^{K-1} w_{kj_l} \delta_k", "shared delta rule, bounds 0..K-1"),
    (S, r"\delta_m = h'(a_m) \sum_k w_{km} \delta_k", "shared delta rule, composite m"),
    (S, r"\delta_{j_l} \equiv \frac{\partial E}{\partial a_{j_l}} = \sum_k \frac{\partial E}{\partial a_k}"
        r" \frac{\partial a_k}{\partial a_{j_l}}", "shared equiv chain"),
    (S, r"\delta_{i_l} = h'(a_{i_l}) \sum_j w_{ji} \delta_{j_l}", "shared delta rule of the bottom layer"),
    # --- shared: dE/dw_{ji} (the intended 1) and dE/dw_{kj_l}
    (S, dE("w_{ji}") + r" = \sum_l \delta_{j_l} z_{i_l}", "shared dE/dw_ji as derived"),
    (S, dE("w_{ji}") + r" = \sum_l z_{i_l} \delta_{j_l}", "shared dE/dw_ji commuted"),
    (S, dE("w_{ji}") + r" = \sum_q \delta_{j_q} z_{i_q}", "shared dE/dw_ji, dummy renamed"),
    (S, dE("w_{ji}") + r" = \sum_{l=1}^{L} \delta_{j_l} z_{i_l}", "shared dE/dw_ji, bounds 1..L"),
    (S, dE("w_{ji}") + r" = \sum_{l=0}^{L-1} \delta_{j_l} z_{i_l}", "shared dE/dw_ji, bounds 0..L-1"),
    (S, dE("w_{ji}") + r" = \sum_{n=1}^{L} \delta_{j_n} z_{i_n}", "shared dE/dw_ji, renamed with bounds"),
    (S, dE("w_{ji}") + r" = \sum_l \frac{\partial E}{\partial a_{j_l}} z_{i_l}",
     "shared dE/dw_ji, delta by definition"),
    (S, dE("w_{ji}") + r" = \sum_l \delta_{j_l} h(a_{i_l})", "shared dE/dw_ji, z as h(a)"),
    (S, dE("w_{ji}") + r" = \sum_l \delta_{j_l} \cdot z_{i_l}", "shared dE/dw_ji cdot"),
    (S, dE("w_{ji}") + r" = \sum_l \delta_{j_l} \times z_{i_l}", "shared dE/dw_ji times"),
    (S, r"\dfrac{\partial E}{\partial w_{ji}} = \sum_l \delta_{j_l} z_{i_l}", "shared dE/dw_ji dfrac"),
    (S, dE("w_{ji}") + r" = \sum_l " + d("E", "a_{j_l}") + " " + d("a_{j_l}", "w_{ji}") +
        r" = \sum_l \delta_{j_l} z_{i_l}", "shared dE/dw_ji, the intended 1"),
    (S, dE("w_{ji}") + r" = \sum_l h'(a_{j_l}) z_{i_l} \sum_k w_{kj_l} \delta_k", "shared dE/dw_ji unrolled"),
    (S, dE("w_{ji}") + r" = \sum_{l,k} h'(a_{j_l}) z_{i_l} w_{kj_l} \delta_k", "shared unrolled, sum_{l,k}"),
    (S, dE("w_{ji}") + r" = \sum_{k,l} \delta_k w_{kj_l} h'(a_{j_l}) z_{i_l}", "shared unrolled, sum_{k,l}"),
    (S, dE("w_{ji}") + r" = \sum_k \sum_l \delta_k w_{kj_l} h'(a_{j_l}) z_{i_l}",
     "shared unrolled, two sums"),
    (S, dE("w_{ji}") + r" = \sum_l \sum_k " + d("E", "a_k") + " " + d("a_k", "a_{j_l}") + " z_{i_l}",
     "shared unrolled, chain"),
    (S, dE("w_{kj_l}") + r" = \delta_k z_{j_l}", "shared dE/dw_kjl as derived"),
    (S, dE("w_{kj_l}") + r" = z_{j_l} \delta_k", "shared dE/dw_kjl commuted"),
    (S, dE("w_{kj_l}") + r" = \delta_k h(a_{j_l})", "shared dE/dw_kjl, z as h(a)"),
    (S, dE("w_{kj_l}") + r" = \frac{\partial E}{\partial a_k} z_{j_l}",
     "shared dE/dw_kjl, delta by definition"),
    (S, dE("w_{km}") + r" = \delta_k z_m", "shared dE/dw_km, composite m"),
    (S, dE("z_{i_l}") + r" = \sum_j w_{ji} \delta_{j_l}", "shared dE/dz_il"),
    # --- shared: local derivatives
    (S, r"\frac{\partial a_k}{\partial a_{j_l}} = w_{kj_l} h'(a_{j_l})", "shared da_k/da_jl"),
    (S, r"\frac{\partial a_k}{\partial a_{j_l}} = h'(a_{j_l}) \cdot w_{kj_l}", "shared da_k/da_jl commuted"),
    (S, r"\frac{\partial a_k}{\partial a_{j_l}} = \frac{\partial}{\partial a_{j_l}} \sum_m w_{km} z_m"
        r" = \frac{\partial}{\partial a_{j_l}} \sum_m w_{km} h(a_m) = w_{kj_l} h'(a_{j_l})",
     "shared, the seed's chain"),
    (S, d("a_k", "a_{j_l}") + " = " + op("a_{j_l}") + r" \sum_{j,l} w_{kj_l} z_{j_l}",
     "operator form, sum_{j,l}"),
    (S, d("a_k", "a_{j_l}") + " = " + op("a_{j_l}") + r" \sum_{q,p} w_{kq_p} z_{q_p}",
     "operator form, sum_{q,p} renamed"),
    (S, r"\frac{\partial a_k}{\partial a_{j_l}} = \sum_m w_{km} \frac{\partial z_m}{\partial a_{j_l}}",
     "through z_m"),
    (S, r"\frac{\partial a_{j_l}}{\partial w_{ji}} = z_{i_l}", "shared da_jl/dw_ji"),
    (S, r"\frac{\partial a_{j_l}}{\partial w_{ji}} = h(a_{i_l})", "shared da_jl/dw_ji, z as h(a)"),
    (S, d("a_{j_l}", "w_{ji}") + " = " + op("w_{ji}") + r" \sum_i w_{ji} z_{i_l} = z_{i_l}",
     "shared da_jl/dw_ji, the seed's chain"),
]


@pytest.mark.parametrize("net, latex", [pytest.param(n, s, id=f"{n}: {i}") for n, s, i in REWRITES])
def test_equivalent_rewrite_is_verified(net: str, latex: str) -> None:
    results = check_equation(latex, net)
    assert results, latex
    for r in results:
        assert r.verdict == "verified", f"link {r.link}: {r.latex}\n{r.verdict}: {r.message}"
        assert r.counterexample is None
        # the text echoed for the link means what was written: it verifies too
        if "\\mu" not in latex:  # Greek index letters: see test_echo_keeps_greek_index_letters
            assert [x.verdict for x in check_equation(r.latex, net)] == ["verified"], r.latex


# ----------------------------------------------------------------------------------------------
# mutants: refuted.  ``value`` says the indices are consistent, so the refutation must carry
# numbers (a counterexample); otherwise index analysis refutes it before any algebra.

MUTANTS = [
    # --- plain
    (P, r"\delta_j = h'(a_j) \sum_k w_{jk} \delta_k", "transposed weight", False),
    (P, r"\frac{\partial a_k}{\partial a_j} = w_{jk} h'(a_j)", "transposed weight, local", False),
    (P, r"\frac{\partial E}{\partial w_{ij}} = \delta_j z_i", "transposed weight on the left", False),
    (P, dE("w_{ji}") + r" = \delta_i z_j", "transposed delta and z", False),
    (P, r"\delta_j = \sum_k w_{kj} \delta_k", "h' dropped", True),
    (P, r"\frac{\partial a_k}{\partial a_j} = w_{kj}", "h' dropped, local", True),
    (P, dE("w_{ji}") + r" = z_i \sum_k w_{kj} \delta_k", "h' dropped, unrolled", True),
    (P, r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", "h' replaced by h", True),
    (P, r"\frac{\partial a_k}{\partial a_j} = w_{kj} h(a_j)", "h' replaced by h, local", True),
    (P, dE("w_{kj}") + r" = \delta_k h'(a_j)", "h replaced by h'", True),
    (P, r"\delta_j = h'(a_j) w_{kj} \delta_k", "sum dropped", False),
    (P, r"\delta_j = h'(a_j) \sum_j \sum_k w_{kj} \delta_k", "sum added", True),
    (P, dE("w_{ji}") + r" = \sum_j \delta_j z_i", "sum added over j", False),
    (P, dE("w_{ji}") + r" = \sum_i \delta_j z_i", "sum added over i", False),
    (P, dE("w_{kj}") + r" = \sum_k \delta_k z_j", "sum added over k", False),
    (P, r"\frac{\partial a_j}{\partial w_{ji}} = \sum_i z_i", "sum added, local", False),
    (P, r"\frac{\partial a_k}{\partial a_j} = \sum_k w_{kj} h'(a_j)", "sum added over a free index", False),
    (P, r"\delta_j = h'(a_j) \sum_i w_{kj} \delta_k", "wrong summation index", False),
    (P, dE("w_{kj}") + r" = \delta_k a_j", "z replaced by a", True),
    (P, r"\frac{\partial a_k}{\partial w_{kj}} = a_j", "z replaced by a, local", True),
    (P, dE("w_{ji}") + r" = \delta_j a_i", "z_i replaced by a nonexistent a_i", False),
    (P, r"\delta_j = h'(z_j) \sum_k w_{kj} \delta_k", "a replaced by z inside h'", True),
    (P, r"\delta_j = -h'(a_j) \sum_k w_{kj} \delta_k", "sign flipped", True),
    (P, dE("w_{ji}") + r" = -\delta_j z_i", "sign flipped, dE/dw_ji", True),
    (P, dE("w_{kj}") + r" = -\delta_k z_j", "sign flipped, dE/dw_kj", True),
    (P, r"\frac{\partial a_k}{\partial a_j} = -w_{kj} h'(a_j)", "sign flipped, local", True),
    (P, r"\frac{\partial a_j}{\partial w_{ji}} = -z_i", "sign flipped, da_j/dw_ji", True),
    (P, r"\delta_j = 2 h'(a_j) \sum_k w_{kj} \delta_k", "scaled by 2", True),
    (P, dE("w_{ji}") + r" = 2 \delta_j z_i", "scaled by 2, dE/dw_ji", True),
    (P, dE("w_{kj}") + r" = \frac{1}{2} \delta_k z_j", "scaled by 1/2, dE/dw_kj", True),
    (P, r"\frac{\partial a_k}{\partial a_j} = 2 w_{kj} h'(a_j)", "scaled by 2, local", True),
    (P, r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_j", "delta_k replaced by delta_j", True),
    (P, r"\delta_k = h'(a_k) \sum_j w_{kj} \delta_j", "delta_j and delta_k swapped", True),
    (P, dE("w_{kj}") + r" = \delta_j z_k", "delta and z indices swapped", False),
    (P, dE("w_{kj}") + r" = \delta_j z_j", "delta_k replaced by delta_j in dE/dw_kj", False),
    (P, dE("w_{ji}") + r" = \delta_k z_i", "delta_j replaced by delta_k", False),
    (P, r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k + h'(a_j)", "term added", True),
    (P, dE("w_{ji}") + r" = \delta_j", "factor z_i dropped", False),
    (P, r"\frac{\partial a_j}{\partial w_{ji}} = w_{ji}", "da_j/dw_ji is not w", True),
    # --- shared
    (S, r"\delta_{j_l} = h'(a_{j_l}) \sum_k w_{j_lk} \delta_k", "transposed weight", False),
    (S, r"\frac{\partial E}{\partial w_{ij}} = \sum_l \delta_{j_l} z_{i_l}",
     "transposed weight on the left", False),
    (S, dE("w_{ji}") + r" = \sum_l \delta_{i_l} z_{j_l}", "transposed delta and z", True),
    (S, r"\delta_{j_l} = \sum_k w_{kj_l} \delta_k", "h' dropped", True),
    (S, r"\frac{\partial a_k}{\partial a_{j_l}} = w_{kj_l}", "h' dropped, local", True),
    (S, dE("w_{ji}") + r" = \sum_l z_{i_l} \sum_k w_{kj_l} \delta_k", "h' dropped, unrolled", True),
    (S, r"\delta_{j_l} = h(a_{j_l}) \sum_k w_{kj_l} \delta_k", "h' replaced by h", True),
    (S, r"\frac{\partial a_k}{\partial a_{j_l}} = w_{kj_l} h(a_{j_l})", "h' replaced by h, local", True),
    (S, dE("w_{ji}") + r" = \sum_l h(a_{j_l}) z_{i_l} \sum_k w_{kj_l} \delta_k",
     "h' replaced by h, unrolled", True),
    (S, dE("w_{ji}") + r" = \delta_{j_l} z_{i_l}", "sum over l dropped", False),
    (S, r"\delta_{j_l} = h'(a_{j_l}) w_{kj_l} \delta_k", "sum over k dropped", False),
    (S, dE("w_{kj_l}") + r" = \sum_l \delta_k z_{j_l}", "sum added over l", False),
    (S, r"\frac{\partial a_k}{\partial a_{j_l}} = \sum_l w_{kj_l} h'(a_{j_l})", "sum added, local", False),
    (S, r"\delta_{j_l} = h'(a_{j_l}) \sum_l \sum_k w_{kj_l} \delta_k", "sum added, delta rule", True),
    (S, r"\frac{\partial a_{j_l}}{\partial w_{ji}} = \sum_i z_{i_l}", "sum added over i, local", False),
    (S, dE("w_{ji}") + r" = \sum_l \sum_k \delta_{j_l} z_{i_l}", "vacuous sum added", False),
    (S, dE("w_{ji}") + r" = \sum_k \delta_{j_l} z_{i_l}", "wrong summation index: the seed's 1", False),
    (S, dE("w_{ji}") + r" = \sum_k " + d("E", "a_{j_l}") + " " + d("a_{j_l}", "w_{ji}"),
     "the seed's 1 as written, link 1", False),
    (S, dE("w_{ji}") + r" = \sum_l \delta_{j_l} a_{i_l}", "z replaced by a", True),
    (S, dE("w_{kj_l}") + r" = \delta_k a_{j_l}", "z replaced by a, dE/dw_kjl", True),
    (S, r"\frac{\partial a_{j_l}}{\partial w_{ji}} = a_{i_l}", "z replaced by a, local", True),
    (S, r"\delta_{j_l} = h'(z_{j_l}) \sum_k w_{kj_l} \delta_k", "a replaced by z inside h'", True),
    (S, dE("w_{ji}") + r" = -\sum_l \delta_{j_l} z_{i_l}", "sign flipped", True),
    (S, dE("w_{kj_l}") + r" = -\delta_k z_{j_l}", "sign flipped, dE/dw_kjl", True),
    (S, r"\delta_{j_l} = -h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", "sign flipped, delta rule", True),
    (S, r"\frac{\partial a_{j_l}}{\partial w_{ji}} = -z_{i_l}", "sign flipped, local", True),
    (S, dE("w_{ji}") + r" = 2 \sum_l \delta_{j_l} z_{i_l}", "scaled by 2", True),
    (S, dE("w_{kj_l}") + r" = 2 \delta_k z_{j_l}", "scaled by 2, dE/dw_kjl", True),
    (S, r"\delta_{j_l} = 2 h'(a_{j_l}) \sum_k w_{kj_l} \delta_k", "scaled by 2, delta rule", True),
    (S, r"\frac{\partial a_k}{\partial a_{j_l}} = 2 w_{kj_l} h'(a_{j_l})", "scaled by 2, local", True),
    (S, dE("w_{ji}") + r" = \delta_j z_i", "the plain formula in the shared network", False),
    (S, r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k", "the plain delta rule in the shared network", False),
    (S, r"\delta_{j_l} = h'(a_{j_l}) \sum_k w_{kj_l} \delta_{j_l}", "delta_k replaced by delta_jl", True),
    (S, r"\delta_k = h'(a_k) \sum_j \sum_l w_{kj_l} \delta_{j_l}", "delta_jl and delta_k swapped", True),
    (S, dE("w_{kj_l}") + r" = \delta_{j_l} z_k", "delta and z indices swapped", False),
    (S, dE("w_{ji}") + r" = \sum_l \delta_k z_{i_l}", "delta_jl replaced by delta_k", False),
]

CX_KEYS = {"sizes", "index", "lhs", "rhs", "h", "E", "seed"}


@pytest.mark.parametrize("net, latex, value",
                         [pytest.param(n, s, v, id=f"{n}: {i}") for n, s, i, v in MUTANTS])
def test_mutant_is_refuted(net: str, latex: str, value: bool) -> None:
    results = check_equation(latex, net)
    assert results
    assert [r.verdict for r in results] == ["refuted"] * len(results), [r.message for r in results]
    for r in results:
        assert r.message
        if value:
            cx = r.counterexample
            assert cx is not None, f"no counterexample for a value refutation: {r.message}"
            assert CX_KEYS <= set(cx), sorted(cx)
            assert cx["lhs"] != pytest.approx(cx["rhs"], rel=1e-9, abs=1e-12)
            assert all(isinstance(v, int) and v >= 1 for v in cx["sizes"].values())
            for letter, v in cx["index"].items():
                assert 1 <= v <= max(cx["sizes"].values()), (letter, v)
            assert isinstance(cx["seed"], int)
            assert cx["h"] in ("h = tanh", "h = softplus")
            # it says what symbp derives, and that derivation itself verifies
            if r.derived is not None:
                assert "symbp derives" in r.message
                lhs = r.derived.split(" = ")[0]
                if r.derived.count(lhs) == 1:  # not a tautology such as \delta_k = \delta_k
                    assert [x.verdict for x in check_equation(r.derived, net)] == ["verified"], r.derived
        else:
            # an index slip is diagnosed by the index analysis, and decided by value: its
            # counterexample, when the equation has a value (not w_{jk} for w_{kj}), differs
            cx = r.counterexample
            assert cx is None or cx["lhs"] != pytest.approx(cx["rhs"], rel=1e-9, abs=1e-12)


def test_the_mutant_table_covers_every_required_class() -> None:
    labels = " | ".join(i for _, _, i, _ in MUTANTS)
    for cls in ("transposed", "h' dropped", "h' replaced by h", "sum over l dropped", "sum dropped",
                "sum added", "wrong summation index", "z replaced by a", "sign flipped", "scaled by 2",
                "plain formula in the shared network", "swapped"):
        assert cls in labels, cls
    assert {n for n, *_ in MUTANTS} == {P, S}


# ----------------------------------------------------------------------------------------------
# the diagnosis: what the message says for a few classes of slip

DIAGNOSES = [
    (P, r"\delta_j = -h'(a_j) \sum_k w_{kj} \delta_k", ["sign"]),
    (S, dE("w_{kj_l}") + r" = -\delta_k z_{j_l}", ["sign"]),
    (P, r"\delta_j = \sum_k w_{kj} \delta_k", ["h'", "missing"]),
    (S, r"\delta_{j_l} = \sum_k w_{kj_l} \delta_k", ["h'", "missing"]),
    (P, r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", ["h'", "extra"]),
    (P, dE("w_{ji}") + r" = 2 \delta_j z_i", ["factor of 2"]),
    (P, dE("w_{kj}") + r" = \sum_k \delta_k z_j", ["sum"]),
    (P, r"\delta_j = h'(a_j) \sum_k w_{jk} \delta_k", ["w_{jk}", "w_{kj}"]),
    (P, r"\delta_j = h'(a_j) w_{kj} \delta_k", ["k is free on the right"]),
    (S, dE("w_{ji}") + r" = \delta_{j_l} z_{i_l}", ["l is free on the right"]),
    (S, dE("w_{ji}") + r" = \delta_j z_i", [r"\delta_j", "a_{j_l}"]),
    (P, r"\delta_j = h'(a_j) \sum_i w_{kj} \delta_k",
     ["i does not occur", "k is free on the right", r"did you mean \sum_k"]),
    (S, dE("w_{ji}") + r" = \sum_k \delta_{j_l} z_{i_l}",
     ["k does not occur", "l is free on the right", r"did you mean \sum_l"]),
]


@pytest.mark.parametrize("net, latex, phrases",
                         [pytest.param(n, s, p, id=f"{n}: {s}") for n, s, p in DIAGNOSES])
def test_diagnosis_names_the_slip(net: str, latex: str, phrases: list[str]) -> None:
    (r,) = check_equation(latex, net)
    assert r.verdict == "refuted"
    for phrase in phrases:
        assert phrase in r.message, f"{phrase!r} not in {r.message!r}"


@pytest.mark.parametrize("net, latex, good", [
    (S, dE("w_{ji}") + r" = \sum_k \delta_{j_l} z_{i_l}", r"\sum_{l}"),
    (P, r"\delta_j = h'(a_j) \sum_i w_{kj} \delta_k", r"\sum_{k}"),
])
def test_wrong_summation_index_gets_a_suggestion_that_verifies(net: str, latex: str, good: str) -> None:
    (r,) = check_equation(latex, net)
    assert r.verdict == "refuted"
    assert r.suggestion is not None and good in r.suggestion
    assert "verified" in r.message
    assert [x.verdict for x in check_equation(r.suggestion, net)] == ["verified"]


def test_seed_equation_1_as_written_in_full() -> None:
    """The seed's (1), both links: the first is wrong by value and suggests \\sum_l, which
    verifies; the second holds by value (K times one summand on both sides), its vacuous sums
    warnings."""
    latex = (dE("w_{ji}") + r" = \sum_k " + d("E", "a_{j_l}") + " " + d("a_{j_l}", "w_{ji}") +
             r" = \sum_k \delta_{j_l} z_{i_l}")
    first, second = check_equation(latex, S)
    assert (first.verdict, second.verdict) == ("refuted", "verified")
    assert "k does not occur" in first.message and r"did you mean \sum_l" in first.message
    assert r"\sum_{l}" in first.suggestion
    assert all(x.verdict == "verified" for x in check_equation(first.suggestion, S))
    assert first.counterexample is not None  # the value is the evidence
    assert [w["code"] for w in second.warnings] == ["vacuous-sum", "vacuous-sum"]
    assert all("k does not occur" in w["message"] for w in second.warnings)


# ----------------------------------------------------------------------------------------------
# generated rewrites and mutants of four product-form equations: factors permuted, moved into
# the sum, the dummy renamed, bounds written out, multiplication signs, sides swapped

FORMS = [
    # (network, left side, factors outside the sum, dummy, its range, factors inside; {d} = dummy)
    (P, r"\delta_j", [r"h'(a_j)"], "k", "K", [r"w_{{{d}j}}", r"\delta_{d}"]),
    (P, dE("w_{ji}"), [r"z_i", r"h'(a_j)"], "k", "K", [r"w_{{{d}j}}", r"\delta_{d}"]),
    (S, r"\delta_{j_l}", [r"h'(a_{j_l})"], "k", "K", [r"w_{{{d}j_l}}", r"\delta_{d}"]),
    (S, dE("w_{ji}"), [], "l", "L", [r"\delta_{{j_{d}}}", r"z_{{i_{d}}}"]),
]
FRESH = "npqrstuvxy"  # undeclared letters: their range is inferred from the slots they fill


@dataclass(frozen=True)
class Form:
    """One drawn way of writing a product-form equation."""

    net: str
    lhs: str
    outside: tuple[str, ...]
    inside: tuple[str, ...]
    sub: str
    sep: str
    factor_first: bool

    @property
    def factors(self) -> tuple[str, ...]:
        return self.outside + self.inside

    def rhs(self, drop: str | None = None, coeff: str = "") -> str:
        outside = [f for f in self.outside if f != drop]
        inside = [f for f in self.inside if f != drop]
        total = rf"\sum{self.sub} " + self.sep.join(inside)
        if not outside:
            body = total
        elif self.factor_first:
            body = self.sep.join(outside) + self.sep + total
        else:
            body = rf"\left( {total} \right)" + self.sep + self.sep.join(outside)
        return f"{coeff}{body}"


@st.composite
def product_form(draw: st.DrawFn) -> Form:
    net, lhs, outer, dummy, size, inner = draw(st.sampled_from(FORMS))
    x = draw(st.sampled_from([dummy] + [c for c in FRESH if c not in (dummy, "k", "l")]))
    moved = draw(st.lists(st.sampled_from(outer), unique=True)) if outer else []
    return Form(
        net=net,
        lhs=lhs,
        outside=tuple(draw(st.permutations([f for f in outer if f not in moved]))),
        inside=tuple(draw(st.permutations([f.format(d=x) for f in inner] + moved))),
        sub=draw(st.sampled_from([f"_{x}", f"_{{{x}}}", f"_{{{x}=1}}^{{{size}}}",
                                  f"_{{{x}=0}}^{{{size}-1}}"])),
        sep=draw(st.sampled_from([" ", r" \cdot ", r" \times "])),
        factor_first=draw(st.booleans()),
    )


@given(product_form())
def test_generated_rewrites_verify(form: Form) -> None:
    for latex in (f"{form.lhs} = {form.rhs()}", f"{form.rhs()} = {form.lhs}"):
        assert [r.verdict for r in check_equation(latex, form.net)] == ["verified"], latex


SCALES = {"-": -1.0, "2 ": 2.0, "3 ": 3.0, r"\frac{1}{2} ": 0.5, "-2 ": -2.0}


@given(product_form(), st.sampled_from(sorted(SCALES)))
def test_generated_scaled_rewrites_are_refuted_with_numbers(form: Form, coeff: str) -> None:
    latex = f"{form.lhs} = {form.rhs(coeff=coeff)}"
    (r,) = check_equation(latex, form.net)
    assert r.verdict == "refuted", latex
    cx = r.counterexample
    assert cx is not None
    assert cx["rhs"] / cx["lhs"] == pytest.approx(SCALES[coeff], rel=1e-9)


@given(product_form(), st.data())
def test_generated_rewrites_with_a_factor_dropped_are_refuted(form: Form, data: st.DataObject) -> None:
    victim = data.draw(st.sampled_from(form.factors))
    latex = f"{form.lhs} = {form.rhs(drop=victim)}"
    assert [r.verdict for r in check_equation(latex, form.net)] == ["refuted"], latex


# ----------------------------------------------------------------------------------------------
# regressions: bugs found by this module, fixed


ZERO_SIDED = [
    r"\frac{\partial a_j}{\partial a_k} = 0",  # a_j does not depend on a_k
    r"\delta_j - h'(a_j) \sum_k w_{kj} \delta_k = 0",  # the delta rule, moved to one side
    r"0 = \delta_j - h'(a_j) \sum_k w_{kj} \delta_k",
]


@pytest.mark.parametrize("latex", ZERO_SIDED)
# regression (fixed): a true equation with 0 on one side is refuted by index analysis ('j is free
# on the left but not on the right'): 0 is constant along every index, so a free letter of the
# other side is no slip
def test_true_equation_with_a_zero_side_verifies(latex: str) -> None:
    assert [r.verdict for r in check_equation(latex, P)] == ["verified"]


@pytest.mark.parametrize("latex", [
    r"\frac{\partial z_i}{\partial w_{ji}} = 0",
    r"\frac{\partial E}{\partial w_{ji}} - \delta_j z_i = 0",
])
def test_zero_sided_equations_that_already_verify(latex: str) -> None:
    # every free letter comes from the variable of the derivative: verified today
    assert [r.verdict for r in check_equation(latex, P)] == ["verified"]


# regression (fixed): a missing size factor K is diagnosed as 'the same quantities appear on both
# sides, with different indices (transposed or renamed indices?)' - misleading: the indices are
# identical, the right side has an extra K
def test_extra_size_factor_is_diagnosed_as_such() -> None:
    (r,) = check_equation(dE("w_{ji}") + r" = K \delta_j z_i", P)
    assert r.verdict == "refuted"
    assert "different indices" not in r.message
    assert "K" in r.message.split("; symbp derives")[0]


# regression (fixed): the delta_j <-> delta_k swap is answered with the tautology 'symbp derives
# \\delta_{k} = \\delta_{k}' (derived for an output layer)
def test_derived_for_an_output_delta_is_not_a_tautology() -> None:
    (r,) = check_equation(r"\delta_k = h'(a_k) \sum_j w_{kj} \delta_j", P)
    assert r.verdict == "refuted"
    assert r.derived != r"\delta_{k} = \delta_{k}"


COMPOSITE = [
    (dE("w_{km}") + r" = \delta_k z_m", "message"),
    (dE("w_{km}") + r" = \delta_k z_m", "derived"),
    (r"\delta_m = h'(a_m) \sum_k w_{km} \delta_k", "message"),
    (dE("w_{km}") + r" = -\delta_k z_m", "message"),
    (dE("w_{km}") + r" = -\delta_k z_m", "counterexample"),
]


# regression (fixed): with the composite index m = j_l, messages, 'derived' and counterexample
# indices print internal component names: h(a_{m.0_{m.1}}), z_{m.0_{m.1}}, index {'m.0': 2, 'm.1':
# 3}; they should read j_l (or m)
@pytest.mark.parametrize("latex, field", COMPOSITE)
def test_composite_index_prints_in_the_notes_notation(latex: str, field: str) -> None:
    (r,) = check_equation(latex, S)
    text = str(getattr(r, field))
    assert getattr(r, field) is not None
    assert "m.0" not in text and "m.1" not in text, text


# regression (fixed): the echoed link text drops the parentheses around a derivative operator:
# (d/dw_ji a_j) delta_j is echoed as d/dw_ji a_j delta_j, which means d(a_j delta_j)/dw_ji (and
# re-checking it gives an error)
def test_echo_keeps_parentheses_around_a_derivative_operator() -> None:
    latex = dE("w_{ji}") + r" = \left( \frac{\partial}{\partial w_{ji}} a_j \right) \delta_j"
    (r,) = check_equation(latex, P)
    assert r.verdict == "verified"
    assert [x.verdict for x in check_equation(r.latex, P)] == ["verified"], r.latex


# regression (fixed): unparse drops the backslash of a Greek index letter: \\sum_\\mu w_{\\mu j}
# is echoed as \\sum_{mu} w_{muj}, which reads as the two letters m, u (re-checking the echo gives
# an error)
def test_echo_keeps_greek_index_letters() -> None:
    (r,) = check_equation(r"\delta_j = h'(a_j) \sum_\mu w_{\mu j} \delta_\mu", P)
    assert r.verdict == "verified"
    assert [x.verdict for x in check_equation(r.latex, P)] == ["verified"], r.latex


def test_seed_circled_one_as_written_names_every_slip_in_every_link() -> None:
    """The note's ① as written, the whole chain: the free l is named even though it stands in a
    derivative (∂E/∂a_{j_l}), and the fix is proposed for both links."""
    latex = (r"\frac{\partial E}{\partial w_{ji}} = \sum_k \frac{\partial E}{\partial a_{j_l}} "
             r"\frac{\partial a_{j_l}}{\partial w_{ji}} = \sum_k \delta_{j_l} z_{i_l}")
    first, second = check_equation(latex, S)
    assert (first.verdict, second.verdict) == ("refuted", "verified")  # the second holds by value
    assert "k does not occur in the summand" in first.message
    assert "l is free on the right but not on the left" in first.message
    assert "did you mean \\sum_l instead of \\sum_k? with it the step is verified" in first.message
    assert first.suggestion is not None and "\\sum_{l}" in first.suggestion
    assert second.warnings and not second.suggestion
