"""Letters and subscripts in LaTeX: the one place that knows how an index letter, a Greek name,
a sum's subscript and a family's subscript groups are written.

Bottom of the package: imports nothing of symbp.

>>> print(letter_tex("mu"), sum_tex("k"), sum_tex("j'"))
\\mu \\sum_k \\sum_{j'}
>>> group_letters(("k", "j", "l"), (1, 2))
'kj_l'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau",
    "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda",
    "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega", "ell",
}

#: LaTeX's function commands that symbp reads as functions (``\\tanh(a_j)``, ``\\exp(a_k)``)
FUNCTION_COMMANDS = {"tanh", "exp", "log", "ln", "sinh", "cosh", "sin", "cos"}


#: one name in a shifted position's text: an index letter, a size (``M``), or a size written in
#: lower case in braces (the stride ``{s}`` of ``s(j-1)+m``, marked by the parser)
_NAME = r"(?:\{[A-Za-z]+'*\}|[A-Za-z]+'*)"
#: a term's letters: one name, or a size times a name (``{s}*j``)
_NAMES = rf"{_NAME}(?:\*{_NAME})*"
#: one term of a shifted position's text: sign, whole coefficient, letter (``-2m``, ``+j'``, ``-1``)
_SHIFT_TERM = re.compile(rf"([+-]?)(\d*)({_NAMES})?")
_SHIFT = re.compile(rf"[+-]?(?:\d*{_NAMES}|\d+)(?:[+-](?:\d*{_NAMES}|\d+))*")


@lru_cache(maxsize=4096)
def is_shift(x: str) -> bool:
    """Whether a subscript entry is a shifted position (``j+m-1``, ``i-m+1``, ``2j``) rather than
    an index letter: the parser writes such a position as its canonical text, which holds a sign
    or a digit and a letter, so no letter (and no number) is ever one.

    A stride is written ``{s}*j-{s}+m`` (``s(j-1)+m``: the size ``s`` in braces, times ``j``).

    >>> is_shift("j+m-1"), is_shift("2j"), is_shift("j'"), is_shift("mu"), is_shift("0")
    (True, True, False, False, False)
    >>> is_shift("m+{s}*j-{s}"), is_shift("{s}*j")
    (True, True)
    """
    return (bool(_SHIFT.fullmatch(x)) and any(c.isalpha() for c in x)
            and (x[0].isdigit() or any(c in "+-*" for c in x)))


@lru_cache(maxsize=4096)
def shift_terms(x: str) -> tuple[tuple[tuple[str, int], ...], int]:
    """A shifted position's text as ``((letter, coefficient), ...), constant``, in the order written.

    >>> shift_terms("j+m-1")
    ((('j', 1), ('m', 1)), -1)
    >>> shift_terms("-2nu+i'")
    ((('nu', -2), ("i'", 1)), 0)
    >>> shift_terms("m+{s}*j-{s}")
    ((('m', 1), ('{s}*j', 1), ('{s}', -1)), 0)
    """
    terms: list[tuple[str, int]] = []
    const = 0
    pos = 0
    while pos < len(x):
        m = _SHIFT_TERM.match(x, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"not a shifted position: {x!r}")
        sign = -1 if m.group(1) == "-" else 1
        if m.group(3):
            terms.append((m.group(3), sign * int(m.group(2) or 1)))
        else:
            const += sign * int(m.group(2))
        pos = m.end()
    return tuple(terms), const


def shift_text(terms: Iterable[tuple[str, int]], const: int, tex: bool = False) -> str:
    """A shifted position's text from its terms (``tex``: Greek letters with their backslash).

    >>> shift_text([('j', 1), ('m', 1)], -1), shift_text([('nu', 2)], 0, tex=True)
    ('j+m-1', '2\\\\nu')
    """
    terms = list(terms)
    if tex and any(_is_stride(n) or "*" in n for n, _ in terms):
        return _stride_tex(terms, const)
    out = ""
    for name, c in terms:
        shown = letter_tex(name) if tex else name
        mag = "" if abs(c) == 1 else str(abs(c))
        out += ("-" if c < 0 else ("+" if out else "")) + mag + shown
    if const or not out:
        out += ("+" if const > 0 and out else "") + str(const)
    return out


def _is_stride(name: str) -> bool:
    return name.startswith("{") and name.endswith("}") and "*" not in name


def size_factors(name: str) -> tuple[tuple[str, ...], str | None]:
    """The sizes and the index letter of one term's name in a shifted position: ``{s}*j`` is
    ``(('s',), 'j')``, ``M`` is ``(('M',), None)``, ``j`` is ``((), 'j')`` (a size's braces off).

    >>> size_factors("{s}*j"), size_factors("M"), size_factors("j")
    ((('s',), 'j'), (('M',), None), ((), 'j'))
    """
    sizes: list[str] = []
    letter = None
    for part in name.split("*"):
        if _is_stride(part):
            sizes.append(part[1:-1])
        elif part[:1].isupper():
            sizes.append(part)
        else:
            letter = part
    return tuple(sizes), letter


def _stride_tex(terms: list[tuple[str, int]], const: int) -> str:
    """A shifted position with a stride as LaTeX, the stride's terms gathered as they are written:
    ``s(j-1)+m``.

    >>> _stride_tex([('i', 1), ('{s}*j', -1), ('{s}', 1)], 0)
    'i-s(j-1)'
    """
    groups: dict[str, list[tuple[str, int]]] = {}
    lone: dict[str, int] = {}
    rest = []
    for name, c in terms:
        sizes, letter = size_factors(name)
        if len(sizes) == 1 and letter is not None and "*" in name:
            groups.setdefault(sizes[0], []).append((letter, c))
        elif _is_stride(name):
            lone[name[1:-1]] = lone.get(name[1:-1], 0) + c
        else:
            rest.append((name, c))
    first: list[tuple[str, int]] = []  # (text, sign): a stride added before the letters, subtracted after
    last: list[tuple[str, int]] = []
    for size in sorted(set(groups) | set(lone)):
        if size not in groups:
            last.append((("" if abs(lone[size]) == 1 else str(abs(lone[size]))) + letter_tex(size),
                         -1 if lone[size] < 0 else 1))
            continue
        sign = -1 if groups[size][0][1] < 0 else 1  # i-s(j-1), not i+s(-j+1)
        inside = shift_text([(y, sign * c) for y, c in groups[size]], sign * lone.get(size, 0), tex=True)
        (first if sign > 0 else last).append((f"{letter_tex(size)}({inside})", sign))
    out = ""
    for text, _ in first:
        out += ("+" if out else "") + text
    for name, c in rest:
        mag = "" if abs(c) == 1 else str(abs(c))
        shown = " ".join(letter_tex(q.strip("{}")) for q in name.split("*"))  # never a position again
        out += ("-" if c < 0 else ("+" if out else "")) + mag + shown
    for text, sign in last:
        out += ("-" if sign < 0 else ("+" if out else "")) + text
    if const:
        out += ("+" if const > 0 and out else "") + str(const)
    return out


def is_size_name(name: str) -> bool:
    """Whether a term of a shifted position names a size, not an index letter: a capital letter
    (``M`` in the flipped kernel's ``x_{j-m+M}``), as sizes are written.

    A stride written in lower case is a size in braces (``{s}``, as the parser marks it).

    >>> is_size_name("M"), is_size_name("m"), is_size_name("{s}"), is_size_name("{s}*j")
    (True, False, True, False)
    """
    return name[:1].isupper() or _is_stride(name)


def shift_letters(x: str) -> tuple[str, ...]:
    """The index letters of a subscript entry: itself for a letter, those it is made of for a
    shifted position (a size it holds, ``M`` in ``j-m+M``, is no index letter).

    >>> shift_letters("j+m-1"), shift_letters("k"), shift_letters("M+j-m"), shift_letters("m+{s}*j-{s}")
    (('j', 'm'), ('k',), ('j', 'm'), ('m', 'j'))
    """
    if not is_shift(x):
        return (x,)
    out = (size_factors(name)[1] for name, _ in shift_terms(x)[0])
    return tuple(dict.fromkeys(y for y in out if y is not None))


def letter_tex(x: str) -> str:
    """An index letter as LaTeX: ``mu`` -> ``\\mu``, ``mu'`` -> ``\\mu'``, ``j'`` -> ``j'``;
    a function command's name keeps its backslash (``tanh`` -> ``\\tanh``); a shifted position
    (``j+m-1``) is written term by term."""
    if is_shift(x) and "^" not in x and not x.startswith("mathcal{"):
        return shift_text(*shift_terms(x), tex=True)
    if "^" in x:  # a family with a layer label: w^{(1)}
        head, _, label = x.partition("^")
        return letter_tex(head) + "^" + label
    base = x.rstrip("'")
    if base.startswith(("mathcal{", "mathbf{")):  # \mathcal{L}, \mathbf{1}
        return "\\" + x
    if base == "max":  # the ReLU written out, \max(0, x) (symbp.latex.parser.RELU)
        return "\\max" + x[len(base):]
    if len(base) > 1 and base.isalpha() and base not in GREEK and base not in FUNCTION_COMMANDS:
        return f"\\operatorname{{{base}}}" + x[len(base):]  # a named function: ReLU, softmax
    return ("\\" + base if base in GREEK or base in FUNCTION_COMMANDS else base) + x[len(base):]


def primed(tex: str, order: int) -> str:
    """A function's name as LaTeX with ``order`` primes, put before a layer label: Ng's
    ``g'^{[1]}`` (which LaTeX reads as ``g^{\\prime [1]}``; ``g^{[1]}'`` is a double superscript).

    >>> print(primed("g^{[1]}", 1), primed("h", 2))
    g'^{[1]} h''
    """
    primes = "'" * order
    m = _LABEL_END.fullmatch(tex) if order else None
    return m[1] + primes + m[2] if m else tex + primes


_LABEL_END = re.compile(r"(.*?)(\^\{[\[(][^{}]*[\])]\})")


def sum_tex(x: str) -> str:
    """``\\sum`` over the index letter ``x``: ``\\sum_k``, ``\\sum_\\mu``, ``\\sum_{j'}``."""
    t = letter_tex(x)
    return "\\sum_" + (t if len(x) == 1 or x in GREEK else "{" + t + "}")


def _join(parts: list[str]) -> str:
    out = ""
    for p in parts:  # "\\mu" followed by a letter needs a space
        if out and out[-1].isalpha() and "\\" in out and p[:1].isalpha() and \
                out.rsplit("\\", 1)[-1].isalpha():
            out += " "
        out += p
    return out


def _groups_text(groups: tuple[tuple[str, ...], ...]) -> str:
    if not groups:
        return ""
    parts = []
    for g in groups:
        s = letter_tex(g[0])
        if len(g) > 1:
            rest = _join([letter_tex(x) for x in g[1:]])
            s += "_" + (rest if len(g) == 2 and len(g[1]) == 1 else "{" + rest + "}")
        parts.append(s)
    # shifted positions are separated by commas (x_{i+a-1, j+b-1}): side by side they would run together
    body = ", ".join(parts) if any(is_shift(x) for g in groups for x in g) else _join(parts)
    return "_" + (body if len(groups) == 1 and len(groups[0]) == 1 and len(body) == 1 else "{" + body + "}")
def latex_name(name: str) -> str:
    """``delta`` -> ``\\delta``, ``mu'`` -> ``\\mu'``; letters (also primed, ``j'``) stay as they are."""
    return letter_tex(name)


def group_letters(letters: Sequence[str], grouping: Sequence[int], units: Sequence[int] = ()) -> str:
    """``('k', 'j', 'l'), (1, 2)`` -> ``'kj_l'``; ``units`` are the positions of the subscript
    groups that are the unit 0 (``('j',), (1,), units=(1,)`` -> ``'j0'``, PRML's ``w_{j0}``)."""
    out, pos = [], 0
    for g in grouping:
        head, rest = letters[pos], letters[pos + 1:pos + g]
        pos += g
        s = latex_name(head)
        if rest:
            tail = join_tex([latex_name(x) for x in rest])
            s += "_" + (tail if len(rest) == 1 and len(rest[0]) == 1 else "{" + tail + "}")
        out.append(s)
    return join_tex(with_units(out, units))


def with_units(groups: Sequence[str], units: Sequence[int]) -> list[str]:
    """Printed subscript groups with the unit ``0`` inserted at the positions ``units``."""
    out = list(groups)
    for k in sorted(units):
        out.insert(k, "0")
    return out


def join_tex(parts: Sequence[str]) -> str:
    """Subscript parts written together: ``\\mu`` followed by ``j`` needs a space (``\\mu j``)."""
    text = ""
    for s in parts:
        if re.search(r"\\[A-Za-z]+$", text) and s[:1].isalpha():
            text += " "
        text += s
    return text


def join_signed(terms: Iterable[str]) -> str:
    """Printed terms joined into a sum, a leading minus becoming the operator: both printers'.

    >>> join_signed(["1", "-h(a_{j})^{2}", "x"])
    '1 - h(a_{j})^{2} + x'
    """
    out = ""
    for k, body in enumerate(terms):
        if k == 0:
            out = body
        elif body.startswith("-"):
            out += " - " + body[1:]
        else:
            out += " + " + body
    return out
