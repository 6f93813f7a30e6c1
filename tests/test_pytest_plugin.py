"""The pytest plugin (symbp.pytest_plugin, entry point ``pytest11: symbp``): which files are
collected, how items are named, when they pass, and how failures read — run with ``pytester``
in-process, plus one real subprocess that loads the plugin through its entry point.
"""

from __future__ import annotations

import re
import shutil
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import symbp
import symbp.api
from symbp.pytest_plugin import is_derivation_file

pytest_plugins = ["pytester"]

DELTA = r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k"
#: the item name of DELTA unlabelled: its text as symbp reads it, without spaces
D_ID = r"\delta_{j}=h'(a_{j})\sum_{k}w_{kj}\delta_{k}"
PLAIN = "% symbp: network plain\n"


def _entry_point() -> metadata.EntryPoint | None:
    return next((ep for ep in metadata.entry_points(group="pytest11") if ep.name == "symbp"), None)


#: the plugin is loaded through its entry point when symbp is installed (pip install -e .);
#: otherwise (a bare checkout on PYTHONPATH) the tests load it by hand
PLUGIN = [] if _entry_point() is not None else ["-p", "symbp.pytest_plugin"]


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*PLUGIN, "-p", "no:cacheprovider", *args)


def outcomes(result: pytest.RunResult) -> dict[str, int]:
    return {k: v for k, v in result.parseoutcomes().items()
            if k in ("passed", "failed", "errors", "xfailed", "xpassed")}


# ----------------------------------------------------------------------------------------------
# installation


def test_the_entry_point_names_the_plugin_module() -> None:
    try:
        metadata.distribution("symbp")
    except metadata.PackageNotFoundError:  # pragma: no cover - a bare checkout
        pytest.skip("symbp is not installed (pip install -e .)")
    ep = _entry_point()
    assert ep is not None, "pyproject.toml: [project.entry-points.pytest11] symbp = ... (reinstall)"
    assert ep.value == "_symbp_pytest"  # the light shim; the plugin is symbp.pytest_plugin


def test_a_fresh_pytest_process_loads_the_plugin_through_its_entry_point(
        pytester: pytest.Pytester, root: Path) -> None:
    if _entry_point() is None:  # pragma: no cover
        pytest.skip("symbp is not installed (pip install -e .)")
    shutil.copy(root / "derivations" / "weight_sharing.tex", pytester.path)
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider", timeout=300)
    result.assert_outcomes(passed=14, xfailed=1)
    result.stdout.fnmatch_lines(["*weight_sharing.tex::①[[]1[]] XFAIL (refuted)*",
                                 "*weight_sharing.tex::② PASSED (verified)*"])


def test_loaded_by_entry_point_and_by_name_each_file_is_collected_once(pytester: pytest.Pytester) -> None:
    """``-p symbp.pytest_plugin`` (what a bare checkout is told to pass) where the entry point is
    installed too: each link is one item, not two (each checked twice)."""
    pytester.makefile(".tex", x=PLAIN + f"$${DELTA}$$\n")
    result = pytester.runpytest("-p", "symbp.pytest_plugin", "-p", "no:cacheprovider", "--collect-only", "-q")
    result.stdout.fnmatch_lines([f"x.tex::{D_ID}", "", "1 test*collected*"])


def test_a_pytest_run_without_tex_files_does_not_import_symbp(pytester: pytest.Pytester) -> None:
    """pytest imports every installed plugin on every run: the entry point is a shim that imports
    symbp (and NumPy) only at the first .tex file."""
    if _entry_point() is None:  # pragma: no cover
        pytest.skip("symbp is not installed (pip install -e .)")
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    (pytester.path / "notes").mkdir()  # pytest lists the files of a folder it collects from
    (pytester.path / "notes" / "note.tex").write_text(PLAIN + f"$${DELTA}$$\n", encoding="utf-8")
    probe = ("import sys, pytest\n"
             "code = pytest.main(['-q', '-p', 'no:cacheprovider', sys.argv[1]])\n"
             "print('RESULT', int(code), 'symbp' in sys.modules, 'numpy' in sys.modules)\n")
    pytester.makepyfile(probe=probe)
    without = pytester.run(sys.executable, "probe.py", "test_x.py", timeout=300)
    without.stdout.fnmatch_lines(["RESULT 0 False False"])
    with_tex = pytester.run(sys.executable, "probe.py", ".", timeout=300)
    with_tex.stdout.fnmatch_lines(["*2 passed*", "RESULT 0 True True"])


