"""The catalogue of activation and error functions symbp knows by name: one table.

Each activation has its name, its LaTeX (``{f} = \\tanh``), its derivative as a polynomial in the
function where there is one (``tanh' = 1 - tanh^2``: ``{0: 1, 2: -1}``; ``exp' = exp``; for
softplus, whose derivative is the logistic function, ``softplus''`` in ``softplus'``), its NumPy
form (value and derivatives up to the third) and its SymPy form; each error function its name, its text and
LaTeX, ``E(y, t)``, ``dE/dy`` and how targets are drawn.  The file directives, the CLI, the
engine (symbolic and numeric), the numeric check, the counterexamples and the proofs all read
this table.  Base room: imports nothing of symbp (SymPy only when a SymPy form is asked for).

>>> sorted(ACTIVATION_KINDS)
['exp', 'identity', 'log', 'logistic', 'relu', 'sigmoid', 'softplus', 'tanh']
>>> ERROR_KINDS
('sum-of-squares', 'softmax-cross-entropy', 'binary-cross-entropy')
>>> ACTIVATIONS["exp"].derivative, ACTIVATIONS["sigmoid"].derivative
({1: 1}, {1: 1, 2: -1})
>>> ACTIVATIONS["tanh"].derivative, ACTIVATIONS["tanh"].latex("h")
({0: 1, 2: -1}, 'h = \\\\tanh')
>>> float(ACTIVATIONS["logistic"].numpy(np.zeros(()), 1))
0.25
>>> import sympy as sp
>>> ACTIVATIONS["softplus"].sympy(sp.Symbol("a"))
log(exp(a) + 1)
>>> ERRORS["sum-of-squares"].text
'E = 1/2 sum (y - t)^2'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ACTIVATIONS", "ACTIVATION_KINDS", "COMMANDS", "CONDITIONS", "CYCLE", "ERRORS", "ERROR_KINDS",
           "INSTANCES", "NUMERIC_ERRORS",
           "Activation", "ErrorFunction"]


# ----------------------------------------------------------------------------------------------
# NumPy forms: f(x, derivative order), orders 0 to 3


def _tanh(x: np.ndarray, order: int) -> np.ndarray:
    t = np.tanh(x)
    if order == 0:
        return t
    if isinstance(t, np.ndarray):  # in place where it is safe: t is a fresh array
        d = np.multiply(t, t, out=np.empty_like(t) if order > 1 else t)
        np.subtract(1, d, out=d)
    else:  # a scalar (from a 0-d argument)
        d = 1 - t * t
    if order == 1:
        return d
    return -2 * t * d if order == 2 else (6 * t * t - 2) * d


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, by ``tanh`` (no overflow)."""
    return 0.5 * (1 + np.tanh(0.5 * x))


def logistic_of(s: np.ndarray, order: int) -> np.ndarray:
    """The logistic function's derivatives from its value ``s = σ(x)``: σ' = σ(1 - σ), ...
    (the engine's evaluation from saved activations uses this too)."""
    if order == 0:
        return s
    d = s * (1 - s)
    if order == 1:
        return d
    return d * (1 - 2 * s) if order == 2 else d * (1 - 6 * s + 6 * s * s)


def _logistic(x: np.ndarray, order: int) -> np.ndarray:
    return logistic_of(sigmoid(x), order)


def _softplus(x: np.ndarray, order: int) -> np.ndarray:
    if order == 0:
        return np.logaddexp(0, x)
    return _logistic(x, order - 1)


def _exp(x: np.ndarray, order: int) -> np.ndarray:
    return np.exp(x)  # every derivative of exp is exp


def _log(x: np.ndarray, order: int) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):  # nan (never a number) where x <= 0
        if order == 0:
            return np.log(np.where(np.asarray(x) > 0, x, np.nan))
        x = np.where(np.asarray(x) > 0, x, np.nan)
        return (-1.0) ** (order - 1) * float(np.prod(range(1, order))) * np.asarray(x, dtype=float) ** -order


