"""A file's own macros: ``\\newcommand``, ``\\renewcommand``, ``\\providecommand``,
``\\DeclareMathOperator`` and argument-free ``\\def``, expanded before an equation is read.

Expansion keeps a map from every character of the expanded text back to the source, so an error
inside a macro's expansion is reported at the macro's use.  The work is bounded (nesting depth,
expanded length): a macro that expands without end is an input error, never a hang.

Room ``symbp.latex``; imports :mod:`symbp.errors`.

>>> defs, problems = definitions(r"\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}")
>>> text, where = expand(r"\\pd{E}{w_{ji}} = \\delta_j z_i", defs)
>>> text
'\\\\frac{\\\\partial E}{\\\\partial w_{ji}} = \\\\delta_j z_i'
>>> where[text.index("=")]
15
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError, LatexSyntaxError

__all__ = ["Macro", "definitions", "expand"]

#: bounds on expansion: nesting of macros in macros, and the expanded length
MAX_DEPTH = 16
MAX_LENGTH = 20000


@dataclass(frozen=True)
class Macro:
    """``\\name`` with ``nargs`` arguments ``#1``..``#9`` and its replacement text."""

    name: str
    nargs: int
    body: str


_NAME = r"\\([A-Za-z]+)"
_NEW = re.compile(r"\\(?:new|renew|provide)command\*?\s*(?:\{\s*" + _NAME + r"\s*\}|" + _NAME + r")"
                  r"\s*(?:\[\s*(\d)\s*\])?\s*\{")
_OPERATOR = re.compile(r"\\DeclareMathOperator\*?\s*\{\s*" + _NAME + r"\s*\}\s*\{")
_DEF = re.compile(r"\\def\s*" + _NAME + r"\s*(#?)")


def _group(text: str, start: int) -> int | None:
    """The end (after the ``}``) of the balanced group whose ``{`` is at ``start - 1``."""
    depth, k = 1, start
    while k < len(text):
        c = text[k]
        if c == "\\":
            k += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return k + 1
        k += 1
    return None


def definitions(text: str) -> tuple[dict[str, Macro], list[InputError]]:
    """The macros ``text`` defines (comments already blanked), and the definitions symbp cannot
    use (a ``\\def`` with arguments, an unclosed body) as errors with offsets.

    >>> d, _ = definitions(r"\\DeclareMathOperator{\\ReLU}{ReLU} \\def\\E{E}")
    >>> sorted((m.name, m.nargs, m.body) for m in d.values())
    [('E', 0, 'E'), ('ReLU', 0, '\\\\operatorname{ReLU}')]
    """
    out: dict[str, Macro] = {}
    problems: list[InputError] = []
    for m in _NEW.finditer(text):
        end = _group(text, m.end())
        name = m.group(1) or m.group(2)
        if end is None:
            problems.append(LatexSyntaxError(f"the body of \\{name} is never closed", offset=m.start(),
                                             hint="add the missing '}'"))
            continue
        out[name] = Macro(name, int(m.group(3) or 0), text[m.end():end - 1])
    for m in _OPERATOR.finditer(text):
        end = _group(text, m.end())
        if end is not None:
            word = text[m.end():end - 1].strip()
            out[m.group(1)] = Macro(m.group(1), 0, f"\\operatorname{{{word}}}")
    for m in _DEF.finditer(text):
        if m.group(2):
            problems.append(LatexSyntaxError(f"\\def\\{m.group(1)} takes arguments, which symbp does "
                                             "not expand", offset=m.start(),
                                             hint="define it with \\newcommand{\\name}[n]{...}"))
            continue
        if not text.startswith("{", m.end()):
            continue
        end = _group(text, m.end() + 1)
        if end is not None:
            out[m.group(1)] = Macro(m.group(1), 0, text[m.end() + 1:end - 1])
    return out, problems


def _argument(src: str, k: int) -> tuple[str, int, int] | None:
    """One macro argument at ``k`` (after spaces): a braced group or one token; its text, the
    offset of that text in ``src`` and the offset after it."""
    while k < len(src) and src[k] in " \t\n":
        k += 1
    if k >= len(src):
        return None
    if src[k] == "{":
        end = _group(src, k + 1)
        if end is None:
            return None
        return src[k + 1:end - 1], k + 1, end
    if src[k] == "\\":
        m = re.match(r"\\(?:[A-Za-z]+|.)", src[k:])
        assert m is not None
        return m.group(0), k, k + m.end()
    return src[k], k, k + 1


def expand(src: str, macros: dict[str, Macro], *, _depth: int = 0) -> tuple[str, list[int]]:
    """``src`` with every use of ``macros`` replaced, and for each character of the result the
    offset in ``src`` it comes from (a macro's own text maps to the macro's use)."""
    if not macros or "\\" not in src:
        return src, list(range(len(src)))
    if _depth > MAX_DEPTH:
        raise LatexSyntaxError(f"macros nested more than {MAX_DEPTH} deep", offset=0,
                               hint="a macro that uses itself never ends")
    out: list[str] = []
    where: list[int] = []
    k = 0
    pattern = re.compile(r"\\(" + "|".join(sorted(map(re.escape, macros), key=len, reverse=True))
                         + r")(?![A-Za-z])")
    for m in pattern.finditer(src):
        if m.start() < k:
            continue
        if m.start() > 0 and src[m.start() - 1] == "\\" and (m.start() < 2 or src[m.start() - 2] != "\\"):
            continue  # \\\\name: a line break, then text
        out.append(src[k:m.start()])
        where.extend(range(k, m.start()))
        mac = macros[m.group(1)]
        pos = m.end()
        args: list[tuple[str, int]] = []
        for _ in range(mac.nargs):
            a = _argument(src, pos)
            if a is None:
                raise LatexSyntaxError(f"\\{mac.name} takes {mac.nargs} argument(s)", offset=m.start(),
                                       width=m.end() - m.start(),
                                       hint=f"write \\{mac.name}" + "{...}" * mac.nargs)
            args.append((a[0], a[1]))
            pos = a[2]
        body_text: list[str] = []
        body_where: list[int] = []
        j = 0
        for p in re.finditer(r"#(\d)", mac.body):
            body_text.append(mac.body[j:p.start()])
            body_where.extend([m.start()] * (p.start() - j))
            n = int(p.group(1))
            if 1 <= n <= len(args):
                body_text.append(args[n - 1][0])
                body_where.extend(range(args[n - 1][1], args[n - 1][1] + len(args[n - 1][0])))
            j = p.end()
        body_text.append(mac.body[j:])
        body_where.extend([m.start()] * (len(mac.body) - j))
        inner, inner_where = expand("".join(body_text), macros, _depth=_depth + 1)
        out.append(inner)
        where.extend(body_where[x] if x < len(body_where) else m.start() for x in inner_where)
        k = pos
        if sum(map(len, out)) > MAX_LENGTH:
            raise LatexSyntaxError(f"the macros expand to more than {MAX_LENGTH} characters",
                                   offset=m.start(), hint="a macro that uses itself never ends")
    out.append(src[k:])
    where.extend(range(k, len(src)))
    return "".join(out), where
