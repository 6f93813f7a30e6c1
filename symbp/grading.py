"""Grading a course's submissions against a reference derivation (``symbp check --against``).

A lecturer writes the **reference**: an ordinary derivation file that declares the network and
states the equations the students must derive.  Every equation of the reference that holds
(verified, or verified at sizes, and not marked ``% symbp: expect refuted`` or ``skip``) is
**required**.  Each **submission** (a student's ``.tex`` file; it need not declare the network,
it is read on the reference's) is judged equation by equation on the reference's network:

* every submitted equation is checked, link by link, as ``symbp check`` would (what the student
  marks with ``% symbp: expect`` is ignored: the verdict is what counts);
* a required equation is **matched** by a submitted equation with the same explicit label
  (``% symbp: label (5.53)``, ``\\tag{5.53}``, ``①``; the automatic numbers ``(1)``, ``(2)``
  depend on the order and are not used) or, failing that, with the same left-hand side as
  written (parsed: spacing and layout do not matter, letters do);
* a required equation earns its point when one of its matches is verified in every link
  (``verified`` or ``verified-at-sizes``) and does not merely restate its left side
  (``X = X``); a required equation without a match is reported **missing**;
* a submitted equation that matches nothing is reported with its verdict and carries no point.

The score of a file is the number of required equations it earns, out of the number required.
``feedback`` decides what the output tells the student: ``none`` (the scores only), ``verdict``
(the verdict of each equation, where it stands, and which required equations are missing),
``diagnosis`` (also symbp's diagnosis, the caret under an unreadable token and the
counterexample) or ``full`` (also the suggested correction and what symbp derives: the answer).

The JSON of one submission is the ``results.json`` that Gradescope's autograder reads
(``score``, ``output`` and ``tests``: ``name``, ``score``, ``max_score``, ``output``,
``status``); :class:`GradeReport` holds every submission, a summary table and the exit code.
Room 8 (front door): imports :mod:`symbp.checker`, :mod:`symbp.document`, the parser's printer
and :mod:`symbp.parallel`.

>>> rep = grade("derivations/prml_5_3_1.tex", ["derivations/prml_5_3_1.tex"])
>>> g, = rep.grades
>>> g.score == g.max_score == len(rep.reference.required), g.missing
(True, [])
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import diagnoses as dx
from .checker.files import check_derivation_equation
from .checker.results import AT_SIZES, ERROR, VERIFIED, LinkResult
from .document import Derivation, Equation, label_key, load
from .errors import InputError, Location, SymbpError
from .latex.unparse import unparse
from .model.network import Network
from .parallel import import_sympy, map_files
from .render.display import counterexample_text

__all__ = ["FEEDBACK", "GradeReport", "Reference", "Required", "SubmissionGrade", "grade",
           "grade_file", "load_reference", "submission_files"]

#: what the output tells the student, from least to most
FEEDBACK = ("none", "verdict", "diagnosis", "full")
_HOLDS = (VERIFIED, AT_SIZES)
_AUTO_LABEL = re.compile(r"\(\d+\)")


@dataclass
class Required:
    """An equation of the reference that a submission must derive."""

    label: str
    lhs: str  # the left-hand side, printed back by the parser (the key of a match)
    line: int
    explicit: bool  # a label written in the file, not an automatic number

    def name(self) -> str:
        """The test's name: the label and the left side, never the answer."""
        return f"{self.label}: {self.lhs} = ..."


@dataclass
class Reference:
    """A reference derivation: its network and the equations it requires."""

    file: str
    derivation: Derivation
    required: list[Required]
    notes: list[str] = field(default_factory=list)

    @property
    def network(self) -> Network:
        return self.derivation.network


@dataclass
class GradeTest:
    """One entry of the grade: a required equation (max_score 1) or an extra equation (0)."""

    name: str
    score: float
    max_score: float
    output: str
    status: str  # passed or failed

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "score": self.score, "max_score": self.max_score,
                "output": self.output, "status": self.status}


