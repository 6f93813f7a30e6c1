"""AST -> LaTeX: the printer of parsed formulas; ``parse(unparse(x))`` has the key of ``x``.

What symbp echoes is what it checked: every side is printed back with this module and parsed
again before any verdict.  Room ``symbp.latex``; imports :mod:`symbp.notation` and the AST.
"""

from __future__ import annotations

from fractions import Fraction

from ..notation import _groups_text, letter_tex, primed
from .ast import (
    Add,
    Call,
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


def unparse(node: Node) -> str:
    """LaTeX for an AST node; ``parse(unparse(x))`` has the same :meth:`Node.key` as ``x``.

    >>> from symbp.latex.parser import parse_expression
    >>> unparse(parse_expression(r"\\sum_k w_{kj_l} \\delta_k"))
    '\\\\sum_{k} w_{kj_l} \\\\delta_{k}'
    """
    if isinstance(node, Num):
        return _decimal(node.value)
    if isinstance(node, Sym):
        name = letter_tex(node.name)
        if not node.groups:
            return name
        text = _groups_text(node.groups)
        if not text.startswith("_{"):
            text = "_{" + text[1:] + "}"
        return name + text
    if isinstance(node, Call) and node.name == "max" and node.order < 2 and not node.sub:
        # the ReLU as written, \max(0, x), and its derivative [x > 0] (symbp.latex.parser.RELU)
        return f"\\max(0, {unparse(node.arg)})" if not node.order else f"[{unparse(node.arg)} > 0]"
    if isinstance(node, Call):
        sub = _groups_text(node.sub) if node.sub else ""
        return f"{primed(letter_tex(node.name) + sub, node.order)}({unparse(node.arg)})"
    if isinstance(node, Neg):
        inner = unparse(node.arg)
        return f"-{inner}" if not isinstance(node.arg, (Add, Neg)) else f"-\\left({inner}\\right)"
    if isinstance(node, Add):
        out = _paren(node.terms[0], (Add,))
        for t in node.terms[1:]:
            s = _paren(t, (Add,)) if not isinstance(t, Neg) else unparse(t)
            out += f" - {s[1:]}" if isinstance(t, Neg) and not s.startswith("-\\left") else (
                f" {s}" if s.startswith("-") else f" + {s}")
        return out
    if isinstance(node, Mul):
        parts = []
        last = len(node.factors) - 1
        for k, f in enumerate(node.factors):
            # a sum or a derivative operator takes the rest of the term: bracket it unless last
            greedy = isinstance(f, SumOp) or (isinstance(f, Deriv) and f.num is None)
            applied = k and isinstance(node.factors[k - 1], Sym) and node.factors[k - 1].name == "diag" \
                and not node.factors[k - 1].groups  # \operatorname{diag}(v): its argument in brackets
            parts.append(("\\cdot " if k in node.dots else "")  # as written: u \cdot v, a dot product
                         + (_paren(f, (Add, Neg, Mul, Hadamard)) if not (greedy and k < last or applied)
                            else f"\\left({unparse(f)}\\right)"))
        return " ".join(parts)
    if isinstance(node, Div):
        return f"\\frac{{{unparse(node.num)}}}{{{unparse(node.den)}}}"
    if isinstance(node, Pow):
        s = unparse(node.base)
        if not isinstance(node.base, (Sym, Num, Call)):
            s = f"\\left({s}\\right)"
        return f"{s}^{{{node.exp}}}"
    if isinstance(node, SumOp):
        sub = letter_tex(node.index)
        if node.lower is not None:
            sub += "=" + unparse(node.lower)
        sup = f"^{{{unparse(node.upper)}}}" if node.upper is not None else ""
        body = unparse(node.body)
        if isinstance(node.body, (Add, Neg)):
            body = f"\\left({body}\\right)"
        return f"\\sum_{{{sub}}}{sup} {body}"
    if isinstance(node, RangeCond):
        return f"[1 \\le {letter_tex(node.entry)} \\le {node.size}]"
    if isinstance(node, Kron):
        return f"[{_kron_side(node.left)} = {_kron_side(node.right)}]"
    if isinstance(node, Deriv):
        wrt = unparse(node.wrt)
        if node.num is not None:
            return f"\\frac{{\\partial {unparse(node.num)}}}{{\\partial {wrt}}}"
        body = unparse(node.body)  # type: ignore[arg-type]
        if isinstance(node.body, (Add, Neg)):
            body = f"\\left({body}\\right)"
        return f"\\frac{{\\partial}}{{\\partial {wrt}}} {body}"
    if isinstance(node, Transpose):
        s = unparse(node.arg)
        mark = node.mark.removeprefix("(k)") or "T"
        if node.mark.startswith("(k)") and isinstance(node.arg, Sym) and not node.arg.groups \
                and s.endswith("}"):  # as written inside the layer label: W^{(k)\top}, A^{[1]T}
            return s[:-1] + mark + "}"
        if not (isinstance(node.arg, Sym) and "^" not in node.arg.name and not node.arg.groups):
            s = f"\\left({s}\\right)"
        return f"{s}^{{{mark}}}"
    if isinstance(node, Hadamard):
        ops = node.ops if len(node.ops) == len(node.factors) - 1 else ("\\odot",) * (len(node.factors) - 1)
        out = _paren(node.factors[0], (Add, Neg, Hadamard))
        for op, f in zip(ops, node.factors[1:]):
            out += f" {op} " + _paren(f, (Add, Neg, Hadamard))
        return out
    if isinstance(node, Nabla):
        return f"\\nabla_{{{unparse(node.wrt)}}} {_paren(node.body, (Add, Neg, Mul, Hadamard))}"
    raise TypeError(node)


def _kron_side(group: tuple[str, ...]) -> str:
    """``('j', 'l')`` -> ``j_l``; ``('j', 'l', 'm')`` -> ``j_{lm}``."""
    text = _groups_text((group,))[1:]
    return text[1:-1] if text.startswith("{") else text


def _paren(node: Node, kinds: tuple[type, ...]) -> str:
    s = unparse(node)
    return f"\\left({s}\\right)" if isinstance(node, kinds) else s


def _decimal(v: Fraction) -> str:
    if v.denominator == 1:
        return str(v.numerator)
    from decimal import Decimal, localcontext
    with localcontext() as ctx:
        ctx.prec = 60
        return format(Decimal(v.numerator) / Decimal(v.denominator), "f")
