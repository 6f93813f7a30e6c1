"""Checking equations against the mechanical derivation, with honest verdicts.

A chain ``A = B = C`` is checked link by link.  For each link:

1. *index analysis*: a sum over a letter its summand lacks, terms with different free indices,
   free indices that differ between the sides, a letter no layer fits, a symbol whose indices fit
   no family of the network (``w_{jk}`` for ``w_{kj}``): ``refuted``, with a diagnosis;
2. *symbolic*: both sides go to the engine's ground truth (derivatives resolved by the chain
   rule, ``δ`` by its definition, ``z`` by the forward pass) and are compared in normal form:
   equal normal forms are ``verified`` for all sizes;
3. *concrete sizes*: otherwise the sides, with every forward definition unfolded, are compared
   at three concrete size plans as formal expressions: every remaining quantity (inputs, weights,
   ``h(a_j)``, ``h'(a_j)``, the output ``δ``) an independent random integer, in exact integer
   arithmetic.  Agreement is ``verified-at-sizes`` (the sizes are named); a difference is
   ``refuted``.  The numbers shown come from running the network with concrete functions when
   they show the difference, and from the exact integers otherwise.

Input that cannot be checked gives ``error``; a failed check is a result, never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from . import calculus
from .algebra import Expr, budget
from .errors import InputError, NotationError, ResourceLimitError, SymbpError
from .network import Network, components
from .nfprint import NormalFormPrinter, latex
from .numeric import FormalInstance, NetworkInstance, evaluate, size_plans
from .parsing import (
    Call,
    Chain,
    Deriv,
    Div,
    Mul,
    Neg,
    Node,
    Num,
    SumOp,
    Sym,
    letter_tex,
    parse_expression,
    sum_tex,
    unparse,
)
from .semantics import IndexProblem, Interpreter, check_names, free_letters, infer_letters

__all__ = ["AT_SIZES", "ERROR", "REFUTED", "VERDICTS", "VERIFIED", "LinkResult", "check_chain"]

VERIFIED = "verified"
AT_SIZES = "verified-at-sizes"
REFUTED = "refuted"
ERROR = "error"
VERDICTS = (VERIFIED, AT_SIZES, REFUTED, ERROR)
#: the semantic instances tried, in order: (activation, error)
INSTANCES = (("tanh", "sum-of-squares"), ("softplus", "softplus-sum"))


@dataclass
class LinkResult:
    """The verdict on one link ``lhs rel rhs`` of an equation."""

    latex: str
    verdict: str
    message: str
    file: str | None = None
    line: int = 0
    column: int = 0
    label: str | None = None
    link: int = 1
    links: int = 1
    expected: str | None = None
    counterexample: dict[str, Any] | None = None
    sizes: list[dict[str, int]] | None = None
    derived: str | None = None
    suggestion: str | None = None
    caret: str | None = None
    error: str | None = field(default=None, repr=False)
    #: where an input error stands in the equation's text (offset, width); internal
    span: tuple[int, int] | None = field(default=None, repr=False)
    #: an input error because an index letter's range does not fit (a sum's bounds, a Kronecker
    #: delta between two ranges): under another reading of an undeclared letter it may fit; internal
    misfit: bool = field(default=False, repr=False)

    @property
    def as_expected(self) -> bool:
        """Whether the verdict is what the file expects (unmarked: that the equation holds)."""
        if self.expected is None:
            return self.verdict in (VERIFIED, AT_SIZES)
        return self.verdict == self.expected

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("error")
        d.pop("span")
        d.pop("misfit")
        d["as_expected"] = self.as_expected
        return d

    def _repr_latex_(self) -> str | None:
        """Jupyter: the link and its verdict as typeset maths (:mod:`symbp.display`)."""
        from .display import result_latex
        return result_latex(self)

    def _repr_html_(self) -> str:
        """Jupyter: a one-row table of the verdict and its details (:mod:`symbp.display`)."""
        from .display import result_html
        return result_html(self)


class _Refuted(Exception):
    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


def check_chain(net: Network, chain: Chain) -> list[LinkResult]:
    """Check every link of ``chain``."""
    letters, inference = infer_letters(net, chain)
    head = chain.sides[0]
    results = []
    n = len(chain.rels)
    unstable = _unstable_side(net, chain)
    if unstable is not None:
        return [LinkResult(f"{unparse(chain.sides[k])} {chain.rels[k]} {unparse(chain.sides[k + 1])}",
                           ERROR, f"symbp re-reads {unstable!r} differently from what it parsed; "
                           "nothing is claimed (this is a symbp bug: please report it)",
                           link=k + 1, links=n, error="RoundTripError") for k in range(n)]
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
    used = _used_letters(lhs, rhs)
    ambiguous = [p for p in inference if p.kind == "ambiguous" and p.letter in used]
    if ambiguous:
        return _every_reading(net, letters, inference, ambiguous, lhs, rhs, head, suggest)
    return _check_one_reading(net, letters, inference, lhs, rhs, head, suggest)


#: at most this many readings of ambiguous index letters are checked
MAX_READINGS = 8


def _used_letters(lhs: Node, rhs: Node) -> set[str]:
    return lhs.index_letters() | rhs.index_letters()


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
    what = ", ".join(f"{p.letter} over {' or '.join(p.ranges)}" for p in ambiguous)
    hint = f"declare its range: '% symbp: index {first.letter} : <letter>'"
    if len(readings) > MAX_READINGS:
        return LinkResult("", ERROR, f"{first.message} (hint: {hint})", error="NotationError",
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
        return LinkResult("", ERROR, f"{first.message}; one reading could not be decided: "
                          f"{undecided[0].message} (hint: {hint})", error=undecided[0].error,
                          span=(first.pos, 1))
    fitting = [(rs, r) for rs, r in zip(readings, results) if r.verdict != ERROR]
    verdicts = {r.verdict for _, r in fitting}
    if verdicts <= {VERIFIED, AT_SIZES} or verdicts == {REFUTED}:
        res = next((r for _, r in fitting if r.verdict == AT_SIZES), fitting[0][1])
        if len(fitting) > 1:
            what = ", ".join(f"{p.letter} over " + " or ".join(
                r for r in p.ranges if any(rs[k] == r for rs, _ in fitting)) for k, p in enumerate(ambiguous))
            res.message = f"under every reading of the undeclared index ({what}): {res.message}"
        else:
            what = ", ".join(f"{p.letter} over {r}" for p, r in zip(ambiguous, fitting[0][0]))
            res.message = f"reading the undeclared index as {what} (the only reading that fits): " \
                f"{res.message}"
        return res
    return LinkResult("", ERROR, f"{first.message}, and the readings disagree ("
                      + "; ".join(f"{' '.join(rs)}: {r.verdict}" for rs, r in zip(readings, results))
                      + f") (hint: {hint})", error="NotationError", span=(first.pos, 1))


def _check_one_reading(net: Network, letters: dict[str, tuple[str, ...]],
                       inference: list[IndexProblem], lhs: Node, rhs: Node, head: Node,
                       suggest: bool) -> LinkResult:
    try:
        with budget(LINK_SECONDS):
            return _check_link_inner(net, letters, inference, lhs, rhs, head, suggest)
    except _Refuted as r:
        return LinkResult("", REFUTED, r.message, **r.extra)
    except NotationError as exc:
        if getattr(exc, "slip", False):
            msg = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
            fix = _suggest_indices(net, letters, inference, lhs, rhs, head, getattr(exc, "symbol", None)) \
                if suggest else None
            if fix is not None:
                return LinkResult("", REFUTED, f"{msg}; {fix[0]}", suggestion=fix[1])
            return LinkResult("", REFUTED, msg)
        return LinkResult("", ERROR, exc.brief(), error=type(exc).__name__, span=_span(exc),
                          misfit=getattr(exc, "misfit", False))
    except InputError as exc:
        return LinkResult("", ERROR, exc.brief(), error=type(exc).__name__, span=_span(exc),
                          misfit=getattr(exc, "misfit", False))
    except ResourceLimitError as exc:
        return LinkResult("", ERROR, f"bound on the work reached: {exc}", error="ResourceLimitError")
    except RecursionError:
        return LinkResult("", ERROR, "bound on the work reached: expression nested too deeply",
                          error="ResourceLimitError")
    except MemoryError:
        return LinkResult("", ERROR, "bound on the work reached: out of memory",
                          error="ResourceLimitError")
    except SymbpError as exc:
        return LinkResult("", ERROR, str(exc), error=type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - a bug must cost one verdict, never the whole run
        return LinkResult("", ERROR, f"internal error, nothing is claimed (a symbp bug: please "
                          f"report it): {type(exc).__name__}: {exc}", error="InternalError")


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
    problems = [p.message for p in inference if p.letter in used]
    problems += [p.message + " on the left" for p in pl] + [p.message + " on the right" for p in pr]
    unknown = [p for p in inference if p.letter in used and p.kind == "undetermined"]
    if unknown and len(problems) == len(unknown):  # nothing wrong but a letter of unknown range
        raise NotationError(unknown[0].message, offset=unknown[0].pos,
                            hint=f"declare its range: '% symbp: index {unknown[0].letter} : <letter>'")
    # A letter free on one side only is a slip, unless it comes from the variable of a derivative
    # and that side's value does not depend on it: PRML's (5.52) writes ∂a_j/∂w_{ji} = z_i,
    # constant along j; but in \sum_k ∂E/∂a_{j_l} ... the l is a slip.  A side without free
    # indices (a constant such as 0) broadcasts: δ_j - (...) = 0 is fine.
    both = set(fl) | set(fr)
    env = {x: components(x, letters[x] if x in letters else net.letter_ranges(x) or ())
           for x in both}
    interp = Interpreter(net, letters)
    only_l = sorted(x for x in set(fl) - set(fr)
                    if not _constant(rhs, fr) and _depends(interp, lhs, env, x))
    only_r = sorted(x for x in set(fr) - set(fl)
                    if not _constant(lhs, fl) and _depends(interp, rhs, env, x))
    for x in only_r:
        problems.append(f"{letter_tex(x)} is free on the right but " + (
            "the left sums over it" if _sums_over(lhs, x) else "not on the left"))
    for x in only_l:
        problems.append(f"{letter_tex(x)} is free on the left but " + (
            "the right sums over it" if _sums_over(rhs, x) else "not on the right"))
    if problems:
        extra: dict[str, Any] = {}
        hint = _suggest_sum(net, letters, inference, lhs, rhs, pl, pr, only_l, only_r, head) \
            if suggest else None
        if hint is None and suggest and not pl and not pr:
            hint = _suggest_sum_fix(net, letters, inference, lhs, rhs, only_l, only_r, head)
        if hint is None and suggest:
            hint = _suggest_repair(net, letters, inference, lhs, rhs, head)
        if hint:
            problems.append(hint[0])
            extra["suggestion"] = hint[1]
        head_free = set(free_letters(head, net, []))
        head_env = {x: env[x] for x in head_free if x in env}
        extra["derived"] = _derived(net, interp, head, head_env, {x: x for x in head_env}) \
            if len(head_env) == len(head_free) else None
        if extra["derived"] and not hint:
            problems.append(f"symbp derives {extra['derived']}")
        raise _Refuted("; ".join(problems), **extra)
    # 2. symbolic
    free = [(name, r) for x in sorted(both) for name, r in zip(env[x], letters.get(x) or
                                                                net.letter_ranges(x) or ())]
    raw_l = interp.expression(lhs, env)
    raw_r = interp.expression(rhs, env)
    same, gl, gr = calculus.compare(net, raw_l, raw_r)
    names = {name: x if len(env[x]) == 1 else NormalFormPrinter(net).free_letter(name)
             for x in env for name in env[x]}
    derived = _derived(net, interp, head, env, names)
    if same:
        return LinkResult("", VERIFIED, "holds for all sizes: both sides reduce to "
                          f"{latex(net, gl, names)}", derived=derived)
    ul, ur = calculus.unfold(net, gl), calculus.unfold(net, gr)
    if _proved_equal(ul, ur):
        return LinkResult("", VERIFIED, "holds for all sizes, through the forward equations: both "
                          f"sides reduce to {latex(net, ul, names)}", derived=derived)
    # 3. concrete sizes: the exact formal test decides
    plans = size_plans(net)
    differing = next((d for sizes in plans for seed in (1, 2)
                      if not (d := _formal_values(net, ul, ur, sizes, free, seed)).agree), None)
    if differing is None:
        return LinkResult("", AT_SIZES, "agrees exactly as formal expressions (any h, any E) at "
                          f"the sizes tried, {_show_plans(plans)}; not proved for all sizes",
                          sizes=plans, derived=derived)
    msg = _diagnose(net, gl, gr, names)
    cx = _network_counterexample(net, gl, gr, [differing.sizes] + plans, free, names)
    if cx is None:
        cx = _formal_counterexample(net, differing, free, names)
    # last, so that running out of time here costs the proposal, never the refutation
    repair = _suggest_repair(net, letters, inference, lhs, rhs, head, _missing_factors(net, gl, gr, names)) \
        if suggest else None
    if repair is not None:
        msg += f"; {repair[0]}"
    if derived:
        msg += f"; symbp derives {derived}"
    return LinkResult("", REFUTED, msg, counterexample=cx, derived=derived,
                      suggestion=repair[1] if repair is not None else None)


def _proved_equal(a: Expr, b: Expr) -> bool:
    """Equal normal forms: equal for all sizes (kept apart so tests can withhold the proof)."""
    return a == b


def _constant(side: Node, free: dict) -> bool:
    """A side with no free index and no sum (``0``, ``1``, ``K``) is constant along every index."""
    return not free and not any(isinstance(n, SumOp) for n in side.walk())


def _sums_over(side: Node, letter: str) -> bool:
    return any(isinstance(n, SumOp) and n.index == letter for n in side.walk())


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


def _network_counterexample(net: Network, gl: Expr, gr: Expr, plans: list[dict[str, int]],
                            free: list[tuple[str, str]], names: dict[str, str]) -> dict | None:
    """Numbers from running the network with concrete functions, if they show the difference."""
    for sizes in plans:
        for act, err in INSTANCES:
            inst = NetworkInstance(net, sizes, act, err, seed=0)
            try:
                vl = evaluate(net, gl, sizes, inst, free)
                vr = evaluate(net, gr, sizes, inst, free)
            except SymbpError:  # no concrete formula (a 4th derivative): the exact witness will do
                return None
            diff = np.abs(vl - vr)
            tol = 1e-9 * (1 + np.maximum(np.abs(vl), np.abs(vr)))
            if np.any(diff > tol):
                return _counterexample(net, inst, vl, vr, diff, free, names)
    return None


def _formal_counterexample(net: Network, d: _Formal, free: list[tuple[str, str]],
                           names: dict[str, str]) -> dict:
    """The exact witness: independent random integers for every quantity."""
    diff = np.vectorize(lambda a, b: a != b, otypes=[bool])(d.left, d.right)
    at = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.shape else ()
    return {
        "sizes": dict(d.sizes), "index": index_of(net, at, free, names),
        "lhs": str(d.left[at]), "rhs": str(d.right[at]),
        "h": "an arbitrary function: h(a), h'(a), ... independent random integers",
        "E": "an arbitrary function: its output deltas independent random integers",
        "seed": d.seed, "values": {},
    }


def _show_plans(plans: list[dict[str, int]]) -> str:
    return " and ".join("(" + ", ".join(f"{r}={v}" for r, v in p.items()) + ")" for p in plans)


@dataclass
class _Formal:
    """Both sides evaluated at one formal instance (exact integers)."""

    sizes: dict[str, int]
    seed: int
    left: np.ndarray
    right: np.ndarray

    @property
    def agree(self) -> bool:
        return bool(np.array_equal(self.left, self.right))


def _formal_values(net: Network, gl: Expr, gr: Expr, sizes: dict[str, int],
                   free: list[tuple[str, str]], seed: int) -> _Formal:
    inst = FormalInstance(net, sizes, seed)
    return _Formal(sizes, seed, evaluate(net, gl, sizes, inst, free, object),
                   evaluate(net, gr, sizes, inst, free, object))


def _counterexample(net: Network, inst: NetworkInstance, vl: np.ndarray, vr: np.ndarray,
                    diff: np.ndarray, free: list[tuple[str, str]], names: dict[str, str]) -> dict:
    at = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.shape else ()
    index = index_of(net, at, free, names)
    values = {}
    for f in net.families:
        if f.id not in net.definitions and ("ref", f.id) in inst.cache:
            values[f.show()] = np.round(inst.cache[("ref", f.id)], 4).tolist()
    for o in net.outputs:
        if ("target", o) in inst.cache:
            values["t (targets of " + net.show(o) + ")"] = np.round(inst.cache[("target", o)], 4).tolist()
    return {
        "sizes": dict(inst.sizes),
        "index": index,
        "lhs": float(vl[at]),
        "rhs": float(vr[at]),
        **inst.describe(),
        "values": values,
    }


def index_of(net: Network, at: tuple, free: list[tuple[str, str]],
             names: dict[str, str]) -> dict[str, Any]:
    """The free indices at the array position ``at``, 1-based, a composite one as a dict."""
    index: dict[str, Any] = {}
    for (name, _), v in zip(free, at):
        comp = net.component(name)
        if comp is not None:
            index.setdefault(comp[0], {})[comp[1]] = int(v) + 1
        else:
            index[names.get(name, name)] = int(v) + 1
    return index


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
    if (len(raw.terms) == 1 and len(raw.terms[0].factors) == 1 and raw.terms[0].coeff == 1
            and raw.terms[0].factors[0][0] == "grad" and raw.terms[0].factors[0][1] not in net.outputs):
        f = raw.terms[0].factors[0]
        raw = calculus.delta_at(net, f[1], f[2])
    rhs = latex(net, raw, names)
    lhs = unparse(head)
    if rhs.replace(" ", "") == lhs.replace(" ", ""):
        return None  # an output's δ is its own derivation: nothing to add
    return f"{lhs} = {rhs}"


def _suggest_sum(net: Network, letters: dict, inference: list[IndexProblem], lhs: Node, rhs: Node,
                 pl: list[IndexProblem], pr: list[IndexProblem], only_l: list[str],
                 only_r: list[str], head: Node) -> tuple[str, str] | None:
    """For ``\\sum_k`` over a letter its summand lacks, while ``l`` is free in that side but not
    in the equation's head: propose ``\\sum_l``, and say whether the step then verifies."""
    target = set(free_letters(head, net, []))
    fixed_sides = []
    changes = []
    for side, probs in ((lhs, pl), (rhs, pr)):
        vac = [p for p in probs if p.kind == "vacuous-sum"]
        extra = sorted(set(free_letters(side, net, [])) - target)
        if len(vac) == 1 and len(extra) == 1:
            new = _replace_sum_index(side, vac[0].letter, extra[0])
            if new is not None:
                fixed_sides.append(new)
                changes.append((vac[0].letter, extra[0], new))
                continue
        fixed_sides.append(side)
    if not changes:
        return None
    bad, good = changes[0][0], changes[0][1]
    res = _check_link(net, letters, inference, fixed_sides[0], fixed_sides[1], head=head, suggest=False)
    text = f"{unparse(fixed_sides[0])} = {unparse(fixed_sides[1])}"
    if res.verdict in (VERIFIED, AT_SIZES):
        how = "verified for all sizes" if res.verdict == VERIFIED else "verified at the sizes tried"
        return (f"did you mean {sum_tex(good)} instead of {sum_tex(bad)}? with it the step is {how}", text)
    return (f"did you mean {sum_tex(good)} instead of {sum_tex(bad)}? (even then the step is "
            f"{res.verdict}: {res.message})", text)


