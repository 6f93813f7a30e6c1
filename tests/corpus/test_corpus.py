"""symbp on the corpus: soundness guarded entry by entry, today's verdicts recorded.

* ``test_not_falsely_accepted``: no false entry is verified.  The false accepts that exist today
  (issue 12's finding) are ``xfail(strict=True)``: fixing one makes its test XPASS and fail, so
  the fix is noticed and ``status.py`` re-recorded (``python tests/corpus/report.py --write``).
* ``test_status_today``: each verdict is the one recorded in ``status.py`` (read/right today).
"""

from __future__ import annotations

import pytest

from .entries import BY_ID, ENTRIES, SOURCES
from .run import ACCEPT, outcome
from .status import STATUS

FALSE_ACCEPTS_TODAY = [e.id for e in ENTRIES if not e.truth and STATUS.get(e.id) in ACCEPT]


def _params():
    for e in ENTRIES:
        marks = ()
        if e.id in FALSE_ACCEPTS_TODAY:
            marks = (pytest.mark.xfail(strict=True, reason=f"issue 12: false accept of {e.id} "
                                       f"({e.source}, {e.ref}): {STATUS[e.id]}"),)
        yield pytest.param(e.id, marks=marks, id=e.id)


def _outcome(eid: str):
    e = BY_ID[eid]
    return outcome(e.text(), f"{e.id}.tex")


def test_corpus_shape():
    assert 50 <= len(ENTRIES) <= 500  # the upper bound keeps the corpus run (one check per entry) bounded
    assert {e.source for e in ENTRIES} == set(SOURCES)
    assert set(STATUS) == set(BY_ID), "status.py is out of date: python tests/corpus/report.py --write"
    for e in ENTRIES:
        assert e.claim and e.forward and e.ref and (e.slip <= (not e.truth)), e.id


@pytest.mark.parametrize("eid", list(_params()))
def test_not_falsely_accepted(eid):
    e, o = BY_ID[eid], _outcome(eid)
    assert not o.false_accept(e.truth), f"{eid} is false and symbp says {o.verdict}: {o.messages}"


@pytest.mark.parametrize("eid", [e.id for e in ENTRIES])
def test_status_today(eid):
    assert _outcome(eid).verdict == STATUS[eid], _outcome(eid).messages


def test_round_trip_through_a_file(tmp_path):
    """check_file on a real file gives the verdicts that loads gives (one entry per source)."""
    import symbp

    from .run import combine
    for src in SOURCES:
        e = next(e for e in ENTRIES if e.source == src)
        p = tmp_path / f"{e.id}.tex"
        p.write_text(e.text(), encoding="utf-8")
        try:
            v = combine([r.verdict for r in symbp.check_file(p)])
        except symbp.SymbpError:
            v = "error"
        assert v == STATUS[e.id], e.id
