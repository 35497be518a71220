"""Exact int8 products on every x86 CPU: the encoder's signed weights made unsigned where
the CPU's kernel would saturate.

The shipped encoder multiplies uint8 activations by int8 weights
(``MatMulIntegerToFloat``). CPUs with VNNI (``vpdpbusd``: AVX512-VNNI, AVX-VNNI) add every
product into 32 bits, exactly. Without it, onnxruntime's x86 kernel multiplies with
``vpmaddubsw``, which adds each pair of products into 16 bits and saturates: 255 × 127 ×
2 = 64,770 does not fit. On an AMD EPYC without VNNI (2026-12-07) that moved the shipped
encoder's embeddings (cosine 0.993 to the exact ones) and flipped 2.4 % of airline-tweet
polarity labels, 1.5 % of held-out message kinds and two held-out reply intents: the
model users got on such CPUs was not the model the benchmarks and the calibration
describe. The same weights stored as uint8 with zero point 128 (``w + 128``, exact) take
onnxruntime's uint8 × uint8 kernel, which widens to 16 bits before multiplying and does
not saturate; it was 10–20 % slower there.

:func:`unsigned_weights` rewrites those tensors in the serialized model (as raw uint8
data) and re-encodes the graph around them, reading and writing the protobuf with the
standard library and numpy (no ``onnx`` package at run time, 0.1 s at load);
:func:`saturating_cpu` decides when.

>>> saturating_cpu(Path("/nonexistent"), machine="aarch64")
False
"""

from __future__ import annotations

__all__ = ["saturating_cpu", "unsigned_weights"]

import functools
import platform
from collections.abc import Iterator
from pathlib import Path

import numpy as np

_INT8, _UINT8 = 3, 2  # onnx TensorProto.DataType
_B_ZERO_POINT = {"MatMulInteger": 3, "MatMulIntegerToFloat": 5}
"""Integer products whose input 1 is the weight matrix, and the index of its zero point."""
_X86 = {"x86_64", "amd64", "i386", "i686", "x86"}
_VNNI = {"avx512_vnni", "avx_vnni", "amx_int8"}


@functools.cache
def saturating_cpu(cpuinfo: Path = Path("/proc/cpuinfo"), machine: str | None = None) -> bool:
    """Whether uint8 × int8 products would saturate here: an x86 CPU without VNNI (read
    from Linux's ``/proc/cpuinfo``; an x86 CPU whose flags cannot be read counts as one,
    since the exact path only costs speed). ARM's kernels do not saturate."""
    if (machine or platform.machine()).lower() not in _X86:
        return False
    try:
        flags = set(cpuinfo.read_text(encoding="utf-8", errors="replace").split())
    except OSError:
        return True
    return not flags & _VNNI


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _fields(buf: bytes, start: int, end: int) -> Iterator[tuple[int, int, int, int, int]]:
    """``(number, wire type, field start, value start, value end)`` of each field of the
    protobuf message in ``buf[start:end]``; a varint value is read at its start."""
    pos = start
    while pos < end:
        field_start = pos
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            after = _varint(buf, pos)[1]
        elif wire == 1:
            after = pos + 8
        elif wire == 2:
            length, pos = _varint(buf, pos)
            after = pos + length
        elif wire == 5:
            after = pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, wire, field_start, pos, after
        pos = after


def _spans(buf: bytes, start: int, end: int, number: int) -> Iterator[tuple[int, int]]:
    """Value spans of the length-delimited fields ``number`` in ``buf[start:end]``."""
    return ((s, e) for n, wire, _, s, e in _fields(buf, start, end) if n == number and wire == 2)


def _strings(buf: bytes, start: int, end: int, number: int) -> list[str]:
    return [buf[s:e].decode() for s, e in _spans(buf, start, end, number)]


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field."""
    return _encode_varint(number << 3 | 2) + _encode_varint(len(payload)) + payload


def _int8_values(buf: bytes, start: int, end: int) -> np.ndarray | None:
    """The values of the int8 ``TensorProto`` in ``buf[start:end]`` (raw data or packed
    ``int32_data``), or None when it holds something else."""
    dtype, values = None, None
    for number, wire, _, s, e in _fields(buf, start, end):
        if number == 2 and wire == 0:
            dtype = _varint(buf, s)[0]
        elif number == 9 and wire == 2:
            values = np.frombuffer(buf[s:e], dtype=np.int8)
        elif number == 5 and wire == 2:  # packed int32s; a negative one is a 64-bit varint
            ints, pos = [], s
            while pos < e:
                value, pos = _varint(buf, pos)
                ints.append(value - (1 << 64) if value >= 1 << 63 else value)
            values = np.array(ints, dtype=np.int8)
    return values if dtype == _INT8 else None


def _as_uint8(buf: bytes, start: int, end: int, values: np.ndarray) -> bytes:
    """The ``TensorProto`` in ``buf[start:end]`` holding uint8 ``values + 128`` as raw data
    (its other fields, name and dims among them, as they were)."""
    kept = b"".join(buf[f:e] for n, _, f, _, e in _fields(buf, start, end) if n not in (2, 5, 9))
    shifted = (values.astype(np.int16) + 128).astype(np.uint8).tobytes()
    return kept + _encode_varint(2 << 3) + _encode_varint(_UINT8) + _field(9, shifted)


def unsigned_weights(model: bytes) -> bytes:
    """``model`` (a serialized ONNX ``ModelProto``) with the int8 weight matrices of its
    integer products, and their zero points, stored as uint8 (``w + 128``): the same
    numbers. The model is returned unchanged unless every such weight is an int8
    initializer with an explicit zero point, used by integer products only. Only the
    top-level graph is read (the shipped encoder has no subgraphs). Bytes this reader
    cannot follow are returned as they are, for onnxruntime to report.
    """
    try:
        return _unsigned(model)
    except (ValueError, IndexError, UnicodeDecodeError):
        return model


def _unsigned(model: bytes) -> bytes:
    graph = next(
        ((f, s, e) for n, w, f, s, e in _fields(model, 0, len(model)) if n == 7 and w == 2), None
    )
    if graph is None:
        return model
    graph_start, start, end = graph
    wanted: set[str] = set()
    other_uses: set[str] = set()
    for node_start, node_end in _spans(model, start, end, 1):
        inputs = _strings(model, node_start, node_end, 1)
        zero = _B_ZERO_POINT.get(next(iter(_strings(model, node_start, node_end, 4)), ""))
        if zero is None:
            other_uses.update(inputs)
        elif len(inputs) <= zero or not inputs[zero]:
            return model  # an absent zero point means 0, which uint8 weights cannot keep
        else:
            wanted.update((inputs[1], inputs[zero]))
            other_uses.update(name for i, name in enumerate(inputs) if i not in (1, zero))
    if not wanted or wanted & other_uses:
        return model
    parts: list[bytes] = []
    done: set[str] = set()
    for number, wire, f, s, e in _fields(model, start, end):
        name = next(iter(_strings(model, s, e, 8)), "") if number == 5 and wire == 2 else ""
        values = _int8_values(model, s, e) if name in wanted else None
        done.update([name] if values is not None else [])
        parts.append(model[f:e] if values is None else _field(5, _as_uint8(model, s, e, values)))
    if done != wanted:
        return model
    return model[:graph_start] + _field(7, b"".join(parts)) + model[end:]
