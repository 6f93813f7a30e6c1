"""Declaring networks: forward equations in LaTeX -> a :class:`~symbp.model.network.Network`.

A forward equation ``a_{j_l} = \\sum_i w_{ji} z_{i_l}`` defines one family in terms of others;
the weights it uses are *shared* across every index of the left side that they do not carry
(here ``l``: convolution-style tying).  This sits above index analysis (it reads the forward
equations with :mod:`symbp.engine.semantics`), and below everything that checks.

Room ``symbp.engine``; imports the base modules, :mod:`symbp.latex`, :mod:`symbp.model` and
:mod:`symbp.engine.semantics`.

>>> net = builtin("plain")
>>> [f.show() for f in net.families]
['a_{j}', 'w_{ji}', 'z_{i}', 'z_{j}', 'a_{k}', 'w_{kj}']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from .. import diagnoses as dx
from ..catalogue import ACTIVATION_KINDS, COMMANDS, CONDITIONS, ERROR_KINDS, ERRORS
from ..errors import DeclarationError, InputError, NotationError
from ..latex.parser import RELU
from ..model.network import Family, Network
from ..notation import latex_name

# ----------------------------------------------------------------------------------------------
# declaration

_FUNC_RE = re.compile(r"(?<![_\\A-Za-z])([A-Za-z]|\\[a-zA-Z]+)\s*'*\s*\(")
#: a per-unit function applied: ``\\theta_h(a_h)``, ``g_{j}(a_j)``
_UNIT_FUNC_RE = re.compile(r"(?<![_\\A-Za-z])([A-Za-z]|\\[a-zA-Z]+)\s*_\s*(?:\{[^{}]*\}|[A-Za-z]|\\[a-zA-Z]+)"
                           r"\s*'*\s*\(")
#: a named function applied: ``\\operatorname{ReLU}(a_j)``, ``\\mathrm{softplus}(a_j)``
_NAMED_FUNC_RE = re.compile(r"\\(?:operatorname|mathrm)\s*\{\s*([A-Za-z]{2,})\s*\}\s*'*\s*\(")
#: a function with a layer label applied: Ng's ``g^{[1]}(Z^{[1]})``, ``g'^{[l]}(Z^{[l]})``
_LABELLED_FUNC_RE = re.compile(r"(?<![_\\A-Za-z])([A-Za-z])\s*'*\s*\^\s*\{\s*([\[(][A-Za-z0-9][\])])\s*\}"
                               r"\s*\(")
#: a braced subscript's contents, where no function is applied (the stride s of x_{s(j-1)+m})
_SUBSCRIPT = re.compile(r"_\{([^{}]*)\}")
_NOT_FUNCTIONS = ("left", "right", "sum", "frac", "partial", "delta", "dfrac", "tfrac", "cdot", "times")
_LHS_NAME = re.compile(r"\s*\\?([A-Za-z]+)")
#: the parameter families when a file names none (``% symbp: params``)
DEFAULT_PARAMS = ("w", "b")


def labelled_functions(src: str, params: Iterable[str] = ()) -> set[str]:
    """The functions with a layer label that a forward equation applies (Ng's activation of a
    layer, ``g^{[1]}(Z^{[1]})``), a parameter's letter excepted (``W^{[1]}(x + b)`` is a product).

    >>> sorted(labelled_functions(r"A^{[1]} = g^{[1]}(Z^{[1]}) + W^{[2]}(X)", ["W"]))
    ['g^{[1]}']
    """
    return {f"{m.group(1)}^{{{m.group(2)}}}" for m in _LABELLED_FUNC_RE.finditer(src)
            if m.group(1) not in set(params)}


def declare(forward: Iterable[str], *, name: str = "network", aliases: dict[str, str] | None = None,
            composites: dict[str, str] | None = None, params: Iterable[str] | None = None,
            error: str = "E", activations: dict[str, str] | None = None,
            error_kind: str | None = None, delta: str | None = None,
            targets: dict[str, str] | None = None, sizes: Iterable[str] = (),
            padding: str | None = None, labels: dict[str, str] | None = None) -> Network:
    """Declare a network by its forward equations (LaTeX, one per string).

    ``params`` names the parameter families (default: ``w`` and ``b``, except a family a forward
    equation defines: ``b_k = \\sum_n v_n z_{k+n-1}`` is a unit).
    ``aliases`` maps extra index letters to a letter already in use (``{'m': 'j'}``);
    ``composites`` maps a letter to the units it runs over (``{'m': 'j_l'}``).
    ``activations`` makes functions concrete (``{'h': 'tanh'}``; also ``logistic``, ``identity``);
    ``error_kind='sum-of-squares'`` makes ``E = 1/2 \\sum (y - t)^2`` over the outputs ``y``, with
    targets ``t`` (otherwise ``h`` and ``E`` are undefined differentiable functions).  The error may
    also be a forward equation itself (``E = -\\sum_k t_k \\ln y_k``), its targets inputs of the
    network; ``targets={'t': 'sum to 1'}`` (or ``'one-hot'``) declares that the family ``t_k``
    sums to 1 over its index, a condition a verdict that uses it names.
    ``sizes`` relates sizes linearly (``['J = I - M + 1']``: a valid convolution
    ``a_j = \\sum_m w_m x_{j+m-1}`` reads ``x`` over ``1..I``); where a shifted position reads a
    family whose range is known, the relation is inferred.  ``padding='zero'`` says that a family
    holds 0 outside its range (where a checked formula reads there).  ``labels={'y': 't'}`` says
    that a subscript ``y_i`` is a class label (CS231n's ``L_i = -\\log p_{y_i}``), read through its
    one-hot target ``t`` (:mod:`symbp.engine.labels`).

    Roles come from the structure of the forward pass, never from a letter: a family defined as
    a weighted sum (plus a bias) is a *pre-activation*, one defined as a function of one
    pre-activation its *activation*, and ``\\delta`` differentiates by the pre-activations,
    whatever their letter (PRML's ``a``, Nielsen's ``z``); ``delta='z'`` says so where a file
    wants another convention.  A name the forward pass applies (``h(a_j)``, Graves's per-unit
    ``\\theta_h(a_h)``, ``\\tanh(a_j)``) is a function; ``\\tanh`` and ``\\exp`` are the
    catalogue's tanh and exp (``\\exp' = \\exp``), ``\\log`` and ``\\ln`` the natural logarithm
    (``\\ln' = 1/x``), the other function commands (``\\sin``) undefined differentiable functions
    under their own names.

    >>> net = declare([r"a_j = \\sum_i w_{ji} z_i", r"z_j = h(a_j)", r"a_k = \\sum_j w_{kj} z_j"])
    >>> net.sizes
    ['I', 'J', 'K']
    """
    from ..latex.ast import Num, SumOp, Sym
    from ..latex.parser import parse_chain
    from . import shifted
    from .semantics import Interpreter

    if error_kind in ERRORS and ERRORS[error_kind].formula is not None:  # a shorthand for a formula
        return _error_shorthand(list(forward), error_kind, error, targets, dict(
            name=name, aliases=aliases, composites=composites, params=params, activations=activations,
            delta=delta, labels=labels))
    lines = [s.strip() for s in forward if s.strip()]
    if params is None:  # the defaults w, b, but a family a forward equation defines is no parameter
        # (a unit pinned to a number, w_{j0} = 1, defines no family: w stays a parameter, and
        # pinning one of its weights is the error it was)
        defines = {m.group(1) for src in lines if (m := _LHS_NAME.match(src))
                   and not any(c.isdigit() for c in src.split("=", 1)[0])}
        params = [p for p in DEFAULT_PARAMS if p not in defines]
    net = Network(name=name, param_names=set(params), error_name=error)
    for fname, kind in (activations or {}).items():
        if kind not in ACTIVATION_KINDS:
            raise DeclarationError(f"unknown activation {kind!r} for {fname}",
                                   hint=f"choose one of: {', '.join(ACTIVATION_KINDS)}")
        net.activations[fname] = kind
    if error_kind is not None and error_kind not in ERROR_KINDS:
        raise DeclarationError(f"unknown error function {error_kind!r}",
                               hint=f"choose one of: {', '.join(ERROR_KINDS)}")
    net.error_kind = error_kind
    if not lines:
        raise DeclarationError("a network needs at least one forward equation",
                               hint="declare e.g. '% symbp: forward a_j = \\sum_i w_{ji} z_i'")
    defined_names = {m.group(1) for src in lines if (m := _LHS_NAME.match(src))}
    for src in lines:
        for m in _FUNC_RE.finditer(_SUBSCRIPT.sub(lambda g: "_{" + " " * len(g.group(1)) + "}", src)):
            fname = m.group(1).lstrip("\\")
            if fname not in _NOT_FUNCTIONS:
                net.functions.add(fname)
        for m in _NAMED_FUNC_RE.finditer(src):
            net.functions.add(m.group(1))
        net.functions |= labelled_functions(src, net.param_names)
        for m in _UNIT_FUNC_RE.finditer(src):
            fname = m.group(1).lstrip("\\")
            if fname not in _NOT_FUNCTIONS and fname not in net.param_names and fname not in defined_names:
                net.functions.add(fname)
                net.unit_functions.add(fname)
    for known, kind in COMMANDS.items():  # \tanh, \exp, \log, \ln: the catalogue knows them
        if known in net.functions:
            net.activations.setdefault(known, kind)
    if RELU in net.functions:  # \max(0, x): the catalogue's relu (the parser reads no other \max)
        net.activations[RELU] = "relu"
    parsed = []
    for k, src in enumerate(lines):
        try:
            chain = parse_chain(src, net.functions)
        except InputError as exc:
            raise _with_source(exc, src, k) from None
        if len(chain.sides) != 2 or chain.rels[0] != "=" or not isinstance(chain.sides[0], Sym):
            raise _with_source(DeclarationError(
                "a forward equation has the form  family_{indices} = expression",
                offset=0, hint="for example  a_j = \\sum_i w_{ji} z_i"), src, k)
        parsed.append((src, chain))
        pattern = _pattern_sum(chain, net)
        if pattern is not None:  # E = \sum_n E_n: the total error over the patterns n (PRML 5.44)
            if net.patterns is not None:
                raise _with_source(DeclarationError("the total error is declared twice", offset=0,
                                                    hint="declare E = \\sum_n E_n once"), src, k)
            net.patterns, scale = pattern[:2], pattern[2]
            net.mean = scale is not None
            if net.mean:  # the number before the average: Nielsen's -\frac{1}{n}, \frac{1}{2n}
                net.mean_scale = scale
            continue
        if isinstance(chain.sides[0], Sym) and chain.sides[0].name == error \
                and (exc := _implicit_patterns(chain)) is not None:  # C = \frac{1}{2n} \sum_x \sum_j ...
            raise _with_source(exc, src, k)
        for node in chain.sides[1].walk():  # applied in one place, a quantity in another: which?
            if isinstance(node, Sym) and node.name in net.functions:
                raise _with_source(DeclarationError(
                    f"{node.name} is applied as a function and also used as a quantity",
                    offset=node.pos, hint=f"write {node.name}(...) everywhere if it is a function, "
                    f"or a product with a space or \\cdot if it is a quantity"), src, k)
    if net.patterns is not None:  # C_x = ..., one pattern's cost, the summand of C = \frac{1}{n} \sum_x C_x
        parsed = [_one_pattern(net, src, chain) for src, chain in parsed]
    if labels:  # p_{y_i}, y_i a class label: read through its one-hot target
        parsed, aliases, targets = _read_labels(net, parsed, labels, aliases, targets)
    # index letters: every letter written in a forward equation names a range, except the
    # letters declared as aliases or composites of others
    declared = set(aliases or {}) | set(composites or {})
    total = {id(chain) for _src, chain in parsed if _pattern_sum(chain, net) is not None}
    _bounded_ranges(net, [x for x in parsed if id(x[1]) not in total], declared, defined_names)
    # the names and letters the forward equations use: a fresh size is none of them (J of j where
    # the error is J) nor their capital
    used = frozenset({node.name for _src, chain in parsed for node in _all_syms(chain)}
                     | {x for _src, chain in parsed for node in _all_syms(chain) for x in node.letters}
                     | {node.index for _src, chain in parsed for side in chain.sides for node in side.walk()
                        if isinstance(node, SumOp)} | set(net.functions))
    for _src, chain in parsed:
        if id(chain) in total:
            continue
        for letter in lhs_letters(chain):  # the left side's first
            if letter not in net.ranges and letter not in declared:
                rng = _range_name(letter, net, used)
                net.ranges[letter] = rng
                net.range_letter.setdefault(rng, letter)
        for node in chain.sides[1].walk():  # \sum_{k'=1}^{K}: k' runs over K, as its bounds say
            if (isinstance(node, SumOp) and node.index not in net.ranges and node.index not in declared
                    and isinstance(node.upper, Sym) and not node.upper.groups
                    and node.upper.name in net.range_letter and isinstance(node.lower, Num)
                    and node.lower.value == 1):
                net.ranges[node.index] = node.upper.name
        for node in _all_syms(chain):
            for letter in node.letters:
                if letter not in net.ranges and letter not in declared:
                    rng = _range_name(letter, net, used)
                    net.ranges[letter] = rng
                    net.range_letter.setdefault(rng, letter)
        for node in chain.sides[1].walk():
            if isinstance(node, SumOp):
                letter = node.index
                if letter not in net.ranges and letter not in declared:
                    rng = _range_name(letter, net, used)
                    net.ranges[letter] = rng
                    net.range_letter.setdefault(rng, letter)
    for extra, same_as in (aliases or {}).items():
        if same_as not in net.ranges:
            exc = DeclarationError(f"index {extra} is declared to run like {same_as}, "
                                   f"but {same_as} is not an index of the network",
                                   hint="name a letter that a forward equation uses",
                                   subject=("index", extra))
            raise exc
        if extra in net.ranges and net.ranges[extra] != net.ranges[same_as]:
            exc = DeclarationError(f"index {extra} already runs over {net.ranges[extra]}",
                                   hint=f"drop the directive, or use another letter than {extra}",
                                   subject=("index", extra))
            raise exc
        net.ranges[extra] = net.ranges[same_as]
    if padding not in (None, "zero"):
        raise DeclarationError(f"unknown padding {padding!r}", hint="write '% symbp: padding zero'")
    net.padding = padding
    for rel in sizes:
        try:
            size, value = shifted.parse_relation(net, rel)
        except DeclarationError as exc:
            exc.subject = ("size", rel.strip())  # reported at its directive
            raise
        shifted.add_relation(net, size, value)
        if size not in net.range_letter:  # a size no letter names yet: its lower-case letter
            letter = size.lower() if size.lower() not in net.ranges else None
            if letter is not None:
                net.ranges[letter] = size
            net.range_letter[size] = letter or next(c for c in "pqrsuvxy" if c not in net.ranges)
    for letter, units in (composites or {}).items():
        # a Greek letter is written \nu and named nu (as the parser names it): k = \nu_l
        parts = tuple(x.lstrip("\\") for x in re.split(r"[_{}\s,]+", units) if x.lstrip("\\"))
        for p in parts:
            if p not in net.ranges:
                exc = DeclarationError(f"composite index {letter} = {units}: {p} is not an index "
                                       "of the network", hint="a composite index runs over units of existing "
                                       "indices, as in '% symbp: index m = j_l'",
                                       subject=("index", letter))
                raise exc
        net.composites[letter] = parts
    # the units 0 pinned to a number (x_0 = 1) first: the sums from 0 read them
    for k, (src, chain) in enumerate(parsed):
        lhs = chain.sides[0]
        if id(chain) in total:
            continue
        if isinstance(lhs, Sym) and lhs.units:
            try:
                _unit_constant(net, lhs, chain.sides[1])
            except InputError as exc:
                raise _with_source(exc, src, k) from None
    # families and definitions, in order
    defined_by: dict[int, int] = {}  # family id -> its forward equation
    for k, (src, chain) in enumerate(parsed):
        lhs: Sym = chain.sides[0]  # type: ignore[assignment]
        if lhs.units or id(chain) in total:
            net.forward_latex.append(src)
            continue
        interp = Interpreter(net, {}, declare=True)
        try:
            if lhs.shifted:
                raise DeclarationError("a defined family is written with plain index letters",
                                       offset=lhs.pos, hint="shift the positions it reads, on the right: "
                                                            "a_j = \\sum_m w_m x_{j+m-1}")
            fam = interp.family_for(lhs, create=True)
            if fam.param:
                raise DeclarationError(f"{lhs.name} is a parameter name; it cannot be defined",
                                       offset=lhs.pos, hint="name parameters with '% symbp: params', "
                                       "and define units (a, z, ...) only")
            if fam.id in net.definitions:
                alias = [x for x in lhs.letters if x in (aliases or {})]
                raise DeclarationError(
                    f"{fam.show()} is defined twice", offset=lhs.pos,
                    hint=(f"{alias[0]} is declared to run like {aliases[alias[0]]}, so "  # type: ignore[index]
                          f"{fam.show()} names the same family; drop that index directive")
                    if alias else "each family has one forward equation")
            letters = [x for g in lhs.groups for x in (net.composites.get(g[0], g) if len(g) == 1 else g)]
            if len(set(letters)) != len(letters):
                raise DeclarationError("a defined family needs distinct index letters", offset=lhs.pos,
                                       hint="write each index once on the left, as in a_{j_l}")
            rhs = interp.expression(chain.sides[1], {x: (x,) for x in letters})
            extra = rhs.free() - set(letters)
            if extra:
                raise DeclarationError(f"index {sorted(extra)[0]} is free on the right but not on the "
                                       "left", offset=chain.sides[1].pos,
                                       hint=f"sum over it: \\sum_{sorted(extra)[0]}")
        except InputError as exc:
            raise _with_source(exc, src, k) from None
        net.definitions[fam.id] = rhs.rename({x: f"#{k}" for k, x in enumerate(letters)})
        net.forward_latex.append(src)
        defined_by[fam.id] = k
    try:
        _analyse(net)
    except DeclarationError as exc:  # a cycle: name the forward equation of the family it met
        k = defined_by.get(exc.family if exc.family is not None else -1)
        raise (exc if k is None else _with_source(exc, parsed[k][0], k)) from None
    _roles(net, delta)
    for tname, cond in (targets or {}).items():
        fams = [f for f in net.named(tname.lstrip("\\"))]
        if cond not in CONDITIONS:
            raise DeclarationError(f"unknown condition on the targets {tname!r}: {cond!r}",
                                   hint="write '% symbp: targets t sum to 1' or '% symbp: targets t one-hot'",
                                   subject=("targets", tname))
        if not fams or any(f.param or f.id in net.definitions or len(f.axes) != 1 for f in fams):
            raise DeclarationError(f"the targets {tname} must be inputs of the forward pass with one index "
                                   f"(as t_k in E = -\\sum_k t_k \\ln y_k)", subject=("targets", tname),
                                   hint="name a family of one index that the forward pass uses and no "
                                        "forward equation defines")
        for f in fams:
            net.conditions[f.id] = cond
    undeclared = set(net.activations) - net.functions
    if undeclared:
        name = sorted(undeclared)[0]
        exc = DeclarationError(f"activation declared for {name}, which no forward equation uses",
                               hint=f"the functions of the forward equations: "
                                    f"{', '.join(sorted(net.functions)) or 'none'}",
                               subject=("activation", name))
        raise exc
    _one_family_two_letters(net, [x for x in parsed if id(x[1]) not in total], declared)
    if net.error_kind is not None:
        for o in net.outputs:
            out = net.families[o]
            clash = net.family("t", out.axes)
            if clash is not None and clash.id in net.targets.values():  # another output's targets
                other = next(net.families[o] for o, t in net.targets.items() if t == clash.id)
                d = dx.SharedTargets(net.error_kind, other.show(), out.show())
                raise DeclarationError(d.text, hint=d.hint, diagnosis=d, subject=("error", ""))
            if clash is not None:
                raise DeclarationError(f"the target t_{{...}} of {out.show()} clashes with a family t",
                                       hint=f"with 'error {net.error_kind}', t names the targets: "
                                            "rename the family t", subject=("error", ""))
            t = Family(len(net.families), "t", out.axes, out.grouping, False, out.letters)
            net.families.append(t)
            net.targets[o] = t.id
            net.consumers[t.id] = []
            net.ancestors[t.id] = set()
    return net


def _read_labels(net: Network, parsed: list, labels: dict[str, str], aliases: dict[str, str] | None,
                 targets: dict[str, str] | None) -> tuple[list, dict[str, str], dict[str, str]]:
    """The forward equations with their class labels read through the one-hot targets
    (:func:`symbp.engine.labels.read_labels`): each fresh letter runs like the index at the
    label's slot, and each target is declared one-hot.

    >>> net = declare([r"f_k = \\sum_d W_{kd} x_d", r"p_k = \\frac{e^{f_k}}{\\sum_j e^{f_j}}",
    ...                r"L_i = -\\log p_{y_i}"], params=["W"], error="L", aliases={"j": "k"},
    ...               labels={"y": "t"})
    >>> print(net.forward_latex[-1]), sorted(net.conditions.values())
    L = -\\sum_{k} t_{k} \\log(p_{k})
    (None, ['one-hot'])
    """
    from ..latex.ast import SumOp, Sym
    from ..latex.unparse import unparse
    from .labels import fresh_letter, read_labels, slot_letter, uses_labels, written_label

    aliases, targets = dict(aliases or {}), dict(targets or {})
    clash = set(labels) & ({x for _s, c in parsed for x in c.sides[0].letters}
                           | {n.index for _s, c in parsed for n in c.sides[1].walk() if isinstance(n, SumOp)})
    definitions = {c.sides[0].name: c.sides[0] for _s, c in parsed}
    taken = {x for _s, c in parsed for side in c.sides for x in side.index_letters()} | set(aliases)
    out = []
    for k, (src, chain) in enumerate(parsed):
        if not uses_labels(chain, labels):
            out.append((src, chain))
            continue
        try:
            slot = slot_letter(chain, definitions, labels)
            read = read_labels(chain, labels, error=net.error_name,
                               taken=taken - {slot} if slot is not None else taken, prefer=slot)
            if slot is None:
                raise NotationError("the class label indexes no family of the forward pass whose range "
                                    "is known", offset=chain.sides[1].pos,
                                    hint="write the label in a subscript of a defined family, as in "
                                         "L = -\\log p_{y_i} after p_k = ...")
        except InputError as exc:
            raise _with_source(exc, src, k) from None
        letter = fresh_letter(read, labels)
        assert letter is not None
        written = written_label(chain, labels)
        if written is not None:
            net.label_written.setdefault(written.split("_")[0], written)
        if letter != slot:
            aliases[letter] = aliases.get(slot, slot)
        taken.add(letter)
        out.append((f"{unparse(read.sides[0])} = {unparse(read.sides[1])}", read))
    for label, target in labels.items():
        if label in clash:
            raise DeclarationError(f"{label} is declared a class label and is also an index of the "
                                   "forward pass", subject=("class", label),
                                   hint=f"name the label another letter than the indices, or drop "
                                        f"'% symbp: class label {label}'")
        if any(target == c.sides[0].name for _s, c in parsed):
            raise DeclarationError(f"the one-hot target {target} of the class label {label} is a family "
                                   "the forward pass defines", subject=("class", label),
                                   hint=f"name the target another letter: '% symbp: class label {label}, "
                                        "target u'")
        if any(target == n.name for _s, c in parsed for side in c.sides for n in side.walk()
               if isinstance(n, Sym)):
            # the file's own t_k (an input, say) is no one-hot target of the label: read as one,
            # claims true for one-hot t only would be verified of the file's t (the audit)
            raise DeclarationError(f"the one-hot target {target} of the class label {label} is also a "
                                   "quantity the forward pass writes", subject=("class", label),
                                   hint=f"name the target another letter: '% symbp: class label {label}, "
                                        "target u'")
        if targets.get(target, "one-hot") != "one-hot":
            raise DeclarationError(f"the targets {target} of the class label {label} are one-hot, and "
                                   f"are declared to {targets[target]}", subject=("targets", target),
                                   hint=f"declare '% symbp: targets {target} one-hot', or drop it")
        if any(target == n.name for _s, c in out for side in c.sides for n in side.walk()
               if isinstance(n, Sym)):
            targets[target] = "one-hot"
    net.class_labels = dict(labels)
    return out, aliases, targets


def _error_shorthand(forward: list[str], kind: str, error: str, targets: dict[str, str] | None,
                     options: dict) -> Network:
    """``error softmax-cross-entropy`` (``binary-cross-entropy``): the network with the forward
    equation the catalogue's error stands for, over its one output family and targets ``t``
    (:meth:`~symbp.catalogue.ErrorFunction.shorthand`), the same network as that equation written.

    >>> net = declare([r"a_j = \\sum_i w_{ji} x_i", r"a_k = \\sum_j w_{kj} h(a_j)"],
    ...               error_kind="softmax-cross-entropy")
    >>> print(net.forward_latex[-1])
    E = -\\sum_{k} t_{k} \\ln \\frac{\\exp(a_{k})}{\\sum_{k'} \\exp(a_{k'})}
    >>> net.error_kind, net.conditions
    (None, {6: 'sum to 1'})
    """
    base = declare(forward, error=error, targets=None, **options)
    e = ERRORS[kind]
    outs = [base.families[o] for o in base.outputs]
    if len(outs) != 1 or len(outs[0].axes) != 1 or outs[0].units:
        raise DeclarationError(f"'error {kind}' stands for a formula over one output family with one index; "
                               f"the outputs here: {', '.join(o.show() for o in outs) or 'none'}",
                               hint="write the error as a forward equation: "
                                    f"{e.shorthand(error, 'y', 'k', 't')}")
    out = outs[0]
    if base.named("t"):
        raise DeclarationError(f"'error {kind}' names the targets t, and the network has a family t",
                               hint=f"write the error as a forward equation with other targets: "
                                    f"{e.shorthand(error, latex_name(out.name), out.letters[0], 'd')}")
    formula = e.shorthand(error, latex_name(out.name), out.letters[0], "t")
    assert formula is not None
    conditions = dict(targets or {})
    if e.condition is not None:
        conditions.setdefault("t", e.condition)
    k = out.letters[0]  # the denominator's k' runs over k's range
    options = {**options, "aliases": {**(options.get("aliases") or {}), f"{k}'": k}}
    return declare([*forward, formula], error=error, targets=conditions, **options)


def _sums_each(total, name: str) -> bool:  # noqa: ANN001
    """Whether ``total`` is ``\\sum_n name_n``, the sum over ``n`` of each pattern's ``name``."""
    from ..latex.ast import SumOp, Sym
    return (isinstance(total, SumOp) and isinstance(total.body, Sym) and total.body.name == name
            and total.body.groups == ((total.index,),))


