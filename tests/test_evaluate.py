"""The unrolled cross-checks by value (issue 13: "a generic-layer proof never unrolls and costs
about what the seed's ② costs"): :mod:`symbp.engine.evaluate` and its use in
:func:`symbp.checker.generic.check_generic`.

From both sides: every generic text the project has (the audit's generic networks, FIXED rows
such as 'layers_sos' and the BPTT reach rows among them; the corpus's generic entries; the
shipped generic files; the claims of tests/test_generic.py) gives results identical, field for
field, to the symbolic cross-checks alone; and the evaluator says ``True`` of no unrolled instance
of a mutant that the symbolic check refutes there (it catches each mutant the symbolic one
catches), nor of any slip.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus.entries import ENTRIES
from hypothesis import given, settings
from hypothesis import strategies as st
from test_audit_findings import FIXED, RIGHT, _net
from test_generic import CLAIMS, GRAVES, NIELSEN, NIELSEN_ROWS

import symbp.checker.generic as generic
from symbp import check_file, loads
from symbp.checker.generic import DEPTHS, check_generic
from symbp.checker.pipeline import check_chain, verdict_only
from symbp.checker.results import REFUTED, VERIFIED
from symbp.engine.declare import declare
from symbp.engine.evaluate import agrees
from symbp.engine.generic import Invalid
from symbp.errors import SymbpError
from symbp.latex.parser import parse_chain
from symbp.soundness.generic_mutation import mutants

ROOT = Path(__file__).resolve().parent.parent
GENERIC_FILES = sorted((ROOT / "derivations" / "generic").glob("*.tex"))


def _generic_net(name: str) -> bool:
    try:
        text = _net(name)
    except Exception:  # noqa: BLE001 - a network this table has no text for
        return False
    return "symbp: layers" in text or "symbp: steps" in text


#: the audit's rows on generic networks, its former false accepts of the window alone among them
AUDIT = [(n, s) for n, s, *_ in RIGHT + FIXED if _generic_net(n)]
#: the corpus's entries of generic layers and steps
CORPUS = [e for e in ENTRIES if any(d.startswith(("layers", "steps")) for d in e.directives)]


def _symbolic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every unrolled cross-check symbolic, as before the evaluator."""
    monkeypatch.setattr(generic, "agrees", lambda net, chain: None)


#: what a verdict adds where cross-checks agreed by value (the one difference allowed)
NUMERIC = re.compile(r", (?:(?:all|\d+ of them) )?numerically at random points\)")


def _fields(results: list) -> list[dict]:
    """The results' fields, a message's words on the cross-checks by value left out."""
    out = []
    for r in results:
        d = dict(vars(r))
        d["message"] = NUMERIC.sub(")", d["message"])
        out.append(d)
    return out


