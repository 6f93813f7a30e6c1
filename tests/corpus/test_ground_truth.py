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


@pytest.mark.parametrize("eid", ["nndl-L-bp2", "nndl-L-bp4", "graves-3.33", "good-9.5-2d-input",
                                 "ng-batch-dW2", "nndl3-avg-61", "prml-5.5.6-input"])
def test_field_oracle_catches_a_wrong_side(eid):
    """The field's networks are not vacuous either: a right side wrong at one layer or step only
    (the last one the oracle lists) makes the entry false."""
    from .entries import BY_ID
    from .oracle import decide
    e = BY_ID[eid]

    def perturbed(m):
        sides = e.oracle(m)
        if not isinstance(sides, list):
            return (sides[0], 1.001 * sides[1])
        return sides[:-1] + [(sides[-1][0], 1.001 * sides[-1][1])]

    assert decide(e.spec, e.oracle)
    assert not decide(e.spec, perturbed)