# ----------------------------------------------------------------------------------------------
# which files are derivation files

FILES = [
    ("directive", "% symbp: network plain\n$$a = b$$\n", True),
    ("no space, upper case", "%SYMBP: network plain\n", True),
    ("indented, doubled percent", "  %% symbp: network plain\n", True),
    ("plain LaTeX", "\\documentclass{article}\n$$a = b$$\n", False),
    ("symbp mentioned in prose", "This paper uses symbp: see % symbp: below\n", False),
    ("symbp in a comment, not a directive", "% checked with symbp, not a directive\n", False),
]


@pytest.mark.parametrize("text, collected", [(t, c) for _, t, c in FILES], ids=[i for i, _, _ in FILES])
def test_only_tex_files_with_a_symbp_directive_are_collected(tmp_path: Path, text: str,
                                                             collected: bool) -> None:
    f = tmp_path / "x.tex"
    f.write_text(text, encoding="utf-8")
    assert is_derivation_file(f) is collected
    other = tmp_path / "x.txt"
    other.write_text(text, encoding="utf-8")
    assert not is_derivation_file(other)


def test_a_folder_of_mixed_tex_files(pytester: pytest.Pytester) -> None:
    pytester.makefile(".tex", paper="\\documentclass{article}\n$$E = mc^2$$\n",
                      note=PLAIN + f"$${DELTA}$$\n")
    result = run(pytester, "--collect-only", "-q")
    result.stdout.fnmatch_lines([f"note.tex::{D_ID}"])
    result.stdout.no_fnmatch_line("*paper.tex*")


# ----------------------------------------------------------------------------------------------
# the shipped derivations, through pytest


def test_the_shipped_derivations_pass_item_for_item(pytester: pytest.Pytester, root: Path) -> None:
    for f in (root / "derivations").rglob("*.tex"):  # generic/ too, flat
        shutil.copy(f, pytester.path)
    results = symbp.check_paths([root / "derivations"]).results
    refuted = sum(r.verdict == "refuted" for r in results)
    result = run(pytester, "-v")
    assert outcomes(result) == {"passed": len(results) - refuted, "xfailed": refuted}
    result.stdout.fnmatch_lines_random([
        "*weight_sharing.tex::①[[]1[]] XFAIL (refuted)*", "*weight_sharing.tex::①[[]2[]] PASSED (verified)*",
        "*weight_sharing.tex::② PASSED*", "*weight_sharing.tex::①_(intended)[[]1[]] PASSED*",
        "*prml_5_3_1.tex::(5.53)[[]1[]] PASSED*",
    ])
    result.stdout.no_fnmatch_line("*::* *::*")  # no id holds a space


# ----------------------------------------------------------------------------------------------
# names and selection

