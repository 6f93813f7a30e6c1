"""Random networks, equations about them, and their truth - independent of symbp.

This module imports nothing of symbp (the test and the benchmark use only symbp's public API,
``symbp.loads`` and ``symbp.check_equation``, to ask for verdicts).  Everything here comes from
the generator's own description of a network:

* :func:`random_net` draws a network as plain Python data (:class:`Net`): layers with an index
  letter and a symbolic size name, dense layers, weight-shared layers over positions ``l`` in the
  composite-index notation ``a_{j_l} = \\sum_i w_{ji} x_{i_l}``, per-position weights
  ``w_{kj_l}`` that flatten the positions, skip connections, biases (``b_j`` shared over the
  positions or ``b_{j_l}`` per position), declared activations (``% symbp: activation h = tanh``)
  and undefined ones, an undefined error ``E`` or ``% symbp: error sum-of-squares``;
* :func:`derivation_text` writes the network as a derivation file (``% symbp: forward ...``);
* :func:`random_equation` writes an equation about it as its own small AST (:class:`Q`, :class:`S`,
  ...): a TRUE one (a delta rule, a gradient, a local derivative; then commuted, renamed,
  distributed, with a Kronecker bracket, ...) or a MUTANT (swapped indices, ``h`` for ``h'``, a
  dropped sum, a wrong letter, a flipped sign, ...), each tagged with its class;
  :func:`render` prints the AST as LaTeX;
* :class:`Truth` evaluates both sides of an equation from the description with PyTorch autograd
  in float64 (every derivative is a Jacobian of the generator's own forward pass) at several
  small concrete sizes, random values, several concrete choices for every undefined function
  (tanh, softplus, sin) and for an undefined ``E``.  An equation is true only if both sides agree
  everywhere; one that does not even denote (a family the network lacks, a Kronecker bracket
  between two ranges) is false, ``ill-formed``.

A letter free on one side only means "for every value of it", as it does in the equations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# ----------------------------------------------------------------------------------------------
# the network description

POS, POS_SIZE = "l", "L"
HIDDEN_LETTERS = ("j", "m", "n", "p", "q", "r", "s")
DECLARABLE = ("tanh", "logistic", "identity", "relu")
CONCRETE = ("tanh", "softplus", "sin")  # the choices tried for an undefined function


@dataclass(frozen=True)
class Layer:
    index: int
    letter: str
    size: str
    positioned: bool  # units j_l, one copy per position l
    func: str | None  # z = func(a) for a hidden layer; None for the input and the output
    bias: str | None  # None, 'shared' (b_j over every position) or 'own' (b_j, b_{j_l})


@dataclass(frozen=True)
class Edge:
    id: int
    src: int
    dst: int
    param: str
    kind: str  # 'dense' (w_{kj}), 'shared' (w_{mj} over positions), 'flatten' (w_{kj_l})


@dataclass
class Net:
    layers: list[Layer]
    edges: list[Edge]
    input_name: str  # 'x' or 'z'
    functions: dict[str, str | None]  # name -> declared kind, or None (undefined)
    error: str | None  # None (undefined E) or 'sum-of-squares'

    @property
    def out(self) -> int:
        return len(self.layers) - 1

    def hidden(self) -> list[int]:
        return list(range(1, self.out))

    def out_edges(self, t: int) -> list[Edge]:
        return [e for e in self.edges if e.src == t]

    def in_edges(self, t: int) -> list[Edge]:
        return [e for e in self.edges if e.dst == t]

    def range_of(self, letter: str) -> str:
        base = letter.rstrip("'")
        if base == POS and self.has_positions():
            return POS_SIZE
        for la in self.layers:
            if la.letter == base:
                return la.size
        raise IllFormed(f"letter {letter} runs over no range")

    def has_positions(self) -> bool:
        return self.layers[0].positioned

    def ranges(self, t: int) -> tuple[str, ...]:
        la = self.layers[t]
        return (la.size, POS_SIZE) if la.positioned else (la.size,)

    def families(self) -> dict[tuple, tuple]:
        """(name, ranges, grouping) -> the key of the family's value in a :class:`Ctx`."""
        fams: dict[tuple, tuple] = {}
        g = (2,) if self.layers[0].positioned else (1,)
        fams[(self.input_name, self.ranges(0), g)] = ("x",)
        for la in self.layers[1:]:
            g = (2,) if la.positioned else (1,)
            r = self.ranges(la.index)
            fams[("a", r, g)] = ("a", la.index)
            fams[("delta", r, g)] = ("delta", la.index)
            if la.func is not None:
                fams[("z", r, g)] = ("z", la.index)
            if la.bias == "own":
                fams[("b", r, g)] = ("b", la.index)
            elif la.bias == "shared":
                fams[("b", (la.size,), (1,))] = ("b", la.index)
        for e in self.edges:
            s, t = self.layers[e.src], self.layers[e.dst]
            if e.kind == "flatten":
                fams[(e.param, (t.size, s.size, POS_SIZE), (1, 2))] = ("P", e.id)
            else:
                fams[(e.param, (t.size, s.size), (1, 1))] = ("P", e.id)
        if self.error == "sum-of-squares":
            fams[("t", self.ranges(self.out), (1,))] = ("t",)
        return fams


def random_net(rng: Any) -> Net:
    """A random network; ``rng`` has the interface of :class:`random.Random`."""
    n_hidden = rng.randint(1, 3)
    letters = ["i"] + rng.sample(HIDDEN_LETTERS, n_hidden) + ["k"]
    n_pos = 0 if rng.random() < 0.4 else rng.randint(1, n_hidden + 1)
    names = ["h"] if rng.random() < 0.6 else ["h", "g"]
    funcs = [rng.choice(names) for _ in range(n_hidden)]
    used = [f for f in names if f in funcs]
    declared = {f: (rng.choice(DECLARABLE) if rng.random() < 0.25 else None) for f in used}
    layers = []
    for t, letter in enumerate(letters):
        positioned = t < n_pos
        func = funcs[t - 1] if 0 < t <= n_hidden else None
        bias = None
        if t > 0 and rng.random() < 0.35:
            bias = rng.choice(["shared", "own"]) if positioned else "own"
        layers.append(Layer(t, letter, letter.upper(), positioned, func, bias))
    pairs = [(s, s + 1) for s in range(n_hidden + 1)]
    skips = [(s, t) for s in range(n_hidden + 1) for t in range(s + 2, n_hidden + 2)]
    rng.shuffle(skips)
    pairs += [p for p in skips[:2] if rng.random() < 0.3]
    edges = []
    for s, t in sorted(pairs):
        kind = ("shared" if layers[t].positioned else "flatten") if layers[s].positioned else "dense"
        edges.append(Edge(len(edges), s, t, rng.choice("wwuv"), kind))
    return Net(layers, edges, rng.choice("xz"), declared, "sum-of-squares" if rng.random() < 0.3 else None)