def _verdict_text(res: LinkResult) -> str:
    return "verified for all sizes" if res.verdict == VERIFIED else "verified at the sizes tried"


def _suggest_sum_fix(net: Network, letters: dict, inference: list[IndexProblem], lhs: Node, rhs: Node,
                     only_l: list[str], only_r: list[str], head: Node) -> tuple[str, str] | None:
    """A letter free on one side only: the sum the writer dropped (``\\sum_k`` around that side), or
    the sum they added (the other side's ``\\sum_k`` taken away) - proposed if the step then holds."""
    tries: list[tuple[str, Node, Node]] = []
    for side, other, free_here in ((rhs, lhs, only_r), (lhs, rhs, only_l)):
        for x in free_here:
            if _sums_over(other, x):
                stripped = _strip_sum(other, x)
                if stripped is not None:
                    tries.append((f"did you sum over {letter_tex(x)} by mistake? without that {sum_tex(x)}",
                                  *((stripped, rhs) if side is rhs else (lhs, stripped))))
            else:
                wrapped = SumOp(side.pos, side.end, x, None, None, side, side.pos)
                tries.append((f"did you forget {sum_tex(x)}? with it",
                              *((lhs, wrapped) if side is rhs else (wrapped, rhs))))
    if len(only_r) == 1 and len(only_l) == 1:  # \delta_k where \delta_j was meant
        x, y = only_r[0], only_l[0]
        tx, ty = letter_tex(x), letter_tex(y)
        tries.insert(0, (f"did you mean {ty} instead of {tx} on the right? with it", lhs,
                         _rename_free(rhs, x, y)))
        tries.insert(1, (f"did you mean {tx} instead of {ty} on the left? with it",
                         _rename_free(lhs, y, x), rhs))
    for words, new_l, new_r in tries[:5]:
        res = _check_link(net, letters, inference, new_l, new_r, head, suggest=False)
        if res.verdict in (VERIFIED, AT_SIZES):
            return (f"{words} the step is {_verdict_text(res)}", f"{unparse(new_l)} = {unparse(new_r)}")
    return None


