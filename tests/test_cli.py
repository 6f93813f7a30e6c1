"""The ``symbp`` command (symbp.cli.main): exit codes, text and JSON output, ``-e`` with every kind
of ``--context``, ``derive``; in-process with capsys, and as a real subprocess.

Exit codes: 0 every verdict as the files expect, 1 some verdict is not, 2 an input error.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from symbp.cli import main

DELTA = r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k"
WRONG = r"\delta_j = \sum_k w_{kj} \delta_k"
SEED_1 = r"\frac{\partial E}{\partial w_{ji}} = \sum_k \delta_{j_l} z_{i_l}"
RESULT_KEYS = {"file", "line", "column", "label", "link", "links", "latex", "verdict", "expected",
               "as_expected", "message", "caret", "counterexample", "sizes", "derived", "suggestion"}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``main(argv)`` as the interpreter would run it: SystemExit becomes an exit status."""
    try:
        code = main(argv)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def subprocess_run(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "symbp.cli", *args], cwd=cwd or root, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          stdin=subprocess.DEVNULL)


def tex(tmp_path: Path, name: str, body: str, network: str = "plain") -> Path:
    f = tmp_path / name
    f.write_text(f"% symbp: network {network}\n{body}\n", encoding="utf-8")
    return f


# ----------------------------------------------------------------------------------------------
# exit codes


def test_check_shipped_derivations_in_a_subprocess(root: Path) -> None:
    proc = subprocess_run(root, "check", "derivations")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert "all as expected" in last and "0 error(s)" in last


def test_check_defaults_to_the_derivations_folder(root: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(root)
    code, out, _ = run(["check"], capsys)
    assert code == 0
    assert "weight_sharing.tex" in out and "prml_5_3_1.tex" in out
    assert "refuted (as expected)" in out


@pytest.mark.parametrize("argv", [["check"], ["check", "--numeric"], ["check", "--format", "json"]])
def test_no_path_and_no_derivations_folder_says_so(argv: list[str], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Was 'derivations: cannot read the file: No such file or directory' (a folder the user
    never named)."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv, capsys)
    assert code == 2
    assert "no PATH given, and no derivations/ folder here" in err and "hint: name the" in err


def test_quiet_prints_only_the_summary_when_all_is_as_expected(root: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "-q", str(root / "derivations")], capsys)
    assert code == 0
    assert out.strip().splitlines() == [out.strip().splitlines()[-1]]
    assert "all as expected" in out


EXIT_CASES = [
    (f"$${DELTA}$$", 0, "verified"),
    (f"% symbp: expect refuted\n$${WRONG}$$", 0, "refuted (as expected)"),
    ("% symbp: expect error\n$$\\delta_j = \\foo$$", 0, "error (as expected)"),
    (f"$${WRONG}$$", 1, "refuted (UNEXPECTED)"),
    (f"% symbp: expect refuted\n$${DELTA}$$", 1, "verified (EXPECTED refuted)"),
    (f"% symbp: expect verified refuted\n$${DELTA} = {DELTA.split(' = ')[1]}$$", 1, "EXPECTED refuted"),
    (f"$${DELTA}$$\n$$\\delta_j = (a_j$$", 2, "never closed"),
    ("$$\\delta_j = w_{12}$$", 2, "numeric index"),
]


@pytest.mark.parametrize("body, code, phrase", EXIT_CASES, ids=[p for *_, p in EXIT_CASES])
def test_exit_code_of_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, code: int,
                             phrase: str) -> None:
    f = tex(tmp_path, "d.tex", body)
    got, out, _ = run(["check", str(f)], capsys)
    assert got == code, out
    assert phrase in out


