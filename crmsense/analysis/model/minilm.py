"""The MiniLM/BERT encoder in plain torch, for training and ONNX export only.

Imported by :mod:`crmsense.analysis.model.train` after ``require_extra("torch", "train")``;
never at run time (the engine runs the exported ONNX graph). The module returns the
mean-pooled sentence embedding, so the heads stay in numpy and domain tuning can swap them.
"""

from __future__ import annotations

__all__ = ["Encoder", "load_encoder"]

import math
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F


class _Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, ffn: int, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.norm1 = nn.LayerNorm(hidden, eps=1e-12)
        self.up = nn.Linear(hidden, ffn)
        self.down = nn.Linear(ffn, hidden)
        self.norm2 = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        batch, seq, hidden = x.shape
        q, k, v = (
            self.qkv(x).view(batch, seq, 3, self.heads, hidden // self.heads).permute(2, 0, 3, 1, 4)
        )
        scores = q @ k.transpose(-1, -2) / math.sqrt(hidden // self.heads) + bias
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, seq, hidden)
        x = self.norm1(x + self.dropout(self.out(context)))
        out: torch.Tensor = self.norm2(x + self.dropout(self.down(F.gelu(self.up(x)))))
        return out


class Encoder(nn.Module):
    """BERT encoder + attention-masked mean pooling: (ids, mask) → (batch, hidden)."""

    def __init__(
        self, vocab: int = 30522, hidden: int = 384, layers: int = 6, heads: int = 12,
        ffn: int = 1536, positions: int = 512, dropout: float = 0.1,
    ) -> None:  # fmt: skip
        super().__init__()
        self.words = nn.Embedding(vocab, hidden)
        self.positions = nn.Embedding(positions, hidden)
        self.token_type = nn.Parameter(torch.zeros(hidden))
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.ModuleList(_Layer(hidden, heads, ffn, dropout) for _ in range(layers))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        seq = input_ids.shape[1]
        position = torch.arange(seq, device=input_ids.device).unsqueeze(0)
        x = self.words(input_ids) + self.positions(position) + self.token_type
        x = self.dropout(self.norm(x))
        mask = attention_mask.to(x.dtype)
        bias = ((1.0 - mask) * -1e4)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        pooled: torch.Tensor = (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(
            min=1.0
        )
        return pooled


def load_encoder(safetensors_path: Path, layers: int = 6) -> Encoder:
    """Build an :class:`Encoder` from a Hugging Face BERT ``model.safetensors`` file.

    ``layers`` < the checkpoint's depth keeps only the first ``layers`` layers.
    """
    from safetensors.torch import load_file

    raw = load_file(str(safetensors_path))
    encoder = Encoder(layers=layers)
    state: dict[str, torch.Tensor] = {
        "words.weight": raw["embeddings.word_embeddings.weight"],
        "positions.weight": raw["embeddings.position_embeddings.weight"],
        "token_type": raw["embeddings.token_type_embeddings.weight"][0],
        "norm.weight": raw["embeddings.LayerNorm.weight"],
        "norm.bias": raw["embeddings.LayerNorm.bias"],
    }
    for i in range(layers):
        src, dst = f"encoder.layer.{i}.", f"layers.{i}."
        for part in ("weight", "bias"):
            state[dst + "qkv." + part] = torch.cat(
                [raw[f"{src}attention.self.{n}.{part}"] for n in ("query", "key", "value")]
            )
            state[dst + "out." + part] = raw[f"{src}attention.output.dense.{part}"]
            state[dst + "norm1." + part] = raw[f"{src}attention.output.LayerNorm.{part}"]
            state[dst + "up." + part] = raw[f"{src}intermediate.dense.{part}"]
            state[dst + "down." + part] = raw[f"{src}output.dense.{part}"]
            state[dst + "norm2." + part] = raw[f"{src}output.LayerNorm.{part}"]
    encoder.load_state_dict(state)
    return encoder