def _pattern_sum(chain, net: Network) -> tuple[str, str, Fraction | None] | None:  # noqa: ANN001
    """``E = \\sum_n E_n`` (or ``\\sum_{n=1}^{N}``): the error is the sum of the errors of the
    patterns ``n`` (PRML 5.44), the network is one pattern's: ``(letter, size, None)``; the average
    ``C = \\frac{1}{n} \\sum_x C_x`` (Nielsen ch. 3, ``n`` inputs ``x``): ``(letter, size, c)``, ``c``
    the number before it (1; ``-\\frac{1}{n} \\sum_x C_x``: -1); else ``None``."""
    from ..latex.ast import Num, Sym
    lhs, rhs = chain.sides[0], chain.sides[1]
    mean = _scaled_mean(rhs)
    if mean is not None:
        size, rhs, scale = mean
        if not (isinstance(lhs, Sym) and lhs.name == net.error_name and not lhs.groups
                and _sums_each(rhs, net.error_name)):
            return None
        if rhs.lower is not None or rhs.upper is not None:
            raise DeclarationError("the average runs over every pattern: C = \\frac{1}{n} \\sum_x C_x",
                                   offset=rhs.pos, hint="write the sum without bounds")
        if size == rhs.index:
            raise DeclarationError("the number of patterns and their letter are the same", offset=rhs.pos,
                                   hint="write C = \\frac{1}{n} \\sum_x C_x")
        return rhs.index, size, scale
    if not (isinstance(lhs, Sym) and lhs.name == net.error_name and not lhs.groups
            and _sums_each(rhs, net.error_name)):
        return None
    n = rhs.index
    size = n.upper() if len(n) == 1 else n.capitalize()
    if rhs.lower is not None or rhs.upper is not None:
        if not (isinstance(rhs.lower, Num) and rhs.lower.value == 1 and isinstance(rhs.upper, Sym)
                and not rhs.upper.groups):
            raise DeclarationError("the patterns run from 1: E = \\sum_{n=1}^{N} E_n", offset=rhs.pos,
                                   hint="write E = \\sum_n E_n")
        size = rhs.upper.name
    return n, size, None


