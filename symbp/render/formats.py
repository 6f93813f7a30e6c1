"""Machine-readable outputs of ``symbp check`` for the tools that consume them, and the escaping of
every human-readable one.

* :func:`to_json` — symbp's own JSON, versioned (:data:`SCHEMA_VERSION`) and described by the JSON
  Schema shipped with the package (:func:`json_schema`, the file ``results.schema.json`` next to
  this module);
* :func:`to_github` — GitHub Actions workflow commands (``::error file=…,line=…,col=…::…``), which
  GitHub shows as annotations on the pull request's diff;
* :func:`to_sarif` — SARIF 2.1.0 (GitHub code scanning, VS Code's SARIF viewer, ...);
* :func:`to_junit` — JUnit XML (CI test reports: GitLab, Jenkins, Azure, ...);
* :func:`escape_controls` — terminal escape sequences and other control characters made visible
  (``\\x1b``), for every text meant for a person.

Room ``symbp.render``.  Imports :mod:`symbp.checker.report`, :mod:`symbp.checker.results`,
:mod:`symbp.errors` and (for counterexamples as text) :mod:`symbp.render.display`.

>>> escape_controls("a\\x1b[2Jb\\nc")
'a\\\\x1b[2Jb\\nc'
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib import resources
from typing import Any

from ..checker.report import Report
from ..checker.report import problem_data as problem_json
from ..checker.results import AT_SIZES, ERROR, REFUTED, VERIFIED, LinkResult

__all__ = ["FORMATS", "SCHEMA_VERSION", "escape_controls", "json_schema", "problem_json", "to_github",
           "to_json", "to_junit", "to_sarif"]

#: the version of the JSON output's layout (``schema_version`` in the output); a new field that
#: a reader may ignore bumps the minor number, a changed or removed one the major number
SCHEMA_VERSION = "1.0"
#: the output formats of ``symbp check --format``
FORMATS = ("text", "json", "github", "sarif", "junit")

#: C0 controls (but newline and tab), DEL, C1 controls, and the bidirectional overrides and
#: isolates that can make a line read differently from what it holds
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str, *, newlines: bool = True) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``), so that
    a label, formula or file name cannot move the cursor, clear the screen or retitle the
    terminal.  Newlines are kept unless ``newlines`` is false; tabs are kept.

    >>> escape_controls("(1)\\x1b]0;pwned\\x07")
    '(1)\\\\x1b]0;pwned\\\\x07'
    >>> escape_controls("a\\nb", newlines=False)
    'a\\\\nb'
    """
    def sub(m: re.Match[str]) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

    out = _CONTROL.sub(sub, text)
    return out if newlines else out.replace("\n", "\\n")


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`to_json`'s output, shipped as package data.

    >>> json_schema()["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    True
    """
    text = resources.files("symbp.render").joinpath("results.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def to_json(report: Report) -> dict[str, Any]:
    """The JSON of ``symbp check --format json``: ``schema_version``, ``results`` (one object per
    link) and ``summary`` (counts, structured ``problems``, ``exit_code``)."""
    return {"schema_version": SCHEMA_VERSION, **report.to_json()}


# -- GitHub Actions ------------------------------------------------------------------------------

def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _gh(level: str, file: str | None, line: int, column: int, title: str, message: str) -> str:
    props = []
    if file:
        props.append(f"file={_gh_prop(escape_controls(file))}")
        if line:
            props.append(f"line={line}")
            if column:
                props.append(f"col={column}")
    props.append(f"title={_gh_prop(escape_controls(title, newlines=False))}")
    return f"::{level} {','.join(props)}::{_gh_data(escape_controls(message))}"


def _headline(r: LinkResult) -> str:
    link = f" link {r.link}/{r.links}" if r.links > 1 else ""
    if r.as_expected:
        return f"symbp {r.label}{link}: {r.verdict}"
    if r.expected is not None:
        return f"symbp {r.label}{link}: {r.verdict}, expected {r.expected}"
    return f"symbp {r.label}{link}: {r.verdict}"


def _details(r: LinkResult) -> str:
    parts = [r.latex, r.message]
    if r.suggestion:
        parts.append(f"suggested: {r.suggestion}")
    if r.counterexample:
        from .display import counterexample_text

        parts.append(f"counterexample: {counterexample_text(r.counterexample)}")
    return "\n".join(parts)


def to_github(report: Report) -> str:
    """GitHub Actions workflow commands: an ``::error`` for every link not as the file expects and
    for every file that could not be checked, a ``::warning`` for a link verified only at the
    sizes tried, then the summary line.

    >>> r = LinkResult("x = y", REFUTED, "no", file="a.tex", line=3, column=2, label="(1)")
    >>> print(to_github(Report(results=[r], files=1)).splitlines()[0])
    ::error file=a.tex,line=3,col=2,title=symbp (1)%3A refuted::x = y%0Ano
    """
    out = []
    for p in report.problems:
        d = problem_json(p)
        out.append(_gh("error", d["file"], d["line"], d["column"], "symbp: file not checked",
                       d["message"] + (f"\nhint: {d['hint']}" if d["hint"] else "")))
    for r in report.results:
        if not r.as_expected:
            out.append(_gh("error", r.file, r.line, r.column, _headline(r), _details(r)))
        elif r.verdict == AT_SIZES:
            out.append(_gh("warning", r.file, r.line, r.column, _headline(r) + " (not proved for all sizes)",
                           _details(r)))
    out.append(escape_controls(report.summary()))
    return "\n".join(out)


# -- SARIF 2.1.0 ---------------------------------------------------------------------------------

_SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_RULES = {
    "unexpected-refutation": "An equation the file expects to hold is refuted",
    "unexpected-verdict": "A verdict other than the one the file expects (% symbp: expect ...)",
    "input-error": "An equation or a file that cannot be checked",
    "not-proved": "An equation verified only at the sizes tried, not for all sizes",
    "expected-refutation": "An equation refuted, as the file expects",
    "verified": "An equation verified for all sizes",
}


def _rule(r: LinkResult) -> tuple[str, str, str]:
    """(rule id, level, kind) of a result."""
    if not r.as_expected:
        if r.verdict == ERROR:
            return "input-error", "error", "fail"
        if r.verdict == REFUTED and r.expected is None:
            return "unexpected-refutation", "error", "fail"
        return "unexpected-verdict", "error", "fail"
    if r.verdict == AT_SIZES:
        return "not-proved", "warning", "review"
    if r.verdict == VERIFIED:
        return "verified", "none", "pass"
    return "expected-refutation", "note", "pass"


def _uri(file: str) -> str:
    return file.replace("\\", "/")


def _location(file: str | None, line: int, column: int) -> list[dict[str, Any]]:
    if not file:
        return []
    phys: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
    if line >= 1:
        phys["region"] = {"startLine": line, **({"startColumn": column} if column >= 1 else {})}
    return [{"physicalLocation": phys}]


def to_sarif(report: Report, *, version: str = "") -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run of symbp: one result per link (``kind`` ``pass`` for a
    verdict as expected, ``fail`` otherwise) and one per file that could not be checked.

    >>> log = to_sarif(Report(results=[LinkResult("x = x", VERIFIED, "holds")]))
    >>> log["version"], log["runs"][0]["results"][0]["kind"]
    ('2.1.0', 'pass')
    """
    ids = list(_RULES)
    rules = [{"id": k, "shortDescription": {"text": v}} for k, v in _RULES.items()]
    results: list[dict[str, Any]] = []
    for p in report.problems:
        d = problem_json(p)
        results.append({"ruleId": "input-error", "ruleIndex": ids.index("input-error"), "level": "error",
                        "kind": "fail", "message": {"text": escape_controls(d["text"])},
                        "locations": _location(d["file"], d["line"], d["column"])})
    for r in report.results:
        rule, level, kind = _rule(r)
        res: dict[str, Any] = {"ruleId": rule, "ruleIndex": ids.index(rule), "level": level, "kind": kind,
                               "message": {"text": escape_controls(f"{_headline(r)}\n{_details(r)}")},
                               "locations": _location(r.file, r.line, r.column),
                               "properties": {"label": r.label, "link": r.link, "links": r.links,
                                              "verdict": r.verdict, "expected": r.expected,
                                              "latex": r.latex}}
        if r.code:
            res["properties"]["code"] = r.code
        results.append(res)
    driver: dict[str, Any] = {"name": "symbp", "rules": rules}
    if version:
        driver["version"] = version
    return {"$schema": _SARIF_SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": driver},
                      "invocations": [{"executionSuccessful": not report.problems,
                                       "exitCode": report.exit_code}],
                      "results": results}]}


