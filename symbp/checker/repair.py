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
from ..engine.numeric import NetworkInstance, evaluate, size_plans
from ..engine.semantics import IndexProblem, Interpreter, free_letters
from ..errors import SymbpError
from ..latex.ast import Add, Call, Div, Kron, Mul, Neg, Node, Num, SumOp, Sym
from ..latex.edit import rename_free, replace_sum_index, strip_sum, sums_over, swap_node, used_letters
from ..latex.parser import parse_expression
from ..latex.unparse import unparse
from ..limits import budget, clock
from ..model.factors import Grad, Kd, view
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


def _right_only(ctx: LinkContext) -> bool:
    """Whether a proposal may change the right side only: under an average (Nielsen's ``C =
    \\frac{1}{n} \\sum_x C_x``) a link is checked part by part, and a part's left side is a part of
    the derivative the claim states, so a change there would not correct the claim."""
    return ctx.net.mean


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
    if _right_only(ctx):
        tries = [t for t in tries if t[1] is lhs]
    screen = _Screen.of(ctx)
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
    screen = _Screen.of(ctx)
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
    candidates += [(side, old, new, words) for side in ((rhs,) if _right_only(ctx) else (rhs, lhs))
                   for old, new, words in _repairs(side, used)]
    try:
        with budget(REPAIR_SECONDS):
            return _first_repair(ctx, lhs, rhs, candidates)
    except SymbpError:  # out of time: no proposal, the refutation stands
        return None