def _implicit_patterns(chain) -> DeclarationError | None:  # noqa: ANN001
    """The error defined with a sum whose summand does not name its letter (Nielsen's ``C =
    \\frac{1}{2n} \\sum_x \\sum_j (y_j - a^L_j)^2``, where ``y`` and ``a^L`` are the input ``x``'s
    without saying so): read as written it is the number of ``x``'s times one input's cost, which
    is not what the source means, so an error naming the average's form.  The same for each
    input's cost ``C_x`` summed in any form of the total but ``c \\frac{1}{n} \\sum_x C_x`` (``c`` a
    number, :func:`_scaled_mean`) and ``\\sum_n E_n`` (``\\frac{\\sum_x C_x}{n}``, a penalty beside it):
    read as written ``C_x`` is a family over a range ``x``, not the inputs; ``None`` otherwise.

    >>> from symbp.latex.parser import parse_chain
    >>> exc = _implicit_patterns(parse_chain(r"C = \\frac{1}{2n} \\sum_x \\sum_j (a_j - y_j)^2"))
    >>> exc.message, "'% symbp: average x'" in exc.hint
    ('C sums over x, which its summand does not name: the inputs x of an average?', True)
    >>> "not one of the forms" in _implicit_patterns(parse_chain(r"C = \\frac{\\sum_x C_x}{n}")).message
    True
    >>> totals = (r"C = \\frac{1}{n} \\sum_x C_x", r"C = -\\frac{1}{n} \\sum_x C_x")
    >>> [_implicit_patterns(parse_chain(t)) for t in totals]
    [None, None]
    """
    from ..latex.ast import SumOp, Sym
    name = chain.sides[0].name if isinstance(chain.sides[0], Sym) else ""
    rhs = chain.sides[1]
    mean = _scaled_mean(rhs)  # a number before the average is read (msg8), c times the mean
    total = mean[1] if mean is not None else rhs
    read = _sums_each(total, name)  # the two forms of the total _pattern_sum reads
    for node in rhs.walk():
        # audit7: the error's C_x (each input's cost) in any other form of the total than a number
        # times the mean (\frac{\sum_x C_x}{n}, \sum_x \frac{C_x}{n}, -\sum_n E_n, a penalty beside
        # it) was read as a family C over a range x of size X: true claims refuted, false ones
        # verified.  An error naming the forms read
        if not read and isinstance(node, SumOp) and any(
                isinstance(s, Sym) and s.name == name and s.groups == ((node.index,),)
                for s in node.body.walk()):
            x, shown = node.index, latex_name(name)
            return DeclarationError(
                f"{shown} is written with a sum over {x} of {shown}_{x} that is not one of the forms of the "
                f"total over the inputs symbp reads ({shown} = \\frac{{1}}{{n}} \\sum_{x} {shown}_{x}, "
                f"a number before it, {shown} = \\sum_{x} {shown}_{x}): read as written, {shown}_{x} "
                f"would be a family over a range {x}", offset=node.pos,
                hint=f"put the sign or the number into each input's cost ({shown}_{x} = -\\sum_j [...], "
                     f"{shown}_{x} = \\frac{{1}}{{2}} \\sum_j ..., a penalty as "
                     f"\\frac{{\\lambda}}{{2n}} \\sum w^2 in it) and write "
                     f"{shown} = \\frac{{1}}{{n}} \\sum_{x} {shown}_{x}")
    for node in rhs.walk():
        if isinstance(node, SumOp) and node.index not in node.body.index_letters():
            name = latex_name(chain.sides[0].name)
            return DeclarationError(
                f"{name} sums over {node.index}, which its summand does not name: the inputs {node.index} "
                "of an average?", offset=node.pos,
                hint=f"declare the sum's letter as the inputs': '% symbp: average {node.index}', or write "
                     f"one input's cost and the average: {name}_{node.index} = \\sum_j ... and "
                     f"{name} = \\frac{{1}}{{n}} \\sum_{node.index} {name}_{node.index}")
    return None