@dataclass
class SubmissionGrade:
    """The grade of one submission file."""

    file: str
    score: float
    max_score: float
    tests: list[GradeTest] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # labels of the required equations missing
    counts: dict[str, int] = field(default_factory=dict)  # verdicts of the submitted links
    output: str = ""  # for the whole file: a problem that stopped it, notes

    def to_json(self) -> dict[str, Any]:
        """Gradescope's ``results.json`` for this submission."""
        return {"score": self.score, "output": self.output,
                "tests": [t.to_json() for t in self.tests]}


@dataclass
class GradeReport:
    """Every submission graded against one reference."""

    reference: Reference
    grades: list[SubmissionGrade]
    feedback: str
    problems: list[SymbpError] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every submission was graded (whatever its score), 2 when a path is wrong."""
        return 2 if self.problems else 0

    def table(self) -> str:
        """The summary table (markdown): a row per submission, then the mean score."""
        rows = ["| submission | score | max | missing | refuted | errors |",
                "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for g in self.grades:
            rows.append(f"| {g.file} | {g.score:g} | {g.max_score:g} | {len(g.missing)} | "
                        f"{g.counts.get('refuted', 0)} | {g.counts.get('error', 0)} |")
        if self.grades:
            mean = sum(g.score for g in self.grades) / len(self.grades)
            rows.append(f"\n{len(self.grades)} submission(s) against {self.reference.file} "
                        f"({len(self.reference.required)} required equation(s)): mean score {mean:.2f}")
        return "\n".join(rows)

    def text(self) -> str:
        """Every submission's tests (as much as the feedback level shows), then the table."""
        out = [f"symbp: {note}" for note in self.reference.notes]
        out += [str(p) for p in self.problems]
        for g in self.grades:
            out.append(f"{g.file}: {g.score:g}/{g.max_score:g}")
            if g.output:
                out.append("    " + g.output.replace("\n", "\n    "))
            for t in g.tests:
                if self.feedback == "none":
                    continue
                mark = "ok" if t.status == "passed" else "NO"
                out.append(f"  {mark} {t.name} [{t.score:g}/{t.max_score:g}]")
                if t.output:
                    out.append("      " + t.output.replace("\n", "\n      "))
        out.append("")
        out.append(self.table())
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference.file,
            "required": [r.label for r in self.reference.required],
            "feedback": self.feedback,
            "submissions": [{"file": g.file, "max_score": g.max_score, "missing": g.missing,
                             "verdicts": g.counts, **g.to_json()} for g in self.grades],
            "summary": {"submissions": len(self.grades),
                        "mean_score": (sum(g.score for g in self.grades) / len(self.grades)
                                       if self.grades else 0.0),
                        "max_score": len(self.reference.required),
                        "problems": [str(p) for p in self.problems], "exit_code": self.exit_code},
        }


# ----------------------------------------------------------------------------------------------


def _lhs(eq: Equation) -> str | None:
    return unparse(eq.chain.sides[0]) if eq.chain is not None and eq.chain.sides else None


def load_reference(path: str | Path) -> Reference:
    """Load and check a reference derivation: the equations that hold are required.

    An equation of the reference that is expected to hold but does not is not required, and is
    named in :attr:`Reference.notes` (the reference itself has a mistake)."""
    deriv = load(path)
    required, notes = [], []
    for eq in deriv.equations:
        results = check_derivation_equation(deriv, eq)
        if eq.expected and any(w not in _HOLDS for w in eq.expected):
            continue  # an example of a mistake, not an equation to derive
        if not all(r.verdict in _HOLDS for r in results) or (lhs := _lhs(eq)) is None:
            notes.append(f"{path}:{eq.line}: the reference's equation {eq.label} does not hold "
                         f"({', '.join(r.verdict for r in results)}): it is not required")
            continue
        required.append(Required(eq.label, lhs, eq.line, not _AUTO_LABEL.fullmatch(eq.label)))
    return Reference(str(path), deriv, required, notes)


