"""Scale: the line index, ``-j N`` (same results, same order as ``-j 1``) and ``prove`` of many files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbp import api, numcheck
from symbp.cli import main
from symbp.document import LineIndex, loads
from symbp.errors import locate
from symbp.parallel import default_jobs, map_files

ROOT = Path(__file__).resolve().parents[1]


@given(st.text(alphabet="ab\n", max_size=40), st.integers(-3, 45))
def test_the_line_index_locates_as_locate_does(text: str, offset: int) -> None:
    assert LineIndex(text, "f.tex").locate(offset) == locate(text, offset, "f.tex")


def _square(x: int) -> int:
    return x * x


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_map_files_keeps_the_order(jobs: int) -> None:
    assert map_files(_square, list(range(23)), jobs) == [x * x for x in range(23)]


def test_default_jobs_is_the_cores_for_a_folder(tmp_path: Path) -> None:
    f = tmp_path / "a.tex"
    f.write_text("x")
    assert default_jobs([f]) == 1
    assert default_jobs([tmp_path, f]) >= 1


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """derivations/ twice over, and a file whose network cannot be declared (a problem)."""
    d = tmp_path_factory.mktemp("many")
    for k in range(2):
        for f in sorted((ROOT / "derivations").glob("*.tex")):
            shutil.copy(f, d / f"{k}_{f.name}")
    (d / "1b_broken.tex").write_text("% symbp: network nosuch\n$$a_j = b_j$$\n")
    return d


#: the files of ``folder``: derivations/ twice, and the broken one
FILES = 2 * len(list((ROOT / "derivations").glob("*.tex"))) + 1


def test_check_paths_in_parallel_is_the_serial_check(folder: Path) -> None:
    one = api.check_paths([folder], jobs=1).to_json()
    two = api.check_paths([folder], jobs=2).to_json()
    assert one == two
    assert one["summary"]["files"] == FILES and one["summary"]["problems"]


def test_numeric_check_in_parallel_is_the_serial_check(folder: Path) -> None:
    opts = numcheck.Options()
    assert (numcheck.check_paths([folder], opts, jobs=1).to_json()
            == numcheck.check_paths([folder], opts, jobs=2).to_json())


@pytest.mark.parametrize("extra", [[], ["--format", "json"], ["-q"]])
def test_cli_output_does_not_depend_on_jobs(folder: Path, extra: list[str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    outs = []
    for j in ("1", "2"):
        code = main(["check", str(folder), "-j", j, *extra])
        outs.append((code, capsys.readouterr().out))
    assert outs[0] == outs[1] and outs[0][0] == 2
    if extra[:1] == ["--format"]:
        assert json.loads(outs[0][1])["summary"]["files"] == FILES


@pytest.mark.parametrize("bad", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["check", "derivations", "-j", bad])
    assert e.value.code == 2 and "number of processes" in capsys.readouterr().err


def test_prove_many_files_writes_each_proof(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    for f in sorted((ROOT / "derivations").glob("*.tex"))[:2]:
        shutil.copy(f, tmp_path / f.name)
        files.append(str(tmp_path / f.name))
    (tmp_path / "broken.tex").write_text("% symbp: network nosuch\n")
    code = main(["prove", *files, str(tmp_path / "broken.tex"), "-j", "2"])
    out, err = capsys.readouterr()
    assert code == 2 and "unknown network" in err
    assert [line.split(":")[0] for line in out.splitlines()] == [
        str(Path(f).with_suffix(".proof.tex")) for f in files]
    assert all(Path(f).with_suffix(".proof.tex").read_text().startswith("\\documentclass") for f in files)


def test_prove_with_label_or_output_takes_one_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["prove", "a.tex", "b.tex", "-o", "x.tex"])
    assert "one FILE" in capsys.readouterr().err


def test_a_long_file_loads_every_equation_at_its_line() -> None:
    block = "% symbp: expect refuted\n$$\\delta_j = h(a_j) \\sum_k w_{kj} \\delta_k$$\nprose\n"
    deriv = loads("% symbp: network plain\n" + block * 300)
    assert [eq.line for eq in deriv.equations] == [3 + 3 * k for k in range(300)]
    assert all(eq.expected == ["refuted"] for eq in deriv.equations)


pytest_plugins = ["pytester"]


def test_the_pytest_plugin_under_xdist_gives_the_serial_outcomes(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    from importlib import metadata
    plugin = [] if any(ep.name == "symbp" for ep in metadata.entry_points(group="pytest11")) \
        else ["-p", "symbp.pytest_plugin"]
    shutil.copy(ROOT / "derivations" / "weight_sharing.tex", pytester.path)
    (pytester.path / "wrong.tex").write_text(
        "% symbp: network plain\n$$\\delta_j = h(a_j) \\sum_k w_{kj} \\delta_k$$\n", encoding="utf-8")
    got = []
    for n in ("0", "2"):
        res = pytester.runpytest_subprocess(*plugin, "-p", "no:cacheprovider", "-n", n, timeout=300)
        got.append({k: v for k, v in res.parseoutcomes().items() if k in ("passed", "failed")})
    assert got[0] == got[1] and got[0]["failed"] == 1 and got[0]["passed"] >= 5


def test_no_fork_once_a_threaded_library_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """JAX's threads make a forked worker deadlock-prone: with it loaded, a fresh server forks them."""
    import sys

    from symbp import parallel
    monkeypatch.setitem(sys.modules, "jax", sys.modules.get("jax") or type(sys)("jax"))
    assert parallel._context().get_start_method() in ("forkserver", "spawn")
    assert parallel.map_files(len, ["a", "bb", "ccc"], jobs=2) == [1, 2, 3]


def _has_module(name: str) -> bool:
    import sys
    return name in sys.modules


def _import_colorsys() -> None:
    import colorsys  # noqa: F401


def test_preloaded_modules_are_imported_before_the_workers_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """``preload``: imported once by this process, so that forked workers start with it."""
    import sys

    from symbp import parallel
    if parallel._context().get_start_method() != "fork":  # pragma: no cover - not Linux
        pytest.skip("the workers are not forked here")
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    items = ["colorsys"] * 3
    assert parallel.map_files(_has_module, items, jobs=2, preload=(_import_colorsys,)) == [True] * 3
    assert parallel.map_files(_has_module, items, jobs=1, preload=(_import_colorsys,)) == [True] * 3
