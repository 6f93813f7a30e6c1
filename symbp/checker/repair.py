"""The did-you-mean search: the one-token change under which a refuted step holds.

``\\sum_l`` for ``\\sum_k``, a dropped or added sum, ``w_{kj}`` for ``w_{jk}``, ``h'`` for ``h``,
``a`` for ``z``, a sign, a factor: each candidate is re-checked through the link's
:class:`~symbp.checker.context.LinkContext` and proposed only when it verifies.  Before that
full re-check, each candidate of the one-token search is screened by one numeric evaluation
(:class:`_Screen`): most candidates are wrong, and a wrong one is dropped at the cost of one
evaluation instead of a canonical comparison and a diagnosis.  Bounded by
:data:`MAX_REPAIRS` candidates and :data:`REPAIR_SECONDS`.  Room ``symbp.checker``; imports the
rooms below it, ``context`` and ``results``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import diagnoses as dx
from ..engine import calculus
from ..engine.numeric import LayeredFormalInstance, NetworkInstance, evaluate, size_plans, small_plans
from ..engine.semantics import IndexProblem, Interpreter, free_letters
from ..errors import SymbpError
from ..latex.ast import Call, Div, Mul, Neg, Node, Num, SumOp, Sym
from ..latex.edit import rename_free, replace_sum_index, strip_sum, sums_over, swap_node, used_letters
from ..latex.parser import parse_expression
from ..latex.unparse import unparse
from ..limits import budget, clock
from ..model.factors import Kd, view
from ..model.network import Network, components
from ..model.normal_form import Expr
from ..printers.nfprint import latex
from .context import LinkContext
from .results import AT_SIZES, VERIFIED, LinkResult


def _suggestion(kind: str, res: LinkResult, new_l: Node, new_r: Node, **fields: object) -> dx.Suggestion:
    """The proposal ``new_l = new_r`` (what ``res`` says of it) as data; its English is
    :class:`symbp.diagnoses.Suggestion`'s."""
    return dx.Suggestion(kind, res.verdict, f"{unparse(new_l)} = {unparse(new_r)}", lhs=new_l, rhs=new_r,
                         **fields)  # type: ignore[arg-type]


def suggest_sum(ctx: LinkContext, lhs: Node, rhs: Node, pl: list[IndexProblem], pr: list[IndexProblem]
                ) -> dx.Suggestion | None:
    """For ``\\sum_k`` over a letter its summand lacks, while ``l`` is free in that side but not
    in the equation's head: propose ``\\sum_l``, and say whether the step then verifies."""
    target = set(free_letters(ctx.head, ctx.net, []))
    fixed_sides = []
    changes = []
    for side, probs in ((lhs, pl), (rhs, pr)):
        vac = [p for p in probs if p.kind == "vacuous-sum"]
        extra = sorted(set(free_letters(side, ctx.net, [])) - target)
        if len(vac) == 1 and len(extra) == 1:
            new = replace_sum_index(side, vac[0].letter, extra[0])
            if new is not None:
                fixed_sides.append(new)
                changes.append((vac[0].letter, extra[0], new))
                continue
        fixed_sides.append(side)
    if not changes:
        return None
    bad, good = changes[0][0], changes[0][1]
    res = ctx.recheck(fixed_sides[0], fixed_sides[1])
    return _suggestion("sum-index", res, fixed_sides[0], fixed_sides[1], new=good, old=bad,
                       outcome="" if res.verdict in (VERIFIED, AT_SIZES) else res.message)


def suggest_sum_fix(ctx: LinkContext, lhs: Node, rhs: Node, only_l: list[str], only_r: list[str]
                    ) -> dx.Suggestion | None:
    """A letter free on one side only: the sum the writer dropped (``\\sum_k`` around that side), or
    the sum they added (the other side's ``\\sum_k`` taken away) - proposed if the step then holds."""
    tries: list[tuple[dict, Node, Node]] = []
    for side, other, free_here in ((rhs, lhs, only_r), (lhs, rhs, only_l)):
        for x in free_here:
            if sums_over(other, x):
                stripped = strip_sum(other, x)
                if stripped is not None:
                    tries.append(({"kind": "extra-sum", "new": x},
                                  *((stripped, rhs) if side is rhs else (lhs, stripped))))
            else:
                wrapped = SumOp(side.pos, side.end, x, None, None, side, side.pos)
                tries.append(({"kind": "forgotten-sum", "new": x},
                              *((lhs, wrapped) if side is rhs else (wrapped, rhs))))
    if len(only_r) == 1 and len(only_l) == 1:  # \delta_k where \delta_j was meant
        x, y = only_r[0], only_l[0]
        tries.insert(0, ({"kind": "rename", "new": y, "old": x, "side": "right"}, lhs,
                         rename_free(rhs, x, y)))
        tries.insert(1, ({"kind": "rename", "new": x, "old": y, "side": "left"}, rename_free(lhs, y, x),
                         rhs))
    screen = _Screen(ctx, direct=1)
    for what, new_l, new_r in tries[:5]:
        res = screen.recheck(new_l, new_r)
        if res is not None and res.verdict in (VERIFIED, AT_SIZES):
            return _suggestion(what.pop("kind"), res, new_l, new_r, **what)
    return None


