"""Freezing activation scales: a quantised product no longer depends on the batch; fusing
the frozen integer products changes no number."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from crmsense.analysis.model.freeze import freeze_activation_scales, fuse_integer_matmuls

onnx = pytest.importorskip("onnx", reason="pip install 'crmsense[train]' (onnx) to run")
WEIGHT = np.array([[1, -2], [3, 4], [-5, 6], [7, 8]], dtype=np.int8)


def _dynamic_model(path: Path) -> None:
    """input_ids (batch, 4) → float → DynamicQuantizeLinear → MatMulInteger with int8
    weights → rescaled float ``embedding``: the shape of every product in the encoder."""
    from onnx import TensorProto, helper, numpy_helper

    nodes = [
        helper.make_node("Cast", ["input_ids"], ["x"], to=TensorProto.FLOAT),
        helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"],
                         name="x_DynamicQuantizeLinear"),
        helper.make_node("MatMulInteger", ["xq", "w", "xz", "wz"], ["acc"]),
        helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["accf", "xs"], ["embedding"]),
    ]  # fmt: skip
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", 4]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", 4])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", 2])],
        [numpy_helper.from_array(WEIGHT, "w"), numpy_helper.from_array(np.int8(0), "wz")],
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def _run(path: Path, rows: list[list[int]]) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    ids = np.array(rows, dtype=np.int64)
    return np.asarray(session.run(None, {"input_ids": ids, "attention_mask": ids * 0 + 1})[0])


def test_frozen_scales_make_each_row_independent_of_its_batch(tmp_path: Path) -> None:
    dynamic, frozen = tmp_path / "dynamic.onnx", tmp_path / "frozen.onnx"
    _dynamic_model(dynamic)
    small, large = [1, 2, 3, 4], [200, 150, 250, 100]
    alone = _run(dynamic, [small])[0]
    together = _run(dynamic, [small, large])[0]
    assert not np.allclose(alone, together)  # the problem: the batch sets the scale

    calibration = [small, large, [0, 255, 0, 255]]
    assert freeze_activation_scales(dynamic, frozen, calibration) == 1
    ops = [node.op_type for node in onnx.load(str(frozen)).graph.node]
    assert "DynamicQuantizeLinear" not in ops and "QuantizeLinear" in ops
    frozen_alone = _run(frozen, [small])[0]
    np.testing.assert_array_equal(frozen_alone, _run(frozen, [small, large])[0])
    np.testing.assert_array_equal(frozen_alone, _run(frozen, [large, small, small])[1])
    exact = np.array(small, dtype=np.float64) @ WEIGHT.astype(np.float64)
    # scale 1.0: each input is off by at most half a step, times the summed abs weights (20)
    np.testing.assert_allclose(frozen_alone, exact, atol=10)


def _fp32_linear(path: Path) -> None:
    """input_ids (batch, 4) → float → MatMul (4×3 weights) → Add bias → ``embedding``."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(7)
    graph = helper.make_graph(
        [helper.make_node("Cast", ["input_ids"], ["x"], to=TensorProto.FLOAT),
         helper.make_node("MatMul", ["x", "w"], ["xw"]),
         helper.make_node("Add", ["b", "xw"], ["embedding"])],
        "linear",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", 4]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", 4])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", 3])],
        [numpy_helper.from_array(rng.normal(size=(4, 3)).astype(np.float32), "w"),
         numpy_helper.from_array(rng.normal(size=3).astype(np.float32), "b")],
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def test_fused_integer_products_give_identical_numbers(tmp_path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32, dynamic = tmp_path / "fp32.onnx", tmp_path / "dynamic.onnx"
    frozen, fused = tmp_path / "frozen.onnx", tmp_path / "fused.onnx"
    _fp32_linear(fp32)
    quantize_dynamic(fp32, dynamic, per_channel=True, weight_type=QuantType.QInt8)
    rows = [[1, 2, 3, 4], [200, 150, 250, 100], [0, 255, 0, 255]]
    freeze_activation_scales(dynamic, frozen, rows)
    assert fuse_integer_matmuls(frozen, fused) == 1
    ops = [node.op_type for node in onnx.load(str(fused)).graph.node]
    assert "MatMulIntegerToFloat" in ops
    assert not {"MatMulInteger", "Mul", "Add"} & set(ops)  # the bias went into the node
    onnx.checker.check_model(str(fused))
    np.testing.assert_array_equal(_run(fused, rows), _run(frozen, rows))
    assert fuse_integer_matmuls(fused, tmp_path / "again.onnx") == 0  # nothing left to fuse


def test_the_shipped_encoder_is_frozen_and_fused(tmp_path: Path) -> None:
    import onnx

    from crmsense.analysis.model.engine import default_model_dir

    shipped = default_model_dir() / "model.onnx"
    ops = Counter(node.op_type for node in onnx.load(str(shipped)).graph.node)
    assert ops["MatMulIntegerToFloat"] == 24  # as many as the unfused crm.3 had MatMulInteger
    assert not {"MatMulInteger", "DynamicQuantizeLinear"} & set(ops)
    assert fuse_integer_matmuls(shipped, tmp_path / "again.onnx") == 0  # nothing left