def _rename_free(node: Node, old: str, new: str) -> Node:
    """``node`` with the free occurrences of the index letter ``old`` written ``new``."""
    from dataclasses import fields, replace
    if isinstance(node, Sym):
        return replace(node, groups=tuple(tuple(new if x == old else x for x in g) for g in node.groups))
    if isinstance(node, SumOp) and node.index == old:
        return node
    changed: dict[str, Any] = {}
    for f in fields(node):
        v = getattr(node, f.name)
        if isinstance(v, Node):
            changed[f.name] = _rename_free(v, old, new)
        elif isinstance(v, tuple) and v and isinstance(v[0], Node):
            changed[f.name] = tuple(_rename_free(c, old, new) for c in v)
    return replace(node, **changed) if changed else node


def _strip_sum(node: Node, letter: str) -> Node | None:
    """``node`` with its (first) ``\\sum_letter`` replaced by the summand."""
    from dataclasses import fields, replace
    if isinstance(node, SumOp) and node.index == letter and node.lower is None:
        return node.body
    for f in fields(node):
        v = getattr(node, f.name)
        if isinstance(v, Node):
            new = _strip_sum(v, letter)
            if new is not None:
                return replace(node, **{f.name: new})
        elif isinstance(v, tuple) and v and isinstance(v[0], Node):
            for i, c in enumerate(v):
                new = _strip_sum(c, letter)
                if new is not None:
                    return replace(node, **{f.name: v[:i] + (new,) + v[i + 1:]})
    return None


