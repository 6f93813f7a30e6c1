"""The parser: tokens -> AST, for the index notation of backpropagation notes.

This is symbp's own reader of ``\\frac{\\partial E}{\\partial w_{ji}}``, ``\\sum_k``,
``h'(a_{j_l})``, ``w_{kj_l}``.  It knows nothing about networks: meaning (which layer ``z_i``
is, what ``\\delta_j`` stands for) is given in :mod:`symbp.engine.semantics`.  Errors name the
offending token and a hint (``\\summ``: did you mean ``\\sum``?).

Why not latex2sympy2: see the README ("Why symbp has its own parser"); in short it silently
misreads this notation (``h'(a_j)`` becomes ``h*a_j``, ``a = b`` becomes ``b``, ``e`` becomes
Euler's number) and cannot read ``\\sum_k`` or ``\\partial`` fractions at all.

Room ``symbp.latex``; imports :mod:`symbp.errors`, :mod:`symbp.limits` and its room.

>>> parse_chain(r"\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k").rels
('=',)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from fractions import Fraction

from ..catalogue import COMMANDS
from ..errors import LatexSyntaxError, UnsupportedError
from ..limits import MAX_DEPTH, MAX_DIGITS, MAX_POWER
from ..notation import FUNCTION_COMMANDS
from .ast import (
    Add,
    Call,
    Chain,
    Deriv,
    Div,
    Hadamard,
    Kron,
    Mul,
    Nabla,
    Neg,
    Node,
    Num,
    Pow,
    RangeCond,
    SumOp,
    Sym,
    Transpose,
)
from .index_arith import has_arithmetic, read_subscript_arithmetic, shifted_entry
from .tokens import ONES, OPEN, Token, tokenize

# ----------------------------------------------------------------------------------------------
# parser


_STOP = {"+", "-", "=", "&", ")", "]", "}", "\\}", "eof", ",", "|", "<", ">"}
#: the name of the ReLU written out, ``\\max(0, x)``; its derivative is written ``[x > 0]``
RELU = "max"
_RELU_HINT = ("symbp reads \\max of one quantity against a literal 0, \\max(0, a_j) (the ReLU), and its "
              "derivative as [a_j > 0]; write any other maximum out, or declare a function for it "
              "(% symbp: activation g = relu, then g(a_j))")


def _numbered_layer(text: str, start: int, end: int) -> UnsupportedError:
    """``\\delta^{1}_h``, ``\\partial x^1_i`` outside a file of generic layers or steps: a layer or step
    by its number, or a power before the subscript; symbp does not guess which."""
    return UnsupportedError(
        f"the superscript {text} before a subscript reads as a layer or step by its number, or as a power: "
        "a fixed layer or step is not read here (only in a file that declares its layers or steps)",
        offset=start, width=max(1, end - start),
        hint="declare them ('% symbp: steps t = 1..T' or '% symbp: layers l = 1..L': x^1_i is then step 1, "
             "\\delta^t_h, \\delta^{t+1}_h, \\delta^T_h the generic ones), or write a power after the "
             "subscript (x_i^2)")


def _plain_d(toks: list) -> set[int]:
    """``\\frac{d X}{d Y}`` and ``\\frac{d}{d Y}`` with a plain ``d`` before a letter in both the
    numerator and the denominator: the ``d`` of a derivative, as ``\\mathrm{d}`` is (the two ``d``
    tokens become ``\\partial``, in place).  The positions of those numerators are returned: a
    network with a quantity named ``d`` makes such a derivative an error (two readings)."""
    from .tokens import Token
    out: set[int] = set()
    for i, t in enumerate(toks):
        if not (t.kind == "cmd" and t.text in ("frac", "dfrac", "tfrac") and i + 3 < len(toks)):
            continue
        if not (toks[i + 1].text == "{" and toks[i + 2].kind == "letter" and toks[i + 2].text == "d"
                and (toks[i + 3].kind == "letter" or toks[i + 3].text == "}")):
            continue
        depth, k = 0, i + 1
        while k < len(toks):
            if toks[k].kind == "sym" and toks[k].text == "{":
                depth += 1
            elif toks[k].kind == "sym" and toks[k].text == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        if not (k + 3 < len(toks) and toks[k + 1].text == "{" and toks[k + 2].kind == "letter"
                and toks[k + 2].text == "d" and toks[k + 3].kind == "letter"):
            continue
        for j in (i + 2, k + 2):
            toks[j] = Token("cmd", "partial", toks[j].pos, toks[j].end)
        out.add(toks[i].pos)
    return out


class _Parser:
    def __init__(self, src: str, functions: frozenset[str]):
        self.src = src
        self.toks = tokenize(src)
        #: where a plain d of ``\\frac{d\\sigma}{dz_j}`` was read as the d of a derivative
        self.plain_d = _plain_d(self.toks)
        self.i = 0
        self.functions = functions
        self.depth = 0
        #: where a layer label ends in a transpose (``W^{(k)\\top}``): the end of that ``\\top``
        self.label_transpose = 0
        #: how the last transpose was written (T, \\top, \\intercal), for printing it back
        self.mark = "T"

    # -- helpers
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self) -> Token:
        t = self.toks[self.i]
        if t.kind != "eof":
            self.i += 1
        return t

    def is_sym(self, *texts: str) -> bool:
        return self.tok.kind == "sym" and self.tok.text in texts

    def is_cmd(self, *names: str) -> bool:
        return self.tok.kind == "cmd" and self.tok.text in names

    def expect_sym(self, text: str, what: str) -> Token:
        if not self.is_sym(text):
            t = self.tok
            raise LatexSyntaxError(f"expected {text!r} {what}, found {t.show()!r}", offset=t.pos,
                                   width=max(1, t.end - t.pos), hint=_hint_for(t, text))
        return self.next()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise LatexSyntaxError(f"formula nested too deeply (more than {MAX_DEPTH} levels)",
                                   offset=self.tok.pos, hint="split the formula into steps")

    def leave(self) -> None:
        self.depth -= 1

    def unexpected(self, where: str) -> LatexSyntaxError:
        t = self.tok
        if t.kind == "eof":
            return LatexSyntaxError(f"the formula ends {where}", offset=t.pos,
                                    hint="complete the formula")
        if t.kind == "cmd":
            return LatexSyntaxError(f"unknown or misplaced command \\{t.text} {where}", offset=t.pos,
                                    width=t.end - t.pos, hint=_command_hint(t.text))
        return LatexSyntaxError(f"unexpected {t.show()!r} {where}", offset=t.pos,
                                width=max(1, t.end - t.pos), hint=_hint_for(t, None))

    # -- grammar
    def chain(self) -> Chain:
        while self.is_cmd("therefore", "because"):
            self.next()
        sides = [self.expr()]
        rels = []
        while True:
            if self.is_sym("="):
                self.next()
                rels.append("=")
            elif self.is_cmd("leftarrow") and not rels:  # an algorithm's assignment g <- ...
                self.next()
                rels.append("\\leftarrow")
            elif self.is_cmd("equiv"):
                self.next()
                rels.append("\\equiv")
            elif self.is_sym(":") and self.peek().text == "=":
                self.next()
                self.next()
                rels.append(":=")
            else:
                break
            sides.append(self.expr())
        if self.tok.kind != "eof":
            raise self.unexpected("after a complete expression")
        return Chain(tuple(sides), tuple(rels))

    def expr(self) -> Node:
        self.enter()
        start = self.tok.pos
        terms: list[Node] = []
        sign = 1
        if self.is_sym("+", "-"):
            sign = -1 if self.next().text == "-" else 1
        while True:
            t = self.term()
            terms.append(t if sign > 0 else Neg(t.pos, t.end, t))
            if self.is_sym("+", "-"):
                sign = -1 if self.next().text == "-" else 1
                continue
            break
        self.leave()
        if len(terms) == 1:
            return terms[0]
        return Add(start, terms[-1].end, tuple(terms))

    def term(self) -> Node:
        self.enter()
        try:
            return self._term()
        finally:
            self.leave()

    def _term(self) -> Node:
        start = self.tok.pos
        groups: list[Node] = []
        ops: list[str] = []
        while True:
            groups.append(self._product())
            if not (self.is_cmd("odot", "circ") or self.is_sym("*")):
                break
            op = self.next()
            ops.append("*" if op.text == "*" else "\\" + op.text)  # * is read by symbp.engine.vector
            if self._at_stop():
                raise LatexSyntaxError(f"{ops[-1]} needs a factor after it", offset=op.pos,
                                       width=op.end - op.pos, hint="write u \\odot v")
        if len(groups) == 1:
            return groups[0]
        return Hadamard(start, groups[-1].end, tuple(groups), tuple(ops))

    def _product(self) -> Node:
        start = self.tok.pos
        factors: list[Node] = []
        dots: list[int] = []  # the factors a \cdot stands before (the dot product of two vectors)
        crosses: list[int] = []  # the factors a \times stands before (a cross product of vectors?)
        while not self._at_stop() and not self.is_cmd("odot", "circ") and not self.is_sym("*"):
            if self.is_cmd("cdot", "times"):
                if not factors:
                    raise self.unexpected("where a factor should start")
                (dots if self.tok.text == "cdot" else crosses).append(len(factors))
                self.next()
                if self._at_stop():
                    raise self.unexpected("after a multiplication sign")
                continue
            if self.is_cmd("sum"):
                factors.append(self.sum_op())
                break  # the sum takes the rest of the term
            if self.is_cmd("frac", "dfrac", "tfrac") and self._is_partial_operator():
                factors.append(self.deriv_operator())
                break
            factors.append(self.factor())
        if not factors:
            raise self.unexpected("where a term should start")
        if len(factors) == 1:
            return factors[0]
        return Mul(start, factors[-1].end, tuple(factors), tuple(dots), tuple(crosses))

    def _at_stop(self) -> bool:
        t = self.tok
        if t.kind == "eof":
            return True
        if t.kind == "sym" and t.text in _STOP:
            return True
        if t.kind == "sym" and t.text == ":" and self.peek().text == "=":
            return True
        return t.kind == "cmd" and t.text in ("equiv", "right", "leftarrow")

    def _is_partial_operator(self) -> bool:
        # \frac { \partial } { ... }  (nothing else in the numerator)
        return (self.peek(1).text == "{" and self.peek(2).kind == "cmd" and self.peek(2).text == "partial"
                and self.peek(3).kind == "sym" and self.peek(3).text == "}")

    def sum_op(self) -> Node:
        start = self.next().pos  # \sum
        self.enter()
        lower = upper = None
        letters: list[tuple[str, int]] = []
        for _ in range(2):
            if self.is_sym("_") and not letters:
                self.next()
                letters, lower = self.sum_subscript()
            elif self.is_sym("^") and upper is None:
                self.next()
                upper = self.group_or_atom("as the upper bound of the sum")
        if not letters:
            raise LatexSyntaxError("a sum needs its index as a subscript", offset=start,
                                   width=4, hint="write \\sum_k ... or \\sum_{k=1}^{K} ...")
        negate = False
        if self.is_sym("-", "+"):
            negate = self.next().text == "-"
        if self._at_stop():
            raise self.unexpected("where the summand should start")
        body = self.term()
        if negate:
            body = Neg(body.pos, body.end, body)
        self.leave()
        node: Node = body
        for k, (letter, lpos) in enumerate(reversed(letters)):
            outer = k == len(letters) - 1
            node = SumOp(start, body.end, letter, lower if outer and len(letters) == 1 else None,
                         upper if outer and len(letters) == 1 else None, node, lpos)
        if len(letters) > 1 and (lower is not None or upper is not None):
            raise UnsupportedError("bounds on a sum over several indices", offset=start,
                                   hint="write one \\sum per index with its own bounds")
        return node

    def sum_subscript(self) -> tuple[list[tuple[str, int]], Node | None]:
        if self.tok.kind == "letter":
            t = self.next()
            return [(t.text, t.pos)], None
        self.expect_sym("{", "after \\sum_")
        letters = []
        lower = None
        while True:
            if self.tok.kind != "letter":
                raise self.unexpected("where the summation index should stand")
            t = self.next()
            letters.append((t.text + self._primes(), t.pos))
            if self.is_sym(","):
                self.next()
                continue
            if self.is_sym("="):
                self.next()
                lower = self.expr()
            break
        self.expect_sym("}", "to close the subscript of \\sum")
        return letters, lower

    def group_or_atom(self, what: str) -> Node:
        if self.is_sym("{"):
            self.next()
            e = self.expr()
            self.expect_sym("}", f"to close the group {what}")
            return e
        t = self.tok
        if t.kind == "num":
            self.next()
            if len(t.text) > 1 and "." not in t.text:  # \sum^10 is \sum^{1}0 in TeX
                raise LatexSyntaxError(f"ambiguous {what}: {t.text}", offset=t.pos,
                                       width=t.end - t.pos, hint=f"write {{{t.text}}}")
            return Num(t.pos, t.end, Fraction(t.text))
        if t.kind == "letter":
            self.next()
            return Sym(t.pos, t.end, t.text, ())
        raise self.unexpected(what)

    def deriv_operator(self) -> Node:
        self.enter()
        start = self.next().pos  # \frac
        self.next()  # {
        self.next()  # \partial
        self.next()  # }
        wrt = self.partial_denominator()
        if self._at_stop():
            raise self.unexpected("where the operand of the derivative should start")
        body = self.term()
        self.leave()
        return Deriv(start, body.end, None, wrt, body, start in self.plain_d)

    def partial_denominator(self) -> Sym:
        self.expect_sym("{", "to open the denominator of the derivative")
        if not self.is_cmd("partial"):
            raise LatexSyntaxError("the denominator of a \\partial derivative must be \\partial <symbol>",
                                   offset=self.tok.pos, hint="write \\frac{\\partial E}{\\partial w_{ji}}")
        self.next()
        t = self.tok
        if t.kind != "letter":
            raise self.unexpected("after \\partial in the denominator")
        self.next()
        wrt = self.symbol_rest(t)
        if self.is_sym("^"):
            self._numbered_in_denominator()
        if self.is_cmd("partial") or self.is_sym("^"):
            raise UnsupportedError("second and mixed derivatives are not supported", offset=self.tok.pos,
                                   hint="check first derivatives, one variable at a time")
        self.expect_sym("}", "to close the denominator of the derivative")
        return wrt

    def factor(self) -> Node:
        self.enter()
        base = self.atom()
        if self.label_transpose:  # W^{(2)\top}: the labelled symbol, transposed
            base = Transpose(base.pos, self.label_transpose, base, "(k)" + self.mark)
            self.label_transpose = 0
        while self.is_sym("^"):
            transposed = self._transpose_mark()
            if transposed:
                base = Transpose(base.pos, transposed, base, self.mark)
                continue
            caret = self.next()
            self._superscript_label(base, caret)
            self._generic_superscript(caret)
            e = self.group_or_atom("as an exponent")
            if isinstance(base, Sym) and base.name == "e" and not base.groups and not isinstance(e, Num):
                # e^{a_k}: Euler's number to a power that is no whole number is the exponential
                base = Call(base.pos, e.end, "exp", 0, e)
                continue
            if isinstance(e, Num) and isinstance(base, Sym) and self.is_sym("_"):
                # \delta^{1}_h: a layer or step by its number (or a power before the subscript?)
                raise _numbered_layer(self.src[caret.pos + 1:e.end].strip('{} '), caret.pos, e.end)
            if not isinstance(e, Num) or e.value.denominator != 1 or e.value < 1:
                raise UnsupportedError("only positive whole powers are supported", offset=caret.pos,
                                       hint="write x^2, x^{3}, ...")
            if e.value > MAX_POWER:
                raise UnsupportedError(f"power {e.value} is above the limit of {MAX_POWER}",
                                       offset=caret.pos, width=e.end - caret.pos,
                                       hint="symbp checks backpropagation steps, not large powers")
            base = Pow(base.pos, e.end, base, int(e.value))
        self.leave()
        return base

    def _numbered_in_denominator(self) -> None:
        """At ``^`` after the variable of a derivative: ``\\partial x^1_i`` is a layer or step by its
        number (as in a formula), not a second derivative."""
        k = self.i + 1
        braced = self.toks[k].kind == "sym" and self.toks[k].text == "{"
        num = self.toks[k + braced]
        end = k + braced + braced
        closed = not braced or (self.toks[end].kind == "sym" and self.toks[end].text == "}")
        if num.kind != "num" or not closed:
            return
        after = self.toks[end + 1] if end + 1 < len(self.toks) else None
        if after is not None and after.kind == "sym" and after.text == "_":
            raise _numbered_layer(num.text, self.tok.pos, self.toks[end].end)

    def _generic_superscript(self, caret: Token) -> None:
        """``w^l_{jk}``, ``a^{l-1}_k``, ``\\delta^{t+1}``: a letter in a superscript followed by a
        subscript, or with arithmetic, is a generic layer or step (Nielsen, Graves), not a power;
        not read yet, so an error that says so (it was "only positive whole powers")."""
        k = self.i
        braced = self.toks[k].kind == "sym" and self.toks[k].text == "{"
        k += braced
        if self.toks[k].kind != "letter":
            return
        end = k + 1
        if braced:
            while self.toks[end].kind in ("letter", "num") or (
                    self.toks[end].kind == "sym" and self.toks[end].text in ("+", "-", "'")):
                end += 1
            if not (self.toks[end].kind == "sym" and self.toks[end].text == "}"):
                return
        inside = self.toks[k:end]
        arithmetic = any(t.kind == "sym" and t.text in ("+", "-") for t in inside)
        after = self.toks[end + braced]
        if not (arithmetic or (after.kind == "sym" and after.text == "_")):
            return
        text = self.src[inside[0].pos:inside[-1].end]
        raise UnsupportedError(
            f"the superscript {text} is a generic layer or time step, which this file does not declare",
            offset=caret.pos, width=max(1, self.toks[end + braced - 1].end - caret.pos),
            hint=f"declare it: '% symbp: layers {inside[0].text} = 1..L' (or '% symbp: steps "
                 f"{inside[0].text} = 1..T'), the forward pass written for layer {inside[0].text}; or label "
                 "each concrete layer's family in the forward pass (w^{(2)}_{jk}, a^{(1)}_k)")

    def _transpose_mark(self) -> int:
        """At ``^``: ``^T``, ``^\\top``, ``^\\intercal``, ``^{T}``, ``^{\\mathsf{T}}`` (the lexer
        reads ``\\mathsf{T}`` as ``T``) are consumed and their end returned; anything else: 0."""
        k = self.i + 1
        braced = self.toks[k].kind == "sym" and self.toks[k].text == "{"
        k += braced
        t = self.toks[k]
        if not ((t.kind == "letter" and t.text == "T")
                or (t.kind == "cmd" and t.text in ("top", "intercal"))):
            return 0
        self.mark = t.show()
        if braced:
            k += 1
            if not (self.toks[k].kind == "sym" and self.toks[k].text == "}"):
                return 0
        self.i = k + 1
        return self.toks[k].end

    def _superscript_label(self, base: Node, caret: Token) -> None:
        """``\\delta_k^{(2)}``, ``z^{[2]}_j``: a superscript in brackets is a layer label or a
        power; symbp does not guess which."""
        k = self.i + (1 if self.is_sym("{") else 0)
        t = self.toks[k]
        if t.kind == "sym" and t.text in ("(", "["):
            close = {"(": ")", "[": "]"}[t.text]
            end = next((x for x in self.toks[k:] if x.kind == "sym" and x.text == close), t)
            label = self.src[t.pos:end.end]
            raise UnsupportedError(
                f"the superscript {label} can be read as a layer label or as a power", offset=caret.pos,
                width=max(1, end.end - caret.pos),
                hint=f"for a layer, name the layers by their letters (a_j, a_k); for a power write "
                     f"^{{{label[1:-1]}}} without the brackets")

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "num":
            if len(t.text) > MAX_DIGITS:  # bounded like every other input
                raise LatexSyntaxError(f"a number of {len(t.text)} digits (the bound is {MAX_DIGITS})",
                                       offset=t.pos, width=min(t.end - t.pos, 20),
                                       hint="symbp checks formulas, not arithmetic: use a smaller number")
            self.next()
            return Num(t.pos, t.end, Fraction(t.text))
        if t.kind == "sym" and t.text == "[":
            kron = self._try_kron()
            if kron is not None:
                return kron
            cond = self._try_range()
            if cond is not None:
                return cond
            step = self._try_step()
            if step is not None:
                return step
        if t.kind == "cmd" and t.text == RELU:
            return self._relu()
        if t.kind == "letter" and t.text == ONES:
            indicator = self._try_indicator()
            if indicator is not None:
                return indicator
        if t.kind == "sym" and t.text in OPEN:
            self.next()
            e = self.expr()
            close = OPEN[t.text]
            self._close(close, t)
            return e
        if t.kind == "sym" and t.text == "{":
            self.next()
            e = self.expr()
            self._close("}", t)
            return e
        if t.kind == "cmd" and t.text in ("frac", "dfrac", "tfrac"):
            return self.fraction()
        if t.kind == "letter" and t.text == RELU:  # \operatorname{max}: not \max(0, x)
            raise UnsupportedError(f"{self.src[t.pos:t.end]} is not read", offset=t.pos, width=t.end - t.pos,
                                   hint=_RELU_HINT)
        if t.kind == "letter":
            self.next()
            if self.is_sym("^"):
                labelled = self._try_labelled_call(t)
                if labelled is not None:
                    return labelled
            if self.is_sym("'") or (t.text in self.functions and self.is_sym("(")):
                return self.call(t)
            if t.text in self.functions and self.is_sym("_"):
                call = self._try_unit_call(t)
                if call is not None:
                    return call
            return self.symbol_rest(t)
        if t.kind == "cmd" and t.text in FUNCTION_COMMANDS and (t.text in self.functions
                                                              or t.text in COMMANDS):
            self.next()  # \tanh, \exp, \log, \ln are the catalogue's wherever they stand
            return self.call(t)
        if t.kind == "cmd" and t.text in ("dot", "ddot"):
            return self._dot_call()
        if t.kind == "cmd" and t.text == "nabla" and self.peek().kind == "sym" and self.peek().text == "_":
            return self._nabla()
        if t.kind == "cmd" and t.text == "partial":
            raise LatexSyntaxError("\\partial outside a \\frac", offset=t.pos, width=t.end - t.pos,
                                   hint="write \\frac{\\partial E}{\\partial w_{ji}}")
        raise self.unexpected("where a factor should start")

    def _nabla(self) -> Node:
        """``\\nabla_{W} C``, ``\\nabla_a C``: the gradient of one factor by one symbol."""
        start = self.next().pos  # \nabla
        self.next()  # _
        braced = self.is_sym("{")
        if braced:
            self.next()
        t = self.tok
        if t.kind != "letter":
            raise self.unexpected("where the variable of \\nabla should stand")
        self.next()
        wrt = self.symbol_rest(t) if braced else Sym(t.pos, t.end, t.text, ())
        if braced:
            self.expect_sym("}", "to close the subscript of \\nabla")
        if self._at_stop() or self.is_cmd("odot", "circ") or self.is_sym("*"):
            raise self.unexpected("where the function under \\nabla should stand")
        body = self.factor()
        return Nabla(start, body.end, wrt, body)

    def _relu(self) -> Call:
        """``\\max(0, x)`` or ``\\max(x, 0)``: the ReLU applied to ``x`` (the catalogue's relu); a
        ``\\max`` of anything else is an error naming it, never read as something else."""
        cmd = self.next()

        def refuse(what: str, at: Token | None = None) -> UnsupportedError:
            at = at or cmd
            return UnsupportedError(f"\\max {what} is not read (only \\max(0, x), the ReLU)", offset=at.pos,
                                    width=max(1, at.end - at.pos), hint=_RELU_HINT)

        if not self.is_sym("("):
            raise refuse("without two arguments in parentheses" if not self.is_sym("_")
                         else "over an index")
        self.next()
        args = [self.expr()]
        while self.is_sym(","):
            self.next()
            args.append(self.expr())
        self.expect_sym(")", f"to close the arguments of \\max opened at column {cmd.end + 1}")
        zero = [isinstance(a, Num) and a.value == 0 for a in args]
        if len(args) != 2 or zero.count(True) != 1:
            what = (f"{len(args)} arguments" if len(args) != 2 else "two arguments neither of which is "
                    "the literal 0" if not any(zero) else "0 and 0")
            raise UnsupportedError(
                f"{self.src[cmd.pos:self.toks[self.i - 1].end]}: \\max of {what} is not read", offset=cmd.pos,
                width=self.toks[self.i - 1].end - cmd.pos, hint=_RELU_HINT)
        arg = args[zero.index(False)]
        return Call(cmd.pos, self.toks[self.i - 1].end, RELU, 0, arg)

    def _try_step(self) -> Call | None:
        """``[x > 0]`` (or ``[0 < x]``): Iverson's bracket of a comparison with 0, the ReLU's
        derivative (0 at ``x = 0``, as the catalogue takes its kink).  A bracket without ``<`` or
        ``>`` at its own level is left alone (nothing is consumed); any other comparison is an
        error."""
        depth, k, cmp = 0, self.i + 1, None
        pairs = {"[": 1, "(": 1, "{": 1, "]": -1, ")": -1, "}": -1}
        while k < len(self.toks) and self.toks[k].kind != "eof":
            x = self.toks[k]
            if x.kind == "sym" and x.text in pairs:
                if depth == 0 and x.text == "]":
                    break
                depth += pairs[x.text]
            elif depth == 0 and ((x.kind == "sym" and x.text in "<>")
                                 or (x.kind == "cmd" and x.text in ("ge", "geq", "le", "leq", "neq", "ne"))):
                cmp = cmp or x
            k += 1
        if cmp is None:
            return None
        open_ = self.next()
        wrong = UnsupportedError(
            f"Iverson's bracket of the comparison {self.src[open_.pos:self.toks[k].end]} is not read",
            offset=cmp.pos, width=max(1, cmp.end - cmp.pos),
            hint="symbp reads [x > 0] (or [0 < x]): the ReLU's derivative, 0 at x = 0 ([x \\ge 0] "
                 "differs from it at 0), and range conditions [1 \\le i-m+1 \\le J]")
        if cmp.kind == "cmd":
            raise wrong
        if self.tok.kind == "num" and Fraction(self.tok.text) == 0 and self.peek().text == "<":
            self.next()
            self.next()
            arg = self.expr()
        else:
            arg = self.expr()
            if not self.is_sym(">"):
                raise wrong
            self.next()
            if not (self.tok.kind == "num" and Fraction(self.tok.text) == 0):
                raise wrong
            self.next()
        if not self.is_sym("]"):
            raise wrong
        close = self.next()
        return Call(open_.pos, close.end, RELU, 1, arg)

    def _try_kron(self) -> Kron | None:
        """``[j = k]``, ``[j_l = m]``, ``[k' = k]``: a Kronecker delta, if the bracket holds exactly
        two index groups joined by ``=``; otherwise nothing is consumed."""
        start = self.i
        open_ = self.next()
        return self._kron_sides(start, open_.pos, "]", shifted=True)

    def _kron_sides(self, start: int, pos: int, close: str, shifted: bool = False) -> Kron | None:
        """The two index groups of a Kronecker delta, ``a = b`` up to ``close`` (after its opening
        delimiter; ``shifted``: a side may be a shifted position, ``i = j+m-1``), or nothing
        consumed (back to ``start``)."""
        sides: list[tuple[str, ...]] = []
        for want in ("=", close):
            group = self._shifted_side(want) if shifted else None
            if group is None:
                group = self._index_group()
            if group is None or not self.is_sym(want):
                self.i = start
                return None
            sides.append(group)
            self.next()
        return Kron(pos, self.toks[self.i - 1].end, sides[0], sides[1])

    def _shifted_side(self, want: str) -> tuple[str, ...] | None:
        """A side of ``[i = 2j+m-2]`` that is a shifted position (letters, whole numbers, ``+``,
        ``-`` and parentheses up to ``want``, with at least one sign, digit or parenthesis), read
        as a subscript's position is: ``('2j+m-2',)``; else ``None`` and nothing consumed."""
        toks, k, depth = self.toks, self.i, 0
        while toks[k].kind in ("letter", "num") or (toks[k].kind == "sym" and toks[k].text in "+-()'"):
            if toks[k].kind == "sym" and toks[k].text in "()":
                depth += 1 if toks[k].text == "(" else -1
            k += 1
        if not (k > self.i and depth == 0 and toks[k].kind == "sym" and toks[k].text == want):
            return None
        inside = toks[self.i:k]
        if not any(t.kind == "num" or (t.kind == "sym" and t.text in "+-(") for t in inside):
            return None
        entries, _ = read_subscript_arithmetic(inside + [Token("sym", "}", toks[k].pos, toks[k].pos)],
                                               0, self.src)
        if len(entries) != 1:
            return None
        (poly, a, b), = entries
        if not any(m for m in poly):  # [i = 3]: a fixed position, not read
            return None
        entry = shifted_entry(poly, self.src[a:b], a)
        self.i = k
        return (entry,)

    def _try_indicator(self) -> Kron | None:
        """The indicator ``\\mathbb{1}(k = l)`` (CS231n), ``\\mathbb{1}_{k = l}``, ``\\mathbb{1}\\{k = l\\}``:
        Iverson's ``[k = l]``, a Kronecker delta, if the delimiters hold exactly two index groups
        joined by ``=``; otherwise nothing is consumed (``\\mathbb{1}`` alone is the all-ones vector)."""
        start = self.i
        first = self.next()  # \mathbb{1}
        if self.is_sym("_") and self.peek().kind == "sym" and self.peek().text == "{":
            self.next()
            close = "}"
        elif self.tok.kind == "sym" and self.tok.text in ("(", "\\{"):
            close = OPEN[self.tok.text]
        else:
            self.i = start
            return None
        self.next()
        return self._kron_sides(start, first.pos, close)

    def _try_range(self) -> RangeCond | None:
        """``[1 \\le i-m+1 \\le J]``: Iverson's range condition on an index or a shifted
        position, if the bracket holds exactly that; otherwise nothing is consumed."""
        start = self.i
        toks = self.toks
        k = self.i + 1
        if not (toks[k].kind == "num" and toks[k].text == "1" and toks[k + 1].kind == "cmd"
                and toks[k + 1].text in ("le", "leq")):
            return None
        k += 2
        first = k
        while toks[k].kind in ("letter", "num") or (toks[k].kind == "sym"  # a stride: i-s(j-1)
                                                     and toks[k].text in ("+", "-", "'", "(", ")")):
            k += 1
        if not (k > first and toks[k].kind == "cmd" and toks[k].text in ("le", "leq")
                and toks[k + 1].kind == "letter" and toks[k + 2].kind == "sym" and toks[k + 2].text == "]"):
            self.i = start
            return None
        inner = toks[first:k] + [Token("sym", "}", toks[k].pos, toks[k].pos)]
        entries, _ = read_subscript_arithmetic(inner, 0, self.src)
        if len(entries) != 1:
            self.i = start
            return None
        (poly, a, b), = entries
        entry = shifted_entry(poly, self.src[a:b], a)
        self.i = k + 3
        return RangeCond(toks[start].pos, toks[k + 2].end, entry, toks[k + 1].text)

    def _index_group(self) -> tuple[str, ...] | None:
        if self.tok.kind != "letter":
            return None
        group = [self.next().text + self._primes()]
        if self.is_sym("_"):
            self.next()
            if self.tok.kind == "letter":
                group.append(self.next().text)
            elif self.is_sym("{"):
                self.next()
                while self.tok.kind == "letter":
                    group.append(self.next().text + self._primes())
                if not self.is_sym("}"):
                    return None
                self.next()
            else:
                return None
        return tuple(group)

    def _try_unit_call(self, name: Token) -> Call | None:
        """``\\theta_h(a_h)``, ``\\theta_h'(a_h)``: a per-unit function applied (Graves); a
        subscripted function name not followed by ``(`` is left to :meth:`symbol_rest`."""
        start = self.i
        self.next()
        sub = self.subscript()
        if not (self.is_sym("(") or self.is_sym("'")):
            self.i = start
            return None
        call = self.call(name)
        assert isinstance(call, Call)
        return Call(call.pos, call.end, call.name, call.order, call.arg, sub)

    def _try_labelled_call(self, name: Token) -> Node | None:
        """``g^{[l]}(Z^{[l]})``: a function with a layer label (Ng's activation of layer ``l``),
        applied, when the forward pass applies it so; anything else is left as it was."""
        state = self.i, self.label_transpose, self.mark
        label = self._label()
        full = f"{name.text}^{label}"
        if label is None or full not in self.functions or not self.is_sym("("):
            self.i, self.label_transpose, self.mark = state
            return None
        return self.call(Token(name.kind, full, name.pos, name.end))

    def _dot_call(self) -> Node:
        """``\\dot\\sigma(z_j)``, ``\\dot{\\sigma}(z_j)``: Newton's dot for the derivative."""
        dot = self.next()
        braced = self.is_sym("{")
        if braced:
            self.next()
        name = self.tok
        if name.kind != "letter" or name.text not in self.functions:
            raise LatexSyntaxError(f"\\{dot.text} over something that is not a function", offset=dot.pos,
                                   width=dot.end - dot.pos, hint="write the derivative of h as h'(a_j)")
        self.next()
        if braced:
            self.expect_sym("}", f"to close \\{dot.text}{{...}}")
        sub: tuple[tuple[str, ...], ...] = ()
        if self.is_sym("_"):
            self.next()
            sub = self.subscript()
        call = self.call(name)
        assert isinstance(call, Call)
        order = call.order + (1 if dot.text == "dot" else 2)
        return Call(dot.pos, call.end, call.name, order, call.arg, sub)

    def call(self, name: Token) -> Node:
        order = 0
        while self.is_sym("'"):
            self.next()
            order += 1
        if order and name.kind == "letter" and self.is_sym("^"):  # g'^{[l]}(Z^{[l]}): Ng's g' of layer l
            state = self.i, self.label_transpose, self.mark
            label = self._label()
            if label is not None and f"{name.text}^{label}" in self.functions:
                name = Token(name.kind, f"{name.text}^{label}", name.pos, name.end)
            else:
                self.i, self.label_transpose, self.mark = state
        if not self.is_sym("(") and name.kind == "cmd" and not order and self.tok.kind != "eof":
            # \ln y_k, \log \frac{...}{...}, \ln \sum_j e^{a_j}: a function command applied to the
            # factor after it (a sum: the rest of the term)
            arg = self.sum_op() if self.is_cmd("sum") else self.factor()
            return Call(name.pos, arg.end, name.text, 0, arg)
        if not self.is_sym("("):
            raise LatexSyntaxError(f"{name.text}{chr(39) * order} must be applied to an argument",
                                   offset=self.tok.pos, hint=f"write {name.text}{chr(39) * order}(a_j)")
        if name.text not in self.functions and not (name.kind == "cmd" and name.text in COMMANDS):
            names = ", ".join(sorted(self.functions)) or "none"
            raise UnsupportedError(f"unknown function {name.text!r}", offset=name.pos,
                                   hint=f"the functions declared here are: {names}")
        open_ = self.next()
        arg = self.expr()
        self.expect_sym(")", f"to close the argument of {name.text} opened at column {open_.pos + 1}")
        return Call(name.pos, self.toks[self.i - 1].end, name.text, order, arg)

    def symbol_rest(self, t: Token) -> Sym:
        groups: tuple[tuple[str, ...], ...] = ()
        end = t.end
        label = self._label()
        if self.is_sym("_"):
            self.next()
            groups = self.subscript()
        if label is None:
            label = self._label()
        end = max(end, self.toks[self.i - 1].end)
        # a bracketed superscript is part of the name (w^{(1)}): the forward pass says whether a
        # family of that name exists, else it is an error naming both readings
        return Sym(t.pos, end, t.text if label is None else f"{t.text}^{label}", groups)

    def _label(self) -> str | None:
        """A layer label in brackets after ``^``: ``^{(1)}``, ``^{[2]}``, ``^{(k)}``, ``^{(1)}`` as
        ``{(1)}``; ``None`` (nothing consumed) for any other superscript."""
        if not self.is_sym("^"):
            return None
        k = self.i + 1
        braced = self.toks[k].kind == "sym" and self.toks[k].text == "{"
        k += braced
        opening = self.toks[k]
        if not (opening.kind == "sym" and opening.text in ("(", "[")):
            return None
        close = {"(": ")", "[": "]"}[opening.text]
        inner: list[Token] = []
        k += 1
        while self.toks[k].kind != "eof" and not (self.toks[k].kind == "sym" and self.toks[k].text == close):
            inner.append(self.toks[k])
            k += 1
        if self.toks[k].kind == "eof":
            return None
        after = self.toks[k + 1]
        if braced and ((after.kind == "cmd" and after.text in ("top", "intercal"))
                       or (after.kind == "letter" and after.text == "T")) \
                and self.toks[k + 2].kind == "sym" and self.toks[k + 2].text == "}":
            self.label_transpose = after.end  # ^{(k)\top}: Goodfellow's transposed layer
            self.mark = after.show()
            k += 1
        elif braced and after.kind == "sym" and after.text == "(" and self.toks[k + 2].kind == "letter" \
                and self.toks[k + 3].kind == "sym" and self.toks[k + 3].text == ")" \
                and inner and len(inner) == 1 and inner[0].kind in ("letter", "num") \
                and _closes_column(self.toks[k + 4:k + 6]):
            # Ng's Z^{[l](i)}: the column of the example i of the batch matrix Z^{[l]}; A^{[l](i)T}
            # (or \top) is that column transposed
            name = "{" + opening.text + inner[0].text + close + "(" + self.toks[k + 2].text + ")}"
            if not (self.toks[k + 4].kind == "sym" and self.toks[k + 4].text == "}"):
                self.label_transpose = self.toks[k + 4].end
                self.mark = self.toks[k + 4].show()
                k += 1
            self.i = k + 5
            return name
        elif braced and not (after.kind == "sym" and after.text == "}"):
            return None
        if not inner or any(x.kind not in ("letter", "num") for x in inner) or len(inner) > 1:
            raise UnsupportedError(
                f"the superscript {self.src[opening.pos:self.toks[k].end]} is not a plain layer label",
                offset=self.tok.pos, width=max(1, self.toks[k].end - self.tok.pos),
                hint="symbp reads layer labels such as ^{(1)}, ^{[2]}, ^{(k)}; for a generic layer, "
                     "declare '% symbp: layers l = 1..L' (then ^{l+1}, ^{(l-1)} and ^{[l]} are layers), "
                     "each forward equation's left side at layer l; or name each concrete layer's "
                     "family in the forward pass (a^{(1)}_j, a^{(2)}_k)")
        self.i = k + 1 + braced
        return "{" + opening.text + inner[0].text + close + "}"

    def _primes(self) -> str:
        """Primes after an index letter inside braces: ``w_{k'j}``, ``\\sum_{l'}``."""
        out = ""
        while self.is_sym("'"):
            self.next()
            out += "'"
        return out

    def subscript(self, braced: bool = False) -> tuple[tuple[str, ...], ...]:
        if self.tok.kind == "letter":
            t = self.next()
            return ((t.text + (self._primes() if braced else ""),),)
        if self.tok.kind == "num" and not braced:
            return ((self._unit_zero(),),)
        if self.tok.kind == "num":
            t = self.tok
            raise UnsupportedError(f"numeric index {t.text!r} in a nested subscript", offset=t.pos,
                                   width=t.end - t.pos,
                                   hint="a unit 0 is written in the outer subscript: w_{j0}")
        opening = self.expect_sym("{", "after '_'")
        if has_arithmetic(self.toks, self.i):
            return self._arithmetic_subscript()
        groups: list[tuple[str, ...]] = []
        while not self.is_sym("}"):
            if self.tok.kind == "eof":
                raise LatexSyntaxError("this subscript's '{' is never closed", offset=opening.pos,
                                       hint="add the missing '}'")
            if self.is_sym(","):
                self.next()
                continue
            t = self.tok
            if t.kind == "num" and not braced:
                groups.append((self._unit_zero(),))
                continue
            if t.kind != "letter":
                if t.kind == "num":
                    raise UnsupportedError(f"numeric index {t.text!r} in a nested subscript",
                                           offset=t.pos, width=t.end - t.pos,
                                           hint="a unit 0 is written in the outer subscript: w_{j0}")
                raise self.unexpected("in a subscript")
            self.next()
            group = [t.text + self._primes()]
            if self.is_sym("_"):
                self.next()
                for inner in self.subscript(braced=True):
                    if len(inner) > 1:
                        raise UnsupportedError("subscripts nested three deep", offset=t.pos,
                                               hint="write w_{kj_l}: at most one nested level")
                    group.extend(inner)
            groups.append(tuple(group))
        self.next()
        if not groups:
            raise LatexSyntaxError("empty subscript", offset=self.toks[self.i - 1].pos,
                                   hint="write the index letters inside the braces: a_{j}")
        return tuple(groups)

    def _unit_zero(self) -> str:
        """The numeric index ``0`` of ``w_{j0}``, ``x_0`` (PRML's bias as the unit 0): its own
        subscript group ``('0',)``; another number is an error (a unit is 0 or a letter)."""
        t = self.tok
        if t.text != "0":
            raise UnsupportedError(f"numeric index {t.text!r}", offset=t.pos, width=t.end - t.pos,
                                   hint="indices are letters that run over a layer (w_{ji}, z_{i_l}); the "
                                        "one number read is the unit 0 of a range declared 0..D (w_{j0})")
        self.next()
        return "0"

    def _arithmetic_subscript(self) -> tuple[tuple[str, ...], ...]:
        """A subscript with index arithmetic (``x_{j+m-1}``, ``x_{i+a-1, j+b-1}``): read in full
        (a slip in it is named where it stands), one group per comma-separated position, a
        shifted position as its canonical text (:func:`symbp.latex.index_arith.shifted_entry`)."""
        entries, close = read_subscript_arithmetic(self.toks, self.i, self.src)
        groups = tuple((shifted_entry(poly, self.src[a:b], a),) for poly, a, b in entries)
        self.i = close + 1
        return groups

    def _close(self, close: str, opening: Token) -> None:
        if self.tok.kind == "eof":
            raise LatexSyntaxError(f"this {opening.text!r} is never closed", offset=opening.pos,
                                   hint=f"add the missing {close!r}")
        self.expect_sym(close, f"to close the {opening.text!r} at offset {opening.pos}")

    def fraction(self) -> Node:
        start = self.next()  # \frac
        if self.is_sym("{") and self.peek().kind == "cmd" and self.peek().text == "partial":
            self.next()
            self.next()
            if self.is_sym("^"):
                raise UnsupportedError("second derivatives are not supported", offset=self.tok.pos,
                                       hint="check first derivatives")
            num = self.expr()
            self.expect_sym("}", "to close the numerator of the derivative")
            wrt = self.partial_denominator()
            return Deriv(start.pos, self.toks[self.i - 1].end, num, wrt, None, start.pos in self.plain_d)
        if self.tok.kind == "num" and len(self.tok.text) == 2 and self.tok.text.isdigit():
            t = self.next()  # \frac12
            return Div(start.pos, t.end, Num(t.pos, t.pos + 1, Fraction(t.text[0])),
                       Num(t.pos + 1, t.end, Fraction(t.text[1])))
        num = self.group_or_atom("as the numerator of \\frac")
        den = self.group_or_atom("as the denominator of \\frac")
        return Div(start.pos, den.end, num, den)


_COMMAND_HINTS = {
    "partial": "write \\frac{\\partial E}{\\partial w_{ji}}",
    "prod": "products over an index are not supported; write the factors",
    "int": "integrals are not supported",
    "begin": "environments belong around the equation, not inside it",
    "end": "environments belong around the equation, not inside it",
    "textcircled": "labels go at the end of the equation: ... \\quad \\textcircled{1}",
    "tag": "labels go at the end of the equation",
    "dots": "an ellipsis is only allowed before a label at the end of an equation",
    "ldots": "an ellipsis is only allowed before a label at the end of an equation",
    "cdots": "an ellipsis is only allowed before a label at the end of an equation",
    "exp": "exp is not a declared function here",
    "mathrm": "write symbols as single letters with subscripts: w_{ji}",
    "text": "prose belongs outside the maths",
    "prime": "write the derivative of h as h'(a_j)",
    "dot": "write the derivative of h as h'(a_j)",
    "nabla": "write the gradient by its components, or \\nabla_{W} C with the variable as a subscript",
    "over": "write \\frac{a}{b}",
}
#: commands symbp reads, for 'did you mean' on a misspelt one (\\summ, \\fracc, \\detla)
_KNOWN_COMMANDS = ("sum", "frac", "partial", "delta", "equiv", "therefore", "quad", "qquad", "cdot",
                   "times", "left", "right", "dfrac", "tfrac")
_DEFAULT_COMMAND_HINT = ("symbp reads sums, products, fractions, \\partial derivatives, indexed symbols "
                         "and h'(...)")


def _command_hint(name: str, default: str = _DEFAULT_COMMAND_HINT) -> str:
    """The hint for an unknown or misplaced command ``\\name``."""
    if name in _COMMAND_HINTS:
        return _COMMAND_HINTS[name]
    close = difflib.get_close_matches(name, _KNOWN_COMMANDS, n=1, cutoff=0.75)
    return f"did you mean \\{close[0]}?" if close and close[0] != name else default


def _hint_for(t: Token, wanted: str | None) -> str:
    if t.kind == "eof" and wanted in ("}", ")", "]"):
        return f"add the missing {wanted!r}"
    if t.kind == "sym" and t.text in ("}", ")", "]") and wanted != t.text:
        return f"remove the unmatched {t.text!r} or add its opening partner"
    if t.kind == "sym" and t.text == "&":
        return "'&' aligns columns; it belongs in an align or aligned environment"
    if t.kind == "cmd":
        return _command_hint(t.text, "this command has no meaning for symbp")
    if t.kind == "sym" and t.text == "/":
        return "write a quotient as \\frac{a}{b}"
    return "check the formula near this token"


def parse_chain(src: str, functions: Iterable[str] = ("h",)) -> Chain:
    """Parse an equation chain ``A = B \\equiv C``; ``functions`` are the names read as ``f(x)``."""
    try:
        return _Parser(src, frozenset(functions)).chain()
    except RecursionError:
        raise LatexSyntaxError("formula nested too deeply", offset=0,
                               hint="split the formula into steps") from None


def parse_expression(src: str, functions: Iterable[str] = ("h",)) -> Node:
    """Parse a single expression (no relation)."""
    chain = parse_chain(src, functions)
    if chain.rels:
        raise LatexSyntaxError("expected one expression, found an equation", offset=0,
                               hint="pass one side only")
    return chain.sides[0]


def _closes_column(toks: list[Token]) -> bool:
    """After Ng's ``Z^{[l](i)``: the closing ``}``, or a transpose (``T``, ``\\top``) then ``}``."""
    if toks and toks[0].kind == "sym" and toks[0].text == "}":
        return True
    return (len(toks) == 2 and ((toks[0].kind == "letter" and toks[0].text == "T")
                                or (toks[0].kind == "cmd" and toks[0].text in ("top", "intercal")))
            and toks[1].kind == "sym" and toks[1].text == "}")