def _cached_reference(path: str) -> Reference:
    """The reference, loaded once per process (a worker of the pool loads it on its first file)."""
    try:
        stamp = Path(path).stat().st_mtime_ns
    except OSError:
        stamp = None
    return _reference_at(path, stamp)


@functools.lru_cache(maxsize=8)
def _reference_at(path: str, stamp: int | None) -> Reference:
    return load_reference(path)


def submission_files(paths: list[str | Path], reference: str | Path | None = None) -> list[Path]:
    """The submissions: a file as given; below a folder, every ``.tex`` file (sorted) but the
    reference and the ``.proof.tex`` files that ``symbp prove`` writes (a student's file need
    not have a ``% symbp:`` line)."""
    ref = Path(reference).resolve() if reference is not None else None
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        out.extend(x for x in sorted(p.rglob("*.tex"))
                   if x.is_file() and not x.name.endswith(".proof.tex") and x.resolve() != ref)
    return out


def _diagnosis(r: LinkResult) -> str:
    """The diagnosis without what gives the answer away (the suggestion, what symbp derives, what
    the sides reduce to: :func:`symbp.diagnoses.without_answers`), from the result's diagnoses as
    data; a verified link says nothing more than its verdict.  A result that carries no
    diagnoses (an input error worded as a message alone) shows its message: an input error's
    hint is about the input, not the derivation's answer."""
    if r.verdict in _HOLDS or not r.message:
        return ""
    if r.diagnoses:
        return dx.message(dx.without_answers(r.diagnoses))
    return r.message if r.verdict == ERROR else ""


def _link_text(r: LinkResult, feedback: str) -> str:
    link = f" link {r.link}/{r.links}" if r.links > 1 else ""
    lines = [f"line {r.line}:{r.column}{link}: {r.verdict}"]
    if feedback == "full" and r.message:
        lines.append(f"  {r.message}")
    elif feedback == "diagnosis" and (msg := _diagnosis(r)):
        lines.append(f"  {msg}")
    if feedback in ("diagnosis", "full"):
        if r.caret:
            lines.append("\n".join("  " + x for x in r.caret.splitlines()))
        if r.counterexample:
            lines.append(f"  counterexample: {counterexample_text(r.counterexample)}")
    if feedback == "full":
        if r.suggestion:
            lines.append(f"  suggested: {r.suggestion}")
        if r.derived and r.derived not in (r.message or "") and r.verdict != VERIFIED:
            lines.append(f"  symbp derives: {r.derived}")
    return "\n".join(lines)


