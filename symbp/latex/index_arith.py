"""Index arithmetic in a subscript: ``x_{j+m-1}``, ``\\delta_{i-m+1}``, ``x_{s(j-1)+m}``, ``x_{i+a, j+b}``.

:func:`read_subscript_arithmetic` reads the inside of a braced subscript that holds ``+``, ``-``
or parentheses into one polynomial per comma-separated position, over the letters written, with
whole coefficients (``s(j-1)+m`` is ``sj - s + m``: which letters are indices and which are
sizes such as a stride is for the meaning, not for the reader).  Two letters side by side
outside parentheses (``w_{jk+1}``) read two ways, ``(j, k+1)`` or the product ``jk + 1``: that
is an input error asking for commas, never a guess.  :func:`poly_text` writes a polynomial
back.

Room ``symbp.latex``; imports :mod:`symbp.errors` and its room.

>>> from symbp.latex.tokens import tokenize
>>> toks = tokenize(r"x_{j+m-1}")
>>> entries, after = read_subscript_arithmetic(toks, 3, "x_{j+m-1}")
>>> [poly_text(p) for p, _, _ in entries], toks[after].text
(['j+m-1'], '}')
"""

from __future__ import annotations

from ..errors import LatexSyntaxError, UnsupportedError
from ..limits import MAX_DEPTH
from ..notation import shift_text
from .tokens import Token

#: a polynomial over index letters: sorted tuple of letters (a monomial) -> whole coefficient
Poly = dict[tuple[str, ...], int]

__all__ = ["Poly", "has_arithmetic", "poly_text", "read_polynomial", "read_subscript_arithmetic",
           "shifted_entry"]


def has_arithmetic(toks: list[Token], i: int) -> bool:
    """Whether the braced subscript whose contents start at ``toks[i]`` holds ``+``, ``-`` or
    parentheses before its closing ``}`` (plain subscripts are read as before)."""
    depth = 0
    while toks[i].kind != "eof":
        t = toks[i]
        if t.kind == "sym" and t.text == "{":
            depth += 1
        elif t.kind == "sym" and t.text == "}":
            if depth == 0:
                return False
            depth -= 1
        elif t.kind == "sym" and t.text in ("+", "-", "(", ")"):
            return True
        i += 1
    return False


def _add(a: Poly, b: Poly, sign: int = 1) -> Poly:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + sign * v
    return {k: v for k, v in out.items() if v}


def _mul(a: Poly, b: Poly) -> Poly:
    out: Poly = {}
    for ka, va in a.items():
        for kb, vb in b.items():
            k = tuple(sorted(ka + kb))
            out[k] = out.get(k, 0) + va * vb
    return {k: v for k, v in out.items() if v}


class _Reader:
    def __init__(self, toks: list[Token], i: int, src: str) -> None:
        self.toks, self.i, self.src = toks, i, src
        #: letters that multiply a parenthesised sum (the stride s of s(j-1)+m): sizes
        self.strides: set[str] = set()

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def is_sym(self, text: str) -> bool:
        return self.tok.kind == "sym" and self.tok.text == text

    def fail(self, what: str) -> LatexSyntaxError:
        t = self.tok
        return LatexSyntaxError(f"unexpected {t.text or 'end of formula'!r} {what}", offset=t.pos,
                                width=max(1, t.end - t.pos),
                                hint="an index is a sum of letters and whole numbers: x_{j+m-1}")

    def expr(self, depth: int) -> Poly:
        if depth > MAX_DEPTH:
            raise LatexSyntaxError("index arithmetic nested too deeply", offset=self.tok.pos,
                                   hint="write the index as a sum of letters and numbers")
        sign = 1
        if self.is_sym("+") or self.is_sym("-"):
            sign = -1 if self.tok.text == "-" else 1
            self.i += 1
        out = _add({}, self.term(depth), sign)
        while self.is_sym("+") or self.is_sym("-"):
            sign = -1 if self.tok.text == "-" else 1
            self.i += 1
            out = _add(out, self.term(depth), sign)
        return out

    def term(self, depth: int) -> Poly:
        out: Poly = {(): 1}
        factors = 0
        last_letter: Token | None = None
        letters: list[str] = []
        groups = 0
        while True:
            t = self.tok
            if t.kind == "num" and t.text.isdigit():
                if factors:
                    raise self.fail("after a factor in an index (write the number first: 2j)")
                self.i += 1
                out = _mul(out, {(): int(t.text)})
                last_letter = None
            elif t.kind == "letter":
                if last_letter is not None:
                    shown = self.src[last_letter.pos:t.end]
                    raise UnsupportedError(
                        f"the subscript {shown} reads two ways: two indices or their product",
                        offset=last_letter.pos, width=t.end - last_letter.pos,
                        hint="separate the indices with a comma (w_{j,k+1}); write a product with "
                             "parentheses (s(j-1))")
                self.i += 1
                name = t.text
                while self.is_sym("'"):
                    self.i += 1
                    name += "'"
                out = _mul(out, {(name,): 1})
                last_letter = t
                letters.append(name)
            elif self.is_sym("("):
                self.i += 1
                inner = self.expr(depth + 1)
                if not self.is_sym(")"):
                    raise self.fail("where ')' should close the parenthesis in the index")
                self.i += 1
                out = _mul(out, inner)
                last_letter = None
                groups += 1
            else:
                break
            factors += 1
        if not factors:
            raise self.fail("where a letter or a number of the index should stand")
        if groups and letters:  # s(j-1): the letter outside the parentheses is a size, the stride
            self.strides.update(letters)
        return out

    def position(self) -> Poly:
        """One comma-separated position, its strides marked as sizes (:func:`_marked`)."""
        self.strides = set()
        return _marked(self.expr(0), self.strides)