def _one_pattern(net: Network, src: str, chain):  # noqa: ANN001, ANN202
    """A forward equation defining the summand of the total over the patterns, ``C_x = ...`` beside
    ``C = \\frac{1}{n} \\sum_x C_x`` (``E_n = ...`` beside ``E = \\sum_n E_n``): the network is one
    pattern's, so it defines that pattern's error, written ``C`` (as Nielsen writes ``C`` for
    ``C_x``: "regard C as C_x"), not a family ``C`` with an index over the patterns; other
    equations as they are.

    >>> net = declare([r"a_j = \\sigma(z_j)", r"C_x = \\sum_j (a_j - y_j)^2",
    ...                r"C = \\frac{1}{n} \\sum_x C_x"], error="C")
    >>> net.forward_latex[1], net.ranges
    ('C = \\\\sum_j (a_j - y_j)^2', {'j': 'J'})
    """
    from dataclasses import replace

    from ..latex.ast import Chain, Sym
    lhs = chain.sides[0]
    if not (isinstance(lhs, Sym) and lhs.name == net.error_name and lhs.groups == ((net.patterns[0],),)
            and not lhs.units and not lhs.shifted and _pattern_sum(chain, net) is None):
        return src, chain
    rhs = src.split("=", 1)[1].strip()
    one = Chain((replace(lhs, groups=()), *chain.sides[1:]), chain.rels)
    return f"{latex_name(net.error_name)} = {rhs}", one


