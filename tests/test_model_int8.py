"""The encoder's int8 products are exact on every CPU (crmsense.analysis.model.int8)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from crmsense.analysis.model.engine import OnnxEncoder, default_model_dir
from crmsense.analysis.model.int8 import saturating_cpu, unsigned_weights

SHIPPED = default_model_dir() / "model.onnx"


@pytest.mark.parametrize(
    ("flags", "machine", "saturates"),
    [
        ("fpu sse4_2 avx avx2 fma", "x86_64", True),
        ("avx2 avx512f avx512bw", "x86_64", True),  # AVX-512 without VNNI saturates too
        ("avx2 avx512f avx512_vnni", "x86_64", False),
        ("avx2 avx_vnni", "AMD64", False),
        ("fp asimd asimddp", "aarch64", False),
        (None, "x86_64", True),  # flags unknown: the exact path only costs speed
        (None, "arm64", False),
    ],
)
def test_which_cpus_saturate(
    tmp_path: Path, flags: str | None, machine: str, saturates: bool
) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    if flags is not None:
        cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n", encoding="utf-8")
    assert saturating_cpu.__wrapped__(cpuinfo, machine) is saturates


def _product(a_zero: int = 0, with_b_zero_point: bool = True) -> bytes:
    """One uint8 × int8 product (1 × 64 by 64 × 8) of the shape the quantiser writes."""
    b = numpy_helper.from_array(np.full((64, 8), 127, dtype=np.int8), "w")
    b.ClearField("raw_data")  # as int32_data, like the shipped zero points
    b.int32_data.extend([127] * 64 * 8)
    inits = [
        b,
        numpy_helper.from_array(np.array(1.0, dtype=np.float32), "a_scale"),
        numpy_helper.from_array(np.full(8, 0.5, dtype=np.float32), "w_scale"),
        numpy_helper.from_array(np.array(a_zero, dtype=np.uint8), "a_zero"),
        numpy_helper.from_array(np.zeros(8, dtype=np.int8), "w_zero"),
    ]
    inputs = ["a", "w", "a_scale", "w_scale", "a_zero", "w_zero" if with_b_zero_point else ""]
    node = helper.make_node("MatMulIntegerToFloat", inputs, ["y"], domain="com.microsoft")
    graph = helper.make_graph(
        [node], "product",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, [1, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])],
        inits,
    )  # fmt: skip
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets).SerializeToString()


def _run(model: bytes, a: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    return session.run(None, {"a": a})[0]


def test_unsigned_weights_make_the_product_exact_on_this_cpu() -> None:
    """255 × 127, added in pairs, is what a CPU without VNNI saturates (to 32,767 a pair)."""
    a = np.full((1, 64), 255, dtype=np.uint8)
    exact = 64 * 255 * 127 * 0.5
    converted = unsigned_weights(_product())
    np.testing.assert_allclose(_run(converted, a), exact)
    if saturating_cpu():  # the reason for the conversion, seen on this CPU
        assert _run(_product(), a).max() < exact
    weights = {
        t.name: numpy_helper.to_array(t) for t in onnx.load_from_string(converted).graph.initializer
    }
    assert weights["w"].dtype == weights["w_zero"].dtype == np.uint8
    assert (weights["w"] == 255).all() and (weights["w_zero"] == 128).all()


def test_a_product_without_a_weight_zero_point_is_left_alone() -> None:
    model = _product(with_b_zero_point=False)
    assert unsigned_weights(model) is model
    assert unsigned_weights(b"") == b""
    garbage = b"\x3a\xff\xff\xff\xff\x0f not a model"  # a length past the end, and more
    assert unsigned_weights(garbage) is garbage


def test_the_shipped_encoder_keeps_every_other_byte() -> None:
    original = onnx.load(str(SHIPPED))
    converted = onnx.load_from_string(unsigned_weights(SHIPPED.read_bytes()))
    onnx.checker.check_model(converted)
    assert converted.graph.node == original.graph.node
    weights = {
        name
        for node in original.graph.node if node.op_type == "MatMulIntegerToFloat"
        for name in (node.input[1], node.input[5])
    }  # fmt: skip
    assert len(weights) == 48
    for before, after in zip(original.graph.initializer, converted.graph.initializer, strict=True):
        assert before.name == after.name
        if before.name in weights:
            old, new = numpy_helper.to_array(before), numpy_helper.to_array(after)
            assert new.dtype == np.uint8 and new.shape == old.shape
            np.testing.assert_array_equal(new.astype(np.int16), old.astype(np.int16) + 128)
        else:
            assert before == after


@pytest.mark.slow
def test_the_encoder_computes_the_exact_products_on_every_cpu(tmp_path: Path) -> None:
    """On this CPU, the engine's embeddings equal those of the unsigned-weight encoder,
    whose products are exact everywhere (on an AMD EPYC without VNNI, the signed weights
    gave cosine 0.993 and flipped 2.4 % of airline-tweet labels)."""
    texts = [
        "Thanks for the quick fix, the sync works again!",
        "We've been waiting three weeks for a refund and nobody answers.",
        "Please send the signed order form by Friday.",
    ]
    exact_dir = tmp_path / "exact"
    exact_dir.mkdir()
    (exact_dir / "model.onnx").write_bytes(unsigned_weights(SHIPPED.read_bytes()))
    (exact_dir / "tokenizer.json").write_bytes(
        (default_model_dir() / "tokenizer.json").read_bytes()
    )
    ours = OnnxEncoder(default_model_dir(), threads=1).embed(texts)
    exact = OnnxEncoder(exact_dir, threads=1).embed(texts)
    np.testing.assert_allclose(ours, exact, atol=1e-4)