# ----------------------------------------------------------------------------------------------
# expressions (the generator's own AST)

class IllFormed(Exception):  # noqa: N818 - a property of an expression, not a failure
    """The expression denotes nothing in the network."""


@dataclass(frozen=True)
class Q:  # a family member: name and subscript groups, a_{j_l} = Q('a', (('j', 'l'),))
    name: str
    groups: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Fn:  # h(a_j), h'(a_j)
    name: str
    order: int
    arg: Q


@dataclass(frozen=True)
class D:  # \frac{\partial num}{\partial den}; num None is E
    num: Q | None
    den: Q


@dataclass(frozen=True)
class S:
    letters: tuple[str, ...]
    body: Any


@dataclass(frozen=True)
class M:
    factors: tuple


@dataclass(frozen=True)
class A:
    terms: tuple


@dataclass(frozen=True)
class Neg:
    x: Any


@dataclass(frozen=True)
class C:
    value: int


@dataclass(frozen=True)
class Kd:  # Iverson's bracket [x = y]
    x: str
    y: str


@dataclass(frozen=True)
class Size:  # the size of the range of a letter (K for k)
    letter: str


@dataclass(frozen=True)
class Pw:
    x: Any
    n: int


@dataclass
class Equation:
    lhs: Any
    rhs: Any
    cls: str  # 'true:<rewrite>' or 'mutant:<mutation>'
    base: str  # which base equation it came from
    latex: str = ""


def kids(n: Any) -> list:
    if isinstance(n, Fn):
        return [n.arg]
    if isinstance(n, D):
        return ([n.num] if n.num is not None else []) + [n.den]
    if isinstance(n, S | Neg | Pw):
        return [n.body if isinstance(n, S) else n.x]
    if isinstance(n, M):
        return list(n.factors)
    if isinstance(n, A):
        return list(n.terms)
    return []


def rebuild(n: Any, ks: list) -> Any:
    if isinstance(n, Fn):
        return Fn(n.name, n.order, ks[0])
    if isinstance(n, D):
        return D(ks[0], ks[1]) if n.num is not None else D(None, ks[0])
    if isinstance(n, S):
        return S(n.letters, ks[0])
    if isinstance(n, Neg):
        return Neg(ks[0])
    if isinstance(n, Pw):
        return Pw(ks[0], n.n)
    if isinstance(n, M):
        return M(tuple(ks))
    if isinstance(n, A):
        return A(tuple(ks))
    return n


def walk(n: Any, path: tuple = ()):  # noqa: ANN201
    yield path, n
    for i, k in enumerate(kids(n)):
        yield from walk(k, path + (i,))


def at(n: Any, path: tuple) -> Any:
    for i in path:
        n = kids(n)[i]
    return n


