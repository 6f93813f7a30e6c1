"""Numeric checks: every checked equation evaluated with numbers, against finite differences.

For each link ``A = B`` of an equation, at concrete sizes and random values (float64):

* both sides are evaluated (each side in the form symbp compares: every ``δ`` expanded down to
  the outputs, ``z`` by ``h(a)``), each sum one ``einsum`` (:func:`symbp.engine.numeric.lambdify`), and
  compared with each other;
* a side that *is* a derivative — ``δ_j`` (``∂E/∂a_j``), ``∂E/∂w_{ji}``, ``∂a_k/∂a_j``,
  ``\\frac{\\partial}{\\partial w_{ji}} \\sum_i w_{ji} z_i`` — is also compared with the true
  derivative: central finite differences of the forward pass (the quantity differentiated by is
  perturbed entry by entry and everything downstream of it recomputed).

The largest relative error of each comparison is reported with the index where it occurs.  A
*verified* equation whose numbers disagree would be a bug in symbp; :attr:`NumericResult.as_expected`
is false for it, and the command exits 1.

The concrete choices (:class:`Options`): ``h`` among tanh, logistic, softplus and identity
(default tanh; a second undeclared function gets the next of tanh, softplus, logistic, so that
``g`` and ``h`` differ); ``E`` the sum of squares ``1/2 Σ (y - t)^2`` (default), the softmax
cross-entropy ``-Σ t log softmax(y)`` (the softmax over all entries of an output family,
targets ``t`` a random probability vector) or the binary cross-entropy (targets uniform in
(0, 1); defined for outputs in (0, 1) only: a link run at outputs outside is skipped), the names
of ``% symbp: error`` (:data:`symbp.catalogue.ERROR_KINDS`); what a derivation file declares
(``activation``, ``error``) is kept.  Sizes default to distinct ``2, 3, 4, …`` in the order of
the range names, skipping the sizes given (:func:`default_sizes`); inputs, weights and regression targets are
standard normal with weights scaled by 0.5, from ``seed`` (default 0).

>>> import symbp
>>> from symbp.numcheck import check_equation
>>> r, = check_equation(r"\\delta_j = h'(a_j) \\sum_k w_{kj} \\delta_k", symbp.builtin("plain"))
>>> r.status, [c.what for c in r.comparisons]
('agree', ['left vs right', 'left vs finite differences'])
>>> r, = check_equation(r"\\delta_j = h(a_j) \\sum_k w_{kj} \\delta_k", symbp.builtin("plain"))
>>> r.link.verdict, r.status, r.as_expected
('refuted', 'differ', True)
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from . import api
from .catalogue import CYCLE, ERRORS, NUMERIC_ERRORS
from .checker.diagnosis import index_of
from .checker.files import family_shapes
from .checker.pipeline import over_patterns, pattern_parts
from .checker.results import AT_SIZES, ERROR, REFUTED, VERIFIED, LinkResult
from .document import Derivation, derivation_files, load, strip_label
from .engine import calculus
from .engine.labels import read_in, uses_labels
from .engine.numeric import ACTIVATIONS, FORWARD_ERROR, Lambdified, _bounded, evaluate, lambdify
from .engine.semantics import Interpreter, free_letters, infer_letters
from .engine.vector import Mismatch, needs_translation, translate
from .errors import InputError, ResourceLimitError, SymbpError, UnsupportedError
from .latex.ast import Chain, Deriv, Node, Sym
from .latex.parser import parse_chain
from .limits import budget, check_deadline
from .model.factors import Ref
from .model.network import Network, components
from .model.normal_form import Expr, F
from .parallel import import_sympy, map_files

__all__ = ["ERROR_FUNCTIONS", "Comparison", "Forward", "NumericReport", "NumericResult", "Options",
           "check_equation", "check_file", "check_paths"]

AGREE, DIFFER, SKIPPED = "agree", "differ", "skipped"


#: concrete errors for numeric checks: name -> (description, E(y, t), dE/dy(y, t), targets(rng, shape)),
#: from the catalogue
ERROR_FUNCTIONS: dict[str, tuple[str, Callable, Callable, Callable]] = {
    name: (e.text, e.energy, e.gradient, e.targets) for name in NUMERIC_ERRORS for e in (ERRORS[name],)}


@dataclass
class Options:
    """The concrete choices of a numeric check (see the module docstring for the defaults)."""

    activation: str = "tanh"
    error: str = "sum-of-squares"
    sizes: dict[str, int] = field(default_factory=dict)  # overrides of the default sizes
    seed: int = 0
    #: largest relative error accepted between the two sides (same numbers, different sums)
    tolerance: float = 1e-9
    #: largest relative error accepted against central finite differences
    fd_tolerance: float = 1e-6
    fd_step: float = 1e-5

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise UnsupportedError(f"unknown activation {self.activation!r}",
                                   hint=f"choose one of: {', '.join(ACTIVATIONS)}")
        if self.error not in ERROR_FUNCTIONS:
            raise UnsupportedError(f"unknown error function {self.error!r}",
                                   hint=f"choose one of: {', '.join(ERROR_FUNCTIONS)}")
        for r, n in self.sizes.items():
            if not isinstance(n, int) or n < 1:
                raise UnsupportedError(f"size {r}={n!r}: a size is a whole number of at least 1")


# ----------------------------------------------------------------------------------------------
# the forward pass


def default_sizes(net: Network, given: dict[str, int]) -> dict[str, int]:
    """The sizes of a numeric check: ``given`` where it names a range of ``net``, the others
    distinct 2, 3, 4, ... in order, skipping the sizes given (``--sizes I=3,J=4`` leaves ``K``
    at 2, not at 4 beside ``J = 4``, where ``w_{kj}`` and ``w_{jk}`` could agree).

    >>> from symbp import declare
    >>> net = declare([r"a_j = \\sum_i w_{ji} z_i", r"a_k = \\sum_j w_{kj} h(a_j)"])
    >>> default_sizes(net, {}), default_sizes(net, {"I": 3, "J": 4})
    ({'I': 2, 'J': 3, 'K': 4}, {'I': 3, 'J': 4, 'K': 2})
    """
    mine = {r: n for r, n in given.items() if r in net.sizes}
    unused = (n for n in itertools.count(2) if n not in mine.values())
    out = {r: mine[r] if r in mine else next(unused) for r in net.sizes}
    # a size the network relates to others (I = J + M - 1) follows them, unless it is given
    return out if set(mine) & set(net.size_relations) else net.relate(out)


def _conditioned(rng: np.random.Generator, shape: tuple[int, ...], condition: str) -> np.ndarray:
    """Targets that meet their declared condition: one-hot (a random class), or a random
    probability vector (``sum to 1``).

    >>> rng = np.random.default_rng(0)
    >>> _conditioned(rng, (3,), "one-hot").sum(), round(float(_conditioned(rng, (3,), "sum to 1").sum()), 12)
    (np.float64(1.0), 1.0)
    """
    v = rng.normal(0.0, 1.0, shape)
    if condition == "one-hot":
        return (np.arange(v.size) == int(np.argmax(v))).astype(float).reshape(shape)
    v = np.exp(v - v.max())
    return v / v.sum()


class Forward:
    """The network at concrete sizes with random leaves (inputs, weights, targets): runs the
    forward pass, also with one quantity overridden (for finite differences), and gives ``E``."""

    def __init__(self, net: Network, options: Options) -> None:
        self.net, self.options = net, options
        self.fd_noise = 0.0  # the last finite differences' rounding (see finite_differences)
        # sizes of ranges this network does not have are ignored (a folder mixes networks);
        # check_equation and check_paths say when a size fits no network at all
        self.sizes = default_sizes(net, options.sizes)
        cycle = CYCLE
        undeclared = sorted(net.functions - set(net.activations))
        others = [k for k in cycle if k != options.activation]
        self.kinds = {name: options.activation if n == 0 else others[(n - 1) % len(others)]
                      for n, name in enumerate(undeclared)}
        self.kinds.update(net.activations)
        self.error = "sum-of-squares" if net.error_kind else options.error
        #: the family of an error the forward pass defines (read once: energy runs per perturbation)
        self.error_family = calculus.error_family(net)
        #: with the examples of a batch declared and the error abstract, the error run is the mean
        #: over the examples of each one's error (Ng's J = \frac{1}{m} \sum_i L^{(i)}, as
        #: engine.vector reads dZ and as the counterexamples run it): the examples' number, else 1
        ex = (getattr(net, "conventions", None) or {}).get("examples")
        self.mean = (self.sizes[ex] if ex and ex in self.sizes and not net.error_kind
                     and self.error_family is None else 1)
        rng = np.random.default_rng(options.seed)
        self.leaves: dict[int, np.ndarray] = {}
        target_fams = set(net.targets.values())
        for f in net.families:  # every array within the memory bound, before any is made
            _bounded(self.shape(f.id), f"the family {f.show()} (--sizes)")
        for f in net.families:  # in declaration order: the same seed gives the same numbers
            if f.id in net.definitions:
                continue
            shape = self.shape(f.id)
            if f.id in net.conditions:  # declared targets (one-hot, summing to 1): drawn so
                self.leaves[f.id] = _conditioned(rng, shape, net.conditions[f.id])
            elif f.id in target_fams:
                self.leaves[f.id] = rng.normal(0.0, 1.0, shape)
            else:
                self.leaves[f.id] = rng.normal(0.0, 0.5 if f.param else 1.0, shape)
        sample = ERROR_FUNCTIONS[self.error][3]
        # targets of a declared error are a family of the network (t_k): read from the values,
        # so that ∂E/∂t_k can be checked too; otherwise fixed arrays
        self.targets = {o: sample(rng, self.shape(o)) for o in net.outputs if o not in net.targets}
        self.order = sorted(net.definitions, key=lambda f: len(net.ancestors[f]))
        self.compiled: dict[int, Lambdified] = {}
        for fam in self.order:
            free = [(f"#{k}", r) for k, r in enumerate(net.families[fam].axes)]
            self.compiled[fam] = lambdify(net, net.definitions[fam], free, activation=self.kinds)
        self.base = self.run()

    def shape(self, fam: int) -> tuple[int, ...]:
        return tuple(self.sizes[r] for r in self.net.families[fam].axes)

    def describe(self) -> dict[str, Any]:
        h = ", ".join(f"{k} = {v}" for k, v in sorted(self.kinds.items())) or "no activation"
        e = ERROR_FUNCTIONS[self.error][0]
        if self.error_family is not None:  # audit7: the run's E is the forward pass's (energy), not --error's
            e = f"{self.net.error_name or 'E'}: {FORWARD_ERROR}"
        if self.mean != 1 and e.startswith("E = "):  # the mean of each example's error
            m = self.net.conventions.get("size") or "m"
            e = f"{self.net.error_name or 'E'} = 1/{m} sum over the {m} examples of {e[4:]}"
        return {"h": h, "E": e, "seed": self.options.seed, "sizes": dict(self.sizes)}

    def run(self, override: dict[int, np.ndarray] | None = None) -> dict[int, np.ndarray]:
        """Every family's values; ``override`` fixes some (everything downstream follows)."""
        override = override or {}
        if override and hasattr(self, "base"):
            moved = set(override)
            values = {f: v for f, v in self.base.items()
                      if f not in moved and not (self.net.ancestors.get(f, set()) & moved)}
        else:
            values = dict(self.leaves)
        values.update(override)
        for fam in self.order:
            if fam not in values:
                values[fam] = self.call(self.compiled[fam], values)
        return values

    def call(self, f: Lambdified, values: dict[int, np.ndarray]) -> np.ndarray:
        args = {k: (self.output_gradient(fam, values) if grad else values[fam])
                for k, (fam, grad) in f.sources.items()}
        return f(self.sizes, **args)

    def output_gradient(self, out: int, values: dict[int, np.ndarray]) -> np.ndarray:
        if out not in self.net.outputs:
            raise AssertionError("only an output's δ is an atom of a ground form")
        if out == self.error_family:  # ∂E/∂E
            return np.ones(self.shape(out))
        self.defined(values[out])
        return ERROR_FUNCTIONS[self.error][2](values[out], self.target(out, values)) / self.mean

    def defined(self, y: np.ndarray) -> None:
        """An error defined only for some outputs (the binary cross-entropy's ``0 < y < 1``) run
        at outputs outside them is no instance of the equation: an error, the link skipped (a
        ``nan`` or an infinity is never taken for a difference)."""
        e = ERRORS[self.error]
        if not e.defined(y):
            raise UnsupportedError(
                f"E = {e.text[4:]} is defined where {e.outputs}, and the outputs drawn are not",
                hint=f"declare outputs in its domain in the file (y_k = \\sigma(a_k) and "
                     f"'% symbp: error {e.name}'), or choose another --error")

    def target(self, out: int, values: dict[int, np.ndarray]) -> np.ndarray:
        return values[self.net.targets[out]] if out in self.net.targets else self.targets[out]

    def energy(self, values: dict[int, np.ndarray]) -> float:
        if self.error_family is not None:  # the error as a forward equation (E = 1/2 sum (y - t)^2)
            return float(values[self.error_family])
        e = ERROR_FUNCTIONS[self.error][1]
        for o in self.net.outputs:
            self.defined(values[o])
        return sum(e(values[o], self.target(o, values)) for o in self.net.outputs) / self.mean

    def finite_differences(self, fam: int, target: Callable[[dict[int, np.ndarray]], np.ndarray]
                           ) -> np.ndarray:
        """``∂ target / ∂ fam`` by central differences: axes of the target, then of ``fam``.
        :attr:`fd_noise` is then the rounding error such a difference can carry: the target's
        values are exact only to a few units of the last place, and the difference divides
        their error by the step (a loss of 1.5 at a step of 10⁻⁵ leaves about 3·10⁻¹¹)."""
        x0 = self.base[fam]
        out = None
        self.fd_noise = 0.0
        for k in range(x0.size):
            check_deadline()  # large --sizes: the link is skipped with a message, not hung
            step = self.options.fd_step * max(1.0, abs(float(x0.flat[k])))
            vals = []
            for sign in (1.0, -1.0):
                x = x0.copy()
                x.flat[k] += sign * step
                vals.append(np.asarray(target(self.run({fam: x})), dtype=float))
            d = (vals[0] - vals[1]) / (2 * step)
            top = max(float(np.abs(v).max(initial=0.0)) for v in vals)
            self.fd_noise = max(self.fd_noise, FD_ROUNDING * np.finfo(float).eps * top / step)
            if out is None:
                out = np.zeros(d.shape + (x0.size,))
            out[..., k] = d
        assert out is not None
        return out.reshape(out.shape[:-1] + x0.shape)