def test_one_bad_file_among_good_ones_gives_2_and_checks_the_rest(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    tex(tmp_path, "a.tex", f"$${DELTA}$$")
    (tmp_path / "b.tex").write_bytes(b"% symbp: network plain\n\x00binary")
    tex(tmp_path, "c.tex", f"$${DELTA}$$")
    code, out, _ = run(["check", str(tmp_path)], capsys)
    assert code == 2
    assert "binary" in out and "b.tex" in out
    assert "2 link(s) in 3 file(s)" in out


INPUT_ERRORS = [
    (["check", "/nonexistent/x.tex"], "cannot read"),
    (["check", "--context", "nope", "-e", "a = b"], "nope"),
    (["check", "--context", "/nonexistent/net.tex", "-e", "a = b"], "net.tex"),
    (["check", "--context", "plain", "-e", r"\delta_j = h(a_j"], "')'"),
    (["check", "--context", "plain", "-e", r"\delta_j = \foo"], "\\foo"),
    (["check", "--context", "plain", "-e", r"\delta_j"], "nothing to check"),
    (["check", "--context", "plain", "-e", ""], "formula"),
    (["check", "--context", "plain", "-e", "x_j = e"], "no quantity named"),
    (["derive", "nope"], "nope"),
]


@pytest.mark.parametrize("argv, phrase", INPUT_ERRORS, ids=[" ".join(a)[:50] for a, _ in INPUT_ERRORS])
def test_input_error_exits_2_without_a_traceback(argv: list[str], phrase: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2, out + err
    assert phrase in out + err


def test_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Binary and non-UTF-8 files: exit 2, each file named, the good file still checked (in
    process, as the interpreter runs ``main``; the real processes are those of
    test_check_shipped_derivations_in_a_subprocess and test_output_survives_a_legacy_console_encoding)."""
    bad = {"nul.tex": b"\x00\x01binary", "utf16.tex": b"\xff\xfe\x00a",
           "cp1252.tex": "% symbp: network plain\n$$\u00e9$$".encode("cp1252")}
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    ok = tex(tmp_path, "ok.tex", f"$${DELTA}$$")
    # named: a file given is checked whatever it holds (below a folder, only derivation files)
    code, out, err = run(["check", *(str(tmp_path / name) for name in bad), str(ok)], capsys)
    assert code == 2
    assert "Traceback" not in err + out
    for name in bad:
        assert str(tmp_path / name) in out
    assert "1 link(s) in 4 file(s): 1 verified" in out
    assert "3 file(s) could not be checked" in out


#: what a folder holds besides derivation files, and is left alone below a folder
OTHER_TEX = [
    ("paper.tex", "\\documentclass{article}\\begin{document}$$x = y$$\\end{document}\n"),
    ("notes/slides.tex", "% a comment that mentions symbp but is no directive\n$$a = b$$\n"),
    ("binary.tex", "\x00\x01binary"),
]


@pytest.mark.parametrize("numeric", [False, True], ids=["check", "check --numeric"])
def test_a_folder_holds_derivation_files_and_other_latex(numeric: bool, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Below a folder only ``.tex`` files with a ``% symbp:`` line are checked, as the pytest plugin
    collects them: ``symbp prove`` writes ``FILE.proof.tex`` next to the input, and ``symbp check
    derivations/`` after ``symbp prove derivations/weight_sharing.tex`` (the README's order)
    exited 2 on it ("no network is declared")."""
    tex(tmp_path, "ok.tex", f"$${DELTA}$$")
    for name, text in OTHER_TEX:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["prove", str(tmp_path / "ok.tex")]) == 0
    assert (tmp_path / "ok.proof.tex").is_file()
    code, out, err = run(["check", *(["--numeric"] if numeric else []), str(tmp_path)], capsys)
    assert code == 0, out + err
    assert "1 link(s) in 1 file(s): 1 verified" in out


@pytest.mark.parametrize("numeric", [False, True], ids=["check", "check --numeric"])
def test_a_folder_without_derivation_files_is_an_input_error(numeric: bool, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Not 'all as expected' with exit 0 for checking nothing (a mistyped folder, a missing directive)."""
    (tmp_path / "paper.tex").write_text("$$a = b$$\n", encoding="utf-8")
    code, out, err = run(["check", *(["--numeric"] if numeric else []), str(tmp_path)], capsys)
    assert code == 2, out + err
    assert f"{tmp_path}: no derivation file in this folder" in out + err
    assert "hint: declare the network" in out + err


def test_argparse_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "--format", "yaml"], capsys)
    assert code == 2 and "invalid choice" in err


# ----------------------------------------------------------------------------------------------
# one equation: -e with every kind of --context

EQUATIONS = [
    (["--context", "plain"], DELTA, 0, "verified"),
    ([], DELTA, 0, "verified"),  # plain is the default
    (["--context", "plain"], WRONG, 1, "counterexample: sizes"),
    (["--context", "shared"], SEED_1.replace(r"\sum_k", r"\sum_l"), 0, "verified"),
    (["--context", "shared"], SEED_1, 1, r"did you mean \sum_l"),
    (["--context", "shared"], SEED_1, 1, r"suggested: \frac{\partial E}{\partial w_{ji}} = \sum_{l}"),
    (["--context", "derivations/weight_sharing.tex"], r"\delta_m = h'(a_m) \sum_k w_{km} \delta_k", 0,
     "verified"),
    (["--context", "derivations/prml_5_3_1.tex"], DELTA, 0, "verified"),
    (["--context", "derivations/deep_networks.tex"],
     r"\frac{\partial E}{\partial v_{mj}} = \sum_l \delta_{m_l} z_{j_l}", 0, "verified"),
    (["--context", "plain"], DELTA + r" = h'(a_j) \sum_q \delta_q w_{qj}", 0, "link 2/2"),
]


@pytest.mark.parametrize("context, eq, code, phrase", EQUATIONS, ids=[f"{c} {p}" for c, _, _, p in EQUATIONS])
def test_equation_against_a_context(root: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str], context: list[str], eq: str,
                                    code: int, phrase: str) -> None:
    monkeypatch.chdir(root)
    got, out, _ = run(["check", *context, "-e", eq], capsys)
    assert got == code, out
    assert phrase in out


def test_context_file_given_by_absolute_path(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--context", str(root / "derivations" / "weight_sharing.tex"),
                        "-e", r"\delta_{j_l} = h'(a_{j_l}) \sum_k w_{kj_l} \delta_k"], capsys)
    assert code == 0 and "verified" in out


def test_context_file_declared_by_forward_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "net.tex"
    f.write_text("% symbp: forward a_j = \\sum_i v_{ji} x_i\n% symbp: forward z_j = h(a_j)\n"
                 "% symbp: forward a_k = \\sum_j v_{kj} z_j\n", encoding="utf-8")
    eq = r"\delta_j = h'(a_j) \sum_k v_{kj} \delta_k"
    code, out, _ = run(["check", "--context", str(f), "-e", eq], capsys)
    assert code == 0, out


# ----------------------------------------------------------------------------------------------
# JSON


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code, out, _ = run([*argv, "--format", "json"], capsys)
    return code, json.loads(out)


def test_json_for_the_shipped_derivations(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(["check", str(root / "derivations")], capsys)
    assert code == 0
    assert set(data) >= {"results", "summary"}
    assert data["summary"]["exit_code"] == 0 and data["summary"]["unexpected"] == 0
    assert data["summary"]["links"] == len(data["results"]) > 0
    for r in data["results"]:
        assert RESULT_KEYS <= set(r), RESULT_KEYS - set(r)
        assert r["verdict"] in ("verified", "verified-at-sizes", "refuted", "error")
        assert r["as_expected"] is True
        assert r["file"].endswith(".tex") and r["line"] >= 1
    refuted = [r for r in data["results"] if r["verdict"] == "refuted"]
    assert refuted and all(r["expected"] == "refuted" for r in refuted)


def test_json_counterexample_of_one_equation(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(["check", "--context", "plain", "-e", WRONG], capsys)
    assert code == 1
    (r,) = data["results"]
    assert r["verdict"] == "refuted" and r["as_expected"] is False
    assert r["file"] is None and r["line"] == 1 and r["label"] == "(1)"
    cx = r["counterexample"]
    assert {"sizes", "index", "lhs", "rhs", "h", "E", "seed"} <= set(cx)
    assert cx["lhs"] != cx["rhs"]
    assert data["summary"]["refuted"] == 1 and data["summary"]["exit_code"] == 1


def test_json_of_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bin.tex"
    f.write_bytes(b"\x00")
    code, data = _json(["check", str(f)], capsys)
    assert code == 2
    assert data["results"] == [] and len(data["summary"]["problems"]) == 1
    problem = data["summary"]["problems"][0]
    assert "binary" in problem["message"] and problem["file"] == str(f) and problem["error"] == "InputError"


def test_json_keeps_circled_labels(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = _json(["check", str(root / "derivations" / "weight_sharing.tex")], capsys)
    assert code == 0
    assert {"①", "②", "① (intended)"} <= {r["label"] for r in data["results"]}


# ----------------------------------------------------------------------------------------------
# derive


#: refutations: the lines after the equation that symbp check prints, the same as pytest's failure
SAME_AS_PYTEST = [
    r"\frac{\partial E}{\partial w_{kj}} = \sum_k \delta_k z_j",  # derived, not in the message
    WRONG,  # derived inside the message, and a counterexample
    r"\delta_j = h'(a_j) \sum_k w_{jk} \delta_k",  # no counterexample
    r"\delta_j = h'(a_j) \summ_k w_{kj} \delta_k",  # an input error: its caret
]


@pytest.mark.parametrize("equation", SAME_AS_PYTEST)
def test_check_prints_what_the_pytest_plugin_prints(equation: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI left out 'symbp derives: ...', which pytest showed, for a refutation whose message
    does not contain the derivation."""
    from symbp import check_equation
    from symbp.render.display import result_text

    (r,) = check_equation(equation, "plain")
    _, out, _ = run(["check", "--context", "plain", "-e", equation], capsys)
    label = re.compile(r"^\s*(diagnosis|input error|suggested|symbp derives|counterexample): ")
    want = [label.sub("", x).strip() for x in result_text(r).splitlines()[2:]]
    got = [label.sub("", x).strip() for x in out.splitlines()[2:-1]]
    assert got == want


@pytest.mark.parametrize("context, lines", [
    ("plain", [r"\delta_{j} = h'(a_{j}) \sum_{k} w_{kj} \delta_{k}",
               r"\frac{\partial E}{\partial w_{ji}} = \delta_{j} z_{i}",
               r"\frac{\partial E}{\partial w_{kj}} = \delta_{k} z_{j}"]),
    ("shared", [r"\delta_{j_l} = h'(a_{j_l}) \sum_{k} w_{kj_l} \delta_{k}",
                r"\frac{\partial E}{\partial w_{ji}} = \sum_{l} \delta_{j_l} z_{i_l}",
                r"\frac{\partial E}{\partial w_{kj_l}} = \delta_{k} z_{j_l}"]),
    ("derivations/prml_5_3_1.tex", [r"\delta_{j} = h'(a_{j}) \sum_{k} w_{kj} \delta_{k}"]),
])
def test_derive_prints_the_mechanical_derivation(root: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], context: str,
                                                 lines: list[str]) -> None:
    monkeypatch.chdir(root)
    code, out, _ = run(["derive", context], capsys)
    assert code == 0
    shown = [x.strip() for x in out.splitlines()]
    for line in lines:
        assert line in shown, line


def test_derive_plain(capsys: pytest.CaptureFixture[str]) -> None:
    """In process, as the interpreter runs ``main`` (was a subprocess: the real process is
    test_check_shipped_derivations_in_a_subprocess's)."""
    code, out, _ = run(["derive", "plain"], capsys)
    assert code == 0
    assert r"\delta_{j} = h'(a_{j}) \sum_{k} w_{kj} \delta_{k}" in out


def test_derived_equations_check_as_verified(capsys: pytest.CaptureFixture[str]) -> None:
    """Every equation ``derive`` prints (forward pass included) is one that ``check`` verifies."""
    for context in ("plain", "shared"):
        code, out, _ = run(["derive", context], capsys)
        assert code == 0
        eqs = [x.strip() for x in out.splitlines() if x.startswith("  ") and " = " in x and ".." not in x]
        assert len(eqs) >= 8  # forward equations, local derivatives, deltas, gradients
        for eq in eqs:
            got, text, _ = run(["check", "--context", context, "-e", eq], capsys)
            assert got == 0, (eq, text)


# ----------------------------------------------------------------------------------------------
# regressions: bugs found by this module, fixed


# regression (fixed): `symbp check -e 'a_j = 1.2.3'` dies with a ValueError traceback
# (Fraction('1.2.3')) instead of exit code 2 and an error message
def test_malformed_number_in_an_equation_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "--context", "plain", "-e", "a_j = 1.2.3"], capsys)  # in process
    assert "Traceback" not in err
    assert code == 2