class _Screen:
    """One cheap numeric evaluation of a candidate, before any full re-check: both sides, with
    every hidden ``δ`` expanded (no canonical comparison, no diagnosis), evaluated on the network
    run forward at the first size plan with random values.  A candidate whose sides differ there
    cannot verify (a verified or verified-at-sizes step agrees at that plan for every ``h`` and
    ``E``, so for the concrete ones too) and is dropped; one the screen cannot evaluate goes to the
    full re-check.  Both sides are evaluated over the union of their free letters, each constant
    along the letters it lacks, as the check itself compares them (``k`` free on one side only
    is a remark there, and the value decides).  The screen only ever saves
    work: what is proposed is still what :meth:`LinkContext.recheck` verified."""

    def __init__(self, ctx: LinkContext, direct: int = 0) -> None:
        self.ctx = ctx
        self.direct = direct  # the first candidates that go straight to the full re-check
        self.interp = Interpreter(ctx.net, ctx.letters)
        self.sizes, self.inst, self.deltas = _instance(ctx.net)
        net = ctx.net
        # PRML's unit 0 (a sum from 0, x_0 = 1, w_{j0}) and E = \sum_n E_n: the screen's evaluation
        # does not know them, so it evaluates nothing there and every candidate goes to the full
        # re-check (read once: the network does not change under the screen)
        self.blind = bool(net.zero_ranges or net.constants or net.patterns
                          or any(f.units for f in net.families))
        # by id, holding the node so that its id is not reused (the sides repeat across candidates)
        self.values: dict[int, tuple[Node, tuple[list[str], np.ndarray] | None]] = {}
        self.leaves: dict[tuple, tuple[Node, tuple[tuple[str, ...], np.ndarray] | None]] = {}

    @classmethod
    def of(cls, ctx: LinkContext, direct: int = 0) -> _Screen:
        """The screen of ``ctx``: made once per link, shared by the searches one refutation runs
        in turn (the proposals of an index refutation, then the one-token search), so that the
        network is run forward and each side evaluated once."""
        last = _LAST_SCREEN[0] if _LAST_SCREEN else None
        if last is None or last.ctx is not ctx:
            last = cls(ctx)
            _LAST_SCREEN[:] = [last]
        last.direct = direct
        return last

    def _atom(self, f: tuple) -> np.ndarray:
        """The value of a factor: :class:`NetworkInstance`'s, and a hidden family's ``δ`` by its
        definition one layer down (:func:`calculus.delta_definition`), evaluated once, the ``δ`` of
        the layers above in turn by this method: backpropagation on the instance, the value of
        the expansion :func:`calculus.expand_deltas_at_once` writes out term by term."""
        g = view(f)
        if not isinstance(g, Grad) or g.fam in self.ctx.net.outputs:
            return self.inst(f)
        if g.fam not in self.deltas:
            self.deltas[g.fam] = None  # a δ defined through itself: not evaluated (ValueError below)
            net = self.ctx.net
            free = [(f"#{k}", r) for k, r in enumerate(net.families[g.fam].axes)]
            self.deltas[g.fam] = evaluate(net, calculus.delta_definition(net, g.fam), self.sizes,
                                          self._atom, free)
        val = self.deltas[g.fam]
        if val is None:
            raise ValueError("a δ defined through itself")
        return val

    def _value(self, side: Node) -> tuple[list[str], np.ndarray] | None:
        """``side`` over its free letters: the name of each axis (a letter's components), and
        the array; None if the screen cannot evaluate it."""
        key = id(side)
        if self.blind:
            return None
        if key not in self.values:
            self.values[key] = (side, None)
            try:
                net, letters = self.ctx.net, self.ctx.letters
                free = sorted(free_letters(side, net, []))
                env = {x: components(x, letters[x] if x in letters else net.letter_ranges(x) or ())
                       for x in free}
                if any(len(env[x]) != len(letters.get(x) or net.letter_ranges(x) or ()) for x in free):
                    return None
                ranges = {name: r for x in free for name, r in
                          zip(env[x], letters.get(x) or net.letter_ranges(x) or ())}
                if len(ranges) != sum(len(env[x]) for x in free):
                    return None
                names, val = self._num(side, env, ranges, 0)
                self.values[key] = (side, (list(names), np.asarray(val, dtype=float)))
            except (SymbpError, ArithmeticError, ValueError, AssertionError, KeyError, TypeError):
                pass
        return self.values[key][1]

    def _num(self, node: Node, env: dict[str, tuple[str, ...]], ranges: dict[str, str], depth: int
             ) -> tuple[tuple[str, ...], np.ndarray]:
        """The value of ``node`` as an array with named axes (the names ``env`` gives the letters,
        each axis over ``ranges[name]``): sums, sums of terms, products and signs numerically,
        every other node (a symbol, ``h'(a_j)``, a derivative, a quotient) through the
        interpreter's normal form, evaluated once per node and letters (the candidates of a
        search share most of their subtrees).  A value is constant along the axes it lacks, as a
        normal form's term is along the free indices it does not mention."""
        if isinstance(node, Neg):
            names, v = self._num(node.arg, env, ranges, depth)
            return names, -v
        if isinstance(node, (Add, Mul)):
            parts = [self._num(c, env, ranges, depth) for c in node.children()]
            names = tuple(sorted({n for ns, _ in parts for n in ns}))
            if _cells(names, ranges, self.sizes) > _SCREEN_CELLS:
                raise ValueError("too large for the screen")
            out = None
            for ns, v in parts:
                v = _aligned(ns, v, names)
                out = v if out is None else (out + v if isinstance(node, Add) else out * v)
            assert out is not None
            return names, out
        if isinstance(node, SumOp) and node.lower is None and node.upper is None:
            rs = self.interp.ranges_of(node.index, node.index_pos)
            bound = tuple(f"~{depth}~{k}" for k in range(len(rs)))
            inner = {**ranges, **dict(zip(bound, rs))}
            names, v = self._num(node.body, {**env, node.index: bound}, inner, depth + 1)
            axes = tuple(k for k, n in enumerate(names) if n in bound)
            count = 1
            for n, r in zip(bound, rs):  # a summand constant along a summed index: times its size
                if n not in names:
                    count *= self.sizes[r]
            return tuple(n for n in names if n not in bound), np.sum(v, axis=axes) * count
        if isinstance(node, Num):
            return (), np.asarray(float(node.value))
        # a leaf: the interpreter's normal form, evaluated over its free indices
        used = sorted({x for n in node.walk() if isinstance(n, Sym) for x in n.letters}
                      | {n.index for n in node.walk() if isinstance(n, SumOp)}
                      | {x for n in node.walk() if isinstance(n, Kron) for x in n.left + n.right})
        key = (id(node), tuple((x, env.get(x)) for x in used))
        if key not in self.leaves:
            self.leaves[key] = (node, None)
            expr = self.interp.expression(node, env)
            names = tuple(sorted(expr.free()))
            val = evaluate(self.ctx.net, expr, self.sizes, self._atom, [(n, ranges[n]) for n in names])
            self.leaves[key] = (node, (names, np.asarray(val, dtype=float)))
        got = self.leaves[key][1]
        if got is None:
            raise ValueError("a leaf the screen could not evaluate")
        return got

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
        """Whether the candidate ``lhs = rhs`` certainly does not hold (its values differ, each
        side constant along the letters it lacks, as the check compares them)."""
        a, b = self._value(lhs), self._value(rhs)
        if a is None or b is None:
            return False
        union = tuple(sorted(set(a[0]) | set(b[0])))
        va, vb = _aligned(tuple(a[0]), a[1], union), _aligned(tuple(b[0]), b[1], union)
        if not (np.all(np.isfinite(va)) and np.all(np.isfinite(vb))):
            return False
        try:
            va, vb = np.broadcast_arrays(va, vb)
        except ValueError:
            return False
        scale = max(1.0, float(np.max(np.abs(va), initial=0.0)), float(np.max(np.abs(vb), initial=0.0)))
        return not np.allclose(va, vb, rtol=1e-6, atol=1e-9 * scale)


