"""Grading submissions against a reference derivation (symbp/grading.py, ``symbp check --against``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from symbp.cli import main
from symbp.grading import FEEDBACK, grade, grade_file, load_reference

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "derivations" / "prml_5_3_1.tex"
WRONG = r"$$\delta_j = h(a_j) \sum_k w_{kj} \delta_k$$"
RIGHT = r"$$\delta_j = h'(a_j) \sum_k w_{kj} \delta_k \tag{5.56}$$"
GRAD = r"$$\frac{\partial E}{\partial w_{ji}} = \delta_j z_i$$"


def _sub(tmp_path: Path, name: str, *displays: str) -> Path:
    p = tmp_path / name
    p.write_text("\\begin{document}\n" + "\n".join(displays) + "\n\\end{document}\n", encoding="utf-8")
    return p


def test_the_reference_requires_what_holds() -> None:
    ref = load_reference(REF)
    assert [r.label for r in ref.required] == ["(5.53)", "(5.52)", "(5.55)", "(4)", "(5.56)"]
    assert [r.explicit for r in ref.required] == [True, True, True, False, True]
    # derivations with 'expect refuted' examples: those are not required
    assert all(r.lhs for r in load_reference(ROOT / "derivations" / "deep_networks.tex").required)


@pytest.mark.parametrize("displays, score, missing", [
    ((), 0, 5),
    ((GRAD,), 1, 4),                       # matched by its left side
    ((GRAD.replace("$$", "", 1).replace("$$", r" \tag{5.53}$$").join(["$$", ""]),), 1, 4),  # by label
    ((WRONG,), 0, 3),                      # refuted: matched (5.55) and (5.56), earns nothing
    ((RIGHT,), 2, 3),                      # by label (5.56), and (5.55) by its left side
    ((r"$$\frac{\partial a_j}{\partial w_{ji}} = \frac{\partial a_j}{\partial w_{ji}}$$",), 0, 4),  # X = X
    ((r"$$\frac{\partial a_j}{\partial w_{ji}} = z_i^$$",), 0, 5),  # unreadable: matches nothing
])
def test_scores(tmp_path: Path, displays: tuple[str, ...], score: int, missing: int) -> None:
    g = grade_file(_sub(tmp_path, "s.tex", *displays), REF)
    assert (g.score, g.max_score, len(g.missing)) == (score, 5, missing)
    assert sum(t.score for t in g.tests) == score
    assert len([t for t in g.tests if t.max_score == 1]) == 5
    # every submitted equation is judged: the ones matching nothing as tests worth nothing
    assert sum(t.max_score == 0 for t in g.tests) == sum("z_i^" in d for d in displays)


def test_the_reference_itself_scores_full_marks() -> None:
    g = grade_file(REF, REF)
    assert g.score == g.max_score == 5 and not g.missing


@pytest.mark.parametrize("feedback", FEEDBACK)
def test_feedback_levels_hide_the_answer(tmp_path: Path, feedback: str) -> None:
    g = grade_file(_sub(tmp_path, "s.tex", WRONG), REF, feedback)
    out = "\n".join(t.output for t in g.tests) + g.output
    answer = r"h'(a_{j}) \sum_{k} w_{kj} \delta_{k}"
    assert (answer in out) == (feedback == "full")
    assert ("refuted" in out) == (feedback != "none")
    assert ("counterexample" in out) == (feedback in ("diagnosis", "full"))
    assert ("missing" in out) == (feedback != "none")


def test_an_unreadable_submission_scores_zero(tmp_path: Path) -> None:
    p = tmp_path / "bad.tex"
    p.write_bytes(b"\x00\x01")
    g = grade_file(p, REF)
    assert g.score == 0 and "could not be graded" in g.output and len(g.missing) == 5


def test_a_different_network_is_noted(tmp_path: Path) -> None:
    g = grade_file(_sub(tmp_path, "s.tex", "% symbp: network shared", GRAD), REF, "verdict")
    assert "other than the reference's" in g.output


def test_grade_in_parallel_is_the_serial_grade(tmp_path: Path) -> None:
    for k, d in enumerate([(), (GRAD,), (WRONG,), (RIGHT, GRAD)]):
        _sub(tmp_path, f"s{k}.tex", *d)
    shutil.copy(REF, tmp_path / "ref_copy.tex")
    one, two = grade(REF, [tmp_path], jobs=1), grade(REF, [tmp_path], jobs=2)
    assert one.to_json() == two.to_json()
    assert [Path(g.file).name for g in one.grades] == ["ref_copy.tex", "s0.tex", "s1.tex", "s2.tex", "s3.tex"]
    assert [g.score for g in one.grades] == [5, 0, 1, 0, 3]


def test_cli_against_prints_a_table_and_writes_gradescope_json(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    _sub(subs, "alice.tex", GRAD, WRONG)
    _sub(subs, "bob.tex", RIGHT)
    code = main(["check", "--against", str(REF), str(subs), "--gradescope", str(tmp_path / "gs"),
                 "--feedback", "verdict"])
    out = capsys.readouterr().out
    assert code == 0 and "| submission | score |" in out and "mean score 1.50" in out
    res = json.loads((tmp_path / "gs" / "alice.json").read_text())
    assert res["score"] == 1 and {"name", "score", "max_score", "output", "status"} <= set(res["tests"][0])
    code = main(["check", "--against", str(REF), str(subs / "bob.tex"), "--format", "json",
                 "--gradescope", str(tmp_path / "results.json")])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["submissions"][0]["score"] == 2 and data["summary"]["max_score"] == 5
    assert json.loads((tmp_path / "results.json").read_text())["score"] == 2


@pytest.mark.parametrize("argv, message", [
    (["check", "--feedback", "none", "derivations"], "go with --against"),
    (["check", "--against", str(REF), "--numeric", "x.tex"], "not with -e or --numeric"),
])
def test_cli_against_options(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    assert message in capsys.readouterr().err


def test_cli_against_a_missing_reference_is_an_input_error(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--against", str(tmp_path / "nope.tex"), str(tmp_path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def _refuted_links() -> list:
    import symbp

    return [r for p in sorted((Path(__file__).resolve().parents[1] / "derivations").glob("*.tex"))
            for r in symbp.check_file(p) if r.verdict == "refuted"]


def test_the_diagnosis_level_shows_every_fault_and_no_answer() -> None:
    """Built from the diagnoses as data, not by filtering English: every diagnosis that is not an
    answer is shown, and no suggestion, derivation or reduced value is."""
    from symbp import diagnoses as dx
    from symbp.grading import _diagnosis

    refuted = _refuted_links()
    assert len(refuted) > 20 and any(r.suggestion for r in refuted)
    for r in refuted:
        shown = _diagnosis(r)
        for d in r.diagnoses:
            fault = d.fault()
            assert fault is None or fault.text in shown, (r.latex, d)
            assert fault is not None or d.text not in shown, (r.latex, d)
        assert shown and (not r.suggestion or r.suggestion not in shown) and "did you" not in shown
        assert dx.message(r.diagnoses) in r.message  # the full message says the same diagnoses