# ----------------------------------------------------------------------------------------------
# results


@dataclass
class Comparison:
    """One numeric comparison: the largest relative error and where it occurs."""

    what: str  # 'left vs right', 'left vs finite differences', ...
    error: float
    index: dict[str, Any]
    tolerance: float
    left: float = 0.0  # the two values at the worst index
    right: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.error <= self.tolerance)


@dataclass
class NumericResult:
    """A link's symbolic verdict with its numeric check."""

    link: LinkResult
    status: str  # 'agree' | 'differ' | 'skipped'
    comparisons: list[Comparison] = field(default_factory=list)
    message: str = ""
    setting: dict[str, Any] = field(default_factory=dict)  # h, E, seed, sizes

    @property
    def as_expected(self) -> bool:
        """False only when symbp's own claim fails: a verified link whose numbers differ."""
        return not (self.status == DIFFER and self.link.verdict in (VERIFIED, AT_SIZES))

    @property
    def worst(self) -> Comparison | None:
        return max(self.comparisons, key=lambda c: c.error / c.tolerance, default=None)

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "as_expected": self.as_expected, "message": self.message,
                "comparisons": [{"what": c.what, "relative_error": c.error, "index": c.index,
                                 "tolerance": c.tolerance, "ok": c.ok, "left": c.left,
                                 "right": c.right} for c in self.comparisons],
                **self.setting}

    def text(self) -> str:
        """One line for the command's output."""
        if self.status == SKIPPED:
            return f"numeric: skipped ({self.message})"
        parts = []
        for c in self.comparisons:
            at = _show_index(c.index)
            parts.append(f"{c.what} {c.error:.1e}" + (f" at {at}" if at and c.error > 0 else "")
                         + ("" if c.ok else f" > {c.tolerance:.0e}"))
        head = "agree" if self.status == AGREE else "DIFFER"
        if self.status == AGREE and self.link.verdict == REFUTED:
            head = "agree at these numbers (the refutation above stands)"
        elif self.status == DIFFER and self.link.verdict == REFUTED:
            head = "differ (as the refutation says)"
        elif self.status == DIFFER:
            head = "DIFFER: a verified equation fails numerically, a bug in symbp (please report it)"
        s = self.setting
        return (f"numeric: {head}; " + "; ".join(parts) + f" (sizes {_show_sizes(s['sizes'])}; "
                f"{s['h']}; {s['E']}; seed {s['seed']})")


