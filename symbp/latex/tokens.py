"""The lexer: LaTeX source -> tokens that remember their offsets.

Spacing and style commands are dropped here; every token keeps ``pos``/``end`` so that an error
can put a caret under it.  Room ``symbp.latex``; imports :mod:`symbp.errors`, :mod:`symbp.limits`
and :mod:`symbp.notation`.

>>> [t.kind for t in tokenize(r"\\delta_j = h'(a_j)")][:4]
['letter', 'sym', 'letter', 'sym']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import LatexSyntaxError
from ..limits import MAX_TOKENS
from ..notation import GREEK

#: commands that only space or style the formula; dropped by the lexer
SPACING = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "limits",
           "nolimits", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr"}
OPEN = {"(": ")", "[": "]", "\\{": "\\}"}
#: commands that only style one letter: ``\\mathbf{w}``, ``\\boldsymbol{\\delta}`` on a scalar are w, δ
STYLE = {"mathbf", "boldsymbol", "bm", "mathit", "mathnormal", "pmb", "mathrm", "mathsf"}
_STYLED = re.compile(r"\{\s*(\\?[A-Za-z]+)\s*\}")
_DIGITS = frozenset("0123456789")
#: the name of the all-ones vector (``\\mathbf{1}``): a letter of its own, read by symbp.engine.vector
ONES = "mathbf{1}"
_ONES = re.compile(r"\{\s*1\s*\}")
#: the name of the zero vector or matrix (``\\mathbf{0}``), read by symbp.engine.vector
ZEROS = "mathbf{0}"
_ZEROS = re.compile(r"\{\s*0\s*\}")
_BOLD = {"mathbf", "boldsymbol", "bm", "pmb", "mathbb"}  # \mathrm{1} is the digit


# ----------------------------------------------------------------------------------------------
# tokens


@dataclass(frozen=True)
class Token:
    kind: str  # 'cmd', 'letter', 'num', 'sym', 'eof'
    text: str  # command name without backslash, the letter or Greek name, digits, the symbol
    pos: int
    end: int

    def show(self) -> str:
        if self.kind == "cmd":
            return "\\" + self.text
        if self.kind == "letter" and self.text in GREEK:
            return "\\" + self.text
        return self.text or "end of formula"


def tokenize(src: str) -> list[Token]:
    """Split ``src`` into tokens; spacing commands vanish, ``\\left(`` becomes ``(``.

    >>> [t.text for t in tokenize(r"h'(a_{j})\\,\\quad")][:-1]
    ['h', "'", '(', 'a', '_', '{', 'j', '}', ')']
    """
    out: list[Token] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c in " \t\r\n~":
            i += 1
            continue
        if c == "%":  # a TeX comment runs to the end of the line
            j = src.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c == "\\":
            j = i + 1
            while j < n and src[j].isascii() and src[j].isalpha():
                j += 1
            if j == i + 1:  # control symbol: \, \{ \\ ...
                if j >= n:
                    raise LatexSyntaxError("a lone backslash ends the formula", offset=i,
                                           hint="remove it or complete the command")
                j += 1
            name = src[i + 1:j]
            ones = _ONES.match(src, j) if name in _BOLD else None
            if ones is not None:  # \mathbf{1}, \boldsymbol{1}, \mathbb{1}: the all-ones vector
                out.append(Token("letter", ONES, i, ones.end()))
                i = ones.end()
                continue
            zeros = _ZEROS.match(src, j) if name in _BOLD - {"mathbb"} else None
            if zeros is not None:  # \mathbf{0}, \boldsymbol{0}: the zero vector or matrix
                out.append(Token("letter", ZEROS, i, zeros.end()))
                i = zeros.end()
                continue
            styled = _STYLED.match(src, j) if name in STYLE | {"operatorname", "mathcal"} else None
            if styled is not None:
                inner, end = styled.group(1), styled.end()
                if name == "mathrm" and inner == "d":  # \mathrm{d}: the d of a derivative
                    out.append(Token("cmd", "partial", i, end))
                elif name == "mathcal" and len(inner) == 1 and inner.isupper():
                    out.append(Token("letter", f"mathcal{{{inner}}}", i, end))  # \mathcal{L}
                elif inner.startswith("\\") and inner[1:] in GREEK:
                    out.append(Token("letter", inner[1:], i, end))
                elif inner.isalpha() and not inner.startswith("\\") and name != "mathcal" and (
                        len(inner) == 1 or name in ("operatorname", "mathrm")):
                    out.append(Token("letter", inner, i, end))  # a letter, or a named function
                else:
                    styled = None
                if styled is not None:
                    i = end
                    continue
            if name in SPACING:
                i = j
                continue
            if name in ("left", "right", "middle"):
                k = j
                while k < n and src[k] in " \t\r\n":
                    k += 1
                if k < n and src[k] in "([|.)]":
                    delim, k2 = src[k], k + 1
                elif src.startswith("\\{", k) or src.startswith("\\}", k):
                    delim, k2 = src[k:k + 2], k + 2
                else:
                    raise LatexSyntaxError(f"\\{name} must be followed by a delimiter", offset=i,
                                           width=j - i, hint="write \\left( ... \\right)")
                if delim != ".":
                    out.append(Token("sym", delim, i, k2))
                i = k2
                continue
            if name in GREEK:
                out.append(Token("letter", name, i, j))
            elif name == "{" or name == "}":
                out.append(Token("sym", "\\" + name, i, j))
            else:
                out.append(Token("cmd", name, i, j))
            i = j
            continue
        if c in _DIGITS:  # ASCII only: str.isdigit() is also true of ①, ² and ٣
            j, dot = i, False
            while j < n and (src[j] in _DIGITS or (src[j] == "." and not dot and j + 1 < n
                                                   and src[j + 1] in _DIGITS)):
                dot = dot or src[j] == "."
                j += 1
            out.append(Token("num", src[i:j], i, j))
            i = j
            continue
        if c.isascii() and c.isalpha():
            out.append(Token("letter", c, i, i + 1))
            i += 1
            continue
        if c in "{}_^'()[]+-=&,/|<>*.:;!?":
            out.append(Token("sym", c, i, i + 1))
            i += 1
            continue
        raise LatexSyntaxError(f"unexpected character {c!r} in a formula", offset=i,
                               hint="formulas take ASCII LaTeX; put prose outside the maths")
        # (unreachable)
    if len(out) > MAX_TOKENS:
        raise LatexSyntaxError(f"formula too long ({len(out)} tokens; the limit is {MAX_TOKENS})",
                               offset=0, hint="split the formula into steps")
    out.append(Token("eof", "", n, n))
    return out