NAMES = [
    ("one link, a label", f"$${DELTA} \\tag{{A}}$$\n", ["x.tex::A"]),
    ("a chain: one item per link", f"$${DELTA} = h'(a_j) \\sum_k \\delta_k w_{{kj}} \\quad ③$$\n",
     ["x.tex::③[[]1[]]", "x.tex::③[[]2[]]"]),
    ("unlabelled: by its text", f"$${DELTA}$$\n$$a_j = \\sum_i w_{{ji}} z_i$$\n",
     [f"x.tex::{D_ID}", r"x.tex::a_{j}=\sum_{i}w_{ji}z_{i}"]),
    ("unlabelled, the same text twice", f"$${DELTA}$$\n$${DELTA}$$\n",
     [f"x.tex::{D_ID}", f"x.tex::{D_ID}@2"]),
    ("a label used twice", f"$${DELTA} \\tag{{A}}$$\n$${DELTA} \\tag{{A}}$$\n",
     ["x.tex::A", "x.tex::A@2"]),
    ("a label with a space", f"% symbp: label ① (intended)\n$${DELTA}$$\n", ["x.tex::①_(intended)"]),
    ("a long equation: cut and hashed", f"$${DELTA} = {DELTA.split(' = ')[1]} + 0$$\n",
     ["x.tex::" + D_ID + r"=h'(a_{j})\sum_{…????????[[]1[]]", "x.tex::*…????????[[]2[]]"]),
    ("a space that ends a command", r"$$\frac{\partial E}{\partial a_j} = \delta_j$$" + "\n",
     [r"x.tex::\frac{\partial~E}{\partial~a_{j}}=\delta_{j}"]),
    ("a label directive", f"% symbp: label (5.56)\n$${DELTA}$$\n", ["x.tex::(5.56)"]),
    ("vector notation: as written, not its index form (z_{j}=z_{j})",
     "% symbp: vector z : J\n$$\\mathbf{z} = \\mathbf{z}$$\n"
     "$$\\mathbf{z} = \\mathbf{z} \\odot \\mathbf{a}$$\n",
     ["x.tex::z=z", "x.tex::z=z\\odot~a"]),
    ("an unreadable equation: one item, by its text", "$$\\delta_j = h'(a_j$$\n",
     ["x.tex::\\delta_j=h'(a_j"]),
    ("a skipped display: none", f"% symbp: skip\n$$a = b c$$\n$${DELTA}$$\n", [f"x.tex::{D_ID}"]),
    ("a display not read: an item that fails",
     f"$${DELTA}$$\n\\begin{{empheq}}{{align}}\na = b\n\\end{{empheq}}\n",
     [f"x.tex::{D_ID}", "x.tex::(unread-empheq@3)"]),
]


@pytest.mark.parametrize("body, ids", [(b, i) for _, b, i in NAMES], ids=[n for n, _, _ in NAMES])
def test_items_are_named_by_file_and_label(pytester: pytest.Pytester, body: str, ids: list[str]) -> None:
    pytester.makefile(".tex", x=PLAIN + body)
    result = run(pytester, "--collect-only", "-q")
    result.stdout.fnmatch_lines(ids + ["", f"{len(ids)} test*collected*"])


