"""The stored truth of every corpus entry, recomputed with PyTorch autograd (skipped without
torch): see :mod:`tests.corpus.oracle`."""

from __future__ import annotations

import pytest

from .entries import ENTRIES

pytest.importorskip("torch")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_truth(entry):
    from .oracle import decide
    assert decide(entry.spec, entry.oracle) is entry.truth


def test_oracle_catches_a_wrong_side():
    """The oracle is not vacuous: perturbing a true entry's right side makes it false."""
    from .oracle import decide
    e = next(e for e in ENTRIES if e.id == "prml-5.56")
    assert decide(e.spec, e.oracle)
    assert not decide(e.spec, lambda m: (lambda s: (s[0], 1.001 * s[1]))(e.oracle(m)))