def _scaled_mean(node):  # noqa: ANN001, ANN202
    """``(n, S, c)`` if ``node`` is ``c`` times the average ``\\frac{1}{n} S``, ``S`` a sum and ``n``
    a bare letter, ``c`` a number written in the fraction or before it: ``-\\frac{1}{n} S``
    (Nielsen's cross-entropy, eq. 63), ``\\frac{1}{2n} S`` (his quadratic cost, eq. 26),
    ``\\frac{-3}{2n} S``; else ``None``.

    >>> from symbp.latex.parser import parse_expression
    >>> sides = (r"-\\frac{1}{n} \\sum_x C_x", r"\\frac{1}{2n} \\sum_x C_x")
    >>> [_scaled_mean(parse_expression(s))[2] for s in sides]
    [Fraction(-1, 1), Fraction(1, 2)]
    """
    from ..latex.ast import Div, Mul, Neg, Num, SumOp, Sym
    sign = 1
    if isinstance(node, Neg):
        sign, node = -1, node.arg
    if not (isinstance(node, Mul) and len(node.factors) == 2):
        return None
    inv, s = node.factors
    if not (isinstance(inv, Div) and isinstance(s, SumOp)):
        return None
    num, den = inv.num, inv.den
    if isinstance(num, Neg) and isinstance(num.arg, Num):
        num, sign = num.arg, -sign
    factor = Fraction(1)
    if (isinstance(den, Mul) and len(den.factors) == 2 and isinstance(den.factors[0], Num)
            and den.factors[0].value):
        factor, den = Fraction(den.factors[0].value), den.factors[1]
    if isinstance(num, Num) and num.value and isinstance(den, Sym) and not den.groups:
        return den.name, s, sign * Fraction(num.value) / factor
    return None