def _swap_node(node: Node, old: Node, new: Node) -> Node:
    """``node`` with the subtree ``old`` (by identity) replaced by ``new``."""
    from dataclasses import fields, replace
    if node is old:
        return new
    changed: dict[str, Any] = {}
    for f in fields(node):
        v = getattr(node, f.name)
        if isinstance(v, Node):
            nv = _swap_node(v, old, new)
            if nv is not v:
                changed[f.name] = nv
        elif isinstance(v, tuple) and v and isinstance(v[0], Node):
            nt = tuple(_swap_node(c, old, new) for c in v)
            if any(a is not b for a, b in zip(nt, v)):
                changed[f.name] = nt
    return replace(node, **changed) if changed else node


def _suggest_indices(net: Network, letters: dict, inference: list[IndexProblem], lhs: Node, rhs: Node,
                     head: Node, sym: Sym | None) -> tuple[str, str] | None:
    """A symbol whose indices fit no family (``w_{jk}`` for ``w_{kj}``): its indices rearranged so
    that they fit, proposed if the step then holds."""
    import itertools
    from dataclasses import replace
    if sym is None or len(sym.groups) > 4:
        return None
    cands = [tuple(p) for p in itertools.permutations(sym.groups)]
    cands += [tuple(g[::-1] if len(g) == 2 else g for g in sym.groups)]
    if len(sym.groups) == 1 and len(sym.groups[0]) == 1:  # \delta_i where \delta_k was meant
        cands += [((x,),) for x in sorted(_used_letters(lhs, rhs)) if x != sym.groups[0][0]]
    interp = Interpreter(net, letters)
    for groups in cands:
        if groups == sym.groups:
            continue
        fixed = replace(sym, groups=groups)
        try:
            interp.family_for(fixed)
        except SymbpError:
            continue
        new_l, new_r = _swap_node(lhs, sym, fixed), _swap_node(rhs, sym, fixed)
        res = _check_link(net, letters, inference, new_l, new_r, head, suggest=False)
        if res.verdict in (VERIFIED, AT_SIZES):
            why = " (indices in the network's order)" if sorted(groups) == sorted(sym.groups) else ""
            return (f"did you mean {unparse(fixed)}{why}? with it the step is {_verdict_text(res)}",
                    f"{unparse(new_l)} = {unparse(new_r)}")
    return None


