"""Resource bounds: inputs that would make the work run away end quickly with an ``error`` verdict
that names the bound, and the rest of the file is still checked.

The bounds (README, "How it decides"): formulas of at most MAX_TOKENS tokens and MAX_DEPTH levels
of nesting, powers up to MAX_POWER, MAX_TERMS terms and MAX_FACTORS factors per expression,
MAX_FLOPS operations per numeric contraction, MAX_ELEMENTS values per array (the memory bound),
LINK_SECONDS per link, MAX_FILE_BYTES per file.
"""

from __future__ import annotations

import string
import time
from pathlib import Path

import pytest

from symbp.api import check_file, check_paths
from symbp.checker import pipeline as check
from symbp.checker import repair
from symbp.latex.tokens import GREEK

HEADER = "% symbp: network plain\n"
GOOD = r"$$\delta_j = h'(a_j) \sum_k w_{kj} \delta_k$$"
SECONDS = 20.0  # generous on a loaded machine; each case takes well under a second or two alone


def deep_network(layers: int) -> list[str]:
    """Forward equations of a network ``layers`` deep: chains of ``h`` on one index letter, a
    dense layer whenever the family names run out."""
    names = [c for c in string.ascii_letters if c not in "wbEhtxijklmnopqrsuv"] + \
        sorted(g for g in GREEK if g != "delta" and g[0].islower())
    show = {n: ("\\" + n if len(n) > 1 else n) for n in names + ["a"]}
    letters = "jklmnopqrsuv"
    fwd = [r"a_j = \sum_i w_{ji} x_i"]
    prev, letter, used = "a", "j", 1
    while len(fwd) < layers:
        if used == len(names):
            new = letters[letters.index(letter) + 1]
            name = names[0] if names[0] != prev else names[1]
            fwd.append(rf"{show[name]}_{new} = \sum_{letter} w_{{{new}{letter}}} {show[prev]}_{letter}")
            prev, letter, used = name, new, 1
            continue
        name = names[used]
        used += 1
        fwd.append(rf"{show[name]}_{letter} = h({show[prev]}_{letter})")
        prev = name
    return fwd


def wide_network() -> str:
    """Twelve dense layers: an equation over all their indices has 12 free indices."""
    ls = "ijklmnopqrsuv"
    fwd = [rf"a_{ls[n + 1]} = \sum_{ls[n]} w_{{{ls[n + 1]}{ls[n]}}} {'x' if n == 0 else 'a'}_{ls[n]}"
           for n in range(len(ls) - 1)]
    return "".join(f"% symbp: forward {f}\n" for f in fwd)


WIDE_PRODUCT = " ".join(f"a_{c}" for c in "jklmnopqrsuv")
WIDE_GOOD = r"$$\frac{\partial E}{\partial x_i} = \sum_j w_{ji} \delta_j$$"

