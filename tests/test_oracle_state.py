"""The independent oracle shares no mutable state with the checker: with the checker's deadline
run out, its fresh-name counter moved and the network's cache poisoned, it answers as before."""

from __future__ import annotations

import itertools

import pytest

from symbp import builtin, limits
from symbp.engine import calculus
from symbp.latex.parser import parse_expression as p
from symbp.soundness import oracle

CASES = [
    (r"\delta_j", r"h'(a_j) \sum_k w_{kj} \delta_k", oracle.EQUIVALENT),
    (r"\delta_j", r"h(a_j) \sum_k w_{kj} \delta_k", oracle.DIFFERENT),
    (r"\delta_j", r"h'(a_j) \sum_k w_{jk} \delta_k", oracle.ILL_FORMED),
    (r"\frac{\partial E}{\partial w_{ji}}", r"\delta_j z_i", oracle.EQUIVALENT),
]


class Poisoned(dict):
    """A cache the oracle must not touch."""

    def __getitem__(self, key: object) -> object:
        raise AssertionError(f"the oracle read the checker's cache: {key!r}")

    def get(self, key: object, default: object = None) -> object:
        raise AssertionError(f"the oracle read the checker's cache: {key!r}")

    def __setitem__(self, key: object, value: object) -> None:
        raise AssertionError(f"the oracle wrote the checker's cache: {key!r}")


@pytest.mark.parametrize(("lhs", "rhs", "answer"), CASES)
def test_the_oracle_works_with_the_checkers_state_poisoned(monkeypatch: pytest.MonkeyPatch, lhs: str,
                                                          rhs: str, answer: str) -> None:
    net = builtin("plain")
    net.cache = Poisoned()  # a fresh network: builtin() declares one each time
    monkeypatch.setattr(limits, "_deadline", [limits.clock() - 1.0])  # long run out
    monkeypatch.setattr(calculus, "_fresh_counter", itertools.count(10**9))
    assert oracle.compare(net, p(lhs), p(rhs)) == answer


def test_the_oracle_keeps_its_own_instances() -> None:
    net = builtin("plain")
    oracle.compare(net, p(r"\delta_j"), p(r"h'(a_j) \sum_k w_{kj} \delta_k"))
    assert not any(isinstance(k, tuple) and k[:1] == ("oracle",) for k in net.cache)
    assert oracle._instances(net)
    key = id(net)
    del net
    import gc
    gc.collect()
    assert key not in oracle._INSTANCES  # gone with the network
