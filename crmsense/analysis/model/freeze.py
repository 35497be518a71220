"""Freeze the activation scales of the int8 encoder, so a text's reading never depends on
the other texts in its batch.

``onnxruntime``'s dynamic quantisation picks the int8 scale of every matrix product's input
from the whole batch at run time, so the same sentence scored next to different sentences
came out differently (2.7 % of airline-tweet labels flipped between batched and one-by-one
scoring). This step measures each of those inputs' range once, on train-licensed
calibration text run one at a time, and replaces every ``DynamicQuantizeLinear`` node with
a ``QuantizeLinear`` of fixed scale and zero point (the same uint8 scheme). The weights
stay as they are. Needs the ``onnx`` package (the ``[train]`` extra).
"""

from __future__ import annotations

__all__ = ["calibration_windows", "freeze_activation_scales"]

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from crmsense.errors import ModelError, require_extra


def calibration_windows(tokenizer: Path, texts: Sequence[str]) -> list[list[int]]:
    """``texts`` as the encoder sees them: handles and links removed, [CLS] … [SEP] windows
    of at most 128 tokens; the texts are also joined into long windows, so the ranges
    cover full-length input too."""
    from tokenizers import Tokenizer

    from crmsense.analysis.model.engine import MAX_TOKENS, strip_handles

    tok = Tokenizer.from_file(str(tokenizer))
    tok.no_padding()
    tok.no_truncation()
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    if cls is None or sep is None:
        raise ModelError(f"{tokenizer} lacks [CLS]/[SEP]", code="E303")
    width = MAX_TOKENS - 2
    encoded = [e.ids for e in tok.encode_batch([strip_handles(t) for t in texts],
                                                add_special_tokens=False)]  # fmt: skip
    windows = [[cls, *ids[:width], sep] for ids in encoded if ids]
    joined = [token for ids in encoded for token in ids]
    windows += [[cls, *joined[i : i + width], sep] for i in range(0, len(joined), width * 8)]
    return windows


def _ranges(model_bytes: bytes, names: Sequence[str], windows: Sequence[Sequence[int]]
            ) -> dict[str, tuple[float, float]]:  # fmt: skip
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    low = dict.fromkeys(names, 0.0)
    high = dict.fromkeys(names, 0.0)
    for ids in windows:
        row = np.array([ids], dtype=np.int64)
        values = session.run(list(names), {"input_ids": row, "attention_mask": np.ones_like(row)})
        for name, value in zip(names, values, strict=True):
            low[name] = min(low[name], float(value.min()))
            high[name] = max(high[name], float(value.max()))
    return {name: (low[name], high[name]) for name in names}


def freeze_activation_scales(source: Path, target: Path, windows: Sequence[Sequence[int]]) -> int:
    """Rewrite the dynamically quantised ONNX model ``source`` into ``target`` with static
    activation scales measured on ``windows`` (token ids with [CLS]/[SEP], ≤ 128 each);
    returns the number of quantisation nodes frozen."""
    onnx = require_extra("onnx", "train")
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    dynamic = [n for n in graph.node if n.op_type == "DynamicQuantizeLinear"]
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    known = {o.name for o in probe.graph.output}
    for node in dynamic:
        if node.input[0] not in known:
            probe.graph.output.append(helper.make_empty_tensor_value_info(node.input[0]))
    ranges = _ranges(probe.SerializeToString(), [n.input[0] for n in dynamic], windows)
    for node in dynamic:
        low, high = ranges[node.input[0]]
        scale = max(high - low, 1e-8) / 255.0
        zero = int(np.clip(round(-low / scale), 0, 255))
        quantized, scale_name, zero_name = node.output
        graph.initializer.extend([
            numpy_helper.from_array(np.array(scale, dtype=np.float32), scale_name),
            numpy_helper.from_array(np.array(zero, dtype=np.uint8), zero_name),
        ])  # fmt: skip
        index = list(graph.node).index(node)
        graph.node.remove(node)
        graph.node.insert(index, helper.make_node(
            "QuantizeLinear", [node.input[0], scale_name, zero_name], [quantized],
            name=node.name.replace("DynamicQuantizeLinear", "QuantizeLinear"),
        ))  # fmt: skip
    onnx.save(model, str(target))
    return len(dynamic)