CASES = [
    # (id, declaration, the runaway equation, [verdict:]phrase (default: an error), a good equation)
    ("power tower", HEADER, r"\delta_j = a_j^{10^{10^{10}}}", "above the limit of 8", GOOD),
    ("braced power tower", HEADER, r"\delta_j = a_j^{{10}^{{10}^{10}}}", "above the limit", GOOD),
    ("sum to 10^9", HEADER, r"\delta_j = \sum_{i=1}^{10^{9}} w_{ji} z_i", "above the limit", GOOD),
    ("sum to 1000000000", HEADER,
     r"\frac{\partial E}{\partial z_i} = \sum_{j=1}^{1000000000} w_{ji} \delta_j",
     "not the whole range", GOOD),
    ("3000 nested fractions", HEADER, r"\delta_j = " + r"\frac{1}{" * 3000 + "2" + "}" * 3000,
     "nested too deeply", GOOD),
    ("3000 nested parentheses", HEADER, r"\delta_j = " + r"\left(" * 3000 + r"\delta_j" + r"\right)" * 3000,
     "nested too deeply", GOOD),
    ("3000 fractions in a row", HEADER, r"\delta_j = " + r"\frac{1}{2} " * 3000 + r"\delta_j",
     "too long", GOOD),
    ("2000 terms", HEADER, r"\delta_j = " + " + ".join([r"h'(a_j) \sum_k w_{kj} \delta_k"] * 2000),
     "too long", GOOD),
    # a term of 64 factors: numpy's einsum takes at most 32 operands (was an internal error)
    ("power of a long sum", HEADER, r"\delta_j = \left(" + " + ".join(f"z_{{j}}^{{{k}}}" for k in range(1, 9))
     + r"\right)^{8}", "refuted:the right side to 57 terms", GOOD),
    # refuted by value with the δ evaluated layer by layer (it was an error: its expansion had
    # more than 400 factors)
    ("500 layers, the bottom delta", "".join(f"% symbp: forward {f}\n" for f in deep_network(500)),
     r"\delta_j = 0", "refuted:the two sides differ",
     r"$$\frac{\partial E}{\partial x_i} = \sum_j w_{ji} \delta_j$$"),
    ("12 free indices", wide_network(), f"{WIDE_PRODUCT} = 2 {WIDE_PRODUCT}", "bound on the work", WIDE_GOOD),
]


@pytest.mark.parametrize("decl, bad, phrase, good", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_runaway_input_is_an_error_and_the_rest_is_checked(tmp_path: Path, decl: str, bad: str,
                                                             phrase: str, good: str) -> None:
    f = tmp_path / "runaway.tex"
    verdict, _, phrase = phrase.rpartition(":")
    verdict = verdict or "error"
    f.write_text(f"{decl}% symbp: expect {verdict}\n$${bad}$$\n\n{good}\n", encoding="utf-8")
    start = time.process_time()  # the work, as the budgets count it (the wall depends on the load)
    results = check_file(f)
    elapsed = time.process_time() - start
    assert elapsed < SECONDS, elapsed
    assert [r.verdict for r in results] == [verdict, "verified"], [r.message[:200] for r in results]
    assert phrase in results[0].message, results[0].message[:300]
    assert results[0].as_expected and results[1].as_expected


def test_the_per_link_time_bound_gives_an_error_saying_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from symbp import check_equation
    monkeypatch.setattr(check, "LINK_SECONDS", 0.0)
    (r,) = check_equation(r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", "plain")
    assert r.verdict == "error"
    assert "time bound" in r.message


def test_an_out_of_memory_error_costs_one_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    from symbp import check_equation

    def boom(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(check, "_formal_values", boom)
    (r,) = check_equation(r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", "plain")
    assert r.verdict == "error" and "out of memory" in r.message


def test_a_huge_file_is_reported_and_the_others_are_checked(tmp_path: Path) -> None:
    big = tmp_path / "a_huge.tex"
    big.write_text(HEADER + "% " + "x" * 2_100_000 + "\n" + GOOD + "\n", encoding="utf-8")
    (tmp_path / "b_good.tex").write_text(HEADER + GOOD + "\n", encoding="utf-8")
    report = check_paths([tmp_path])
    assert [r.verdict for r in report.results] == ["verified"]
    assert len(report.problems) == 1 and "too large" in str(report.problems[0])
    assert report.exit_code == 2


def test_running_out_of_time_while_proposing_a_fix_keeps_the_refutation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from symbp import check_equation
    monkeypatch.setattr(repair, "REPAIR_SECONDS", 0.0)
    (r,) = check_equation(r"\delta_j = h(a_j) \sum_k w_{kj} \delta_k", "plain")
    assert r.verdict == "refuted" and r.counterexample is not None
    assert "did you mean" not in r.message and r.suggestion is None


def test_a_nested_budget_never_outlasts_the_enclosing_one() -> None:
    from symbp.limits import _deadline, budget
    with budget(1.0):
        outer = _deadline[-1]
        with budget(100.0):
            assert _deadline[-1] == outer