#: the most one-token repairs tried for a value refutation, and the seconds they may take
MAX_REPAIRS = 40
REPAIR_SECONDS = 2.0


def _repairs(side: Node, letters_used: list[str]) -> list[tuple[Node, Node, str]]:
    """One-token repairs of a side: ``(old node, new node, what changes)``."""
    from dataclasses import replace
    out: list[tuple[Node, Node, str]] = []
    for n in side.walk():
        if isinstance(n, Call):
            for order in (n.order - 1, n.order + 1):
                if 0 <= order <= 3:
                    out.append((n, replace(n, order=order), ""))
        elif isinstance(n, Sym) and len(n.groups) == 1 and len(n.groups[0]) == 1:
            for x in letters_used:
                if x != n.groups[0][0]:
                    out.append((n, replace(n, groups=((x,),)), ""))
            if n.name in ("a", "z"):
                out.append((n, replace(n, name="z" if n.name == "a" else "a"), ""))
        elif isinstance(n, Neg):
            out.append((n, n.arg, "without the minus sign"))
        elif isinstance(n, Mul) and isinstance(n.factors[0], (Num, Div)) and len(n.factors) > 1:
            rest = n.factors[1:]
            out.append((n, rest[0] if len(rest) == 1 else replace(n, factors=rest),
                        f"without the factor {unparse(n.factors[0])}"))
    return out