def suggest_indices(ctx: LinkContext, lhs: Node, rhs: Node, sym: Sym | None) -> dx.Suggestion | None:
    """A symbol whose indices fit no family (``w_{jk}`` for ``w_{kj}``): its indices rearranged so
    that they fit, proposed if the step then holds."""
    import itertools
    from dataclasses import replace
    if sym is None or len(sym.groups) > 4:
        return None
    cands = [tuple(p) for p in itertools.permutations(sym.groups)]
    cands += [tuple(g[::-1] if len(g) == 2 else g for g in sym.groups)]
    if len(sym.groups) == 1 and len(sym.groups[0]) == 1:  # \delta_i where \delta_k was meant
        cands += [((x,),) for x in sorted(used_letters(lhs, rhs)) if x != sym.groups[0][0]]
    interp = Interpreter(ctx.net, ctx.letters)
    screen = _Screen(ctx, direct=1)
    for groups in cands:
        if groups == sym.groups:
            continue
        fixed = replace(sym, groups=groups)
        try:
            interp.family_for(fixed)
        except SymbpError:
            continue
        new_l, new_r = swap_node(lhs, sym, fixed), swap_node(rhs, sym, fixed)
        res = screen.recheck(new_l, new_r)
        if res is not None and res.verdict in (VERIFIED, AT_SIZES):
            return _suggestion("indices", res, new_l, new_r, new=unparse(fixed),
                               reordered=sorted(groups) == sorted(sym.groups))
    return None


#: the most one-token repairs tried for a value refutation, and the seconds they may take
MAX_REPAIRS = 40
REPAIR_SECONDS = 2.0
#: counts of the candidates the search tried (screened, rejected by the screen, re-checked); for benchmarks
STATS: dict[str, int] = {}


def _repairs(side: Node, letters_used: list[str]) -> list[tuple[Node, Node, tuple[str, ...]]]:
    """One-token repairs of a side: ``(old node, new node, what changes)`` (empty: a token
    replaced; else the parts of :class:`symbp.diagnoses.Suggestion`'s ``words``)."""
    from dataclasses import replace
    out: list[tuple[Node, Node, tuple[str, ...]]] = []
    for n in side.walk():
        if isinstance(n, Call):
            for order in (n.order - 1, n.order + 1):
                if 0 <= order <= 3:
                    out.append((n, replace(n, order=order), ()))
        elif isinstance(n, Sym) and len(n.groups) == 1 and len(n.groups[0]) == 1:
            for x in letters_used:
                if x != n.groups[0][0]:
                    out.append((n, replace(n, groups=((x,),)), ()))
            if n.name in ("a", "z"):
                out.append((n, replace(n, name="z" if n.name == "a" else "a"), ()))
        elif isinstance(n, Neg):
            out.append((n, n.arg, ("without the minus sign",)))
        elif isinstance(n, Mul) and isinstance(n.factors[0], (Num, Div)) and len(n.factors) > 1:
            rest = n.factors[1:]
            out.append((n, rest[0] if len(rest) == 1 else replace(n, factors=rest),
                        ("without the factor ", dx.Math(unparse(n.factors[0])))))
    return out


def missing_factors(net: Network, gl: Expr, gr: Expr, names: dict[str, str]) -> list[Node]:
    """Factors of the left's single term that the right's lacks (with free indices only), as AST."""
    from ..model.normal_form import factor_indices
    if len(gl.terms) != 1 or len(gr.terms) != 1:
        return []
    rest = list(gr.terms[0].factors)
    out = []
    for f in gl.terms[0].factors:
        if f in rest:
            rest.remove(f)
        elif not isinstance(view(f), Kd) and all(i[0] == "f" for i in factor_indices(f)):
            try:
                out.append(parse_expression(latex(net, Expr.atom(f), names), net.functions))
            except SymbpError:
                continue
    return out[:3]


def suggest_repair(ctx: LinkContext, lhs: Node, rhs: Node,
                   missing: Sequence[Node] = ()) -> dx.Suggestion | None:
    """A value refutation: the one-token change (an index, a prime, ``a``/``z``, a sign, a factor)
    under which the step holds, named in the writer's notation (the first found, right side first)."""
    used = sorted(used_letters(lhs, rhs))
    candidates = [(rhs, rhs, Mul(rhs.pos, rhs.end, (m, rhs)), ("with a factor ", dx.Math(unparse(m))))
                  for m in missing]
    candidates += [(side, old, new, words) for side in (rhs, lhs) for old, new, words in _repairs(side, used)]
    try:
        with budget(REPAIR_SECONDS):
            return _first_repair(ctx, lhs, rhs, candidates)
    except SymbpError:  # out of time: no proposal, the refutation stands
        return None