def _bounded_ranges(net: Network, parsed: list, declared: set[str], defined: set[str]) -> None:
    """Ranges named by the bounds of a forward sum: ``\\sum_{i=1}^{D}`` runs ``i`` over ``1..D``
    (PRML's ``D``, ``M``, ``K``), ``\\sum_{i=0}^{D}`` over the unit 0 and ``1..D`` (PRML 5.8, the
    bias as the weight of a unit ``x_0``).  A letter given two such ranges is an error."""
    from ..latex.ast import Num, SumOp, Sym
    for _src, chain in parsed:
        for node in chain.sides[1].walk():
            if not (isinstance(node, SumOp) and isinstance(node.lower, Num) and node.lower.value in (0, 1)
                    and isinstance(node.upper, Sym) and not node.upper.groups):
                continue
            letter, size = node.index, node.upper.name
            if (letter in declared or size in defined or size == net.error_name or size in net.functions
                    or len(size) != 1 or not size.isupper()):
                continue
            # \sum_{k'=1}^{K}: a primed letter runs over the range of its letter (Graves's softmax);
            # the bounds name that range, so they are the bounds of the letter itself
            written, letter = letter, letter.rstrip("'")
            if net.ranges.get(letter, size) != size:
                raise DeclarationError(f"the index {written} runs over 1..{net.ranges[letter]} in one sum "
                                       f"and 1..{size} in another", offset=node.pos,
                                       hint=f"one letter runs over one range: give {letter} one upper bound")
            if net.range_letter.get(size, letter) != letter:
                raise DeclarationError(f"the indices {net.range_letter[size]} and {written} both run up to "
                                       f"{size}", offset=node.pos,
                                       hint=f"say that {written} runs like {net.range_letter[size]}: "
                                            f"'% symbp: index {written} : {net.range_letter[size]}'")
            net.ranges[letter] = size
            net.range_letter.setdefault(size, letter)
            if node.lower.value == 0:
                net.zero_ranges.add(size)


