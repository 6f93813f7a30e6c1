"""Checking equations against the mechanical derivation, with honest verdicts.

A chain ``A = B = C`` is checked link by link.  For each link:

1. *index analysis*, which explains and decides nothing alone: a sum over a letter its summand
   lacks, terms with different free indices and a letter free on one side only are remarks; the
   value decides (an equation means: for every value of its free letters, all sizes).  If it
   holds, the remarks are ``warnings`` of a ``verified`` result; if not, they are the diagnosis
   of the ``refuted`` one, with the value's counterexample.  A letter no layer fits and a symbol
   whose indices fit no family (``w_{jk}`` for ``w_{kj}``) give the equation no value:
   ``refuted`` with the diagnosis; a letter nothing places: ``error``;
2. *symbolic*: both sides go to the engine's ground truth (derivatives resolved by the chain
   rule, ``δ`` by its definition, ``z`` by the forward pass) and are compared in normal form:
   equal normal forms are ``verified`` for all sizes;
3. *the sizes are algebra*: otherwise the sides, with every forward definition unfolded, are
   compared exactly as formal expressions at sizes where no coefficient of their difference (a
   polynomial in the sizes) vanishes, then at plans drawn for the equation (seeded from its
   text, :func:`symbp.engine.numeric.drawn_plans`): a difference is ``refuted``, agreement
   everywhere ``verified-at-sizes`` naming every plan (:mod:`symbp.checker.diagnosis`).

Input that cannot be checked gives ``error``; a failed check is a result, never an exception.
Room ``symbp.checker``; imports the rooms below it and its own ``results``, ``context``,
``repair`` and ``diagnosis`` (which never import the pipeline back: the repair search re-checks
a candidate through :attr:`LinkContext.recheck`).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

from .. import diagnoses as dx
from ..engine import calculus, shifted
from ..engine.numeric import drawn_plans, nonvanishing_plans
from ..engine.semantics import (
    IndexProblem,
    Interpreter,
    bare_functions,
    check_names,
    free_letters,
    infer_letters,
)
from ..errors import InputError, NotationError, ResourceLimitError, SymbpError
from ..latex.ast import Chain, Deriv, Node, SumOp, Sym
from ..latex.edit import sums_over, used_letters
from ..latex.parser import parse_expression
from ..latex.unparse import unparse
from ..limits import budget
from ..model.factors import Grad, view
from ..model.network import Network, components
from ..model.normal_form import Expr
from ..notation import letter_tex
from ..printers.nfprint import NormalFormPrinter, latex
from . import repair
from .context import LinkContext
from .diagnosis import _diagnose, _formal_counterexample, _formal_values, _network_counterexample, _show_plans
from .results import AT_SIZES, ERROR, REFUTED, VERIFIED, LinkResult, _Refuted


def check_chain(net: Network, chain: Chain) -> list[LinkResult]:
    """Check every link of ``chain``."""
    letters, inference = infer_letters(net, chain)
    head = chain.sides[0]
    results = []
    n = len(chain.rels)
    unstable = _unstable_side(net, chain)
    if unstable is not None:
        return [LinkResult.of(f"{unparse(chain.sides[k])} {chain.rels[k]} {unparse(chain.sides[k + 1])}",
                              ERROR, [dx.RoundTrip(unstable)], link=k + 1, links=n, error="RoundTripError")
                for k in range(n)]
    for k in range(n):
        lhs, rhs = chain.sides[k], chain.sides[k + 1]
        text = f"{unparse(lhs)} {chain.rels[k]} {unparse(rhs)}"
        res = _check_link(net, letters, inference, lhs, rhs, head)
        res.latex = text
        res.link, res.links = k + 1, n
        results.append(res)
    return results


#: seconds of work allowed for one link (the symbolic and the numeric checks together)
LINK_SECONDS = 5.0


def _span(exc: InputError) -> tuple[int, int] | None:
    return (exc.offset, exc.width) if exc.offset is not None else None


def _unstable_side(net: Network, chain: Chain) -> str | None:
    """The boundary guard: every side, printed back and parsed again, must give the same AST.
    What symbp echoes is then exactly what it checked."""
    for side in chain.sides:
        text = unparse(side)
        try:
            again = parse_expression(text, net.functions)
        except SymbpError:
            return text
        if again.key() != side.key():
            return text
    return None


def _check_link(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
                lhs: Node, rhs: Node, head: Node, suggest: bool = True) -> LinkResult:
    used = used_letters(lhs, rhs)
    ambiguous = [p for p in inference if p.kind == "ambiguous" and p.letter in used]
    if ambiguous:
        return _every_reading(net, letters, inference, ambiguous, lhs, rhs, head, suggest)
    return _check_one_reading(net, letters, inference, lhs, rhs, head, suggest)


#: at most this many readings of ambiguous index letters are checked
MAX_READINGS = 8


def _every_reading(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
                   ambiguous: list[IndexProblem], lhs: Node, rhs: Node, head: Node,
                   suggest: bool) -> LinkResult:
    """An undeclared letter that could run over several ranges: the link is checked under every
    reading.  The same verdict under all of them is the verdict (whatever the writer meant);
    otherwise nothing is claimed and the letter must be declared."""
    import itertools
    rest = [p for p in inference if p not in ambiguous]
    readings = list(itertools.product(*(p.ranges for p in ambiguous)))
    first = ambiguous[0]
    index = first.diagnosis or dx.IndexSlip(first.kind, first.message)
    if len(readings) > MAX_READINGS:
        return LinkResult.of("", ERROR, [dx.AmbiguousReading(index, first.letter)], error="NotationError",
                             span=(first.pos, 1))
    results = [_check_one_reading(net, {**letters, **{p.letter: (r,) for p, r in zip(ambiguous, rs)}},
                                  rest, lhs, rhs, head, suggest) for rs in readings]
    if all(r.verdict == ERROR for r in results):  # the same input error under every reading
        return next((r for r in results if not r.misfit), results[0])
    # a reading the input does not fit (\sum_{n=1}^{K} read with n over J, [q = j] with q over K)
    # is no reading; any other error leaves a reading undecided (a bound, a bug, a derivative
    # symbp does not read, such as d/dz_j of a_q with q over J), so nothing is claimed then
    undecided = [r for r in results if r.verdict == ERROR and not r.misfit]
    if undecided:
        why = dx.parts_of(undecided[0].diagnoses) if undecided[0].diagnoses else (undecided[0].message,)
        return LinkResult.of("", ERROR, [dx.AmbiguousReading(index, first.letter, undecided=why)],
                             error=undecided[0].error, span=(first.pos, 1))
    fitting = [(rs, r) for rs, r in zip(readings, results) if r.verdict != ERROR]
    verdicts = {r.verdict for _, r in fitting}
    if verdicts <= {VERIFIED, AT_SIZES} or verdicts == {REFUTED}:
        res = next((r for _, r in fitting if r.verdict == AT_SIZES), fitting[0][1])
        if len(fitting) > 1:
            fit = tuple((p.letter, tuple(r for r in p.ranges if any(rs[k] == r for rs, _ in fitting)))
                        for k, p in enumerate(ambiguous))
            reading = dx.Reading(fit, every=True)
        else:
            reading = dx.Reading(tuple((p.letter, (r,)) for p, r in zip(ambiguous, fitting[0][0])),
                                 every=False)
        if res.diagnoses:
            res.diagnoses = [reading, *res.diagnoses]
            res.message = dx.message(res.diagnoses)
        else:  # a result worded without diagnoses keeps its words
            res.message = f"{reading.text}: {res.message}"
        return res
    disagree = tuple((tuple(rs), r.verdict) for rs, r in zip(readings, results))
    return LinkResult.of("", ERROR, [dx.AmbiguousReading(index, first.letter, readings=disagree)],
                         error="NotationError", span=(first.pos, 1))


def _check_one_reading(net: Network, letters: dict[str, tuple[str, ...]],
                       inference: list[IndexProblem], lhs: Node, rhs: Node, head: Node,
                       suggest: bool) -> LinkResult:
    try:
        with budget(LINK_SECONDS):
            res = _check_link_inner(net, letters, inference, lhs, rhs, head, suggest)
        bare = bare_functions(net, (lhs, rhs))
        if bare and res.verdict in (VERIFIED, AT_SIZES):  # a function is no number: never verified
            b = bare[0]
            return LinkResult("", ERROR, f"{unparse(b)} is a function written without its argument; "
                              f"read as its value the step would hold, but as written it equates a "
                              f"function with a number (hint: write {unparse(b)}(...) or "
                              f"{unparse(b)}'(...))", error="NotationError", span=(b.pos, b.end - b.pos),
                              code=dx.UNKNOWN_SYMBOL.name)
        return res
    except _Refuted as r:
        return LinkResult.of("", REFUTED, r.diagnoses, **r.extra)
    except NotationError as exc:
        if exc.slip:
            slip: list[dx.Diagnosis] = [exc.diagnosis if exc.diagnosis is not None else dx.IndexSlip(
                "slip", f"{exc.message}; {exc.hint}" if exc.hint else exc.message)]
            fix = repair.suggest_indices(_context(net, letters, inference, head), lhs, rhs,
                                         exc.symbol) if suggest else None
            if fix is not None:
                return LinkResult.of("", REFUTED, [*slip, fix], suggestion=fix.equation)
            return LinkResult.of("", REFUTED, slip)
        return LinkResult("", ERROR, exc.brief(), error=type(exc).__name__, span=_span(exc),
                          misfit=exc.misfit, code=exc.code)
    except InputError as exc:
        return LinkResult("", ERROR, exc.brief(), error=type(exc).__name__, span=_span(exc),
                          misfit=exc.misfit, code=exc.code)
    except ResourceLimitError as exc:
        return LinkResult.of("", ERROR, [dx.BoundReached(str(exc))], error="ResourceLimitError")
    except RecursionError:
        return LinkResult.of("", ERROR, [dx.BoundReached("expression nested too deeply")],
                             error="ResourceLimitError")
    except MemoryError:
        return LinkResult.of("", ERROR, [dx.BoundReached("out of memory")], error="ResourceLimitError")
    except SymbpError as exc:
        return LinkResult("", ERROR, str(exc), error=type(exc).__name__, code=dx.INTERNAL_ERROR.name)
    except Exception as exc:  # noqa: BLE001 - a bug must cost one verdict, never the whole run
        return LinkResult.of("", ERROR, [dx.InternalError(type(exc).__name__, str(exc))],
                             error="InternalError")


def _check_link_inner(net: Network, letters: dict[str, tuple[str, ...]],
                      inference: list[IndexProblem], lhs: Node, rhs: Node, head: Node,
                      suggest: bool) -> LinkResult:
    check_names(net, (lhs, rhs))
    # 1. index analysis
    pl: list[IndexProblem] = []
    pr: list[IndexProblem] = []
    fl = free_letters(lhs, net, pl)
    fr = free_letters(rhs, net, pr)
    used = {x for side in (lhs, rhs) for node in side.walk() if isinstance(node, Sym)
            for x in node.letters} | {node.index for side in (lhs, rhs) for node in side.walk()
                                      if isinstance(node, SumOp)}
    problems = [_problem(p) for p in inference if p.letter in used]
    problems += [_problem(p, "left") for p in pl] + [_problem(p, "right") for p in pr]
    unknown = [p for p in inference if p.letter in used and p.kind == "undetermined"]
    # nothing wrong but a letter of unknown range (index remarks decide nothing, and without the
    # range there is no value): an input error
    if unknown and len(unknown) == sum(p.letter in used for p in inference):
        raise NotationError(unknown[0].message, offset=unknown[0].pos, code=dx.UNDETERMINED_INDEX.name,
                            hint=f"declare its range: '% symbp: index {unknown[0].letter} : <letter>'")
    # A letter free on one side only is remarked on (the value decides), unless it comes from the
    # variable of a derivative and that side's value does not depend on it: PRML's (5.52) writes
    # ∂a_j/∂w_{ji} = z_i, constant along j.  A side without free indices (a constant such as 0)
    # broadcasts: δ_j - (...) = 0 draws no remark.
    both = set(fl) | set(fr)
    env = {x: components(x, letters[x] if x in letters else net.letter_ranges(x) or ())
           for x in both}
    interp = Interpreter(net, letters)
    only_l = sorted(x for x in set(fl) - set(fr)
                    if not _constant(rhs, fr) and _depends(interp, lhs, env, x))
    only_r = sorted(x for x in set(fr) - set(fl)
                    if not _constant(lhs, fl) and _depends(interp, rhs, env, x))
    for x in only_r:
        problems.append(dx.FreeIndexMismatch(x, "right", sums_over(lhs, x)))
    for x in only_l:
        problems.append(dx.FreeIndexMismatch(x, "left", sums_over(rhs, x)))
    # index rules explain, they do not decide: a vacuous sum, terms with different free indices
    # and a letter free on one side only are remarks, and the value decides (for every value of
    # the free letters, all sizes); a letter no layer fits has no value: refuted as before
    by_index = any(p.letter in used for p in inference)
    remarks = problems[len(problems) - len(pl) - len(pr) - len(only_l) - len(only_r):]

    def index_refutation(cx: dict | None = None, witness: dict | None = None) -> _Refuted:
        extra: dict[str, Any] = {"counterexample": cx, "witness": witness} if cx is not None else {}
        ctx = _context(net, letters, inference, head)
        hint = repair.suggest_sum(ctx, lhs, rhs, pl, pr) \
            if suggest else None
        if hint is None and suggest and not pl and not pr:
            hint = repair.suggest_sum_fix(ctx, lhs, rhs, only_l, only_r)
        if hint is None and suggest:
            hint = repair.suggest_repair(ctx, lhs, rhs)
        if hint:
            problems.append(hint)
            extra["suggestion"] = hint.equation
        head_free = set(free_letters(head, net, []))
        head_env = {x: env[x] for x in head_free if x in env}
        extra["derived"] = _derived(net, interp, head, head_env, {x: x for x in head_env}) \
            if len(head_env) == len(head_free) else None
        if extra["derived"] and not hint:
            problems.append(dx.Derived(extra["derived"]))
        return _Refuted(problems, **extra)

    if problems and by_index:
        raise index_refutation()
    if problems:
        # its own repair search is not needed: the index analysis proposes the fix
        res = _by_value(net, letters, inference, lhs, rhs, head, False, interp, env, both)
        if res.verdict in (VERIFIED, AT_SIZES):
            res.warnings = [{"code": dx.primary([d]) or "index-slip", "message": _holds_anyway(d.text)}
                            for d in remarks]
            return res
        if res.verdict == REFUTED:  # the index analysis is the diagnosis, the value the evidence
            raise index_refutation(res.counterexample, res.witness)
        return res
    return _by_value(net, letters, inference, lhs, rhs, head, suggest, interp, env, both)


def _aliases(net: Network) -> dict[str, str]:
    """Function names declared as the same concrete function (``activation h = tanh`` and
    ``activation g = tanh``): each mapped to one of them (the first in alphabetical order)."""
    first: dict[str, str] = {}
    for name in sorted(net.activations):
        first.setdefault(net.activations[name], name)
    return {n: first[k] for n, k in net.activations.items() if first[k] != n}


def _one_name(net: Network, e: Expr) -> Expr:
    """``e`` with every function written under the name :func:`_aliases` gives it: an equal
    expression (the functions are the same), so equal results are equal values.

    >>> from symbp import declare
    >>> net = declare([r"a_j = \\sum_i w_{ji} x_i", r"z_j = g(a_j)", r"a_k = \\sum_j v_{kj} z_j",
    ...                r"y_k = h(a_k)"], params=["w", "v"], activations={"h": "tanh", "g": "tanh"})
    >>> _aliases(net)
    {'h': 'g'}
    """
    alias = _aliases(net)

    def rename(f: tuple) -> tuple:
        return f._replace(name=alias[f.name]) if f.tag == "fn" and f.name in alias else f

    return Expr.from_raw((t.coeff, t.sizes, dict(enumerate(t.dummies)), [rename(f) for f in t.factors])
                         for t in e.terms)


def _holds_anyway(remark: str) -> str:
    """An index remark on an equation that holds by value."""
    if " is free on the " in remark:
        return f"holds for every {remark.split(' ', 1)[0]}; {remark}"
    if "does not occur in the summand" in remark:
        return f"{remark}: the sum is the summand times the size of its range"
    return f"{remark}: a term without one of these indices is the same for every value of it"


def _by_value(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
              lhs: Node, rhs: Node, head: Node, suggest: bool, interp: Interpreter, env: dict,
              both: set[str]) -> LinkResult:
    """The verdict by value: the engine's normal forms, then exact formal values at sizes."""
    # 2. symbolic
    free = [(name, r) for x in sorted(both) for name, r in zip(env[x], letters.get(x) or
                                                                net.letter_ranges(x) or ())]
    raw_l = interp.expression(lhs, env)
    raw_r = interp.expression(rhs, env)
    if net.padding == "zero" and _shifted(raw_l, raw_r):  # 0 outside a range: its condition is explicit
        raw_l, raw_r = shifted.pad(net, raw_l, free), shifted.pad(net, raw_r, free)
    same, gl, gr = calculus.compare(net, raw_l, raw_r)
    if not same and _aliases(net):  # two names declared as one function are one function
        gl, gr = _one_name(net, gl), _one_name(net, gr)
        same = gl == gr
    names = {name: x if len(env[x]) == 1 else NormalFormPrinter(net).free_letter(name)
             for x in env for name in env[x]}
    derived = _derived(net, interp, head, env, names)
    if same:
        return LinkResult.of("", VERIFIED, [dx.Holds(latex(net, gl, names))], derived=derived)
    ul, ur = calculus.unfold(net, gl), calculus.unfold(net, gr)
    if net.padding == "zero" and _shifted(ul, ur):
        ul, ur = shifted.pad(net, ul, free), shifted.pad(net, ur, free)
    if _aliases(net):
        ul, ur = _one_name(net, ul), _one_name(net, ur)
    if _proved_equal(ul, ur):
        return LinkResult.of("", VERIFIED, [dx.Holds(latex(net, ul, names), forward=True)], derived=derived)
    # 3. the sizes are algebra: the difference's coefficients are polynomials in the sizes; it is
    # evaluated exactly (formal values) at sizes where none of them vanishes, then at plans drawn
    # for this equation
    diff = ul - ur
    polys = list(diff.coefficients().values())
    plans = nonvanishing_plans(net, polys, _seed(lhs, rhs))
    if plans is None:
        raise ResourceLimitError("a coefficient of the difference of the two sides, a polynomial in "
                                 "the sizes, vanishes at every size plan within the bounds")
    # where a side reads a family outside its range (x_{j-m+1} at j = 1), what it holds there is
    # unknown unless the file says (% symbp: padding zero): fresh unknowns, the same at the same place
    outside = "zero" if net.padding == "zero" else "unknown"
    differing = next((d for sizes in plans for seed in (1, 2)
                      if not (d := _formal_values(net, ul, ur, sizes, free, seed, outside)).agree), None)
    draw = None
    if differing is None:
        degree = max((len(t.sizes) + len(t.dummies) for t in diff.terms), default=1)
        indices = max((len(t.dummies) for t in diff.terms), default=0) + len(free)
        draw = drawn_plans(net, f"{unparse(lhs)} = {unparse(rhs)}", degree, indices)
        differing = next((d for sizes in draw.plans
                          if not (d := _formal_values(net, ul, ur, sizes, free, 1, outside)).agree), None)
    if differing is not None and outside == "unknown" and _shifted(ul, ur):
        undecided = _padding_decides(net, ul, ur, raw_l, raw_r, plans + (draw.plans if draw else []), free,
                                     (rhs.pos, max(1, rhs.end - rhs.pos)))
        if undecided is not None:
            return undecided
    if differing is None:
        assert draw is not None
        return LinkResult.of("", AT_SIZES, [dx.HoldsAtSizes(
            f"{_show_plans(plans)}, and at {draw.describe()}: {_show_plans(draw.plans)}")],
            sizes=plans + draw.plans, derived=derived)
    opaque = _opaque(net, ul, ur)
    if opaque:  # exp, log, ...: read as undefined functions, a difference is no evidence
        return LinkResult("", ERROR, f"not decided: the two sides differ as formal expressions, but "
                          f"they involve {opaque}, which symbp reads as an undefined differentiable "
                          f"function (its own algebra, such as exp' = exp, is not known yet), so the "
                          f"difference is no evidence that the step is wrong", error="UnsupportedError",
                          code=dx.UNSUPPORTED.name)
    diags: list[dx.Diagnosis] = [_diagnose(net, gl, gr, names)]
    diags += _poly_remark(net, diff, differing.sizes, names)
    if outside == "unknown" and _shifted(gl, gr):
        reads = [r for e in (raw_l, raw_r) for r in shifted.outside_reads(net, e, differing.sizes, free)] or \
            [r for e in (gl, gr) for r in shifted.outside_reads(net, e, differing.sizes, free)]
        if reads:
            diags.append(dx.OutsideRange(tuple(dict.fromkeys(reads))))
    cx, ran = _network_counterexample(net, gl, gr, [differing.sizes] + plans, free, names)
    if cx is None:
        cx = _formal_counterexample(net, differing, free, names)
    # last, so that running out of time here costs the proposal, never the refutation
    fix = repair.suggest_repair(_context(net, letters, inference, head), lhs, rhs,
                                 repair.missing_factors(net, gl, gr, names)) \
        if suggest else None
    if fix is not None:
        diags.append(fix)
    if derived:
        diags.append(dx.Derived(derived))
    return LinkResult.of("", REFUTED, diags, counterexample=cx, derived=derived, witness=ran,
                         suggestion=fix.equation if fix is not None else None)