# -- JUnit XML -----------------------------------------------------------------------------------

def _xml(text: str) -> str:
    return escape_controls(text)


def to_junit(report: Report) -> str:
    """JUnit XML: a ``<testsuite>`` per file, a ``<testcase>`` per link (``classname`` the file,
    ``name`` the label and link), a ``<failure>`` for a verdict not as expected, an ``<error>``
    for an input error or a file that could not be checked; each case's verdict is a property.

    >>> r = LinkResult("x = y", REFUTED, "no", file="a.tex", line=3, column=2, label="(1)")
    >>> "<failure" in to_junit(Report(results=[r], files=1))
    True
    """
    suites: dict[str, list[ET.Element]] = {}
    counts: dict[str, dict[str, int]] = {}

    def add(file: str, case: ET.Element, kind: str | None) -> None:
        suites.setdefault(file, []).append(case)
        c = counts.setdefault(file, {"tests": 0, "failures": 0, "errors": 0, "skipped": 0})
        c["tests"] += 1
        if kind:
            c[kind] += 1

    for p in report.problems:
        d = problem_json(p)
        file = d["file"] or "<input>"
        case = ET.Element("testcase", {"classname": _xml(file), "name": "(file)", "time": "0",
                                       "file": _xml(file)})
        err = ET.SubElement(case, "error", {"message": _xml(d["message"]), "type": d["error"]})
        err.text = _xml(d["text"])
        add(file, case, "errors")
    for r in report.results:
        file = r.file or "<input>"
        name = f"{r.label}[{r.link}]" if r.links > 1 else f"{r.label}"
        attrs = {"classname": _xml(file), "name": _xml(name), "time": "0", "file": _xml(file)}
        if r.line:
            attrs["line"] = str(r.line)
        case = ET.Element("testcase", attrs)
        props = ET.SubElement(case, "properties")
        ET.SubElement(props, "property", {"name": "verdict", "value": r.verdict})
        if r.expected:
            ET.SubElement(props, "property", {"name": "expected", "value": r.expected})
        kind = None
        if not r.as_expected:
            kind = "errors" if r.verdict == ERROR else "failures"
            tag = "error" if r.verdict == ERROR else "failure"
            bad = ET.SubElement(case, tag, {"message": _xml(_headline(r)), "type": r.verdict})
            bad.text = _xml(_details(r))
        add(file, case, kind)
    root = ET.Element("testsuites", {"name": "symbp"})
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for file, cases in suites.items():
        c = counts[file]
        suite = ET.SubElement(root, "testsuite", {"name": _xml(file), **{k: str(v) for k, v in c.items()},
                                                  "time": "0"})
        suite.extend(cases)
        for k in total:
            total[k] += c[k]
    root.attrib.update({k: str(v) for k, v in total.items()})
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