def _same(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The results of ``text`` with the cross-checks by value are those of the symbolic ones
    alone; checked again symbolically only where some run agreed by value (where none did,
    every run was symbolic: the same code path)."""
    used = []
    real = generic.agrees

    def counted(net, chain):  # noqa: ANN001, ANN202
        got = real(net, chain)
        used.append(got is True)
        return got

    with monkeypatch.context() as m:
        m.setattr(generic, "agrees", counted)
        by_value = _fields(check_file(loads(text)))
    if not any(used):
        return
    with monkeypatch.context() as m:
        _symbolic(m)
        symbolic = _fields(check_file(loads(text)))
    assert by_value == symbolic


def test_the_tables_are_not_empty() -> None:
    assert len(AUDIT) >= 20 and len(CORPUS) >= 40
    assert any(n == "layers_sos" for n, _ in AUDIT) and any(n == "bptt" for n, _ in AUDIT)


def test_the_tables_exercise_the_evaluator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Some of the corpus's entries and of the audit's rows are cross-checked by value (else the
    comparisons above would compare nothing)."""
    used: list[str] = []
    real = generic.agrees

    def counted(net, chain):  # noqa: ANN001, ANN202
        got = real(net, chain)
        if got is True:
            used.append("x")
        return got

    monkeypatch.setattr(generic, "agrees", counted)
    for entry in CORPUS[:12]:
        check_file(loads(entry.text()))
    corpus = len(used)
    for net, claim in AUDIT:
        check_file(loads(_net(net) + "\n\\[ " + claim + " \\]\n"))
        if len(used) > corpus + 10:
            break
    assert corpus > 10 and len(used) > corpus + 10


@pytest.mark.parametrize("net, claim", AUDIT, ids=[f"{n}-{i}" for i, (n, _) in enumerate(AUDIT)])
def test_the_audit_rows_give_the_symbolic_results(net: str, claim: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _same(_net(net) + "\n\\[ " + claim + " \\]\n", monkeypatch)


@pytest.mark.parametrize("entry", CORPUS, ids=[e.id for e in CORPUS])
def test_the_corpus_entries_give_the_symbolic_results(entry, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    _same(entry.text(), monkeypatch)


@pytest.mark.parametrize("path", GENERIC_FILES, ids=[p.name for p in GENERIC_FILES])
def test_the_shipped_generic_files_give_the_symbolic_results(path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _same(path.read_text(), monkeypatch)


@pytest.mark.parametrize("tpl, src", CLAIMS, ids=range(len(CLAIMS)))
def test_the_generic_claims_give_the_symbolic_results(tpl, src: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    chain = tpl.parse(src)
    by_value = _fields(check_generic(tpl, chain))
    with monkeypatch.context() as m:
        _symbolic(m)
        symbolic = _fields(check_generic(tpl, chain))
    assert by_value == symbolic


def test_the_verified_generic_claims_are_cross_checked_by_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """The evaluator is used: every verified claim of Nielsen's rows and Graves's (3.33) has its
    cross-checks agree by value (none falls back to a symbolic run)."""
    calls: list[bool | None] = []
    real = generic.agrees

    def counted(net, chain):  # noqa: ANN001, ANN202
        calls.append(real(net, chain))
        return calls[-1]

    monkeypatch.setattr(generic, "agrees", counted)
    for src, verdict, _ in NIELSEN_ROWS:
        if verdict == VERIFIED:
            calls.clear()
            (r,) = check_generic(NIELSEN, NIELSEN.parse(src))
            assert r.verdict == VERIFIED and calls and all(c is True for c in calls), (src, calls)
            assert NUMERIC.search(r.message), r.message  # and the verdict says so


def _instances(tpl, src: str):  # noqa: ANN001, ANN202
    """Every unrolled instance of ``src`` at the depths the checker tries, with its network."""
    chain = tpl.parse(src)
    for depth in DEPTHS[tpl.mode]:
        for layer in [None, *range(0, depth + 2)]:
            try:
                inst = tpl.instance(chain, layer, depth)
                inst.chain = tpl.fit(inst.chain, depth)
            except (Invalid, SymbpError):
                continue
            yield tpl.network(depth, equal=bool(inst.conflicts)), inst.chain


def _refuted_never_agrees(tpl, src: str) -> int:  # noqa: ANN001
    """No instance the symbolic check refutes agrees by value; the instances refuted."""
    caught = 0
    for net, chain in _instances(tpl, src):
        with verdict_only():
            results = check_chain(net, chain)
        if any(r.verdict == REFUTED for r in results):
            assert agrees(net, chain) is not True, src
            caught += 1
        elif all(r.verdict == VERIFIED for r in results):
            assert agrees(net, chain) is not False, src  # never a true instance said to differ
    return caught


VERIFIED_SRCS = [(NIELSEN, s) for s, v, _ in NIELSEN_ROWS if v == VERIFIED] + [
    (GRAVES, r"\delta^t_h = \theta_h'(a^t_h) \left(\sum_{k} \delta^t_k w_{hk} "
             r"+ \sum_{h'} \delta^{t+1}_{h'} w_{hh'}\right)")]


@pytest.mark.parametrize("tpl, src", VERIFIED_SRCS, ids=range(len(VERIFIED_SRCS)))
def test_every_mutant_the_symbolic_check_refutes_is_caught_by_value(tpl, src: str) -> None:  # noqa: ANN001
    caught = sum(_refuted_never_agrees(tpl, m) for _, m in mutants(tpl, src))
    assert caught > 0


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(VERIFIED_SRCS), st.data())
def test_a_random_mutant_refuted_is_caught_by_value(pick, data: st.DataObject) -> None:  # noqa: ANN001
    tpl, src = pick
    ms = mutants(tpl, src)
    _, m = data.draw(st.sampled_from(ms))
    _refuted_never_agrees(tpl, m)


NET = declare([r"z^{(1)}_j = \sum_i w^{(1)}_{ji} x_i + b^{(1)}_j", r"a^{(1)}_j = \sigma(z^{(1)}_j)",
               r"z^{(2)}_k = \sum_j w^{(2)}_{kj} a^{(1)}_j", r"a^{(2)}_k = \sigma(z^{(2)}_k)"], error="C")

#: (claim, what the evaluator says): True agree, False differ, None not read
EVALUATE_ROWS = [
    (r"\delta^{(1)}_j = \sum_k w^{(2)}_{kj} \delta^{(2)}_k \sigma'(z^{(1)}_j)", True),
    (r"\delta^{(1)}_j = \sigma'(z^{(1)}_j) \sum_k \delta^{(2)}_k w^{(2)}_{kj}", True),
    (r"\frac{\partial C}{\partial w^{(1)}_{ji}} = x_i \delta^{(1)}_j", True),
    (r"\frac{\partial C}{\partial b^{(1)}_j} = \delta^{(1)}_j", True),
    (r"\frac{\partial C}{\partial z^{(2)}_k} = \frac{\partial C}{\partial a^{(2)}_k} "
     r"\sigma'(z^{(2)}_k)", True),
    (r"\frac{\partial C}{\partial x_i} = \sum_j w^{(1)}_{ji} \delta^{(1)}_j", True),
    (r"\delta^{(1)}_j = \frac{\partial C}{\partial z^{(1)}_j} = \sum_k \delta^{(2)}_k w^{(2)}_{kj} "
     r"\sigma'(z^{(1)}_j)", True),
    (r"\delta^{(1)}_j = \sum_k w^{(2)}_{kj} \delta^{(2)}_k \sigma(z^{(1)}_j)", False),
    (r"\delta^{(1)}_j = \sum_k w^{(2)}_{kj} \delta^{(2)}_k", False),
    (r"\frac{\partial C}{\partial w^{(1)}_{ji}} = 2 x_i \delta^{(1)}_j", False),
    (r"\frac{\partial C}{\partial b^{(1)}_j} = -\delta^{(1)}_j", False),
    (r"\frac{\partial C}{\partial b^{(1)}_j} = \delta^{(1)}_j + \sigma''(z^{(1)}_j) "
     r"- \sigma''(z^{(1)}_j)", True),
    # not read: a transposed weight the network lacks, a letter of no range, a derivative of a
    # quantity, a free letter on one side only, the error alone, a relation other than =
    (r"\delta^{(1)}_j = \sum_k w^{(2)}_{jk} \delta^{(2)}_k \sigma'(z^{(1)}_j)", None),
    (r"\delta^{(1)}_q = \sigma'(z^{(1)}_q)", None),
    (r"\frac{\partial z^{(2)}_k}{\partial a^{(1)}_j} = w^{(2)}_{kj}", None),
    (r"\delta^{(1)}_j = \sigma'(z^{(1)}_j) \delta^{(2)}_k", None),
    (r"C = \sum_k a^{(2)}_k", None),
    (r"\delta^{(1)}_j \equiv \sigma'(z^{(1)}_j)", None),
]


@pytest.mark.parametrize("src, want", EVALUATE_ROWS, ids=range(len(EVALUATE_ROWS)))
def test_evaluate(src: str, want: bool | None) -> None:
    assert agrees(NET, parse_chain(src, ("sigma",))) is want


def test_the_evaluator_agrees_with_the_symbolic_check_on_its_rows() -> None:
    """Where the evaluator reads a row, its answer is the symbolic check's."""
    for src, want in EVALUATE_ROWS:
        if want is None:
            continue
        results = check_chain(NET, parse_chain(src, ("sigma",)))
        assert all(r.verdict == (VERIFIED if want else REFUTED) for r in results), (src, results)


def test_a_network_the_evaluator_does_not_read() -> None:
    """A concrete error (the catalogue's sum of squares with its targets): not read, so the
    symbolic check decides."""
    net = declare([r"a_k = \sum_j w_{kj} z_j", r"y_k = h(a_k)"], error_kind="sum-of-squares")
    assert agrees(net, parse_chain(r"\delta_k = y_k - t_k")) is None


def _every_instance(tpl, src: str, open_: str = ""):  # noqa: ANN001, ANN202
    """``(layer, depth, the instance's chain or the exception it raised)`` of ``src`` at every
    layer (step) of every depth the checker tries, and (``open_``) of a window of steps."""
    chain = tpl.parse(src)
    for depth in (1, 2, *DEPTHS[tpl.mode]):
        for layer in [None, *range(0, depth + 2)]:
            try:
                yield layer, depth, tpl.instance(chain, layer, depth, open_=open_).chain
            except (Invalid, SymbpError) as exc:
                yield layer, depth, (type(exc), str(exc))


def _key(got):  # noqa: ANN001, ANN202
    return got if isinstance(got, tuple) else (tuple(s.key() for s in got.sides), got.rels)


INSTANCE_SRCS = CLAIMS + [(tpl, m) for tpl, src in VERIFIED_SRCS for _, m in mutants(tpl, src)]


@pytest.mark.parametrize("open_", ["", "both", "bottom"])
def test_an_instance_pruned_as_it_is_built_is_the_one_pruned_after(open_: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``Template.instance`` prunes the boundary's zeros as it builds (gen8): the same chain, node
    for node, and the same exceptions, as building it whole and pruning it after (as before), for
    every claim of test_generic.py and every mutant of the verified ones, at every layer and depth."""
    import symbp.engine.generic as engine
    fused = [[_key(g) for *_, g in _every_instance(tpl, src, open_ if tpl.mode == "steps" else "")]
             for tpl, src in INSTANCE_SRCS]
    real = engine._prune_top
    monkeypatch.setattr(engine, "_prune_top", lambda node: node)  # built whole
    whole = [[g for *_, g in _every_instance(tpl, src, open_ if tpl.mode == "steps" else "")]
             for tpl, src in INSTANCE_SRCS]
    monkeypatch.setattr(engine, "_prune_top", real)  # then _prune of each side, as before

    def after(g):  # noqa: ANN001, ANN202
        return g if isinstance(g, tuple) else engine.Chain(tuple(map(engine._prune, g.sides)), g.rels)

    assert fused == [[_key(after(g)) for g in row] for row in whole]
    assert fused != [[_key(g) for g in row] for row in whole]  # some boundary was pruned
    assert sum(len(r) for r in fused) > 500 and any(isinstance(g, tuple) for r in fused for g in r)


def test_rebuild_is_dataclasses_replace() -> None:
    """``latex.edit.rebuild`` makes what ``dataclasses.replace`` makes, for every node of every
    claim of test_generic.py (the same class, every field equal; a field changed)."""
    import dataclasses

    from symbp.latex.edit import child_fields, rebuild
    seen = 0
    for tpl, src in CLAIMS:
        for side in tpl.parse(src).sides:
            for node in side.walk():
                same = ({f: getattr(node, f)} for f in child_fields(type(node)))
                for changes in ({}, {"pos": node.pos + 1}, *same):
                    a, b = rebuild(node, changes), dataclasses.replace(node, **changes)
                    assert type(a) is type(b) and all(getattr(a, f.name) == getattr(b, f.name)
                                                      for f in dataclasses.fields(b))
                    seen += 1
    assert seen > 1000


_ENTRY = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                   st.floats(-2, 2), st.sampled_from([0.0, 1.0, 1.0 + 1e-9, 1.0 + 3e-9, -0.0]))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 3), st.integers(1, 4), st.data())
def test_the_close_test_in_python_is_numpys(ndim: int, width: int, data: st.DataObject) -> None:
    """``evaluate._close`` on few entries (a loop in Python, gen8) says what NumPy's test says."""
    import numpy as np

    from symbp.engine import evaluate
    shape = (width,) * ndim
    n = int(np.prod(shape, dtype=int))
    a = np.array(data.draw(st.lists(_ENTRY, min_size=n, max_size=n)), dtype=float).reshape(shape)
    near = data.draw(st.lists(st.sampled_from([0.0, 1e-12, 1e-10, 2e-9, 1e-3]), min_size=n, max_size=n))
    b = data.draw(st.sampled_from([a + np.array(near).reshape(shape),
                                   np.array(data.draw(st.lists(_ENTRY, min_size=n, max_size=n)),
                                            dtype=float).reshape(shape)]))
    with np.errstate(all="ignore"):
        if not (np.isfinite(a).all() and np.isfinite(b).all()):
            want = None
        else:
            want = bool((np.abs(a - b) <= evaluate.RTOL * (1 + np.maximum(np.abs(a), np.abs(b)))).all())
        assert evaluate._close(a, b) is want
