"""The gradcheck-style bridge to a user's PyTorch model (issue 16, part 4).

Models built of ``nn.Linear`` and ``nn.Conv1d`` (kernel size 1) are mapped to the network's
families automatically, anything else through ``mapping``; symbp's formulas, evaluated on the
model's own tensors, must equal autograd's gradients, and a wrong formula in a user's notes must
be reported with its worst element.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from symbp import declare, loads
from symbp.errors import UnsupportedError
from symbp.export.torch_bridge import gradcheck

torch = pytest.importorskip("torch")
nn = torch.nn

ROOT = Path(__file__).resolve().parents[1]
F64 = torch.float64


def _data(*shapes: tuple[int, ...], seed: int = 0) -> list:
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*s, generator=g, dtype=F64) for s in shapes]


def _plain(act: type = nn.Tanh, bias: bool = False) -> nn.Module:
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(3, 4, bias=bias), act(), nn.Linear(4, 2, bias=bias)).double()


class Shared(nn.Module):
    """The seed note's network: inputs z_{i_l} = h(a_{i_l}), a Conv1d shared over l, a Linear on top."""

    def __init__(self, i: int = 3, j: int = 4, k: int = 2, length: int = 5) -> None:
        super().__init__()
        self.inp, self.conv, self.act = nn.Tanh(), nn.Conv1d(i, j, 1, bias=False), nn.Tanh()
        self.flat, self.out = nn.Flatten(), nn.Linear(j * length, k, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.flat(self.act(self.conv(self.inp(x)))))


@pytest.mark.parametrize("loss", [None, lambda y, t: ((y - t) ** 2).mean()])
def test_plain_model_matches_every_derived_formula(loss: object) -> None:
    x, t = _data((6, 3), (6, 2))
    report = gradcheck(_plain(), ROOT / "derivations" / "prml_5_3_1.tex", x, t, loss=loss)
    assert report.ok and len(report.results) == 3 and report.sizes == {"J": 4, "I": 3, "K": 2}
    assert report.mapping["w_ji"] == "0.weight" and report.mapping["z_j"] == "2:input"
    assert all(r.max_abs_error < 1e-12 for r in report.results)
    assert str(report).splitlines()[1].startswith("ok   \\delta_{j} = h'(a_{j})")


def test_the_models_grad_fields_are_left_alone() -> None:
    model = _plain()
    x, t = _data((6, 3), (6, 2))
    gradcheck(model, ROOT / "derivations" / "prml_5_3_1.tex", x, t)
    assert all(p.grad is None for p in model.parameters())
    assert gradcheck(model, ROOT / "derivations" / "prml_5_3_1.tex", x, t).ok  # twice: same answer


def test_shared_conv1d_model_and_a_labelled_equation() -> None:
    model = Shared().double()
    x, t = _data((6, 3, 5), (6, 2))
    seed = ROOT / "derivations" / "weight_sharing.tex"
    report = gradcheck(model, seed, x, t)
    assert report.ok and report.mapping["w_ji"] == "conv.weight" and report.sizes["L"] == 5
    skipped = [r for r in report.results if r.skipped]
    assert [r.quantity for r in skipped] == ["\\delta_{i_l}"]  # a_{i_l} is not a tensor of the model
    for label in ("②", "① (intended)"):
        one = gradcheck(model, seed, x, t, label=label)
        assert one.ok and len(one.results) == 1, str(one)


def test_a_wrong_formula_is_reported_with_its_worst_element() -> None:
    text = (ROOT / "derivations" / "prml_5_3_1.tex").read_text(encoding="utf-8")
    wrong = text.replace(r"\end{document}", "% symbp: label mine\n% symbp: expect refuted\n"
                         "$$\\delta_j = \\sum_k w_{kj} \\delta_k$$\n\\end{document}")
    deriv = loads(wrong, file="notes.tex")
    x, t = _data((6, 3), (6, 2))
    report = gradcheck(_plain(), deriv, x, t, label="mine")
    (r,) = report.results
    assert not report.ok and not r.ok and r.max_abs_error > 1e-3
    assert len(r.worst_index) == 2  # (example, j)
    assert abs(r.formula_value - r.autograd_value) == pytest.approx(r.max_abs_error)
    assert "worst at" in str(r)


def test_the_wrong_activation_is_caught() -> None:
    x, t = _data((6, 3), (6, 2))
    report = gradcheck(_plain(nn.Sigmoid), ROOT / "derivations" / "prml_5_3_1.tex", x, t, activation="tanh")
    assert not report.ok
    assert gradcheck(_plain(nn.Sigmoid), ROOT / "derivations" / "prml_5_3_1.tex", x, t).ok  # read: logistic


def test_biases_map_to_their_family() -> None:
    net = declare([r"a_j = \sum_i w_{ji} z_i + b_j", r"z_j = h(a_j)", r"a_k = \sum_j w_{kj} z_j + b_k"])
    x, t = _data((6, 3), (6, 2))
    report = gradcheck(_plain(bias=True), net, x, t)
    assert report.ok and report.mapping["b_j"] == "0.bias" and len(report.results) == 5


class Functional(nn.Module):
    """No Linear layers: weights as bare parameters, one named activation module."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(2)
        self.W1 = nn.Parameter(torch.randn(4, 3, dtype=F64))
        self.W2 = nn.Parameter(torch.randn(2, 4, dtype=F64))
        self.act = nn.Tanh()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x @ self.W1.T) @ self.W2.T


def test_a_mapping_for_the_rest() -> None:
    x, t = _data((6, 3), (6, 2))
    mapping = {"w_ji": "W1", "w_kj": "W2", "a_j": "act:input", "z_j": "act", "z_i": ":input",
               "a_k": ":output"}
    report = gradcheck(Functional(), ROOT / "derivations" / "prml_5_3_1.tex", x, t, mapping=mapping)
    assert report.ok and len(report.results) == 3
    with pytest.raises(UnsupportedError, match="Linear/Conv1d"):
        gradcheck(Functional(), ROOT / "derivations" / "prml_5_3_1.tex", x, t)
    with pytest.raises(UnsupportedError, match="no parameter or module named 'W3'"):
        gradcheck(Functional(), ROOT / "derivations" / "prml_5_3_1.tex", x, t, mapping={"w_ji": "W3"})