def _relu(x: np.ndarray, order: int) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if order == 0:
        return np.maximum(x, 0.0)
    if order == 1:
        return (x > 0).astype(float)  # relu'(0) taken as 0: the kink
    return np.zeros_like(x)


def _identity(x: np.ndarray, order: int) -> np.ndarray:
    return x if order == 0 else np.ones_like(x) if order == 1 else np.zeros_like(x)


def _softmax(y: np.ndarray) -> np.ndarray:
    e = np.exp(y - y.max())
    return e / e.sum()


def _normal_targets(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.normal(0.0, 1.0, shape)


def _softmax_targets(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return _softmax(rng.normal(0.0, 1.0, shape))


def _unit_targets(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(0.0, 1.0, shape)


def _cross_entropy(y: np.ndarray, t: np.ndarray) -> float:
    m = y.max()
    return float(-(t * (y - m - np.log(np.exp(y - m).sum()))).sum())


def _sympy(name: str) -> Callable[[Any], Any]:
    def form(x: Any) -> Any:  # x: a SymPy expression
        import sympy as sp
        return {"tanh": lambda: sp.tanh(x), "logistic": lambda: 1 / (1 + sp.exp(-x)),
                "sigmoid": lambda: 1 / (1 + sp.exp(-x)), "softplus": lambda: sp.log(1 + sp.exp(x)),
                "exp": lambda: sp.exp(x), "identity": lambda: x, "log": lambda: sp.log(x),
                "relu": lambda: sp.Max(x, 0)}[name]()
    return form


# ----------------------------------------------------------------------------------------------
# the table


@dataclass(frozen=True)
class Activation:
    """A concrete activation ``h``.  ``tex`` is its definition with ``{f}`` for the function's
    name; ``derivative`` is ``h^{(base + 1)}`` as a polynomial in ``h^{(base)}`` (power ->
    coefficient; ``None`` where there is none): ``tanh' = 1 - tanh^2`` (base 0), ``softplus'' =
    softplus' - softplus'^2`` (base 1: softplus' is the logistic function, no polynomial in
    softplus); ``declarable``: a file may declare it (``% symbp: activation h = tanh``): symbp
    then reasons with it symbolically."""

    name: str
    tex: str
    derivative: dict[int, int] | None
    numpy: Callable[[np.ndarray, int], np.ndarray]
    sympy: Callable[[Any], Any]
    declarable: bool = True
    base: int = 0
    #: ``h^{(base + 1)}`` as a polynomial in ``h^{(base)}`` *and the argument* ``x``: (power of
    #: ``h^{(base)}``, power of ``x``) -> coefficient, the power of ``x`` possibly negative
    #: (``log' = x^{-1}``: ``{(0, -1): 1}``); ``None``: read from :attr:`derivative`
    rule: dict[tuple[int, int], int] | None = None
    #: where the function is defined and smooth, as text (``x > 0`` for log), ``None`` everywhere
    domain: str | None = None
    #: what the rule takes where the function has no derivative (ReLU's kink at 0)
    kink: str | None = None

    def latex(self, f: str) -> str:
        """Its definition for the function called ``f`` (LaTeX maths)."""
        return self.tex.format(f=f)

    def derivative_rule(self) -> dict[tuple[int, int], int] | None:
        """``h^{(base + 1)}`` as a polynomial in ``(h^{(base)}, x)``: the one rule the engine
        applies (autograd's ``defvjp`` table: a rule per function, apart from the mechanism).

        >>> ACTIVATIONS["tanh"].derivative_rule(), ACTIVATIONS["log"].derivative_rule()
        ({(0, 0): 1, (2, 0): -1}, {(0, -1): 1})
        """
        if self.rule is not None:
            return self.rule
        if self.derivative is None:
            return None
        return {(p, 0): c for p, c in self.derivative.items()}

    def inside(self, x: np.ndarray) -> np.ndarray:
        """Where ``x`` is inside the function's domain (and away from a kink): a boolean mask."""
        x = np.asarray(x, dtype=float)
        if self.name == "log":
            return x > 0
        if self.name == "relu":
            return x != 0
        return np.ones(x.shape, dtype=bool)


@dataclass(frozen=True)
class ErrorFunction:
    """A concrete error ``E`` of the outputs ``y`` and targets ``t``: ``text`` (what a
    counterexample says), ``tex`` (LaTeX maths), ``energy`` ``E(y, t)``, ``gradient``
    ``dE/dy``, ``targets`` ``(rng, shape) -> t``; ``declarable`` (``% symbp: error ...``),
    ``numeric`` (a choice of ``symbp numcheck --error``)."""

    name: str
    text: str
    tex: str
    energy: Callable[[np.ndarray, np.ndarray], float]
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]
    targets: Callable[[np.random.Generator, tuple[int, ...]], np.ndarray] = _normal_targets
    declarable: bool = False
    numeric: bool = False
    #: the forward equation a directive ``% symbp: error <name>`` stands for, over the outputs
    #: ``{y}`` (index ``{k}``, a second index ``{l}`` of the same range) and targets ``{t}``, with
    #: the condition it declares on the targets (``None``: the built-in sum of squares)
    formula: str | None = None
    condition: str | None = None
    #: where ``E`` is defined in the outputs, as text (``0 < y < 1`` for the binary cross-entropy,
    #: whose logarithms need it), ``None`` everywhere
    outputs: str | None = None

    def defined(self, y: np.ndarray) -> bool:
        """Whether ``E`` is defined at the outputs ``y`` (:attr:`outputs`).

        >>> bce, squares = ERRORS["binary-cross-entropy"], ERRORS["sum-of-squares"]
        >>> bce.defined(np.array([0.2, 1.5])), bce.defined(np.array([0.2])), squares.defined(np.ones(1))
        (False, True, True)
        """
        if self.outputs is None:
            return True
        y = np.asarray(y, dtype=float)
        return bool(np.all((y > 0) & (y < 1)))

    def shorthand(self, error: str, y: str, k: str, t: str) -> str | None:
        """The forward equation this error stands for (:attr:`formula`), in these letters.

        >>> print(ERRORS["binary-cross-entropy"].shorthand("E", "y", "k", "t"))
        E = -\\sum_{k} \\left(t_{k} \\ln y_{k} + (1 - t_{k}) \\ln(1 - y_{k})\\right)
        """
        if self.formula is None:
            return None
        return self.formula.format(E=error, y=y, k=k, l=k + "'", t=t)


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    Activation("tanh", "{f} = \\tanh", {0: 1, 2: -1}, _tanh, _sympy("tanh")),
    Activation("logistic", "{f}(a) = 1/(1 + e^{{-a}})", {1: 1, 2: -1}, _logistic, _sympy("logistic")),
    Activation("sigmoid", "{f}(a) = 1/(1 + e^{{-a}})", {1: 1, 2: -1}, _logistic, _sympy("sigmoid")),
    Activation("softplus", "{f}(a) = \\log(1 + e^{{a}})", {1: 1, 2: -1}, _softplus, _sympy("softplus"),
               base=1),
    Activation("identity", "{f}(a) = a", None, _identity, _sympy("identity")),
    Activation("exp", "{f} = \\exp", {1: 1}, _exp, _sympy("exp")),
    Activation("log", "{f} = \\ln", None, _log, _sympy("log"), rule={(0, -1): 1}, domain="x > 0"),
    Activation("relu", "{f}(a) = \\max(0, a)", {}, _relu, _sympy("relu"), base=1,
               kink="relu'(0) is taken as 0 (relu has no derivative at 0), relu'' = 0 away from 0"),
)}

