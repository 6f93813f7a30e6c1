"""Soundness, measured: the mutation harness over every verified link of derivations/.

Mutants and rewrites are generated mechanically from the AST (symbp.soundness.mutation); whether a mutant is
equivalent is decided by an independent oracle (symbp.soundness.oracle: the network run in plain Python,
derivatives by complex steps), not by a list.  The harness must show: no mutant that is not
equivalent is verified, every one of them is killed (refuted; ill-formed ones may be an error),
and no rewrite is refuted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from session_cache import BUSY, session_folder, shared

from symbp import check_equation, check_file
from symbp.checker.files import derivation_files
from symbp.checker.pipeline import check_chain
from symbp.checker.results import ERROR, REFUTED, VERIFIED
from symbp.document import load
from symbp.engine.declare import builtin
from symbp.latex.parser import parse_chain, parse_expression
from symbp.latex.unparse import unparse
from symbp.soundness.mutation import (
    MUTANT_CLASSES,
    REWRITE_CLASSES,
    Report,
    flatten,
    links,
    mutants,
    rewrites,
    run,
)
from symbp.soundness.oracle import DIFFERENT, EQUIVALENT, ILL_FORMED, compare

ROOT = Path(__file__).resolve().parent.parent
#: the files the harness runs over, in its order (``run([ROOT / "derivations"])``'s)
FILES = derivation_files([ROOT / "derivations"])[0]


def _key(path: Path) -> str:
    """The cache key of a file's part of the report: its name and content."""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    return f"mutation-{Path(path).relative_to(ROOT / 'derivations').as_posix().replace('/', '_')}-{digest}"


def _part(folder: Path, path: Path, wait: bool = True) -> Report:
    """The harness's report on one file (every link's mutants and rewrites are generated and
    judged link by link, so the report on derivations/ is these parts, in order), computed once
    per session: by whichever worker asks first (the parametrised test below spreads the files
    over the workers)."""
    return shared(folder, _key(path), lambda: run([path]), wait=wait)


@pytest.fixture(scope="session")
def cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return session_folder(tmp_path_factory)


@pytest.fixture(scope="module")
def report(cache_folder: Path) -> Report:
    """The harness's report on derivations/ (``run([ROOT / "derivations"])``): its files' parts,
    joined in order; the parts no other worker is computing are computed first, then those it is
    waited for."""
    parts: dict[Path, Report] = {}
    for wait in (False, True):
        for f in FILES:
            if f not in parts:
                got = _part(cache_folder, f, wait=wait)
                if got is not BUSY:
                    parts[f] = got
    whole = Report()
    for f in FILES:
        whole.outcomes += parts[f].outcomes
        whole.links += parts[f].links
    return whole


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(ROOT)) for f in FILES])
def test_the_harness_on_each_file(cache_folder: Path, path: Path) -> None:
    """Each file's part of the report, computed here (the tests below read the whole): nothing
    verified that is not equivalent, every other mutant killed, no rewrite refuted."""
    part = _part(cache_folder, path)
    assert part.unsound == [], "\n".join(f"{o.cls}: {o.latex}: {o.message}" for o in part.unsound)
    assert part.survivors == [], "\n".join(f"{o.cls}: {o.latex}: {o.verdict}: {o.message}"
                                           for o in part.survivors)
    assert part.rewrites_refuted == [], "\n".join(f"{o.cls}: {o.latex}: {o.message}"
                                                  for o in part.rewrites_refuted)


def test_no_mutant_that_is_not_equivalent_is_verified(report: Report) -> None:
    assert report.unsound == [], "\n".join(f"{o.cls}: {o.latex}: {o.message}" for o in report.unsound)


def test_every_mutant_that_is_not_equivalent_is_killed(report: Report) -> None:
    assert report.survivors == [], "\n".join(f"{o.cls}: {o.latex}: {o.verdict}: {o.message}"
                                             for o in report.survivors)
    assert report.kill_rate == 1.0


def test_ill_formed_mutants_are_refuted_or_an_error_and_counted_apart(report: Report) -> None:
    ill = [o for o in report.of("mutant") if o.truth == ILL_FORMED]
    assert ill and all(o.verdict in (REFUTED, ERROR) for o in ill)
    diff = [o for o in report.of("mutant") if o.truth == DIFFERENT]
    assert diff and all(o.verdict == REFUTED for o in diff)
    rows = report.table("mutant")
    assert sum(r["killed_by_error"] for r in rows) == sum(o.verdict == ERROR for o in ill)


@pytest.mark.parametrize("cls", MUTANT_CLASSES)
def test_every_mutant_class_is_exercised(report: Report, cls: str) -> None:
    mine = [o for o in report.of("mutant") if o.cls == cls]
    assert len(mine) >= 5, cls
    assert any(o.truth != EQUIVALENT for o in mine), cls