def _marked(p: Poly, strides: set[str]) -> Poly:
    """``p`` with each lower-case stride letter written ``{s}``, as a shifted position's text marks
    a size written in lower case (:func:`symbp.notation.is_size_name`); a capital letter is a size
    as it stands."""
    if not strides:
        return p
    ren = {x: (f"{{{x}}}" if not x[:1].isupper() else x) for x in strides}
    return {tuple(sorted(ren.get(x, x) for x in mono)): c for mono, c in p.items()}


def read_polynomial(src: str) -> Poly | None:
    """A whole text as a polynomial over its letters with whole coefficients (a size relation's
    side: ``s(J-1) + M``), strides unmarked; ``None`` if it is not one.

    >>> poly_text(read_polynomial("s(J-1) + M"))
    'M-s+Js'
    >>> read_polynomial("J/2") is None
    True
    """
    from .tokens import tokenize
    try:
        toks = tokenize(src)
        r = _Reader(toks, 0, src)
        p = r.expr(0)
    except (LatexSyntaxError, UnsupportedError):
        return None
    return p if r.tok.kind == "eof" else None


def read_subscript_arithmetic(toks: list[Token], i: int, src: str) -> tuple[list[tuple[Poly, int, int]], int]:
    """Read the comma-separated positions of a braced subscript from ``toks[i]`` (just after
    ``{``) up to its ``}``: ``([(polynomial, start offset, end offset), ...], index of '}')``.

    >>> from symbp.latex.tokens import tokenize
    >>> src = r"x_{s(j-1)+m, 2i-1}"
    >>> entries, _ = read_subscript_arithmetic(tokenize(src), 3, src)
    >>> [poly_text(p) for p, _, _ in entries]
    ['m-{s}+j{s}', '2i-1']
    """
    r = _Reader(toks, i, src)
    out = []
    while True:
        start = r.tok.pos
        poly = r.position()
        out.append((poly, start, toks[r.i - 1].end))
        if r.is_sym(","):
            r.i += 1
            continue
        if r.tok.kind == "eof":
            raise LatexSyntaxError("this subscript's '{' is never closed", offset=toks[i - 1].pos,
                                   hint="add the missing '}'")
        if not r.is_sym("}"):
            raise r.fail("in a subscript")
        return out, r.i


def poly_text(p: Poly) -> str:
    """A polynomial as an index is written: letters first, the constant last.

    >>> poly_text({('j',): 1, ('m',): 1, (): -1})
    'j+m-1'
    >>> poly_text({})
    '0'
    """
    out = ""
    for mono in sorted(p, key=lambda m: (m == (), len(m), m)):
        c = p[mono]
        body = "".join(mono)
        mag = str(abs(c)) if (abs(c) != 1 or not body) else ""
        out += ("-" if c < 0 else ("+" if out else "")) + mag + body
    return out or "0"


#: the largest whole coefficient or constant of a shifted position
MAX_SHIFT = 10**6


def shifted_entry(p: Poly, written: str, pos: int) -> str:
    """The subscript entry of one position: its canonical text when it is shifted (``j+m-1``,
    ``p-a+1``: the letters added, then those subtracted, each in alphabetical order, the constant
    last), the letter itself when it is one (``x_{(j)}``).  A
    stride, a size times an index letter (``s(j-1)+m``: the letter that multiplies a parenthesised
    sum is the size, marked ``{s}`` by the reader), is the term ``{s}*j``.  A product of two index
    letters, of two sizes, and a position without letters are not read: an input error at the
    position, never a guess.

    >>> shifted_entry({('m',): 1, ('j',): 1, (): -1}, "m+j-1", 0)
    'j+m-1'
    >>> shifted_entry({('j',): 1}, "(j)", 0)
    'j'
    >>> shifted_entry({('m',): 1, ('j', '{s}'): 1, ('{s}',): -1}, "s(j-1)+m", 0)
    'm+{s}*j-{s}'
    """
    def is_size(x: str) -> bool:
        return x.startswith("{") or x[:1].isupper()

    for mono in p:
        if len(mono) > 1 and (len(mono) > 2 or sum(map(is_size, mono)) != 1):
            both = "sizes" if all(map(is_size, mono)) else "index letters"
            raise UnsupportedError(f"the position {written} multiplies {both}, which is not read",
                                   offset=pos, width=max(1, len(written)),
                                   hint="a stride multiplies a parenthesised sum of one index letter and "
                                        "numbers, as in x_{s(j-1)+m}; otherwise write a sum of letters "
                                        "and whole numbers, as in x_{j+m-1}")
    if not any(m for m in p) or (any(x.startswith("{") for m in p for x in m)
                                 and not any(not is_size(x) for m in p for x in m)):
        raise UnsupportedError(f"the position {written} has no index letter", offset=pos,
                               width=max(1, len(written)),
                               hint="write a shifted position with a letter, as in x_{j+m-1}")
    if any(abs(c) > MAX_SHIFT for c in p.values()):
        raise UnsupportedError(f"a number in the position {written} is above {MAX_SHIFT}", offset=pos,
                               width=max(1, len(written)), hint="use smaller shifts")
    def name(mono: tuple[str, ...]) -> str:  # a size first: {s}*j
        return "*".join(sorted(mono, key=lambda x: not is_size(x)))

    terms = sorted(((name(m), c) for m, c in p.items() if m), key=lambda mc: (mc[1] < 0, mc[0]))
    if len(terms) == 1 and terms[0][1] == 1 and not p.get((), 0):
        return terms[0][0]
    return shift_text(terms, p.get((), 0))