def grade_file(path: str | Path, reference: Reference | str | Path, feedback: str = "diagnosis"
               ) -> SubmissionGrade:
    """Grade one submission against a reference (see the module docstring).  A file that cannot
    be read scores 0, with the reason as its output; this never raises for a bad submission."""
    if feedback not in FEEDBACK:
        raise ValueError(f"feedback must be one of {FEEDBACK}, not {feedback!r}")
    ref = reference if isinstance(reference, Reference) else _cached_reference(str(reference))
    grade = SubmissionGrade(str(path), 0, len(ref.required))
    try:
        deriv = load(path, network=ref.network)
    except SymbpError as exc:
        grade.output = f"this file could not be graded: {exc}"
        grade.missing = [r.label for r in ref.required]
        grade.tests = [GradeTest(r.name(), 0, 1, "" if feedback == "none" else "not graded", "failed")
                       for r in ref.required]
        return grade
    notes = []
    if deriv.network is not ref.network and _shape(deriv.network) != _shape(ref.network):
        notes.append("this file declares a network other than the reference's; its equations are "
                     "judged on the reference's network")
    judged: list[tuple[Equation, list[LinkResult], str | None]] = []
    for eq in deriv.equations:
        try:
            results = check_derivation_equation(deriv, eq)
        except Exception as exc:  # noqa: BLE001 - a bug costs one equation, never the course
            results = [LinkResult(eq.text.strip(), ERROR, f"internal error (a symbp bug): "
                                  f"{type(exc).__name__}: {exc}", file=eq.file, line=eq.line,
                                  column=eq.column, label=eq.label)]
        for r in results:
            grade.counts[r.verdict] = grade.counts.get(r.verdict, 0) + 1
        judged.append((eq, results, _lhs(eq)))
    used: set[int] = set()
    for req in ref.required:
        matches = [k for k, (eq, _, lhs) in enumerate(judged)
                   if (req.explicit and label_key(eq.label) == label_key(req.label))]
        if not matches:
            matches = [k for k, (_, _, lhs) in enumerate(judged) if lhs == req.lhs]
        used.update(matches)
        if not matches:
            grade.missing.append(req.label)
            grade.tests.append(GradeTest(req.name(), 0, 1, "" if feedback == "none" else
                                         "missing: no equation with this label or this left side",
                                         "failed"))
            continue
        earned, parts = 0, []
        for k in matches:
            eq, results, _ = judged[k]
            holds = all(r.verdict in _HOLDS for r in results)
            restates = eq.chain is not None and all(unparse(s) == unparse(eq.chain.sides[0])
                                                    for s in eq.chain.sides[1:])
            if holds and not restates:
                earned = 1
            if feedback != "none":
                parts.extend(_link_text(r, feedback) for r in results)
                if holds and restates:
                    parts.append(f"line {eq.line}: only restates the left side")
        grade.tests.append(GradeTest(req.name(), earned, 1, "\n".join(parts),
                                     "passed" if earned else "failed"))
        grade.score += earned
    for k, (eq, results, _) in enumerate(judged):
        if k in used:
            continue
        holds = all(r.verdict in _HOLDS for r in results)
        text = "" if feedback == "none" else "\n".join(_link_text(r, feedback) for r in results)
        grade.tests.append(GradeTest(f"{eq.label} (line {eq.line}, not required)", 0, 0, text,
                                     "passed" if holds else "failed"))
    if feedback != "none":
        if grade.missing:
            notes.append(f"missing: {', '.join(grade.missing)}")
        grade.output = "\n".join(notes)
    return grade


def _shape(net: Network) -> list[str]:
    """A network's summary without its name (the file's stem)."""
    return sorted(net.summary().splitlines()[1:])


def _grade_one(path: Path, reference: str, feedback: str) -> SubmissionGrade:
    return grade_file(path, reference, feedback)


def grade(reference: str | Path, submissions: list[str | Path], feedback: str = "diagnosis",
          jobs: int = 1) -> GradeReport:
    """Grade every submission (files, or folders of ``.tex`` files) against ``reference``, in
    ``jobs`` processes (the same grades, in the same order, whatever ``jobs``).  Raises
    :class:`~symbp.errors.InputError` when the reference cannot be loaded or requires nothing."""
    if feedback not in FEEDBACK:
        raise InputError(f"unknown feedback level {feedback!r}", hint=f"choose one of: {', '.join(FEEDBACK)}")
    ref = _cached_reference(str(reference))
    if not ref.required:
        raise InputError("the reference requires nothing: none of its equations holds",
                         location=Location(str(reference), 0, 0),
                         hint="check the reference with 'symbp check' first")
    files = submission_files(list(submissions), reference)
    problems: list[SymbpError] = []
    if not files:
        problems.append(InputError("no submission (.tex file) found",
                                   location=Location(" ".join(map(str, submissions)), 0, 0),
                                   hint="give the submissions' files or the folder that holds them"))
    grades = map_files(functools.partial(_grade_one, reference=str(reference), feedback=feedback),
                       files, jobs, preload=(import_sympy,))  # as check_paths: imported once, not per worker
    return GradeReport(ref, grades, feedback, problems)