def _missing_factors(net: Network, gl: Expr, gr: Expr, names: dict[str, str]) -> list[Node]:
    """Factors of the left's single term that the right's lacks (with free indices only), as AST."""
    from .algebra import factor_indices
    if len(gl.terms) != 1 or len(gr.terms) != 1:
        return []
    rest = list(gr.terms[0].factors)
    out = []
    for f in gl.terms[0].factors:
        if f in rest:
            rest.remove(f)
        elif f[0] != "kd" and all(i[0] == "f" for i in factor_indices(f)):
            try:
                out.append(parse_expression(latex(net, Expr.atom(f), names), net.functions))
            except SymbpError:
                continue
    return out[:3]


def _suggest_repair(net: Network, letters: dict, inference: list[IndexProblem], lhs: Node, rhs: Node,
                    head: Node, missing: Sequence[Node] = ()) -> tuple[str, str] | None:
    """A value refutation: the one-token change (an index, a prime, ``a``/``z``, a sign, a factor)
    under which the step holds, named in the writer's notation (the first found, right side first)."""
    used = sorted(_used_letters(lhs, rhs))
    candidates = [(rhs, rhs, Mul(rhs.pos, rhs.end, (m, rhs)), f"with a factor {unparse(m)}")
                  for m in missing]
    candidates += [(side, old, new, words) for side in (rhs, lhs) for old, new, words in _repairs(side, used)]
    try:
        with budget(REPAIR_SECONDS):
            return _first_repair(net, letters, inference, lhs, rhs, head, candidates)
    except SymbpError:  # out of time: no proposal, the refutation stands
        return None


