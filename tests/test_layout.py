"""The package's layout: no import cycle, rooms in pipeline order, the public surface pinned.

Every import counts, at module level and inside functions (a lazy import is still a dependency);
only imports under ``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import symbp

PKG = Path(symbp.__file__).parent

#: the rooms in pipeline order: a module may import its own room and the rooms before it
ROOMS = [
    {"errors", "limits", "notation", "catalogue", "printable", "diagnoses", "parallel"},
    {"latex"},
    {"model"},
    {"engine"},
    {"printers"},
    {"document"},
    {"checker"},
    {"render", "soundness", "export"},
    {"api", "numcheck", "notebook", "cli", "pytest_plugin", "grading", "__main__", ""},
]


def _modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test):
            skip.update(id(s) for s in ast.walk(n))
    return skip


def _edges(mods: dict[str, Path]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        tree = ast.parse(p.read_text(encoding="utf-8"))
        pkg = m.split(".") if p.name == "__init__.py" else m.split(".")[:-1]
        skip = _type_checking_nodes(tree)
        for n in ast.walk(tree):
            if id(n) in skip:
                continue
            if isinstance(n, ast.ImportFrom):
                if n.level:
                    base = pkg[: len(pkg) - n.level + 1]
                    target = ".".join(base + ([n.module] if n.module else []))
                else:
                    target = n.module or ""
                if target.split(".")[0] != "symbp":
                    continue
                for a in n.names:
                    sub = f"{target}.{a.name}"
                    edges[m].add(sub if sub in mods else target)
            elif isinstance(n, ast.Import):
                edges[m].update(a.name for a in n.names if a.name.split(".")[0] == "symbp")
    return {m: {t for t in ts if t in mods and t != m} for m, ts in edges.items()}


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        stack.append(v)
        for w in sorted(edges[v]):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in state and (found := visit(w)):
                return found
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(edges):
        if v not in state and (found := visit(v)):
            return found
    return None


def _room(module: str) -> int:
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else ""
    return next(k for k, names in enumerate(ROOMS) if name in names)


def test_no_import_cycle() -> None:
    cycle = _cycle(_edges(_modules()))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_scanner_sees_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_rooms_import_only_earlier_rooms() -> None:
    bad = [f"{m} -> {t}" for m, ts in sorted(_edges(_modules()).items()) for t in sorted(ts)
           if _room(t) > _room(m)]
    assert not bad, "imports against the pipeline order:\n" + "\n".join(bad)


@pytest.mark.parametrize("module", sorted(_modules()))
def test_every_module_says_what_it_holds(module: str) -> None:
    doc = ast.get_docstring(ast.parse(_modules()[module].read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 8, f"{module} has no docstring that says what it holds"


def test_import_symbp_does_not_import_sympy() -> None:
    import subprocess
    import sys
    code = "import sys, symbp; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


#: the public surface of ``import symbp``; a change here is a change of the API, on purpose
PUBLIC = [
    "AT_SIZES", "DeclarationError", "Derivation", "ERROR", "InputError", "LatexSyntaxError", "LinkResult",
    "Network", "NetworkDerivation", "NotationError", "REFUTED", "Report", "ResourceLimitError",
    "SymbpError", "UnsupportedError", "VERDICTS", "VERIFIED", "builtin", "check_equation", "check_file",
    "check_paths", "declare", "derive", "lambdify", "load", "load_network", "loads", "prove_file",
]


def test_public_surface_is_pinned() -> None:
    assert sorted(symbp.__all__) == sorted(PUBLIC)


@pytest.mark.parametrize("name", PUBLIC)
def test_every_exported_name_exists_and_is_documented(name: str) -> None:
    obj = getattr(symbp, name)
    if callable(obj):
        assert obj.__doc__, f"symbp.{name} has no docstring"
