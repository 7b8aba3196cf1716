"""The int8 export keeps in float32 the linear layers whose inputs carry outlier activations."""

from __future__ import annotations

import torch

from desktop_search.core.model.outlier_inputs import matmul_nodes, outlier_fed_linears


class Block(torch.nn.Module):
    def __init__(self, spike: float) -> None:
        super().__init__()
        self.spike = spike
        self.dense = torch.nn.Linear(16, 16)
        self.output = torch.nn.Linear(16, 16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden = self.dense(x)
        hidden[0, 0, 3] *= self.spike  # one value far above the rest, as some transformer layers have
        return self.output(hidden)


class Encoder(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.ModuleList([Block(1.0), Block(400.0), Block(1.0)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.layer:
            x = torch.tanh(block(x))
        return x


def test_only_the_layer_fed_by_outliers_is_named() -> None:
    torch.manual_seed(0)
    encoder = Encoder()
    batches = [torch.randn(4, 64, 16) for _ in range(3)]

    def run() -> None:
        for batch in batches:
            encoder(batch)

    assert outlier_fed_linears(encoder, run) == ["layer.1.output"]
    assert outlier_fed_linears(encoder, run, ratio=1e6) == []
    assert not encoder.layer[1].output._forward_hooks  # the hooks are gone afterwards


def test_module_names_map_to_the_exporters_node_names() -> None:
    nodes = [
        "/inner/encoder/layer.4/attention/self/query/MatMul",
        "/inner/encoder/layer.4/output/dense/MatMul",
        "/inner/encoder/layer.14/output/dense/MatMul",
        "/inner/encoder/layer.4/attention/output/dense/MatMul",
    ]
    found = matmul_nodes(["encoder.layer.4.output.dense", "encoder.layer.9.output.dense"], nodes)
    assert found == ["/inner/encoder/layer.4/output/dense/MatMul"]  # not layer.14, not attention's