_LAST_SCREEN: list[_Screen] = []
#: the networks the screen ran forward (by id, holding the network), the most recent last
_INSTANCES: dict[tuple, tuple[Network, tuple]] = {}


def _instance(net: Network) -> tuple[dict[str, int], NetworkInstance, dict[int, np.ndarray | None]]:
    """The network run forward at its first size plan with random values (seed 7), and the
    ``δ`` the screen computed on it: made once per network, shared by the screens of all its
    links.  Every value is drawn at once, in the order of the families, so that the values do
    not depend on which link (which process, under ``-j``) asked first."""
    key = (id(net), len(net.families), len(net.definitions))
    if key in _INSTANCES:
        return _INSTANCES[key][1]  # type: ignore[return-value]
    sizes = size_plans(net)[0]
    inst = NetworkInstance(net, sizes, seed=7)
    try:
        for fam in net.families:
            inst.value(fam.id)
        for fam in net.outputs:
            inst.target(fam)
    except (SymbpError, ArithmeticError, ValueError, AssertionError, KeyError, TypeError):
        inst = NetworkInstance(net, sizes, seed=7)  # drawn as asked, as before
        return sizes, inst, {}
    if len(_INSTANCES) >= 16:
        del _INSTANCES[next(iter(_INSTANCES))]
    _INSTANCES[key] = (net, (sizes, inst, {}))
    return _INSTANCES[key][1]  # type: ignore[return-value]
#: the most cells of one intermediate array of the screen (past it, the full re-check decides)
_SCREEN_CELLS = 1 << 16


def _cells(names: tuple[str, ...], ranges: dict[str, str], sizes: dict[str, int]) -> int:
    n = 1
    for name in names:
        n *= sizes[ranges[name]]
    return n


def _aligned(names: tuple[str, ...], v: np.ndarray, target: tuple[str, ...]) -> np.ndarray:
    """``v`` (axes ``names``, a subset of ``target`` in its order) with an axis of length 1 for
    each name of ``target`` it lacks, so that it broadcasts along them."""
    if names == target:
        return v
    shape = []
    it = iter(v.shape)
    for n in target:
        shape.append(next(it) if n in names else 1)
    return v.reshape(shape)


def _first_repair(ctx: LinkContext, lhs: Node, rhs: Node, candidates: list) -> dx.Suggestion | None:
    start = clock()
    tried = 0
    screen = _Screen.of(ctx)
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