def _unit_constant(net: Network, lhs, rhs) -> None:  # noqa: ANN001
    """``x_0 = 1``: the unit 0 of ``x`` is the number 1 (PRML's bias unit)."""
    from ..latex.ast import Neg, Num
    value = rhs.value if isinstance(rhs, Num) else (-rhs.arg.value if isinstance(rhs, Neg)
                                                    and isinstance(rhs.arg, Num) else None)
    if value is None:
        raise DeclarationError("a unit 0 is declared as a number, as in x_0 = 1", offset=lhs.pos,
                               hint="write the unit 0 as a number (x_0 = 1), or a weight w_{j0} in the "
                                    "forward sums")
    if lhs.name in net.param_names:
        raise DeclarationError(f"{lhs.name} is a parameter name; its unit 0 cannot be a number",
                               offset=lhs.pos, hint="a bias is a weight w_{j0} or b_j")
    axes = []
    for x in lhs.letters:
        r = net.letter_ranges(x)
        if r is None:
            raise DeclarationError(f"unknown index letter {x}", offset=lhs.pos,
                                   hint="use the letters of the forward sums")
        axes.extend(r)
    net.constants[(lhs.name, lhs.units, tuple(axes))] = value


def _roles(net: Network, delta: str | None) -> None:
    """Pre-activations and activations from the definitions' structure; the letter of
    ``\\delta`` from them (or from the directive ``delta``)."""
    def weight(f) -> bool:  # noqa: ANN001  # a parameter, or a leaf that nothing defines
        return f.tag == "ref" and (net.families[f.fam].param or f.fam not in net.definitions)

    def weighted_sum(d) -> bool:  # noqa: ANN001
        mixed = False
        for t in d.terms:
            fs = [f for f in t.factors if f.tag in ("ref", "fn")]
            if t.sizes or len(fs) != len(t.factors) or not 1 <= len(fs) <= 2:
                return False
            if len(fs) == 1 and not (fs[0].tag == "ref" and net.families[fs[0].fam].param):
                return False  # a term that is one quantity is a bias
            if len(fs) == 2:
                if not any(weight(f) for f in fs):
                    return False
                mixed = True
        return mixed

    for fid, d in net.definitions.items():
        f = net.families[fid]
        if weighted_sum(d) and not (f.name == net.error_name and not f.axes):  # E = -\sum_k t_k \ln y_k
            net.roles[fid] = "pre-activation"
    for fid, d in net.definitions.items():
        if net.is_alias(fid) and net.roles.get(d.terms[0].factors[0].fam) == "pre-activation":
            net.roles[fid] = "activation"
    if delta is not None:
        if not net.named(delta):
            raise DeclarationError(f"\\delta is declared to differentiate by {latex_name(delta)}, "
                                   "which no forward equation names", subject=("delta", delta),
                                   hint="name the letter of the pre-activations: '% symbp: delta a'")
        net.delta_of = net.delta_declared = delta
        return
    pre = sorted({net.families[f].name for f, r in net.roles.items() if r == "pre-activation"})
    clash = sorted({net.families[f].name for f in net.definitions if net.roles.get(f) != "pre-activation"}
                   & set(pre))
    if len(pre) > 1:  # several letters: the one of the pre-activations that feed an activation
        fed = {net.families[net.definitions[f].terms[0].factors[0].fam].name
               for f, r in net.roles.items() if r == "activation"}
        if len(fed) == 1:
            pre = sorted(fed)
            clash = sorted(set(clash) & fed)
    if len(pre) == 1 and not clash:
        net.delta_of = pre[0]
        return
    net.delta_of = None
    if not pre:
        net.delta_problem = ("no family of this network is defined as a weighted sum, so nothing says "
                             "which quantity \\delta differentiates by")
    elif clash:
        net.delta_problem = (f"the letter {latex_name(clash[0])} names both a weighted sum and another "
                             "quantity, so the letter does not say which \\delta differentiates by")
    else:
        net.delta_problem = ("the weighted sums of this network have several letters ("
                             + ", ".join(latex_name(p) for p in pre) + "), so the letter of \\delta "
                             "is not determined")


def lhs_letters(chain) -> tuple[str, ...]:  # noqa: ANN001
    """The index letters of a forward equation's left side (a symbol, checked when it was read)."""
    return tuple(getattr(chain.sides[0], "letters", ()))