ERRORS: dict[str, ErrorFunction] = {e.name: e for e in (
    ErrorFunction("sum-of-squares", "E = 1/2 sum (y - t)^2", r"E = \frac{1}{2} \sum (y - t)^2",
                  lambda y, t: 0.5 * float(((y - t) ** 2).sum()), lambda y, t: y - t,
                  declarable=True, numeric=True),
    ErrorFunction("softplus-sum", "E = sum (log(1 + e^y) - t y)",
                  r"E = \sum \left(\log(1 + e^{y}) - t y\right)",
                  lambda y, t: float((np.logaddexp(0, y) - t * y).sum()), lambda y, t: sigmoid(y) - t),
    ErrorFunction("softmax-cross-entropy", "E = -sum t log softmax(y)",
                  r"E = -\sum t \log \operatorname{softmax}(y)", _cross_entropy,
                  lambda y, t: _softmax(y) * t.sum() - t, _softmax_targets, declarable=True, numeric=True,
                  formula=r"{E} = -\sum_{{{k}}} {t}_{{{k}}} \ln \frac{{\exp({y}_{{{k}}})}}"
                          r"{{\sum_{{{l}}} \exp({y}_{{{l}}})}}", condition="sum to 1"),
    ErrorFunction("binary-cross-entropy", "E = -sum (t log y + (1 - t) log(1 - y))",
                  r"E = -\sum \left(t \log y + (1 - t) \log(1 - y)\right)",
                  lambda y, t: float(-(t * np.log(y) + (1 - t) * np.log(1 - y)).sum()),
                  lambda y, t: (y - t) / (y * (1 - y)), _unit_targets, declarable=True, numeric=True,
                  formula=r"{E} = -\sum_{{{k}}} \left({t}_{{{k}}} \ln {y}_{{{k}}} + (1 - {t}_{{{k}}}) "
                          r"\ln(1 - {y}_{{{k}}})\right)", outputs="0 < y < 1"),
)}