def test_equivalent_mutants_are_refuted_only_by_the_index_rules(report: Report) -> None:
    """A mutant the oracle finds equal (0 = 0 after swapping layers) may still break the notation's
    index rules (a letter free on one side only): that refutation is policy, and says so."""
    for o in report.of("mutant"):
        if o.truth == EQUIVALENT and o.verdict == REFUTED:
            assert "is free on the" in o.message, o


def test_the_report_names_counts_and_the_kill_rate(report: Report) -> None:
    text = report.text()
    assert "kill rate 100.0%" in text
    assert "verified although not equivalent: 0" in text
    for cls in MUTANT_CLASSES + REWRITE_CLASSES:
        assert cls in text
    assert report.links >= 40


# ----------------------------------------------------------------------------------------------
# rewrites: equal by construction, never refuted


def test_no_rewrite_is_refuted(report: Report) -> None:
    assert report.rewrites_refuted == [], "\n".join(f"{o.cls}: {o.latex}: {o.message}"
                                                    for o in report.rewrites_refuted)


@pytest.mark.parametrize("cls", REWRITE_CLASSES)
def test_every_rewrite_class_is_exercised_and_verifies(report: Report, cls: str) -> None:
    mine = [o for o in report.of("rewrite") if o.cls == cls]
    assert len(mine) >= 5, cls
    assert all(o.truth == EQUIVALENT for o in mine), [o.latex for o in mine if o.truth != EQUIVALENT]
    ok = [o for o in mine if o.verdict in (VERIFIED, "verified-at-sizes")]
    # an undeclared dummy that could run over two ranges, with readings that disagree, is the one
    # admissible error: nothing is claimed
    assert all(o.verdict != ERROR or "could run over" in o.message for o in mine)
    assert len(ok) >= len(mine) - 1


# ----------------------------------------------------------------------------------------------
# the generators do what their names say

DELTA = (r"\delta_j", r"h'(a_j) \sum_k w_{kj} \delta_k")

GENERATED = [
    ("swap-indices", r"\delta_{j} = h'(a_{j}) \sum_{k} w_{jk} \delta_{k}"),
    ("h'-to-h", r"\delta_{j} = h(a_{j}) \sum_{k} w_{kj} \delta_{k}"),
    ("drop-h'", r"\delta_{j} = \sum_{k} w_{kj} \delta_{k}"),
    ("drop-sum", r"\delta_{j} = h'(a_{j}) w_{kj} \delta_{k}"),
    ("add-sum", r"\delta_{j} = \sum_{j} h'(a_{j}) \sum_{k} w_{kj} \delta_{k}"),
    ("rename-sum-index", r"\delta_{j} = h'(a_{j}) \sum_{i} w_{kj} \delta_{k}"),
    ("swap-family", r"\delta_{j} = h'(z_{j}) \sum_{k} w_{kj} \delta_{k}"),
    ("swap-delta-index", r"\delta_{k} = h'(a_{j}) \sum_{k} w_{kj} \delta_{k}"),
    ("swap-delta-index", r"\delta_{j} = h'(a_{j}) \sum_{k} w_{kj} \delta_{j}"),
    ("flip-sign", r"\delta_{j} = -h'(a_{j}) \sum_{k} w_{kj} \delta_{k}"),
    ("scale-by-2", r"\delta_{j} = 2 h'(a_{j}) \sum_{k} w_{kj} \delta_{k}"),
    ("swap-layers", r"\delta_{k} = h'(a_{k}) \sum_{j} w_{kj} \delta_{j}"),
]


@pytest.mark.parametrize("cls, expected", GENERATED)
def test_mutant_generators(cls: str, expected: str) -> None:
    net = builtin("plain")
    lhs, rhs = (parse_expression(s) for s in DELTA)
    made = {f"{unparse(flatten(a))} = {unparse(flatten(b))}" for c, a, b in mutants(net, lhs, rhs)
            if c == cls}
    assert expected in made, sorted(made)
    (r,) = check_equation(expected, net)
    assert r.verdict == REFUTED, r.message


REWRITTEN = [
    ("commute", r"\delta_{j} = h'(a_{j}) \sum_{k} \delta_{k} w_{kj}"),
    ("commute", r"\delta_{j} = \left(\sum_{k} w_{kj} \delta_{k}\right) h'(a_{j})"),
    ("rename-dummy", r"\delta_{j} = h'(a_{j}) \sum_{q} w_{qj} \delta_{q}"),
    ("distribute", r"\delta_{j} = \sum_{k} h'(a_{j}) w_{kj} \delta_{k}"),
    ("bounds", r"\delta_{j} = h'(a_{j}) \sum_{k=1}^{K} w_{kj} \delta_{k}"),
    ("bounds", r"\delta_{j} = h'(a_{j}) \sum_{k=0}^{K - 1} w_{kj} \delta_{k}"),
]


@pytest.mark.parametrize("cls, expected", REWRITTEN)
def test_rewrite_generators(cls: str, expected: str) -> None:
    net = builtin("plain")
    lhs, rhs = (parse_expression(s) for s in DELTA)
    made = {f"{unparse(a)} = {unparse(b)}" for c, a, b in rewrites(net, lhs, rhs) if c == cls}
    assert expected in made, sorted(made)
    assert [r.verdict for r in check_equation(expected, net)] == [VERIFIED]