def _show_index(index: dict[str, Any]) -> str:
    return ", ".join(f"{k}=" + (f"({', '.join(f'{a}={b}' for a, b in v.items())})"
                                if isinstance(v, dict) else str(v)) for k, v in index.items())


def _show_sizes(sizes: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def relative_error(a: np.ndarray, b: np.ndarray, noise: float = 0.0,
                   tolerance: float = 1.0) -> tuple[float, tuple[int, ...]]:
    """The largest elementwise relative error ``|a - b| / max(|a|, |b|, 10⁻³ max|b|, 10⁻¹²)`` and
    where it occurs (entries much smaller than the array's largest are compared absolutely).
    ``noise``: an absolute error that ``b`` may carry anyway (finite differences' rounding); an
    entry off by no more than it is within ``tolerance``.

    >>> err, at = relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.2]))
    >>> round(err, 4), at
    (0.0909, (1,))
    >>> relative_error(np.array([8.1e-6]), np.array([8.1e-6 + 3e-11]), noise=5e-10, tolerance=1e-6)[0] < 1e-6
    True
    """
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    scale = max(float(np.abs(b).max(initial=0.0)), float(np.abs(a).max(initial=0.0)))
    den = np.maximum(np.maximum(np.abs(a), np.abs(b)), max(1e-3 * scale, 1e-12, noise / tolerance))
    rel = np.abs(a - b) / den
    if rel.size == 0:
        return 0.0, ()
    if not np.all(np.isfinite(rel)):
        rel = np.where(np.isfinite(rel), rel, np.inf)
    at = np.unravel_index(int(np.argmax(rel)), rel.shape) if rel.shape else ()
    return float(rel[at]), tuple(int(x) for x in at)


# ----------------------------------------------------------------------------------------------
# checking one link


def _index_of(net: Network, at: tuple, free: list[tuple[str, str]]) -> dict[str, Any]:
    return index_of(net, at, free, {})


def numeric_link(fwd: Forward, chain: Chain, k: int, link: LinkResult) -> NumericResult:
    """The numeric check of link ``k`` of ``chain`` (whose symbolic verdict is ``link``)."""
    setting = fwd.describe()
    if link.verdict == ERROR:
        return NumericResult(link, SKIPPED, message="the equation could not be checked", setting=setting)
    labels = fwd.net.class_labels
    if labels and uses_labels(chain, labels):  # CS231n's p_{y_i}: read as the checker reads it
        try:
            chain = read_in(fwd.net, chain)
        except InputError as exc:
            return NumericResult(link, SKIPPED, message=f"the sides have no numeric value: {exc.brief()}",
                                 setting=setting)
    if over_patterns(fwd.net, chain.sides[k], chain.sides[k + 1]):
        return _numeric_parts(fwd, chain, k, link)
    try:
        with budget(30.0):
            comps = _compare(fwd, chain, k)
    except ResourceLimitError as exc:
        return NumericResult(link, SKIPPED, message=f"bound on the work reached: {exc}", setting=setting)
    except SymbpError as exc:
        msg = exc.brief() if isinstance(exc, InputError) else str(exc)
        return NumericResult(link, SKIPPED, message=f"the sides have no numeric value: {msg}",
                             setting=setting)
    except Exception as exc:  # noqa: BLE001 - a bug must cost one numeric check, never the run
        return NumericResult(link, SKIPPED, message="internal error in the numeric check, nothing is "
                             f"claimed (a symbp bug: please report it): {type(exc).__name__}: {exc}",
                             setting=setting)
    status = AGREE if all(c.ok for c in comps) else DIFFER
    return NumericResult(link, status, comps, setting=setting)


def _numeric_parts(fwd: Forward, chain: Chain, k: int, link: LinkResult) -> NumericResult:
    """A link over the patterns (``\\frac{1}{n} \\sum_x``, ``\\sum_n``) with numbers: each of its
    parts, an equation on the network of one pattern (as the checker splits it), checked as a link
    is; the first part that differs, else every part's comparisons."""
    lhs, rhs = chain.sides[k], chain.sides[k + 1]
    try:
        letters, _ = infer_letters(fwd.net, chain)
        parts = pattern_parts(fwd.net, lhs, rhs, letters)
    except SymbpError as exc:
        return NumericResult(link, SKIPPED, message=f"the sides have no numeric value: {exc}",
                             setting=fwd.describe())
    comps: list[Comparison] = []
    whats = []
    for what, a, b in parts:
        try:
            part = parse_chain(f"{a} = {b}", fwd.net.functions)
        except InputError as exc:
            return NumericResult(link, SKIPPED, message=f"a part does not read back: {exc.brief()}",
                                 setting=fwd.describe())
        res = numeric_link(fwd, part, 0, link)
        if res.status != AGREE:
            res.message = f"{what}: {a} = {b}" + (f": {res.message}" if res.message else "")
            return res
        comps.extend(res.comparisons)
        whats.append(what)
    return NumericResult(link, AGREE, comps, message="in parts: " + ", ".join(whats), setting=fwd.describe())


def _compare(fwd: Forward, chain: Chain, k: int) -> list[Comparison]:
    net = fwd.net
    letters, _ = infer_letters(net, chain)
    lhs, rhs = chain.sides[k], chain.sides[k + 1]
    both = set(free_letters(lhs, net, [])) | set(free_letters(rhs, net, []))
    ranges = {x: letters.get(x) or net.letter_ranges(x) or () for x in both}
    env = {x: components(x, ranges[x]) for x in both}
    free = [(name, r) for x in sorted(both) for name, r in zip(env[x], ranges[x])]
    interp = Interpreter(net, letters)
    values = []
    for side in (lhs, rhs):
        ground = calculus.ground(net, interp.expression(side, env))
        f = lambdify(net, ground, free, activation=fwd.kinds)
        values.append(fwd.call(f, fwd.base))
    out = []
    err, at = relative_error(values[0], values[1])
    out.append(Comparison("left vs right", err, _index_of(net, at, free), fwd.options.tolerance,
                          *_at(values, at)))
    for name, side, value in (("left", lhs, values[0]), ("right", rhs, values[1])):
        ref = _finite_differences(fwd, interp, side, env, free)
        if ref is None:
            continue
        err, at = relative_error(value, ref, fwd.fd_noise, fwd.options.fd_tolerance)
        out.append(Comparison(f"{name} vs finite differences", err, _index_of(net, at, free),
                              fwd.options.fd_tolerance, *_at([value, ref], at)))
    return out


def _at(values: list[np.ndarray], at: tuple) -> tuple[float, float]:
    a, b = np.broadcast_arrays(*values)
    return float(a[at]), float(b[at])


def _finite_differences(fwd: Forward, interp: Interpreter, side: Node, env: dict,
                        free: list[tuple[str, str]]) -> np.ndarray | None:
    """The true value of a side that is a derivative (``δ``, ``∂E/∂x``, ``∂y/∂x``, ``∂/∂x (…)``),
    by finite differences of the forward pass, over ``free``; ``None`` for any other side."""
    net = fwd.net
    if isinstance(side, Sym) and side.name == "delta":
        atom = interp.expression(side, env).terms[0].factors[0]  # a Grad
        fam, idx = atom.fam, atom.idx
        target_free: list[tuple[str, str]] = []

        def target(values: dict[int, np.ndarray]) -> np.ndarray:
            return np.asarray(fwd.energy(values))
    elif isinstance(side, Deriv):
        wrt = interp.expression(side.wrt, env).terms[0].factors[0]  # a Ref
        fam, idx = wrt.fam, wrt.idx
        inner = side.num if side.num is not None else side.body
        if isinstance(inner, Sym) and inner.name == net.error_name and not inner.groups:
            target_free = []

            def target(values: dict[int, np.ndarray]) -> np.ndarray:
                return np.asarray(fwd.energy(values))
        else:
            assert inner is not None
            expr = interp.expression(inner, env)
            if any(f.tag == "grad" for t in expr.terms for f in t.factors):
                return None  # a derivative of δ: no forward-pass quantity to perturb
            target_free = [(n, r) for n, r in free if n in expr.free()]
            compiled = lambdify(net, expr, target_free, activation=fwd.kinds)

            def target(values: dict[int, np.ndarray]) -> np.ndarray:
                return fwd.call(compiled, values)
    else:
        return None
    grid = fwd.finite_differences(fam, target)
    # one placeholder factor over the grid's axes; evaluate reads its value from the callback
    factor = Ref("ref", fam, tuple(F(n) for n, _ in target_free) + tuple(idx))
    return evaluate(net, Expr.atom(factor), fwd.sizes, lambda f: grid, free)


# ----------------------------------------------------------------------------------------------
# equations, files, folders


def _forward(net: Network, options: Options, cache: dict) -> Forward:
    if id(net) not in cache:
        cache[id(net)] = (net, Forward(net, options))
    return cache[id(net)][1]


def check_equation(source: str, net: Network | str = "plain", options: Options | None = None
                   ) -> list[NumericResult]:
    """Check one LaTeX equation symbolically (:func:`symbp.check_equation`) and numerically."""
    options = options or Options()
    if isinstance(net, str):
        net = api.load_network(net)
    _unused_sizes(options, [set(net.sizes)])
    links = api.check_equation(source, net)
    try:
        chain = parse_chain(strip_label(source)[0], net.functions)
    except InputError:
        chain = None
    fwd = Forward(net, options)
    if chain is None or len(chain.rels) != len(links):
        return [NumericResult(r, SKIPPED, message="the equation could not be read",
                              setting=fwd.describe()) for r in links]
    return [numeric_link(fwd, chain, k, r) for k, r in enumerate(links)]


def check_file(path: str | Path | Derivation, options: Options | None = None, *,
               links: list[LinkResult] | None = None) -> list[NumericResult]:
    """Check every equation of a derivation file symbolically and numerically.  ``links``: the
    symbolic results of the same loaded ``path`` (``api.check_file(path)``), when a caller that
    checks one file under several options has them already (the symbolic check does not depend
    on the options)."""
    options = options or Options()
    deriv = path if isinstance(path, Derivation) else load(path)
    if links is None:
        links = api.check_file(deriv)
    try:
        fwd = Forward(deriv.network, options)
    except UnsupportedError as exc:  # a forward pass with no numeric form yet (a softmax's
        # denominator): each link keeps its symbolic verdict, and nothing numeric is claimed
        return [NumericResult(r, SKIPPED, message=f"the forward pass is not run numerically: {exc.message}",
                              setting={}) for r in links]
    out: list[NumericResult] = []
    pos = 0
    for eq in deriv.equations:
        if eq.error is not None or eq.chain is None:
            out.append(NumericResult(links[pos], SKIPPED, message="the equation could not be read",
                                     setting=fwd.describe()))
            pos += 1
            continue
        if deriv.generic is not None:  # an equation about a layer l: at every layer of depth 3
            for k in range(len(eq.chain.rels)):
                out.append(_generic_numeric(deriv, eq.chain, k, links[pos], options))
                pos += 1
            continue
        for k in range(len(eq.chain.rels)):
            out.append(numeric_link(fwd, eq.chain, k, links[pos]))
            pos += 1
    assert pos == len(links)
    return out


#: units of the last place a forward pass's value may be off by (each of its sums and functions
#: rounds): how much of a finite difference's error is rounding, not a wrong derivative
FD_ROUNDING = 16

#: the unrolled depth (length) at which an equation about a generic layer (step) gets numbers
GENERIC_DEPTH = 3


def _generic_numeric(deriv: Derivation, chain: Chain, k: int, link: LinkResult,
                     options: Options) -> NumericResult:
    """Link ``k`` of a claim about a generic layer (step), with numbers at every layer of the
    network unrolled to :data:`GENERIC_DEPTH`: the first that differs, else the last that agrees."""
    from .engine.generic import Invalid
    tpl = deriv.generic
    assert tpl is not None
    net = tpl.network(GENERIC_DEPTH)
    fwd = Forward(net, options)
    at_depth = {m.kind for _, m in tpl.claim_marks(chain)} <= {"depth", "const"}  # numbered: one per depth
    last = None
    for layer in ([None] if at_depth else range(0, GENERIC_DEPTH + 2)):
        try:
            inst = tpl.instance(chain, layer, GENERIC_DEPTH)
        except Invalid:
            continue
        except SymbpError as exc:
            return NumericResult(link, SKIPPED, message=f"the sides have no numeric value: {exc}",
                                 setting=fwd.describe())
        if inst.conflicts:
            return NumericResult(link, SKIPPED, setting=fwd.describe(),
                                 message="an index stands for units of two layers: no numbers")
        written = inst.chain
        if needs_translation(written, net.shapes or family_shapes(net)):  # vector notation: index form
            net.shapes = net.shapes or family_shapes(net)
            try:
                read = translate(written, net.shapes, net.layout, net.range_letter, net.conventions)
            except SymbpError as exc:
                return NumericResult(link, SKIPPED, message=f"the sides have no numeric value: {exc}",
                                     setting=fwd.describe())
            if isinstance(read, Mismatch):
                return NumericResult(link, SKIPPED, setting=fwd.describe(),
                                     message="the shapes do not fit: the sides have no numeric value")
            written = read
        res = numeric_link(fwd, written, k, link)
        where = f"depth {tpl.depth} = {GENERIC_DEPTH}" + ("" if layer is None else f", {tpl.var} = {layer}")
        res.setting = {**res.setting, "generic": where}
        res.message = f"at {where}" + (f": {res.message}" if res.message else "")
        if res.status != AGREE:
            return res
        last = res
    return last or NumericResult(link, SKIPPED, message="no layer of the unrolled network fits",
                                 setting=fwd.describe())


@dataclass
class NumericReport:
    """Numeric results for several files, and the files that could not be checked."""

    results: list[NumericResult] = field(default_factory=list)
    problems: list[SymbpError] = field(default_factory=list)
    files: int = 0

    @property
    def symbolic(self) -> api.Report:
        return api.Report([r.link for r in self.results], self.problems, self.files)

    @property
    def exit_code(self) -> int:
        """As for the symbolic check; 1 as well when a verified link fails numerically."""
        code = self.symbolic.exit_code
        if code == 0 and not all(r.as_expected for r in self.results):
            return 1
        return code

    def summary(self) -> str:
        c = Counter(r.status for r in self.results)
        bugs = sum(not r.as_expected for r in self.results)
        tail = ("no verified link differs" if c[SKIPPED] else "every verified link agrees") if not bugs else \
            f"{bugs} verified link(s) DIFFER numerically (a bug in symbp)"
        return (self.symbolic.summary() + f"\nnumeric: {c[AGREE]} agree, {c[DIFFER]} differ, "
                f"{c[SKIPPED]} skipped; {tail}")

    def to_json(self) -> dict[str, Any]:
        d = self.symbolic.to_json()
        for res, r in zip(d["results"], self.results):
            res["numeric"] = r.to_json()
        c = Counter(r.status for r in self.results)
        d["summary"]["numeric"] = {AGREE: c[AGREE], DIFFER: c[DIFFER], SKIPPED: c[SKIPPED],
                                   "unexpected": sum(not r.as_expected for r in self.results)}
        d["summary"]["exit_code"] = self.exit_code
        return d


def check_paths(paths: list[Path], options: Options | None = None, jobs: int = 1) -> NumericReport:
    """Check files and folders (as :func:`symbp.api.check_paths` finds them) symbolically and
    numerically, by ``jobs`` processes (same results, same order, whatever ``jobs``)."""
    options = options or Options()
    report = NumericReport()
    ranges: list[set[str]] = []
    files, empty = derivation_files(paths)
    report.problems.extend(empty)
    for results, problem, sizes in map_files(partial(_check_one, options=options), files, jobs,
                                             preload=(import_sympy,)):  # imported once, not per worker
        report.files += 1
        report.results.extend(results)
        if sizes is not None:
            ranges.append(sizes)
        if problem is not None:
            report.problems.append(problem)
    try:
        _unused_sizes(options, ranges)
    except SymbpError as exc:
        report.problems.append(exc)
    return report


def _check_one(f: Path, options: Options) -> tuple[list[NumericResult], SymbpError | None, set[str] | None]:
    """One file's results, the problem that stopped it, and its network's ranges (a worker)."""
    sizes = None
    try:
        deriv = load(f)
        sizes = set(deriv.network.sizes)
        return check_file(deriv, options), None, sizes
    except SymbpError as exc:
        return [], exc, sizes
    except Exception as exc:  # noqa: BLE001 - a bug must cost one file, never the run
        return [], SymbpError(f"{f}: internal error, nothing is claimed for this "
                              f"file (a symbp bug: please report it): "
                              f"{type(exc).__name__}: {exc}"), sizes


def _unused_sizes(options: Options, ranges: list[set[str]]) -> None:
    have = set().union(*ranges)
    unknown = sorted(set(options.sizes) - have)
    if unknown and ranges:
        raise UnsupportedError(f"a size is given for {unknown[0]}, which no network checked has",
                               hint=f"the ranges: {', '.join(sorted(have))}")