def put(n: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    ks = kids(n)
    ks[path[0]] = put(ks[path[0]], path[1:], new)
    return rebuild(n, ks)


def letters_of(n: Any) -> set[str]:
    """Every letter written anywhere in ``n`` (free or bound)."""
    out: set[str] = set()
    for _, x in walk(n):
        if isinstance(x, Q):
            out.update(c for g in x.groups for c in g)
        elif isinstance(x, S):
            out.update(x.letters)
        elif isinstance(x, Kd):
            out.update((x.x, x.y))
        elif isinstance(x, Size):
            out.add(x.letter)
    return out


def free_letters(n: Any) -> set[str]:
    if isinstance(n, Q):
        return {c for g in n.groups for c in g}
    if isinstance(n, Kd):
        return {n.x, n.y}
    if isinstance(n, S):
        return free_letters(n.body) - set(n.letters)
    out: set[str] = set()
    for k in kids(n):
        out |= free_letters(k)
    return out


def subst(n: Any, mapping: dict[str, str]) -> Any:
    """Rename the free occurrences of letters."""
    if not mapping:
        return n
    if isinstance(n, Q):
        return Q(n.name, tuple(tuple(mapping.get(c, c) for c in g) for g in n.groups))
    if isinstance(n, Kd):
        return Kd(mapping.get(n.x, n.x), mapping.get(n.y, n.y))
    if isinstance(n, S):
        inner = {k: v for k, v in mapping.items() if k not in n.letters}
        return S(n.letters, subst(n.body, inner))
    return rebuild(n, [subst(k, mapping) for k in kids(n)])


def fresh(letter: str, used: set[str]) -> str:
    x = letter.rstrip("'") + "'"
    while x in used:
        x += "'"
    return x


# ----------------------------------------------------------------------------------------------
# LaTeX, written from the AST

def _group(g: tuple[str, ...]) -> str:
    head, rest = g[0], g[1:]
    if not rest:
        return head
    tail = "".join(rest)
    return f"{head}_{tail}" if len(rest) == 1 and len(rest[0]) == 1 else f"{head}_{{{tail}}}"


def tex_q(q: Q, braces: bool = True) -> str:
    name = r"\delta" if q.name == "delta" else q.name
    sub = "".join(_group(g) for g in q.groups)
    if len(sub) == 1 and not braces:
        return f"{name}_{sub}"
    return f"{name}_{{{sub}}}"


class Style:
    """Random but harmless choices of how to write the same thing."""

    def __init__(self, rng: Any = None):
        self.rng = rng

    def coin(self) -> bool:
        return bool(self.rng is not None and self.rng.random() < 0.5)


def render(n: Any, net: Net, st: Style | None = None) -> str:
    st = st or Style()
    if isinstance(n, Q):
        return tex_q(n, braces=not st.coin())
    if isinstance(n, Fn):
        return f"{n.name}{chr(39) * n.order}({tex_q(n.arg, braces=not st.coin())})"
    if isinstance(n, D):
        num = "E" if n.num is None else render(n.num, net, st)
        return rf"\frac{{\partial {num}}}{{\partial {render(n.den, net, st)}}}"
    if isinstance(n, S):
        body = render(n.body, net, st)
        if isinstance(n.body, A | Neg):
            body = _paren(body, st)
        if len(n.letters) > 1 and st.coin():
            head = "\\sum_{" + ",".join(n.letters) + "}"
        else:
            head = " ".join(("\\sum_" + x) if len(x) == 1 and st.coin() else ("\\sum_{" + x + "}")
                            for x in n.letters)
        return f"{head} {body}"
    if isinstance(n, M):
        parts = []
        last = len(n.factors) - 1
        for i, f in enumerate(n.factors):
            s = render(f, net, st)
            if (isinstance(f, A | Neg) or (isinstance(f, S) and i < last) or (isinstance(f, C) and i > 0)
                    or (isinstance(f, M))):
                s = _paren(s, st)
            parts.append(s)
        return " ".join(parts)
    if isinstance(n, A):
        out = ""
        for i, t in enumerate(n.terms):
            neg = isinstance(t, Neg)
            body = t.x if neg else t
            s = render(body, net, st)
            if isinstance(body, A | Neg):
                s = _paren(s, st)
            out += ("-" + s if neg else s) if i == 0 else ((" - " if neg else " + ") + s)
        return out
    if isinstance(n, Neg):
        s = render(n.x, net, st)
        return "-" + (_paren(s, st) if isinstance(n.x, A | Neg) else s)
    if isinstance(n, C):
        return str(n.value)
    if isinstance(n, Kd):
        return f"[{n.x} = {n.y}]"
    if isinstance(n, Size):
        return net.range_of(n.letter)
    if isinstance(n, Pw):
        s = render(n.x, net, st)
        return f"{s}^{n.n}" if isinstance(n.x, Q | Fn) else f"{_paren(s, st)}^{n.n}"
    raise TypeError(n)


def _paren(s: str, st: Style) -> str:
    return rf"\left( {s} \right)" if st.coin() else f"({s})"


def equation_latex(eq: Equation, net: Net, rng: Any = None) -> str:
    st = Style(rng)
    return f"{render(eq.lhs, net, st)} = {render(eq.rhs, net, st)}"


# ----------------------------------------------------------------------------------------------
# the network's quantities as AST

def grp(net: Net, t: int, letter: str | None = None) -> tuple[str, ...]:
    la = net.layers[t]
    x = letter or la.letter
    return (x, POS) if la.positioned else (x,)


def a_(net: Net, t: int) -> Q:
    return Q("a", (grp(net, t),))


def z_(net: Net, t: int) -> Q:
    return Q(net.input_name if t == 0 else "z", (grp(net, t),))


def delta_(net: Net, t: int) -> Q:
    return Q("delta", (grp(net, t),))


def fprime(net: Net, t: int) -> Fn:
    return Fn(net.layers[t].func, 1, a_(net, t))


def param_(net: Net, e: Edge) -> Q:
    s, t = net.layers[e.src], net.layers[e.dst]
    if e.kind == "flatten":
        return Q(e.param, ((t.letter,), (s.letter, POS)))
    return Q(e.param, ((t.letter,), (s.letter,)))


def bias_(net: Net, t: int) -> Q:
    la = net.layers[t]
    return Q("b", ((la.letter,),)) if la.bias == "shared" else Q("b", (grp(net, t),))


def forward_terms(net: Net, t: int) -> Any:
    terms: list = []
    for e in net.in_edges(t):
        s = net.layers[e.src]
        prod = M((param_(net, e), z_(net, e.src)))
        terms.append(S((s.letter, POS) if e.kind == "flatten" else (s.letter,), prod))
    if net.layers[t].bias:
        terms.append(bias_(net, t))
    return terms[0] if len(terms) == 1 else A(tuple(terms))


def derivation_text(net: Net, equations: list[str] = ()) -> str:
    """The network as a derivation file, and optionally displays of equations."""
    params = sorted({e.param for e in net.edges} | {"b"})
    lines = ["% generated by tests/independent/netgen.py", f"% symbp: params {', '.join(params)}"]
    for f, kind in net.functions.items():
        if kind:
            lines.append(f"% symbp: activation {f} = {kind}")
    if net.error:
        lines.append(f"% symbp: error {net.error}")
    for la in net.layers[1:]:
        lines.append(f"% symbp: forward {render(a_(net, la.index), net)} = "
                     f"{render(forward_terms(net, la.index), net)}")
        if la.func:
            lines.append(f"% symbp: forward {render(z_(net, la.index), net)} = "
                         f"{render(Fn(la.func, 0, a_(net, la.index)), net)}")
    lines += [f"$${eq}$$" for eq in equations]
    return "\n".join(lines) + "\n"


def backsum(net: Net, t: int) -> Any:
    """sum over the uses of layer t's units of weight times delta above."""
    terms = []
    for e in net.out_edges(t):
        up = net.layers[e.dst]
        terms.append(S((up.letter,), M((param_(net, e), delta_(net, e.dst)))))
    return terms[0] if len(terms) == 1 else A(tuple(terms))


def grad_rhs(net: Net, e: Edge) -> Any:
    prod = M((delta_(net, e.dst), z_(net, e.src)))
    return S((POS,), prod) if e.kind == "shared" else prod


def bases(net: Net) -> list[tuple[str, Any, Any]]:
    """The true equations the generator knows about the network: (name, lhs, rhs)."""
    out: list[tuple[str, Any, Any]] = []
    for t in net.hidden():
        out.append(("delta-rule", delta_(net, t), M((fprime(net, t), backsum(net, t)))))
        out.append(("dE/dz", D(None, z_(net, t)), backsum(net, t)))
        es = net.out_edges(t)
        if len(es) == 1 and es[0].dst == t + 1:
            up = net.layers[t + 1]
            out.append(("chain-delta", delta_(net, t),
                        S((up.letter,), M((delta_(net, t + 1), D(a_(net, t + 1), a_(net, t)))))))
    out.append(("dE/dx", D(None, z_(net, 0)), backsum(net, 0)))
    for e in net.edges:
        out.append(("grad", D(None, param_(net, e)), grad_rhs(net, e)))
        chain = M((D(None, a_(net, e.dst)), D(a_(net, e.dst), param_(net, e))))
        out.append(("chain-grad", D(None, param_(net, e)), S((POS,), chain) if e.kind == "shared" else chain))
        out.append(("local-w", D(a_(net, e.dst), param_(net, e)), z_(net, e.src)))
        if e.dst == e.src + 1:
            out.append(("local-z", D(a_(net, e.dst), z_(net, e.src)), param_(net, e)))
            if e.src > 0:
                out.append(("local-a", D(a_(net, e.dst), a_(net, e.src)),
                            M((param_(net, e), fprime(net, e.src)))))
    for la in net.layers[1:]:
        if la.bias:
            rhs = S((POS,), delta_(net, la.index)) if la.bias == "shared" and la.positioned \
                else delta_(net, la.index)
            out.append(("grad-bias", D(None, bias_(net, la.index)), rhs))
    if net.error == "sum-of-squares":
        o = net.out
        out.append(("delta-out", delta_(net, o), A((a_(net, o), Neg(Q("t", (grp(net, o),)))))))
    return out


# ----------------------------------------------------------------------------------------------
# equal rewrites (each one an identity, whatever the network)

def _paths(n: Any, kind: Any) -> list[tuple]:
    return [p for p, x in walk(n) if isinstance(x, kind)]


def rw_commute(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    def shuffle(n: Any) -> Any:
        n = rebuild(n, [shuffle(k) for k in kids(n)])
        if isinstance(n, M | A):
            xs = list(kids(n))
            rng.shuffle(xs)
            return rebuild(n, xs)
        return n
    new = shuffle(rhs)
    if rng.random() < 0.4:
        return new, lhs
    return lhs, new


def rw_rename(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    ps = _paths(rhs, S)
    if not ps:
        return None
    p = rng.choice(ps)
    s = at(rhs, p)
    used = letters_of(lhs) | letters_of(rhs)
    mapping = {}
    for x in s.letters:
        mapping[x] = fresh(x, used)
        used.add(mapping[x])
    new = S(tuple(mapping[x] for x in s.letters), subst(s.body, mapping))
    return lhs, put(rhs, p, new)


def rw_distribute(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    options = []
    for p, x in walk(rhs):
        if isinstance(x, M):
            for i, f in enumerate(x.factors):
                others = x.factors[:i] + x.factors[i + 1:]
                if isinstance(f, A):
                    options.append((p, A(tuple(M(others + (t,)) for t in f.terms))))
                elif isinstance(f, S) and not (set(f.letters) & set().union(*map(letters_of, others))):
                    options.append((p, S(f.letters, M(others + (f.body,)))))
        if isinstance(x, S) and isinstance(x.body, A):
            options.append((p, A(tuple(S(x.letters, t) for t in x.body.terms))))
    if not options:
        return None
    p, new = rng.choice(options)
    return lhs, put(rhs, p, new)


def _factor_paths(n: Any) -> list[tuple]:
    return [p for p, x in walk(n) if isinstance(x, Q | Fn | D)
            and not any(isinstance(at(n, p[:k]), Fn | D) for k in range(len(p)))]


def rw_kronecker(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    ps = [p for p in _factor_paths(rhs) if free_letters(at(rhs, p))]
    if not ps:
        return None
    p = rng.choice(ps)
    node = at(rhs, p)
    x = rng.choice(sorted(free_letters(node)))
    y = fresh(x, letters_of(lhs) | letters_of(rhs))
    bracket = Kd(x, y) if rng.random() < 0.5 else Kd(y, x)
    factors = (bracket, subst(node, {x: y})) if rng.random() < 0.5 else (subst(node, {x: y}), bracket)
    return lhs, put(rhs, p, S((y,), M(factors)))


def rw_zform(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    options = []
    for p, x in walk(rhs):
        if isinstance(x, Q) and x.name == "z" and not _in_derivative(rhs, p):
            t = _layer_of(net, x.groups[0][0])
            if t is not None and net.layers[t].func:
                options.append((p, Fn(net.layers[t].func, 0, Q("a", x.groups))))
        if isinstance(x, Fn) and x.order == 0 and x.arg.name == "a":
            t = _layer_of(net, x.arg.groups[0][0])
            if t is not None and net.layers[t].func == x.name:
                options.append((p, Q("z", x.arg.groups)))
    if not options:
        return None
    p, new = rng.choice(options)
    return lhs, put(rhs, p, new)


def rw_declared(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    options = []
    for p, x in walk(rhs):
        if isinstance(x, Fn) and x.order == 1 and net.functions.get(x.name):
            kind = net.functions[x.name]
            zq: Any = Fn(x.name, 0, x.arg)
            t = _layer_of(net, x.arg.groups[0][0])
            if t is not None and net.layers[t].func == x.name and rng.random() < 0.5:
                zq = Q("z", x.arg.groups)
            if kind == "tanh":
                options.append((p, A((C(1), Neg(Pw(zq, 2))))))
            elif kind == "logistic":
                options.append((p, M((zq, A((C(1), Neg(zq)))))))
            elif kind == "identity":
                options.append((p, C(1)))
    if not options:
        return None
    p, new = rng.choice(options)
    return lhs, put(rhs, p, new)


def rw_definition(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    ps = [p for p, x in walk(rhs) if isinstance(x, Q) and x.name == "delta"]
    if not ps:
        return None
    p = rng.choice(ps)
    return lhs, put(rhs, p, D(None, Q("a", at(rhs, p).groups)))


def rw_difference(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    return A((lhs, Neg(rhs))), C(0)


def rw_scale_both(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    return M((C(2), lhs)), M((C(2), rhs))


def rw_vacuous_sum(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    used = letters_of(lhs) | letters_of(rhs)
    spare = [la.letter for la in net.layers if la.letter not in used]
    spare += [POS] if POS not in used and net.has_positions() else []
    if not spare:
        return None
    x = rng.choice(spare)
    return S((x,), lhs), M((Size(x), rhs))


def rw_unfold(rng: Any, net: Net, lhs: Any, rhs: Any) -> tuple | None:
    """a bare a_k (not inside h or a derivative) replaced by its forward equation."""
    ps = [p for p, x in walk(rhs) if isinstance(x, Q) and x.name == "a" and not _in_derivative(rhs, p)]
    if not ps:
        return None
    p = rng.choice(ps)
    q = at(rhs, p)
    t = _layer_of(net, q.groups[0][0])
    if t is None or t == 0:
        return None
    used = letters_of(lhs) | letters_of(rhs)
    own = {c for c in grp(net, t)}
    body = subst(forward_terms(net, t), {x: y for x, y in zip(grp(net, t), q.groups[0])})
    # bound letters of the forward terms that clash with the equation get fresh names
    for _, x in list(walk(body)):
        if isinstance(x, S):
            for c in x.letters:
                if c in used and c not in own:
                    body = _rename_bound(body, c, fresh(c, used | letters_of(body)))
    return lhs, put(rhs, p, body)


def _rename_bound(n: Any, old: str, new: str) -> Any:
    if isinstance(n, S) and old in n.letters:
        return S(tuple(new if c == old else c for c in n.letters), subst(n.body, {old: new}))
    return rebuild(n, [_rename_bound(k, old, new) for k in kids(n)])


REWRITES = {
    "base": None, "unfold": rw_unfold, "commute": rw_commute, "rename": rw_rename,
    "distribute": rw_distribute,
    "kronecker": rw_kronecker, "z-form": rw_zform, "declared": rw_declared,
    "delta-definition": rw_definition, "difference-zero": rw_difference, "scale-both": rw_scale_both,
    "vacuous-sum": rw_vacuous_sum,
}


def _in_derivative(n: Any, p: tuple) -> bool:
    return any(isinstance(at(n, p[:k]), D | Fn) for k in range(len(p)))


def _layer_of(net: Net, letter: str) -> int | None:
    for la in net.layers:
        if la.letter == letter.rstrip("'"):
            return la.index
    return None


# ----------------------------------------------------------------------------------------------
# mutations (each one usually false; the truth decides)

def mu_swap_indices(rng: Any, net: Net, rhs: Any) -> Any:
    ps = [p for p, x in walk(rhs) if isinstance(x, Q) and (len(x.groups) > 1 or len(x.groups[0]) > 1)]
    if not ps:
        return None
    p = rng.choice(ps)
    q = at(rhs, p)
    if len(q.groups) > 1:
        gs = list(q.groups)
        i, j = rng.sample(range(len(gs)), 2)
        gs[i], gs[j] = gs[j], gs[i]
        return put(rhs, p, Q(q.name, tuple(gs)))
    return put(rhs, p, Q(q.name, (tuple(reversed(q.groups[0])),)))


def mu_hprime_to_h(rng: Any, net: Net, rhs: Any) -> Any:
    ps = [p for p, x in walk(rhs) if isinstance(x, Fn) and x.order == 1]
    if not ps:
        return None
    p = rng.choice(ps)
    f = at(rhs, p)
    return put(rhs, p, Fn(f.name, 0, f.arg))


def mu_h_to_hprime(rng: Any, net: Net, rhs: Any) -> Any:
    options = []
    for p, x in walk(rhs):
        if isinstance(x, Fn) and x.order == 0:
            options.append((p, Fn(x.name, 1, x.arg)))
        if isinstance(x, Q) and x.name == "z" and not _in_derivative(rhs, p):
            t = _layer_of(net, x.groups[0][0])
            if t is not None and net.layers[t].func:
                options.append((p, Fn(net.layers[t].func, 1, Q("a", x.groups))))
    if not options:
        return None
    p, new = rng.choice(options)
    return put(rhs, p, new)


def mu_drop_hprime(rng: Any, net: Net, rhs: Any) -> Any:
    options = []
    for p, x in walk(rhs):
        if isinstance(x, M):
            for i, f in enumerate(x.factors):
                if isinstance(f, Fn) and f.order >= 1:
                    rest = x.factors[:i] + x.factors[i + 1:]
                    options.append((p, rest[0] if len(rest) == 1 else M(rest)))
    if not options:
        return None
    p, new = rng.choice(options)
    return put(rhs, p, new)


def mu_drop_sum(rng: Any, net: Net, rhs: Any) -> Any:
    ps = _paths(rhs, S)
    if not ps:
        return None
    p = rng.choice(ps)
    s = at(rhs, p)
    if len(s.letters) > 1:
        keep = list(s.letters)
        keep.remove(rng.choice(keep))
        return put(rhs, p, S(tuple(keep), s.body))
    return put(rhs, p, s.body)


def mu_add_sum(rng: Any, net: Net, rhs: Any) -> Any:
    ps = [()] + [p for p in _factor_paths(rhs)]
    p = rng.choice(ps)
    node = at(rhs, p)
    free = sorted(free_letters(node))
    cands = free + [la.letter for la in net.layers if la.letter not in letters_of(rhs)]
    if not cands:
        return None
    return put(rhs, p, S((rng.choice(cands),), node))


def mu_wrong_letter(rng: Any, net: Net, rhs: Any) -> Any:
    ps = [p for p, x in walk(rhs) if isinstance(x, Q)]
    if not ps:
        return None
    p = rng.choice(ps)
    q = at(rhs, p)
    slots = [(gi, ci) for gi, g in enumerate(q.groups) for ci in range(len(g))]
    gi, ci = rng.choice(slots)
    x = q.groups[gi][ci]
    others = [la.letter for la in net.layers if la.letter != x.rstrip("'")]
    others += [POS] if net.has_positions() else []
    y = fresh(x, letters_of(rhs)) if rng.random() < 0.4 else rng.choice([o for o in others if o != x])
    gs = [list(g) for g in q.groups]
    gs[gi][ci] = y
    return put(rhs, p, Q(q.name, tuple(tuple(g) for g in gs)))


def mu_sign(rng: Any, net: Net, rhs: Any) -> Any:
    ps = _paths(rhs, A)
    if ps and rng.random() < 0.5:
        p = rng.choice(ps)
        a = at(rhs, p)
        i = rng.randrange(len(a.terms))
        t = a.terms[i]
        ts = list(a.terms)
        ts[i] = t.x if isinstance(t, Neg) else Neg(t)
        return put(rhs, p, A(tuple(ts)))
    return rhs.x if isinstance(rhs, Neg) else Neg(rhs)


def mu_scale2(rng: Any, net: Net, rhs: Any) -> Any:
    ps = [()] + _factor_paths(rhs)
    p = rng.choice(ps)
    return put(rhs, p, M((C(2), at(rhs, p))))


def mu_wrong_layer(rng: Any, net: Net, rhs: Any) -> Any:
    options = []
    for p, x in walk(rhs):
        if not isinstance(x, Q) or x.name in ("t",):
            continue
        if x.name in ("a", "z", "delta", net.input_name) and len(x.groups) == 1:
            t = _layer_of(net, x.groups[0][0])
            if t is None:
                continue
            for la in net.layers:
                if la.index == t or la.positioned != net.layers[t].positioned:
                    continue
                if x.name in ("a", "delta") and la.index == 0:
                    continue
                if x.name in ("z", net.input_name) and la.index == net.out:
                    continue
                name = x.name
                if name in ("z", net.input_name):
                    name = net.input_name if la.index == 0 else "z"
                options.append((p, Q(name, (grp(net, la.index),))))
        elif x.name not in ("a", "z", "delta", "b"):
            for e in net.edges:
                q2 = param_(net, e)
                if q2 != x:
                    options.append((p, q2))
    if not options:
        return None
    p, new = rng.choice(options)
    return put(rhs, p, new)


def mu_wrong_function(rng: Any, net: Net, rhs: Any) -> Any:
    names = list(net.functions)
    ps = [p for p, x in walk(rhs) if isinstance(x, Fn)]
    if len(names) < 2 or not ps:
        return None
    p = rng.choice(ps)
    f = at(rhs, p)
    return put(rhs, p, Fn(rng.choice([n for n in names if n != f.name]), f.order, f.arg))


def mu_z_for_a(rng: Any, net: Net, rhs: Any) -> Any:
    options = []
    for p, x in walk(rhs):
        if isinstance(x, Q) and x.name in ("z", "a") and not _in_derivative(rhs, p):
            options.append((p, Q("a" if x.name == "z" else "z", x.groups)))
        if isinstance(x, Fn) and x.order == 0:
            options.append((p, x.arg))
    if not options:
        return None
    p, new = rng.choice(options)
    return put(rhs, p, new)


def mu_drop_term(rng: Any, net: Net, rhs: Any) -> Any:
    ps = _paths(rhs, A)
    if not ps:
        return None
    p = rng.choice(ps)
    a = at(rhs, p)
    ts = list(a.terms)
    ts.pop(rng.randrange(len(ts)))
    return put(rhs, p, ts[0] if len(ts) == 1 else A(tuple(ts)))


def mu_swap_derivative(rng: Any, net: Net, rhs: Any) -> Any:
    ps = [p for p, x in walk(rhs) if isinstance(x, D) and x.num is not None]
    if not ps:
        return None
    p = rng.choice(ps)
    d = at(rhs, p)
    return put(rhs, p, D(d.den, d.num))


MUTATIONS = {
    "swap-indices": mu_swap_indices, "h'-to-h": mu_hprime_to_h, "h-to-h'": mu_h_to_hprime,
    "drop-h'": mu_drop_hprime, "drop-sum": mu_drop_sum, "add-sum": mu_add_sum,
    "wrong-letter": mu_wrong_letter, "sign": mu_sign, "factor-2": mu_scale2, "wrong-layer": mu_wrong_layer,
    "wrong-function": mu_wrong_function, "z-for-a": mu_z_for_a, "drop-term": mu_drop_term,
    "swap-derivative": mu_swap_derivative,
}


def mu_bracket(rng: Any, net: Net, rhs: Any) -> Any:
    """a Kronecker bracket dropped, or one of its letters changed"""
    options = []
    for p, x in walk(rhs):
        if isinstance(x, M):
            for i, f in enumerate(x.factors):
                if isinstance(f, Kd):
                    rest = x.factors[:i] + x.factors[i + 1:]
                    options.append((p, rest[0] if len(rest) == 1 else M(rest)))
        if isinstance(x, Kd):
            y = rng.choice([fresh(x.y, letters_of(rhs))] + [la.letter for la in net.layers])
            if y != x.y:
                options.append((p, Kd(x.x, y)))
    if not options:
        return None
    p, new = rng.choice(options)
    return put(rhs, p, new)


def mu_double(rng: Any, net: Net, rhs: Any) -> Any:
    """two mutations in a row (they may cancel: the truth decides)"""
    names = [k for k in MUTATIONS if k != "double"]
    for _ in range(10):
        one = MUTATIONS[rng.choice(names)](rng, net, rhs)
        if one is None or one == rhs:
            continue
        two = MUTATIONS[rng.choice(names)](rng, net, one)
        if two is not None and two != one:
            return two
    return None


MUTATIONS["double"] = mu_double
MUTATIONS["bracket"] = mu_bracket
#: mutations that may also hit the left side (the rest change the right side only)
LEFT_TOO = ("swap-indices", "wrong-letter", "wrong-layer", "swap-derivative")


def random_equation(rng: Any, net: Net, mutant: bool | None = None, cls: str | None = None,
                    tries: int = 30) -> Equation:
    """One equation about ``net``: a true rewrite of a base equation, or a mutant of one."""
    all_bases = bases(net)
    if mutant is None:
        mutant = rng.random() < 0.5 if cls is None else cls.startswith("mutant:")
    for _ in range(tries):
        name, lhs, rhs = rng.choice(all_bases)
        if mutant:
            if rng.random() < 0.3:  # mutate an equal rewrite, not only the base form
                kind = rng.choice(["commute", "rename", "distribute", "kronecker", "kronecker", "z-form"])
                got = REWRITES[kind](rng, net, lhs, rhs)
                if got is not None:
                    lhs, rhs = got
            kind = cls.split(":", 1)[1] if cls else rng.choice(list(MUTATIONS))
            if kind in LEFT_TOO and rng.random() < 0.25:
                new = MUTATIONS[kind](rng, net, lhs)
                if new is not None and new != lhs:
                    return Equation(new, rhs, "mutant:" + kind, name)
                continue
            new = MUTATIONS[kind](rng, net, rhs)
            if new is not None and new != rhs:
                return Equation(lhs, new, "mutant:" + kind, name)
        else:
            kind = cls.split(":", 1)[1] if cls else rng.choice(list(REWRITES))
            if kind == "base":
                return Equation(lhs, rhs, "true:base", name)
            got = REWRITES[kind](rng, net, lhs, rhs)
            if got is not None and got != (lhs, rhs):
                lhs2, rhs2 = got
                if kind != "commute" and rng.random() < 0.3:  # and sometimes commute on top
                    lhs2, rhs2 = rw_commute(rng, net, lhs2, rhs2)
                return Equation(lhs2, rhs2, "true:" + kind, name)
    name, lhs, rhs = rng.choice(all_bases)
    return Equation(lhs, rhs, "true:base", name)


# ----------------------------------------------------------------------------------------------
# the truth: PyTorch autograd on the description

def _funcs(torch: Any) -> dict[str, tuple]:
    def sig(x: Any) -> Any:
        return torch.sigmoid(x)
    return {
        "tanh": (torch.tanh, lambda x: 1 - torch.tanh(x) ** 2,
                 lambda x: -2 * torch.tanh(x) * (1 - torch.tanh(x) ** 2)),
        "softplus": (torch.nn.functional.softplus, sig, lambda x: sig(x) * (1 - sig(x))),
        "sin": (torch.sin, torch.cos, lambda x: -torch.sin(x)),
        "logistic": (sig, lambda x: sig(x) * (1 - sig(x)),
                     lambda x: sig(x) * (1 - sig(x)) * (1 - 2 * sig(x))),
        "identity": (lambda x: x, torch.ones_like, torch.zeros_like),
        # relu' is the gate [x > 0] (0 at the kink, as symbp's catalogue has it); random values
        # never land on the kink, where the derivative is a convention, not a value
        "relu": (torch.relu, lambda x: (x > 0).to(x.dtype), torch.zeros_like),
    }


class Ctx:
    """One concrete instance: sizes, values, a concrete function for every name, one E."""

    def __init__(self, net: Net, sizes: dict[str, int], funcs: dict[str, str], error: str, seed: int):
        import torch
        self.torch, self.net, self.sizes, self.error = torch, net, sizes, error
        table = _funcs(torch)
        self.f = {name: table[kind] for name, kind in funcs.items()}
        gen = torch.Generator().manual_seed(seed)

        def normal(shape: tuple, scale: float = 1.0) -> Any:
            return torch.randn(shape, generator=gen, dtype=torch.float64) * scale

        self.shapes: dict[tuple, tuple] = {}
        self.leaves: dict[tuple, Any] = {}
        sh = [tuple(sizes[r] for r in net.ranges(t)) for t in range(len(net.layers))]
        self.leaves[("x",)] = normal(sh[0])
        for e in net.edges:
            s, t = net.layers[e.src], net.layers[e.dst]
            shape = (sizes[t.size], sizes[s.size]) + ((sizes[POS_SIZE],) if e.kind == "flatten" else ())
            self.leaves[("P", e.id)] = normal(shape, 0.6)
        for la in net.layers[1:]:
            if la.bias:
                shape = (sizes[la.size],) if la.bias == "shared" else sh[la.index]
                self.leaves[("b", la.index)] = normal(shape, 0.5)
        self.leaves[("t",)] = normal(sh[net.out])
        self.c = normal(sh[net.out])
        for k, v in self.leaves.items():
            self.shapes[k] = tuple(v.shape)
        for t in range(1, len(net.layers)):
            self.shapes[("a", t)] = sh[t]
            self.shapes[("z", t)] = sh[t]
        self.shapes[("E",)] = ()
        with torch.no_grad():
            self.values = self.forward({})
        self.jacs: dict[tuple, Any] = {}

    def forward(self, perturb: dict[tuple, Any]) -> dict[tuple, Any]:
        torch, net = self.torch, self.net

        def get(key: tuple, v: Any) -> Any:
            return v + perturb[key] if key in perturb else v

        vals = {k: get(k, v) for k, v in self.leaves.items()}
        z = {0: vals[("x",)]}
        for t in range(1, len(net.layers)):
            la = net.layers[t]
            acc = 0
            for e in net.in_edges(t):
                p, zs = vals[("P", e.id)], z[e.src]
                spec = {"dense": "ts,s->t", "shared": "ts,sl->tl", "flatten": "tsl,sl->t"}[e.kind]
                acc = acc + torch.einsum(spec, p, zs)
            if la.bias:
                b = vals[("b", t)]
                acc = acc + (b[:, None] if la.bias == "shared" and la.positioned else b)
            a = get(("a", t), acc)
            vals[("a", t)] = a
            if la.func:
                zt = get(("z", t), self.f[la.func][0](a))
                vals[("z", t)] = zt
                z[t] = zt
        y = vals[("a", net.out)]
        if self.error == "sq":
            vals[("E",)] = 0.5 * ((y - vals[("t",)]) ** 2).sum()
        else:
            vals[("E",)] = torch.logsumexp(self.c * y.reshape(-1), 0) + (y ** 3).sum() / 6
        return vals

    def jac(self, num: tuple, den: tuple) -> Any:
        key = (num, den)
        if key not in self.jacs:
            torch = self.torch
            zero = torch.zeros(self.shapes[den], dtype=torch.float64)
            self.jacs[key] = torch.autograd.functional.jacobian(
                lambda eps: self.forward({den: eps})[num], zero, vectorize=True)
        return self.jacs[key]


class Truth:
    """Decides equations about one network by evaluating both sides in several :class:`Ctx`."""

    def __init__(self, net: Net, seed: int = 0, plans: int = 2):
        import random as _random
        rnd = _random.Random(seed)
        self.net = net
        ranges = sorted({la.size for la in net.layers} | ({POS_SIZE} if net.has_positions() else set()))
        undefined = [f for f, kind in net.functions.items() if not kind]
        assignments = []
        for r in range(len(CONCRETE) if undefined else 1):
            fs = {f: (kind or CONCRETE[(i + r) % len(CONCRETE)]) for i, (f, kind) in
                  enumerate(net.functions.items())}
            assignments.append(fs)
        errors = ["sq"] if net.error else ["sq", "lse"]
        self.ctxs = []
        for _ in range(plans):
            sizes = {r: rnd.randint(2, 4) for r in ranges}
            for fs in assignments:
                for err in errors:
                    self.ctxs.append(Ctx(net, sizes, fs, err, rnd.randrange(2 ** 31)))
        self.families = net.families()

    # -- evaluation: a tensor and the letters of its axes
    def family(self, q: Q) -> tuple:
        ranges = tuple(self.net.range_of(c) for g in q.groups for c in g)
        key = (q.name, ranges, tuple(len(g) for g in q.groups))
        if key not in self.families:
            raise IllFormed(f"no family {q}")
        return self.families[key]

    def _index(self, ctx: Ctx, t: Any, letters: list[str]) -> tuple[Any, tuple[str, ...]]:
        uniq = tuple(dict.fromkeys(letters))
        if len(uniq) == len(letters):
            return t, uniq
        chars = {c: chr(97 + i) for i, c in enumerate(uniq)}
        spec = "".join(chars[c] for c in letters) + "->" + "".join(chars[c] for c in uniq)
        return ctx.torch.einsum(spec, t), uniq

    def value(self, ctx: Ctx, key: tuple) -> Any:
        if key[0] == "delta":
            return ctx.jac(("E",), ("a", key[1]))
        return ctx.values[key]

    def ev(self, ctx: Ctx, n: Any) -> tuple[Any, tuple[str, ...]]:
        torch = ctx.torch
        if isinstance(n, Q):
            key = self.family(n)
            return self._index(ctx, self.value(ctx, key), [c for g in n.groups for c in g])
        if isinstance(n, Fn):
            if n.name not in ctx.f:
                raise IllFormed(f"no function {n.name}")
            key = self.family(n.arg)
            if key[0] == "delta":
                raise IllFormed("a function of delta")
            v = ctx.f[n.name][n.order](self.value(ctx, key))
            return self._index(ctx, v, [c for g in n.arg.groups for c in g])
        if isinstance(n, D):
            num = ("E",) if n.num is None else self.family(n.num)
            den = self.family(n.den)
            if num[0] == "delta" or den[0] in ("delta", "E"):
                raise IllFormed("a derivative of or by delta")
            letters = ([] if n.num is None else [c for g in n.num.groups for c in g])
            letters += [c for g in n.den.groups for c in g]
            return self._index(ctx, ctx.jac(num, den), letters)
        if isinstance(n, S):
            t, ls = self.ev(ctx, n.body)
            for x in n.letters:
                size = ctx.sizes[self.net.range_of(x)]
                if x in ls:
                    t = t.sum(dim=ls.index(x))
                    ls = tuple(c for c in ls if c != x)
                else:
                    t = t * size
            return t, ls
        if isinstance(n, M):
            parts = [self.ev(ctx, f) for f in n.factors]
            allls = tuple(dict.fromkeys(c for _, ls in parts for c in ls))
            chars = {c: chr(97 + i) for i, c in enumerate(allls)}
            spec = ",".join("".join(chars[c] for c in ls) for _, ls in parts) + "->" + \
                "".join(chars[c] for c in allls)
            return torch.einsum(spec, *[t for t, _ in parts]), allls
        if isinstance(n, A):
            parts = [self.ev(ctx, t) for t in n.terms]
            allls = tuple(dict.fromkeys(c for _, ls in parts for c in ls))
            total = 0
            for t, ls in parts:
                total = total + self._broadcast(ctx, t, ls, allls)
            return total, allls
        if isinstance(n, Neg):
            t, ls = self.ev(ctx, n.x)
            return -t, ls
        if isinstance(n, Pw):
            t, ls = self.ev(ctx, n.x)
            return t ** n.n, ls
        if isinstance(n, C):
            return torch.tensor(float(n.value), dtype=torch.float64), ()
        if isinstance(n, Size):
            return torch.tensor(float(ctx.sizes[self.net.range_of(n.letter)]), dtype=torch.float64), ()
        if isinstance(n, Kd):
            rx, ry = self.net.range_of(n.x), self.net.range_of(n.y)
            if rx != ry:
                raise IllFormed("a Kronecker bracket between two ranges")
            if n.x == n.y:
                return torch.tensor(1.0, dtype=torch.float64), ()
            return torch.eye(ctx.sizes[rx], dtype=torch.float64), (n.x, n.y)
        raise TypeError(n)

    def _broadcast(self, ctx: Ctx, t: Any, ls: tuple, target: tuple) -> Any:
        shape = [ctx.sizes[self.net.range_of(c)] for c in target]
        if not ls:
            return t.expand(shape)
        perm = sorted(range(len(ls)), key=lambda i: target.index(ls[i]))
        t = t.permute(*perm) if len(ls) > 1 else t
        order = [ls[i] for i in perm]
        view = [ctx.sizes[self.net.range_of(c)] if c in order else 1 for c in target]
        return t.reshape(view).expand(shape)

    def decide(self, eq: Equation) -> tuple[str, str]:
        """('true' | 'false', detail): detail says why false ('ill-formed: ...', 'differs ...')."""
        for ctx in self.ctxs:
            try:
                lt, ll = self.ev(ctx, eq.lhs)
                rt, rl = self.ev(ctx, eq.rhs)
            except IllFormed as exc:
                return "false", f"ill-formed: {exc}"
            allls = tuple(dict.fromkeys(ll + rl))
            lb = self._broadcast(ctx, lt, ll, allls)
            rb = self._broadcast(ctx, rt, rl, allls)
            scale = max(1.0, float(lb.abs().max()), float(rb.abs().max()))
            diff = float((lb - rb).abs().max()) if lb.numel() else 0.0
            if diff > 1e-9 * scale:
                return "false", f"differs by {diff:.3g} at sizes {ctx.sizes}"
        return "true", ""


@dataclass
class Link:
    net_text: str
    latex: str
    cls: str
    base: str
    truth: str
    detail: str
    verdict: str = ""
    message: str = ""
    extra: dict = field(default_factory=dict)


ACCEPTED = ("verified", "verified-at-sizes")


def outcome(link: Link) -> str:
    """'false-accept', 'false-reject', 'error-on-valid' or 'ok' (an error on a false equation is ok)."""
    if link.truth == "false":
        return "false-accept" if link.verdict in ACCEPTED else "ok"
    if link.verdict == "refuted":
        return "false-reject"
    if link.verdict == "error":
        return "error-on-valid"
    return "ok"


def sample_links(rng: Any, n_links: int, load: Any, check: Any, per_net: int = 40):  # noqa: ANN201
    """Yield ``n_links`` judged links over fresh random networks, ``per_net`` per network.

    ``load(text)`` turns a derivation text into whatever ``check(handle, latex)`` needs; ``check``
    returns ``[(verdict, message), ...]``, one per link of the equation.  Both are the caller's
    (the test and the benchmark pass symbp's public API), so this module never imports symbp.
    """
    count = 0
    while count < n_links:
        net = random_net(rng)
        text = derivation_text(net)
        try:
            handle = load(text)
        except Exception as exc:  # noqa: BLE001 - a valid network that cannot be loaded is a finding
            yield Link(text, "", "network:load", "forward", "true", "", "error",
                       f"{type(exc).__name__}: {exc}")
            count += 1
            continue
        truth = Truth(net, seed=rng.randrange(2 ** 31))
        for _ in range(min(per_net, n_links - count)):
            eq = random_equation(rng, net)
            tex = equation_latex(eq, net, rng)
            tr, detail = truth.decide(eq)
            for verdict, message in check(handle, tex):
                yield Link(text, tex, eq.cls, eq.base, tr, detail, verdict, message)
                count += 1