def _first_repair(net: Network, letters: dict, inference: list[IndexProblem], lhs: Node, rhs: Node,
                  head: Node, candidates: list) -> tuple[str, str] | None:
    import time
    start = time.monotonic()
    tried = 0
    for side, old, new, words in candidates:
        if tried >= MAX_REPAIRS or time.monotonic() - start > REPAIR_SECONDS:
            return None
        tried += 1
        if side is rhs:
            new_l, new_r = lhs, _swap_node(rhs, old, new)
        else:
            new_l, new_r = _swap_node(lhs, old, new), rhs
        try:
            res = _check_link(net, letters, inference, new_l, new_r, head, suggest=False)
        except SymbpError:
            continue
        if res.verdict in (VERIFIED, AT_SIZES):
            where = "right" if side is rhs else "left"
            what = (f"the {where} side {words}" if words
                    else f"{unparse(new)} instead of {unparse(old)} on the {where}")
            return (f"did you mean {what}? with it the step is {_verdict_text(res)}",
                    f"{unparse(new_l)} = {unparse(new_r)}")
    return None


def _replace_sum_index(node: Node, bad: str, good: str) -> Node | None:
    from dataclasses import replace
    if isinstance(node, SumOp) and node.index == bad:
        return replace(node, index=good)
    for attr in ("body", "num", "arg"):
        child = getattr(node, attr, None)
        if isinstance(child, Node):
            new = _replace_sum_index(child, bad, good)
            if new is not None:
                return replace(node, **{attr: new})
    for attr in ("factors", "terms"):
        kids = getattr(node, attr, None)
        if kids:
            for i, child in enumerate(kids):
                new = _replace_sum_index(child, bad, good)
                if new is not None:
                    return replace(node, **{attr: kids[:i] + (new,) + kids[i + 1:]})
    return None


# ----------------------------------------------------------------------------------------------
# diagnosis of a value refutation


def _signature(net: Network, f: tuple) -> str:
    if f[0] == "ref":
        return net.families[f[1]].name
    if f[0] == "grad":
        return "delta"
    if f[0] == "fn":
        return f"{f[1]}{chr(39) * f[2]}(...)"
    return "kd"


def _short(x: Any, limit: int = 24) -> str:
    s = str(x)
    return s if len(s) <= limit else f"{s[:10]}...{s[-6:]} ({len(s)} digits)"