def test_substitution_of_a_forward_definition() -> None:
    net = builtin("plain")
    lhs, rhs = (parse_expression(s) for s in (r"\frac{\partial E}{\partial w_{kj}}", r"\delta_k z_j"))
    made = {f"{unparse(a)} = {unparse(b)}" for c, a, b in rewrites(net, lhs, rhs) if c == "substitute"}
    assert r"\frac{\partial E}{\partial w_{kj}} = \delta_{k} h(a_{j})" in made


# ----------------------------------------------------------------------------------------------
# the oracle, on its own

ORACLE = [
    ("plain", r"\delta_j", r"h'(a_j) \sum_k w_{kj} \delta_k", EQUIVALENT),
    ("plain", r"\delta_j", r"\sum_k \delta_k w_{kj} h'(a_j)", EQUIVALENT),
    ("plain", r"\frac{\partial E}{\partial w_{ji}}", r"\delta_j z_i", EQUIVALENT),
    ("plain", r"\frac{\partial E}{\partial z_i}", r"\sum_{j,k} w_{ji} h'(a_j) w_{kj} \delta_k", EQUIVALENT),
    ("plain", r"\frac{\partial a_k}{\partial a_j}", r"w_{kj} h'(a_j)", EQUIVALENT),
    ("plain", r"\frac{\partial a_j}{\partial w_{ji}}", r"z_i", EQUIVALENT),
    ("plain", r"\frac{\partial a_j}{\partial a_k}", r"0", EQUIVALENT),
    ("plain", r"\delta_j", r"\sum_q \delta_q \frac{\partial a_q}{\partial a_j}", EQUIVALENT),
    ("shared", r"\frac{\partial E}{\partial w_{ji}}", r"\sum_l \delta_{j_l} z_{i_l}", EQUIVALENT),
    ("shared", r"\delta_m", r"h'(a_m) \sum_k w_{km} \delta_k", EQUIVALENT),
    ("plain", r"\delta_j", r"h(a_j) \sum_k w_{kj} \delta_k", DIFFERENT),
    ("plain", r"\delta_j", r"2 h'(a_j) \sum_k w_{kj} \delta_k", DIFFERENT),
    ("plain", r"\frac{\partial E}{\partial w_{ji}}", r"\delta_j", DIFFERENT),
    ("shared", r"\frac{\partial E}{\partial w_{ji}}", r"\delta_{j_l} z_{i_l}", DIFFERENT),
    ("plain", r"\delta_j", r"h'(a_j) \sum_k w_{jk} \delta_k", ILL_FORMED),
    # a vacuous sum is I times its summand, and k free on the right only ranges over K: a value,
    # different from the left's (index rules explain, they do not make an equation meaningless)
    ("plain", r"\delta_j", r"h'(a_j) \sum_i w_{kj} \delta_k", DIFFERENT),
    ("plain", r"\frac{\partial a_k}{\partial z_j}", r"\frac{\partial}{\partial z_j} \sum_l w_{kl} h(a_l)",
     ILL_FORMED),  # ambiguous: z_j = h(a_j)
    ("plain", r"\delta_j", r"h'(a_j) \sum_{k=1}^{K} w_{kj} \delta_k", EQUIVALENT),
    ("plain", r"\delta_j", r"h'(a_j) \sum_{k=0}^{K-1} w_{kj} \delta_k", EQUIVALENT),
    # bounds that are not the range's own (J for k): ill-formed even where J and K happen to agree
    ("plain", r"\delta_j", r"h'(a_j) \sum_{k=1}^{J} w_{kj} \delta_k", ILL_FORMED),
]


@pytest.mark.parametrize("net, lhs, rhs, truth", ORACLE)
def test_oracle(net: str, lhs: str, rhs: str, truth: str) -> None:
    n = builtin(net)
    assert compare(n, parse_expression(lhs), parse_expression(rhs)) == truth


def test_the_oracle_agrees_with_every_shipped_verdict() -> None:
    for f in sorted((ROOT / "derivations").glob("*.tex")):
        d = load(f)
        for eq in d.equations:
            if eq.chain is None:  # vector shapes that do not fit: no index form to compare
                continue
            for k, r in enumerate(check_chain(d.network, eq.chain)):
                truth = compare(d.network, eq.chain.sides[k], eq.chain.sides[k + 1])
                if r.verdict == VERIFIED:
                    assert truth == EQUIVALENT, r.latex
                else:
                    assert truth != EQUIVALENT, r.latex


def test_links_lists_the_verified_links_of_a_file() -> None:
    path = ROOT / "derivations" / "prml_5_3_1.tex"
    found = links([path])
    assert len(found) == sum(r.verdict == VERIFIED for r in check_file(path)) > 5
    assert all(check_chain(x.net, parse_chain(x.latex, x.net.functions))[0].verdict == VERIFIED
               for x in found)