def _shifted(*exprs: Expr) -> bool:
    """Whether an expression has a shifted position or a range condition."""
    return any(shifted.has_shift(f) for e in exprs for t in e.terms for f in t.factors)


def _padding_decides(net: Network, ul: Expr, ur: Expr, gl: Expr, gr: Expr, plans: list[dict[str, int]],
                     free: list[tuple[str, str]], span: tuple[int, int]) -> LinkResult | None:
    """The sides differ where the positions outside a family's range hold unknowns; if they agree
    wherever those hold 0 (zero padding), the verdict is the convention's, which the file does not
    state: an input error naming what is read there and the two ways to say it, never a guess.
    ``None`` when the sides differ under zero padding too (then they differ whatever is there)."""
    if any(not _formal_values(net, ul, ur, sizes, free, seed, "zero").agree for sizes in plans
           for seed in (1, 2)):
        return None
    reads: list[str] = []
    for sizes in plans:
        reads = shifted.outside_reads(net, gl, sizes, free) + shifted.outside_reads(net, gr, sizes, free)
        if reads:
            where = f" (at sizes {', '.join(f'{r}={v}' for r, v in sizes.items())})"
            break
    else:
        where = ""
    what = "; ".join(dict.fromkeys(reads)) + where if reads else "a family outside its range"
    return LinkResult("", ERROR, f"not decided: a side reads {what}, and the step holds if the "
                      "positions outside a family's range hold 0 (zero padding) but not for other "
                      "values there; the file does not say which (hint: declare '% symbp: padding "
                      "zero', or bound the sum with a range condition such as [1 \\le i-m+1 \\le J])",
                      error="NotationError", code=dx.AMBIGUOUS_READING.name, span=span)