def _term_text(net: Network, t: Any, names: dict[str, str]) -> str:
    s = latex(net, Expr([t]), names)
    return s if len(s) <= 90 else s[:87] + "..."


def _diagnose(net: Network, gl: Expr, gr: Expr, names: dict[str, str]) -> str:
    msg = "the two sides differ"
    dl = {t.key: t.coeff for t in gl.terms}
    dr = {t.key: t.coeff for t in gr.terms}
    if dl and dl.keys() == dr.keys():  # the same terms: one number between the sides?
        ratios = {dr[k] / dl[k] for k in dl}
        if len(ratios) == 1:
            ratio = ratios.pop()
            if ratio == -1:
                return f"{msg} in sign only"
            return f"{msg} by a factor of {_short(ratio)} (right over left)"
    if len(gl.terms) != len(gr.terms) or len(gl.terms) != 1:
        head = (f"{msg}: the left has {len(gl.terms)} term(s), the right {len(gr.terms)}"
                if len(gl.terms) != len(gr.terms) else f"{msg}: {len(gl.terms)} terms each")
        only_l = [t for t in gl.terms if dr.get(t.key) != t.coeff]
        only_r = [t for t in gr.terms if dl.get(t.key) != t.coeff]
        parts = []
        if only_l and len(only_l) <= 3:
            parts.append("on the left only: " + ", ".join(_term_text(net, t, names) for t in only_l))
        if only_r and len(only_r) <= 3:
            parts.append("on the right only: " + ", ".join(_term_text(net, t, names) for t in only_r))
        return head + ("; " + "; ".join(parts) if parts else "")
    tl, tr = gl.terms[0], gr.terms[0]
    if (tl.sizes, tl.dummies, tl.factors) == (tr.sizes, tr.dummies, tr.factors):
        ratio = tr.coeff / tl.coeff
        if ratio == -1:
            return f"{msg} in sign only"
        return f"{msg} by a factor of {_short(ratio)} (right over left)"
    hints = []
    if tl.sizes != tr.sizes:
        for s in _multiset_minus(list(tr.sizes), list(tl.sizes)):
            hints.append(f"the right side has an extra factor {s} (the size of a range)")
        for s in _multiset_minus(list(tl.sizes), list(tr.sizes)):
            hints.append(f"the left side has an extra factor {s} (the size of a range)")
    if tl.coeff != tr.coeff:
        hints.append(f"the factors {tl.coeff} and {tr.coeff} differ")
    if len(tl.dummies) != len(tr.dummies):
        more, side = (tl, "left") if len(tl.dummies) > len(tr.dummies) else (tr, "right")
        hints.append(f"the {side} side sums over more indices ({len(more.dummies)} against "
                     f"{len(tl.dummies) + len(tr.dummies) - len(more.dummies)}): a sum is added or dropped")
    sl = sorted(_signature(net, f) for f in tl.factors)
    sr = sorted(_signature(net, f) for f in tr.factors)
    if sl == sr and len(tl.dummies) == len(tr.dummies) and tl.sizes == tr.sizes:
        hints.append("the same quantities appear on both sides, with different indices "
                     "(transposed or renamed indices?)")
    else:
        missing = _multiset_minus(sl, sr)
        extra = _multiset_minus(sr, sl)
        for s in missing:
            hints.append(f"a factor {_factor_text(net, tl, s, names)} of the left side is missing on the "
                         "right")
        for s in extra:
            hints.append(f"the right side has an extra factor {_factor_text(net, tr, s, names)}")
    hints = list(dict.fromkeys(hints))  # a factor missing twice is said once
    return msg + (": " + "; ".join(hints) if hints else "")


def _factor_text(net: Network, t: Any, sig: str, names: dict[str, str]) -> str:
    """A factor in the writer's notation (``h'(a_{j})``) when its indices are all free; else its
    name (``h'(...)``, ``w``)."""
    from .algebra import factor_indices
    for f in t.factors:
        if _signature(net, f) == sig and all(i[0] == "f" for i in factor_indices(f)):
            return latex(net, Expr.atom(f), names)
    return _sig_text(sig)


def _multiset_minus(a: list[str], b: list[str]) -> list[str]:
    rest = list(b)
    out = []
    for x in a:
        if x in rest:
            rest.remove(x)
        else:
            out.append(x)
    return out


def _sig_text(s: str) -> str:
    return {"delta": "\\delta", "kd": "Kronecker delta"}.get(s, s)