class _Screen:
    """One cheap numeric evaluation of a candidate, before any full re-check: both sides, with
    every hidden ``δ`` backpropagated (no canonical comparison, no diagnosis), evaluated on the
    network run forward at the first size plan with random values.  A candidate whose sides differ
    there cannot verify (a verified or verified-at-sizes step agrees at that plan for every ``h``
    and ``E``, so for the concrete ones too) and is dropped; one the screen cannot evaluate, or
    whose sides have different free letters, goes to the full re-check.  In a deep network the
    evaluation is exact instead (formal values at small sizes, each hidden ``δ`` from its
    definition).  The screen only ever saves work: what is proposed is still what
    :meth:`LinkContext.recheck` verified."""

    def __init__(self, ctx: LinkContext, direct: int = 0) -> None:
        self.ctx = ctx
        self.direct = direct  # the first candidates that go straight to the full re-check
        self.interp = Interpreter(ctx.net, ctx.letters)
        net = ctx.net
        # a deep network: exact formal values at small sizes, its layers evaluated one by one (run
        # forward, its bottom layers' gradients would vanish, and every candidate pass the screen)
        self.exact = calculus.is_deep(net) and not net.opaque_functions and \
            len(set(net.activations.values())) == len(net.activations)
        self.sizes = small_plans(net)[0] if self.exact else size_plans(net)[0]
        # (the exact instance: the checker's probe's, whose δ the network has already evaluated)
        self.inst: NetworkInstance | LayeredFormalInstance = (
            LayeredFormalInstance(net, self.sizes, seed=1) if self.exact
            else NetworkInstance(net, self.sizes, seed=7))
        # by id, holding the node so that its id is not reused (the sides repeat across candidates)
        self.values: dict[int, tuple[Node, tuple[frozenset[str], np.ndarray] | None]] = {}

    def _value(self, side: Node) -> tuple[frozenset[str], np.ndarray] | None:
        key = id(side)
        if key not in self.values:
            self.values[key] = (side, None)
            try:
                net, letters = self.ctx.net, self.ctx.letters
                free = sorted(free_letters(side, net, []))
                env = {x: components(x, letters[x] if x in letters else net.letter_ranges(x) or ())
                       for x in free}
                pairs = [(name, r) for x in free for name, r in
                         zip(env[x], letters.get(x) or net.letter_ranges(x) or ())]
                if any(len(env[x]) != len(letters.get(x) or net.letter_ranges(x) or ()) for x in free):
                    return None
                # hidden δ are evaluated layer by layer by the instance, not expanded
                expr = calculus.substitute_aliases(net, self.interp.expression(side, env))
                if self.exact:
                    val = evaluate(net, calculus.unfold(net, expr), self.sizes, self.inst, pairs, object)
                else:
                    val = np.asarray(evaluate(net, expr, self.sizes, self.inst, pairs), dtype=float)
                self.values[key] = (side, (frozenset(free), val))
            except (SymbpError, ArithmeticError, ValueError, AssertionError, KeyError, TypeError):
                pass
        return self.values[key][1]

    def recheck(self, lhs: Node, rhs: Node) -> LinkResult | None:
        """The full re-check of a candidate that passes the screen (None: it does not)."""
        if self.direct > 0:  # a search whose first candidate is usually right: no screen for it
            self.direct -= 1
            STATS["re-checked"] = STATS.get("re-checked", 0) + 1
            return self.ctx.recheck(lhs, rhs)
        STATS["screened"] = STATS.get("screened", 0) + 1
        if self.rejects(lhs, rhs):
            STATS["rejected by the screen"] = STATS.get("rejected by the screen", 0) + 1
            return None
        STATS["re-checked"] = STATS.get("re-checked", 0) + 1
        return self.ctx.recheck(lhs, rhs)

    def rejects(self, lhs: Node, rhs: Node) -> bool:
        """Whether the candidate ``lhs = rhs`` certainly does not hold (its values differ)."""
        a, b = self._value(lhs), self._value(rhs)
        if a is None or b is None or a[0] != b[0] or a[1].shape != b[1].shape:
            return False
        va, vb = a[1], b[1]
        if self.exact:
            return not np.array_equal(va, vb)
        if not (np.all(np.isfinite(va)) and np.all(np.isfinite(vb))):
            return False
        scale = max(1.0, float(np.max(np.abs(va), initial=0.0)), float(np.max(np.abs(vb), initial=0.0)))
        return not np.allclose(va, vb, rtol=1e-6, atol=1e-9 * scale)


def _first_repair(ctx: LinkContext, lhs: Node, rhs: Node, candidates: list) -> dx.Suggestion | None:
    start = clock()
    tried = 0
    screen = _Screen(ctx)
    for side, old, new, words in candidates:
        if tried >= MAX_REPAIRS or clock() - start > REPAIR_SECONDS:
            return None
        tried += 1
        if side is rhs:
            new_l, new_r = lhs, swap_node(rhs, old, new)
        else:
            new_l, new_r = swap_node(lhs, old, new), rhs
        try:
            res = screen.recheck(new_l, new_r)
        except SymbpError:
            continue
        if res is not None and res.verdict in (VERIFIED, AT_SIZES):
            where = "right" if side is rhs else "left"
            if words:
                return _suggestion("edit", res, new_l, new_r, side=where, words=words)
            return _suggestion("token", res, new_l, new_r, new=unparse(new), old=unparse(old), side=where)
    return None