def _problem(p: IndexProblem, side: str | None = None) -> dx.Diagnosis:
    """An index problem as a diagnosis, on ``side`` (``None``: of the letters' inference)."""
    if p.diagnosis is None:
        return dx.IndexSlip(p.kind, p.message, side)
    return replace(p.diagnosis, side=side) if side is not None else p.diagnosis  # type: ignore[call-arg]


def _opaque(net: Network, *exprs: Expr) -> str | None:
    """The first function of ``exprs`` with an algebra symbp does not know (``\\exp``)."""
    names = net.opaque_functions
    for e in exprs:
        for t in e.terms:
            for f in t.factors:
                if f.tag == "fn" and f.name in names:
                    return letter_tex(f.name)
    return None


def _poly_remark(net: Network, diff: Expr, sizes: dict[str, int], names: dict[str, str]
                 ) -> list[dx.Diagnosis]:
    """What the algebra of the sizes shows: the difference of the two sides has a coefficient that
    is a polynomial in the sizes (``(I - 2)(K - 6)``), not zero at the counterexample's sizes."""
    import sympy

    from ..model.normal_form import Term, poly_value
    coeffs = diff.coefficients()
    if len(coeffs) != 1:
        return []
    (structure, poly), = coeffs.items()
    if not poly_value(poly, sizes) or all(not m for m in poly):
        return []
    value = sympy.factor(sum(sympy.Rational(c.numerator, c.denominator)
                             * sympy.Mul(*(sympy.Symbol(r) for r in m)) for m, c in poly.items()))
    what = latex(net, Expr([Term(Fraction(1), (), *structure)]), names)
    at = ", ".join(f"{r}={v}" for r, v in sizes.items() if any(r in m for m in poly))
    return [dx.PolynomialDifference(sympy.latex(value), what, at)]