#: the LaTeX function commands that are catalogue functions (``\\ln`` is the natural logarithm),
#: and the names the sources set upright (``\\operatorname{ReLU}``, ``\\mathrm{relu}``)
COMMANDS: dict[str, str] = {"tanh": "tanh", "exp": "exp", "log": "log", "ln": "log",
                            "ReLU": "relu", "relu": "relu"}

#: the conditions a file may declare on a family of targets (``% symbp: targets t sum to 1``): its
#: text as maths for the verdict, with ``{t}`` for the family (its index printed as ``k``)
CONDITIONS: dict[str, str] = {"sum to 1": "\\sum_{{k}} {t}_{{k}} = 1",
                              "one-hot": "{t}_{{k}} \\in \\{{0, 1\\}}, \\sum_{{k}} {t}_{{k}} = 1"}

#: what a file may declare: an activation by ``h^{(base + 1)}`` as a polynomial in ``h^{(base)}``
#: (identity: h(x) = x; the base is :attr:`Activation.base`)
ACTIVATION_KINDS: dict[str, dict[int, int] | None] = {
    a.name: a.derivative for a in ACTIVATIONS.values() if a.declarable}
ERROR_KINDS: tuple[str, ...] = tuple(e.name for e in ERRORS.values() if e.declarable)
#: the error functions of a numeric check (``symbp check --numeric --error``, ``numcheck.Options``):
#: the same names as a file's ``% symbp: error`` (one list for the file, the CLI and the API)
NUMERIC_ERRORS: tuple[str, ...] = tuple(e.name for e in ERRORS.values() if e.numeric)
#: the concrete activations undeclared functions get in turn (``h`` and ``g`` must not coincide)
CYCLE: tuple[str, ...] = ("tanh", "softplus", "logistic")
#: the concrete (activation, error) a counterexample runs, in order
INSTANCES: tuple[tuple[str, str], ...] = (("tanh", "sum-of-squares"), ("softplus", "softplus-sum"))
