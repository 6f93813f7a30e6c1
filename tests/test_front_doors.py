"""One front door per task: the notebook and the numeric check load networks and check through
``symbp.api``; a folder is no network (was a read error of a file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbp import api, notebook, numcheck
from symbp.errors import NotationError


@pytest.mark.parametrize("spec", ["plain", "derivations/weight_sharing.tex",
                                  Path("derivations/prml_5_3_1.tex")])
def test_the_notebook_loads_networks_through_api(monkeypatch: pytest.MonkeyPatch, spec: object) -> None:
    calls = []
    real = api.load_network

    def spy(context: object) -> object:
        calls.append(context)
        return real(context)  # type: ignore[arg-type]
    monkeypatch.setattr(api, "load_network", spy)
    assert notebook.network(spec).sizes  # type: ignore[arg-type]
    assert calls == [spec]


def test_the_numeric_check_loads_networks_through_api(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = api.load_network
    monkeypatch.setattr(api, "load_network", lambda c: calls.append(c) or real(c))
    numcheck.check_equation(r"\delta_j = h'(a_j) \sum_k w_{kj} \delta_k", "plain")
    assert calls == ["plain"]


@pytest.mark.parametrize(("load", "hint"), [
    (api.load_network, "use plain, shared or the path of a derivation file"),
    (notebook.network, "use plain, shared, the path of a derivation file, or a list of forward equations"),
])
def test_a_folder_is_no_network(load: object, hint: str) -> None:
    with pytest.raises(NotationError) as info:
        load("derivations")  # type: ignore[operator]
    assert info.value.message == "no built-in network and no file named 'derivations'"
    assert info.value.hint == hint