def _seed(lhs: Node, rhs: Node) -> int:
    """A seed from the equation's text: reproducible, and different for different equations."""
    import hashlib
    return int.from_bytes(hashlib.sha256(f"{unparse(lhs)} = {unparse(rhs)}".encode()).digest()[:4], "big")


def _proved_equal(a: Expr, b: Expr) -> bool:
    """Equal normal forms: equal for all sizes (kept apart so tests can withhold the proof)."""
    return a == b


def _constant(side: Node, free: dict) -> bool:
    """A side with no free index and no sum (``0``, ``1``, ``K``) is constant along every index."""
    return not free and not any(isinstance(n, SumOp) for n in side.walk())


def _depends(interp: Interpreter, side: Node, env: dict, letter: str) -> bool:
    """Whether a letter free on one side only is a slip: yes, unless it comes from the variable
    of a derivative on that side and the side's value does not depend on it."""
    if not any(isinstance(n, Deriv) and letter in n.wrt.letters for n in side.walk()):
        return True
    try:
        value = interp.expression(side, env)
    except SymbpError:
        return True
    return bool(set(env[letter]) & value.free())


def _derived(net: Network, interp: Interpreter, head: Node, env: dict, names: dict) -> str | None:
    """What the engine derives for the equation's head, if it is a derivative or a δ."""
    if not isinstance(head, (Deriv, Sym)) or (isinstance(head, Sym) and head.name != "delta"):
        return None
    heads_free = free_letters(head, net, [])
    if not set(heads_free) <= set(env):
        return None
    try:
        raw = interp.expression(head, env)
    except SymbpError:
        return None
    one = len(raw.terms) == 1 and len(raw.terms[0].factors) == 1 and raw.terms[0].coeff == 1
    only = view(raw.terms[0].factors[0]) if one else None
    if isinstance(only, Grad) and only.fam not in net.outputs:
        fam = only.fam
        # one layer down; through rewrite, so a δ under a sum (∂E/∂b_k = Σ_l δ_{k_l}, a bias
        # shared over positions) keeps its summed index
        raw = calculus.rewrite(raw, lambda g: calculus.delta_at(net, g.fam, g.idx)
                               if g.tag == "grad" and g.fam == fam else None)
    rhs = latex(net, raw, names)
    lhs = unparse(head)
    if rhs.replace(" ", "") == lhs.replace(" ", ""):
        return None  # an output's δ is its own derivation: nothing to add
    return f"{lhs} = {rhs}"


def _context(net: Network, letters: dict[str, tuple[str, ...]], inference: list[IndexProblem],
             head: Node) -> LinkContext:
    """What the repair search needs: the link's reading, and a way to re-check a candidate."""
    return LinkContext(net, letters, inference, head,
                       lambda l, r: _check_link(net, letters, inference, l, r, head, suggest=False))