@pytest.mark.parametrize("argv", [["check", "derivations", "--context", "plain"],
                                  ["check", "-e", "a = b", "derivations"]])
# regression (fixed): command-line misuse (--context without -e; PATHS with -e) exits with status
# 1 - the code for 'a verdict is not as expected' - via SystemExit(str); a usage error should exit
# 2 like argparse's own
def test_misuse_of_options_exits_2(root: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    monkeypatch.chdir(root)
    code, _, err = run(argv, capsys)
    assert "error" in err
    assert code == 2


# regression (fixed): an unclosed $$ is reported as '$$ is never closed' without the file name,
# line or column (see test_document.py)
def test_unclosed_display_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tex(tmp_path, "open.tex", f"prose\n$${DELTA}\n")
    code, out, _ = run(["check", str(f)], capsys)
    assert code == 2
    assert "open.tex:3" in out


# regression (fixed): on a console whose encoding cannot show the circled labels
# (PYTHONIOENCODING=cp1252, as on a Windows console) `symbp check` dies with a UnicodeEncodeError
# traceback printing '①' (exit 1)
def test_output_survives_a_legacy_console_encoding(root: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONIOENCODING": "cp1252"}
    proc = subprocess.run([sys.executable, "-m", "symbp.cli", "check", "derivations/weight_sharing.tex"],
                          cwd=root, env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    assert b"Traceback" not in proc.stderr
    assert proc.returncode == 0