def _one_family_two_letters(net: Network, parsed: list, declared: set[str]) -> None:
    """A summed letter that only reads a family the same equation also reads at a defined unit
    has two readings: PRML's softmax ``y_k = \\exp(a_k) / \\sum_l \\exp(a_l)`` sums over the
    output units (``l`` runs like ``k``), but read by its letter ``a_l`` is a family of a new
    layer of inputs, over a range of its own.  Nothing in the forward pass decides which, so it is
    an error asking for the directive (the audit: the second reading, taken silently, refuted
    ``\\sum_k y_k = 1``).  A letter that also indexes a weight (``\\sum_i v_{ki} z_i``), or any
    family without a unit of another range, keeps the reading of a layer of its own.

    >>> try:
    ...     declare([r"a_k = \\sum_j w_{kj} z_j", r"y_k = \\frac{\\exp(a_k)}{\\sum_l \\exp(a_l)}"])
    ... except DeclarationError as exc:
    ...     print(exc.hint)
    write '% symbp: index l : k' if l runs like k, or another letter than a for a family of its own
    """
    from ..latex.ast import SumOp
    for k, (src, chain) in enumerate(parsed):
        syms = list(_all_syms(chain))
        for node in chain.sides[1].walk():
            if not isinstance(node, SumOp) or node.index in declared or node.index not in net.ranges:
                continue
            letter, rng = node.index, net.ranges[node.index]
            over = [f for f in net.families if rng in f.axes]
            if not over or any(f.param or f.id in net.definitions for f in over):
                continue
            names = {f.name for f in over}
            others = [s for s in syms if s.name in names and letter not in s.letters and s.letters
                      and all(net.ranges.get(x) not in (None, rng) for x in s.letters)]
            defined = {f.name for f in net.families if f.id in net.definitions and rng not in f.axes}
            if not others or not names <= defined:
                continue
            s = others[0]
            exc = DeclarationError(
                f"the sum over {letter} reads {latex_name(s.name)}_{{{letter}}}, and this equation also "
                f"reads {latex_name(s.name)} at the units {''.join(s.letters)}: does {letter} run over "
                f"the same units as {''.join(s.letters)}, or over units of their own?",
                offset=node.index_pos,
                hint=f"write '% symbp: index {letter} : {s.letters[0]}' if {letter} runs like "
                     f"{s.letters[0]}, or another letter than {latex_name(s.name)} for a family of its own")
            raise _with_source(exc, src, k)


def _all_syms(chain):  # noqa: ANN001, ANN202
    from ..latex.ast import Sym
    for side in chain.sides:
        for node in side.walk():
            if isinstance(node, Sym):
                yield node


#: the sizes a letter whose capital is taken may be named, in this order (``N`` first: a number)
_FRESH_SIZES = "NMPQRSTUVWXYZABCDFGHKO"


def _range_name(letter: str, net: Network, used: frozenset[str] = frozenset()) -> str:
    """The size of ``letter``'s range: its capital (``j``: ``J``), else, where that is taken (the
    error ``J`` of Ng's cost, another range's size), a capital no letter of the forward equations
    ``used`` names or is the capital of (``N``), never a name beside the user's (``J2`` read as
    their ``J``); ``J2``, ``J3``, ... only where every capital is taken.

    >>> _range_name("j", Network(error_name="J"), frozenset({"j", "k", "J", "N", "w"}))
    'M'
    """
    base = letter.upper() if len(letter) == 1 else letter.capitalize()

    def taken(name: str) -> bool:
        return name in net.range_letter or name == net.error_name

    if not taken(base):
        return base
    capitals = {x.upper() for x in used if len(x) == 1} | set(used)
    fresh = next((c for c in _FRESH_SIZES if c not in capitals and not taken(c)), None)
    if fresh is not None:
        return fresh
    name, n = base, 2
    while taken(name):
        name = f"{base}{n}"
        n += 1
    return name


def _with_source(exc: InputError, src: str, k: int) -> InputError:
    exc.message = f"{exc.message} (in the forward equation '{src}')"
    exc.forward_index = k
    return exc


def _analyse(net: Network) -> None:
    deps: dict[int, set[int]] = {f.id: set() for f in net.families}
    for fid, d in net.definitions.items():
        for t in d.terms:
            for f in t.factors:
                if f.tag in ("ref", "fn", "inv"):
                    deps[fid].add(f.fam)
    net.consumers = {f.id: sorted(c for c in deps if f.id in deps[c]) for f in net.families}
    # ancestors, with a cycle check
    state: dict[int, int] = {}

    def visit(f: int) -> set[int]:
        if state.get(f) == 1:
            exc = DeclarationError(f"the forward equations are circular at {net.show(f)}",
                                   hint="each family may only use families computed before it", family=f)
            raise exc
        if f in net.ancestors:
            return net.ancestors[f]
        state[f] = 1
        acc: set[int] = set()
        for d in deps[f]:
            acc.add(d)
            acc |= visit(d)
        state[f] = 2
        net.ancestors[f] = acc
        return acc

    for f in net.families:
        visit(f.id)
    net.outputs = [f.id for f in net.families
                   if not f.param and not net.consumers[f.id] and f.id in net.definitions]
    err = net.family(net.error_name, ()) if net.error_name else None
    if err is not None and err.id in net.outputs:
        # the error written as a formula is the one output: a quantity it never reads (PRML's
        # y_k = h(a_k) beside E = 1/2 sum (a_k - t_k)^2, CS231n's p_k beside L = -f_y + log sum e^f)
        # does not move it; as an output of its own it made E an undefined function of it too
        net.outputs = [err.id]
    if not net.outputs:
        raise DeclarationError("the network has no output family for E to depend on",
                               hint="the forward equations must not be circular: some family defined "
                                    "by them must be used by none")


# ----------------------------------------------------------------------------------------------
# the two networks of the seed note

BUILTINS: dict[str, dict] = {
    "plain": dict(
        forward=[r"a_j = \sum_i w_{ji} z_i", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j"],
        doc="PRML 5.3.1: inputs z_i, hidden a_j, z_j = h(a_j), outputs a_k; E a function of the a_k.",
    ),
    "shared": dict(
        forward=[r"z_{i_l} = h(a_{i_l})", r"a_{j_l} = \sum_i w_{ji} z_{i_l}", r"z_{j_l} = h(a_{j_l})",
                 r"a_k = \sum_j \sum_l w_{kj_l} z_{j_l}"],
        composites={"m": "j_l"},
        doc="The seed's weight-shared network (PRML 5.5.6, exercise 5.28): units j_l at positions l, "
            "w_{ji} shared by every position, w_{kj_l} independent per position; m runs over the j_l.",
    ),
}


def builtin(name: str) -> Network:
    """One of the seed's networks by name: ``plain`` or ``shared``."""
    if name not in BUILTINS:
        raise NotationError(f"unknown network {name!r}", hint=f"choose one of: {', '.join(BUILTINS)}")
    spec = dict(BUILTINS[name])
    spec.pop("doc")
    return declare(name=name, **spec)