def test_collection_only_parses(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise AssertionError("checked during collection")

    monkeypatch.setattr(symbp.api, "check_file", boom)
    pytester.makefile(".tex", x=PLAIN + f"$${DELTA}$$\n$${DELTA} = {DELTA.split('=')[1]}$$\n")
    result = run(pytester, "--collect-only", "-q")
    assert result.ret == 0
    result.stdout.fnmatch_lines([f"x.tex::{D_ID}", f"x.tex::{D_ID}=*[[]1[]]", f"x.tex::{D_ID}=*[[]2[]]"])


def test_select_by_label_and_by_node_id(pytester: pytest.Pytester) -> None:
    chain = f"{DELTA} = h'(a_j) \\sum_k \\delta_k w_{{kj}}"
    pytester.makefile(".tex", x=PLAIN + f"$${DELTA} \\quad ①$$\n$$\\delta_j = 0 \\quad ②$$\n"
                      f"$${chain} \\quad ③$$\n")
    assert outcomes(run(pytester, "-k", "①")) == {"passed": 1}
    assert outcomes(run(pytester, "x.tex::②")) == {"failed": 1}
    assert outcomes(run(pytester, "x.tex::③")) == {"passed": 2}  # every link, like parametrised tests
    assert outcomes(run(pytester, "x.tex::③[2]")) == {"passed": 1}


# ----------------------------------------------------------------------------------------------
# pass or fail: the verdict against the file's expectation

VERDICTS = [
    ("holds, unmarked", f"$${DELTA}$$", "passed"),
    ("wrong, unmarked", r"$$\delta_j = h(a_j) \sum_k w_{kj} \delta_k$$", "failed"),
    ("wrong, expected refuted: xfail", "% symbp: expect refuted\n$$\\delta_j = \\sum_k w_{kj} \\delta_k$$",
     "xfailed"),
    ("holds, expected refuted", f"% symbp: expect refuted\n$${DELTA}$$", "failed"),
    ("holds, expected verified", f"% symbp: expect verified\n$${DELTA}$$", "passed"),
    ("unreadable, expected error", "% symbp: expect error\n$$\\delta_j = h'(a_j$$", "passed"),
    ("unreadable, unmarked", "$$\\delta_j = h'(a_j$$", "failed"),
]


@pytest.mark.parametrize("body, outcome", [(b, o) for _, b, o in VERDICTS], ids=[n for n, _, _ in VERDICTS])
def test_an_item_passes_when_the_verdict_is_as_expected(pytester: pytest.Pytester, body: str,
                                                       outcome: str) -> None:
    pytester.makefile(".tex", x=PLAIN + body + "\n")
    assert outcomes(run(pytester)) == {outcome: 1}


def test_a_link_verified_only_at_sizes_passes_with_a_warning(pytester: pytest.Pytester,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from symbp.checker import pipeline as check
    from symbp.engine import calculus
    real = calculus.compare
    # as if the normal form could not decide (see tests/test_verdicts.py)
    monkeypatch.setattr(calculus, "compare", lambda net, a, b: (False, *real(net, a, b)[1:]))
    monkeypatch.setattr(check, "_proved_equal", lambda a, b: False)
    pytester.makefile(".tex", x=PLAIN + f"$${DELTA}$$\n")
    result = run(pytester)
    assert outcomes(result) == {"passed": 1}
    result.stdout.fnmatch_lines([f"*NotProvedWarning: x.tex::{D_ID}: agrees exactly as formal expressions*"
                                 "not proved for all sizes*"])


def test_per_link_expectations(pytester: pytest.Pytester) -> None:
    # link 1 holds, link 2 drops h'; the file expects exactly that
    body = (f"% symbp: expect verified refuted\n$${DELTA} = \\sum_k w_{{kj}} \\delta_k \\quad ①$$\n")
    pytester.makefile(".tex", x=PLAIN + body)
    result = run(pytester, "-v")
    assert outcomes(result) == {"passed": 1, "xfailed": 1}


# ----------------------------------------------------------------------------------------------
# how failures read: like an assertion, without a traceback

NO_TRACEBACK = ["*Traceback*", "*symbp/checker/*", "*symbp/api.py*", "*raise *", "*def runtest*"]

FAILURES = [
    ("value error: diagnosis and counterexample", r"$$\delta_j = h(a_j) \sum_k w_{kj} \delta_k \tag{A}$$",
     ["*x.tex:2:3 A: refuted, expected to hold (verified or verified-at-sizes)",
      r"*\delta_{j} = h(a_{j}) \sum_{k} w_{kj} \delta_{k}",
      "*diagnosis: the two sides differ*h'(a_{j})*did you mean h'(a_{j}) instead of h(a_{j})*",
      r"*suggested: \delta_{j} = h'(a_{j}) \sum_{k} w_{kj} \delta_{k}",
      "*counterexample: sizes I=2, J=3, K=4; at j=*: left *, right * (h = tanh; E = *; random seed 0)"]),
    ("the seed's slip: the suggestion",
     r"$$\frac{\partial E}{\partial w_{ji}} = \sum_k \delta_{j_l} z_{i_l}$$",
     ["*refuted, expected to hold*", "*the summation index k does not occur in the summand*",
      r"*suggested: \frac{\partial E}{\partial w_{ji}} = \sum_{l} \delta_{j_l} z_{i_l}"]),
    ("expected refuted, but verified", f"% symbp: expect refuted\n$${DELTA}$$",
     ["*x.tex:3:3 (1): verified, expected refuted", "*diagnosis: holds for all sizes*"]),
    ("input error: line, column, caret, hint", "\n$$\\delta_j = h'(a_j \\sum_k w_{kj} \\delta_k$$",
     ["*x.tex:3:* (1): error, expected to hold*", "*input error: expected ')'*(hint: add the missing ')')",
      "*^"]),
]


@pytest.mark.parametrize("body, lines", [(b, x) for _, b, x in FAILURES], ids=[n for n, _, _ in FAILURES])
def test_a_failure_reads_like_an_assertion(pytester: pytest.Pytester, body: str, lines: list[str]) -> None:
    network = "shared" if "j_l" in body else "plain"
    pytester.makefile(".tex", x=f"% symbp: network {network}\n" + body + "\n")
    result = run(pytester)
    assert outcomes(result) == {"failed": 1}
    result.stdout.fnmatch_lines(lines)
    for pattern in NO_TRACEBACK:
        result.stdout.no_fnmatch_line(pattern)


BROKEN_FILES = [
    ("unknown network", "% symbp: network nonsense\n$$a = b$$\n",
     ["*x.tex:1:18: unknown network 'nonsense'", "*^", "hint: built-in networks: plain, shared"]),
    ("bad forward equation", "% symbp: forward a_j + 1\n", ["*x.tex:1:*: *has the form*"]),
    ("unclosed display", PLAIN + "$$\\delta_j = 0\n", ["*x.tex:2:1: $$ is never closed", "hint: add $$"]),
    ("not UTF-8", None, ["*x.tex:*: the file is not UTF-8 (byte 0xff)*"]),
]


@pytest.mark.parametrize("text, lines", [(t, x) for _, t, x in BROKEN_FILES],
                         ids=[n for n, _, _ in BROKEN_FILES])
def test_a_file_that_cannot_be_checked_is_one_failed_item(pytester: pytest.Pytester, text: str | None,
                                                          lines: list[str]) -> None:
    if text is None:
        (pytester.path / "x.tex").write_bytes(PLAIN.encode() + b"$$\\delta_j = \xff$$\n")
    else:
        pytester.makefile(".tex", x=text)
    result = run(pytester, "-v")
    assert outcomes(result) == {"failed": 1}
    result.stdout.fnmatch_lines(["*x.tex::(file) FAILED*", "*this derivation file cannot be checked:"]
                                + lines)
    for pattern in NO_TRACEBACK:
        result.stdout.no_fnmatch_line(pattern)


def test_one_broken_file_does_not_stop_the_others(pytester: pytest.Pytester) -> None:
    pytester.makefile(".tex", a="% symbp: network nonsense\n", b=PLAIN + f"$${DELTA}$$\n")
    assert outcomes(run(pytester)) == {"failed": 1, "passed": 1}


def test_an_internal_error_while_loading_costs_the_file_not_the_session(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    import symbp.document

    def bug(path: Any) -> Any:
        if str(path).endswith("a.tex"):
            raise ZeroDivisionError("a symbp bug")
        return real(path)

    real = symbp.document.load
    monkeypatch.setattr(symbp.document, "load", bug)
    pytester.makefile(".tex", a=PLAIN + f"$${DELTA}$$\n", b=PLAIN + f"$${DELTA}$$\n")
    result = run(pytester, "-v")
    assert outcomes(result) == {"failed": 1, "passed": 1}
    result.stdout.fnmatch_lines(["*a.tex::(file) FAILED*", "*ZeroDivisionError: a symbp bug*",
                                 "*internal error while loading this derivation file*"])


def test_verdicts_are_recorded_in_junit_xml(pytester: pytest.Pytester) -> None:
    pytester.makefile(".tex", x=PLAIN + f"$${DELTA}$$\n")
    run(pytester, "--junitxml=out.xml")
    xml = (pytester.path / "out.xml").read_text(encoding="utf-8")
    assert '<property name="verdict" value="verified"' in xml


def test_a_display_not_read_fails_its_item(pytester: pytest.Pytester) -> None:
    pytester.makefile(".tex", x=PLAIN + f"$${DELTA}$$\n\\begin{{myalign}}\na = b\n\\end{{myalign}}\n")
    result = run(pytester)
    assert outcomes(result) == {"passed": 1, "failed": 1}
    result.stdout.fnmatch_lines(["*a display of this derivation file is not read*",
                                 "*x.tex:3:1: the display 'myalign' is not read*"])


# ----------------------------------------------------------------------------------------------
# pytest's own conventions: stable ids, --lf / --ff / --sw / -k, strict xfail, -rA

def _with_cache(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*PLUGIN, *args)


CHAIN_BAD = f"{DELTA} = \\sum_k w_{{kj}} \\delta_k"  # link 2 drops h'


def _cache_file(pytester: pytest.Pytester) -> None:
    pytester.makefile(".tex", x=PLAIN + f"$${DELTA}$$\n$${CHAIN_BAD} \\tag{{CH}}$$\n"
                      "$$\\delta_j = 0 \\tag{ZZ}$$\n$$a_j = \\sum_i w_{ji} z_i$$\n")


def test_last_failed_reruns_exactly_the_failed_links(pytester: pytest.Pytester) -> None:
    _cache_file(pytester)
    assert outcomes(_with_cache(pytester)) == {"passed": 3, "failed": 2}
    again = _with_cache(pytester, "--lf", "-v")
    assert outcomes(again) == {"failed": 2}
    again.stdout.fnmatch_lines_random(["*x.tex::CH[[]2[]] FAILED (refuted)*", "*x.tex::ZZ FAILED (refuted)*",
                                       "*rerun previous 2 failures*"])
    first = _with_cache(pytester, "--ff", "-v")
    lines = [x for x in first.stdout.lines if " PASSED " in x or " FAILED " in x]
    assert [x.split()[0] for x in lines[:2]] == ["x.tex::CH[2]", "x.tex::ZZ"]
    assert len(lines) == 5


def test_stepwise_stops_at_a_failed_link_and_resumes_there(pytester: pytest.Pytester) -> None:
    _cache_file(pytester)
    first = _with_cache(pytester, "--sw", "-v")
    assert outcomes(first) == {"passed": 2, "failed": 1}
    first.stdout.fnmatch_lines(["*x.tex::CH[[]2[]] FAILED*"])
    again = _with_cache(pytester, "--sw", "-v")  # starts at CH[2], then stops at ZZ
    assert outcomes(again) == {"failed": 1}
    again.stdout.fnmatch_lines(["*x.tex::CH[[]2[]] FAILED*"])
    again.stdout.no_fnmatch_line("*x.tex::CH[[]1[]]*")


def test_k_selects_links(pytester: pytest.Pytester) -> None:
    _cache_file(pytester)
    assert outcomes(run(pytester, "-k", "CH")) == {"passed": 1, "failed": 1}
    assert outcomes(run(pytester, "-k", "ZZ or CH")) == {"passed": 1, "failed": 2}
    assert outcomes(run(pytester, "-k", "not CH and not ZZ")) == {"passed": 2}
    assert outcomes(run(pytester, "x.tex::CH[2]")) == {"failed": 1}
    assert outcomes(run(pytester, "--deselect", "x.tex::CH[2]", "-k", "CH")) == {"passed": 1}


def _ids(pytester: pytest.Pytester) -> list[str]:
    result = run(pytester, "--collect-only", "-q")
    return [x for x in result.stdout.lines if x.startswith("x.tex::")]


def test_ids_are_stable_when_an_equation_is_added(pytester: pytest.Pytester) -> None:
    body = f"$${DELTA}$$\n$${CHAIN_BAD} \\tag{{CH}}$$\n$$a_j = \\sum_i w_{{ji}} z_i$$\n"
    pytester.makefile(".tex", x=PLAIN + body)
    before = _ids(pytester)
    edited = "$$z_j = h(a_j)$$\n" + body.replace("$$a_j", "$$\\delta_k = 0$$\n$$a_j")
    pytester.makefile(".tex", x=PLAIN + edited)
    after = _ids(pytester)
    assert set(before) < set(after) and len(after) == len(before) + 2
    assert all(" " not in x for x in after)


def test_an_expected_refutation_is_a_strict_xfail(pytester: pytest.Pytester) -> None:
    pytester.makefile(".tex", x=PLAIN + "% symbp: expect refuted\n$$\\delta_j = 0 \\tag{R}$$\n"
                      f"% symbp: expect refuted\n$${DELTA} \\tag{{V}}$$\n"
                      "% symbp: expect refuted\n$$\\delta_j = (a_j \\tag{E}$$\n")
    result = run(pytester, "-rA")
    assert outcomes(result) == {"xfailed": 1, "failed": 2}
    result.stdout.fnmatch_lines_random([
        "XFAIL (refuted) x.tex::R - the file expects this link refuted",
        "FAILED (verified) x.tex::V - x.tex:5:3 V: verified, expected refuted",
        "FAILED (error) x.tex::E - *"])


def test_minus_r_a_shows_every_verdict(pytester: pytest.Pytester, root: Path) -> None:
    shutil.copy(root / "derivations" / "weight_sharing.tex", pytester.path)
    result = run(pytester, "-rA")
    summary = result.stdout.lines[result.stdout.lines.index(
        next(x for x in result.stdout.lines if "short test summary info" in x)) + 1:-1]
    assert len(summary) == 15
    word = re.compile(r"(PASSED \(verified\)|XFAIL \(refuted\)) weight_sharing\.tex::\S+")
    assert all(word.match(x) for x in summary)


def test_other_tests_keep_their_status_words(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="import pytest\ndef test_a(record_property):\n"
                        "    record_property('verdict', 'x')\n"
                        "@pytest.mark.xfail\ndef test_b():\n    assert 0\n")
    result = run(pytester, "-rA", "-v")
    result.stdout.fnmatch_lines_random(["PASSED test_x.py::test_a", "XFAIL test_x.py::test_b"])


def test_control_characters_in_labels_never_reach_the_terminal(pytester: pytest.Pytester) -> None:
    pytester.makefile(".tex", x=PLAIN + "$$\\delta_j = 0 \\tag{\x1b]0;pwned\x07}$$\n")
    result = run(pytester, "-v")
    assert outcomes(result) == {"failed": 1}
    out = "\n".join(result.stdout.lines)
    assert "\x1b]0;" not in out and "\\x1b]0;pwned\\x07" in out


# ----------------------------------------------------------------------------------------------
# collection defers the vector translation (symbp.document.deferred_translation): the same items,
# the same outcomes, the same reports as a full load at collection

VEC = "\n".join([
    "% symbp: params w, b", "% symbp: error C", "% symbp: vector x : I",
    "% symbp: vector z^{(1)}, a^{(1)}, b^{(1)} : J", "% symbp: vector z^{(2)}, a^{(2)}, b^{(2)} : K",
    "% symbp: matrix w^{(1)} : J x I", "% symbp: matrix w^{(2)} : K x J", "% symbp: forward",
    r"\begin{align*}", r"\mathbf{z}^{(1)} &= w^{(1)} \mathbf{x} + \mathbf{b}^{(1)} \\",
    r"\mathbf{a}^{(1)} &= \sigma(\mathbf{z}^{(1)}) \\",
    r"\mathbf{z}^{(2)} &= w^{(2)} \mathbf{a}^{(1)} + \mathbf{b}^{(2)} \\",
    r"\mathbf{a}^{(2)} &= \sigma(\mathbf{z}^{(2)})", r"\end{align*}", ""])
BIAS = r"\nabla_{\mathbf{b}^{(2)}} C = \delta^{(2)}"
NO_T = r"\frac{\partial C}{\partial w^{(2)}} = \delta^{(2)} \mathbf{a}^{(1)}"  # the transpose left out
ZERO = r"\delta^{(1)} = \delta^{(1)} + \mathbf{0}"  # cannot be read: the zero vector or matrix?
#: (name, file text, outcomes): the translation of each one-link vector claim deferred, or (where
#: an item depends on it) done at collection
DEFERRED = [
    ("verified", VEC + f"\\[ {BIAS} \\]\n", {"passed": 1}),
    ("refuted, expected", VEC + f"% symbp: expect refuted shape-mismatch\n\\[ {NO_T} \\]\n", {"xfailed": 1}),
    ("refuted, not expected", VEC + f"\\[ {NO_T} \\]\n", {"failed": 1}),
    ("cannot be read", VEC + f"\\[ {ZERO} \\]\n", {"failed": 1}),
    ("a chain: translated at collection", VEC + f"\\[ {BIAS} = \\delta^{{(2)}} \\]\n", {"passed": 2}),
    ("a chain that cannot be read: one item", VEC + f"\\[ {ZERO} = \\delta^{{(1)}} \\]\n", {"failed": 1}),
    ("one expectation per line", VEC + "% symbp: expect verified refuted\n\\begin{align*}\n"
     f"{BIAS.replace(' = ', ' &= ')} \\\\\n{NO_T.replace(' = ', ' &= ')}\n\\end{{align*}}\n",
     # as main reads it: a line refuted by its shapes (no index form) keeps the display's words
     # per link, so its one link expects 'verified' (noticed, not changed here)
     {"passed": 1, "failed": 1}),
    ("an assignment, then a claim", VEC + "\\[ g \\leftarrow \\delta^{(2)} \\]\n"
     "\\[ \\nabla_{\\mathbf{b}^{(2)}} C = g \\]\n", {"passed": 1}),
    ("an assignment refuted: a claim", VEC + "\\[ g \\leftarrow w^{(2)} \\delta^{(2)} \\]\n"
     f"\\[ {BIAS} \\]\n", {"failed": 1, "passed": 1}),
    ("a forward equation set aside", VEC + "% symbp: forward y_k = (a^{(2)}_k\n"
     f"\\[ {BIAS} \\]\n\\[ \\frac{{\\partial y_k}}{{\\partial a^{{(2)}}_k}} = 1 \\]\n", {"failed": 3}),
    ("a broken declaration: the file's item", VEC.replace("K x J", "K x") + f"\\[ {BIAS} \\]\n",
     {"failed": 1}),
]


def _eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin's collection as it was: every file loaded in full."""
    import contextlib

    import symbp.document
    monkeypatch.setattr(symbp.document, "deferred_translation", contextlib.nullcontext)


def _shown(result: pytest.RunResult) -> list[str]:
    """What a run printed, without its timing."""
    return [re.sub(r" in [0-9.]+s\b.*", "", x) for x in result.stdout.lines]


@pytest.mark.parametrize("text, expected", [(t, o) for _, t, o in DEFERRED], ids=[n for n, _, _ in DEFERRED])
def test_collection_defers_the_translation_and_reports_as_before(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, text: str,
        expected: dict[str, int]) -> None:
    pytester.makefile(".tex", x=text)
    runs = [("--collect-only", "-q"), ("-v", "-rA"), ("--runxfail", "-q")]
    deferred = [run(pytester, *args) for args in runs]
    assert outcomes(deferred[1]) == expected
    _eager(monkeypatch)
    eager = [run(pytester, *args) for args in runs]
    assert [_shown(r) for r in deferred] == [_shown(r) for r in eager]


def test_collection_translates_no_one_link_claim(pytester: pytest.Pytester,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import symbp.document

    calls: list[str] = []
    real = symbp.document.translate

    def counted(chain: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(chain.rels[0] if chain.rels else "")
        return real(chain, *args, **kwargs)

    monkeypatch.setattr(symbp.document, "translate", counted)
    pytester.makefile(".tex", x=VEC + f"\\[ {BIAS} \\]\n\\[ {NO_T} \\]\n")
    assert run(pytester, "--collect-only", "-q").ret == 0
    deferred = len(calls)  # the forward pass's, read at collection
    assert outcomes(run(pytester)) == {"passed": 1, "failed": 1} and len(calls) == 2 * deferred + 2
    calls.clear()
    _eager(monkeypatch)
    assert run(pytester, "--collect-only", "-q").ret == 0 and len(calls) == deferred + 2


def test_the_shipped_derivations_collect_as_before(pytester: pytest.Pytester, root: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for f in (root / "derivations").rglob("*.tex"):
        shutil.copy(f, pytester.path)
    deferred = _shown(run(pytester, "--collect-only", "-q"))
    _eager(monkeypatch)
    assert deferred == _shown(run(pytester, "--collect-only", "-q"))
    assert len(deferred) > 300


def test_under_xdist_the_same_items_and_outcomes(pytester: pytest.Pytester, root: Path) -> None:
    pytest.importorskip("xdist")
    for name in ("nielsen_matrix", "ng_batch", "goodfellow_6_4", "weight_sharing"):
        shutil.copy(root / "derivations" / f"{name}.tex", pytester.path)

    def statuses(result: pytest.RunResult) -> list[tuple[str, str]]:  # (id, status word), sorted
        word = re.compile(r"\b((?:PASSED|FAILED|XFAIL) \([a-z-]+\))")
        return sorted((i.group(1), w.group(1)) for x in result.stdout.lines
                      if (i := re.search(r"(\S+\.tex::\S+)", x)) and (w := word.search(x)))

    one = run(pytester, "-v", "-n", "0")
    two = pytester.runpytest_subprocess(*PLUGIN, "-p", "no:cacheprovider", "-v", "-n", "2")
    assert outcomes(two) == outcomes(one) and statuses(two) == statuses(one) and len(statuses(one)) > 40
