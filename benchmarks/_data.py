"""What the accuracy benchmarks share: where the public labelled corpora are, and how a
table of result rows is printed."""

from __future__ import annotations

__all__ = ["DATASETS", "Row", "table"]

import os
from collections.abc import Sequence
from pathlib import Path

#: ``../shared/datasets`` next to the checkout, or ``CRMSENSE_BENCH_DATASETS``.
DATASETS = Path(
    os.environ.get("CRMSENSE_BENCH_DATASETS")
    or os.environ.get("CRMSENSE_DATASETS")  # the older name, still honoured
    or Path(__file__).resolve().parents[2] / "shared" / "datasets"
)
Row = dict[str, object]


def table(rows: Sequence[Row]) -> str:
    """Rows as aligned columns (the union of their keys, in first-seen order).

    >>> print(table([{"set": "a", "acc": 0.5}, {"set": "bb", "n": 3}]))
    set  acc  n
    a    0.5
    bb        3
    """
    columns = list(dict.fromkeys(k for row in rows for k in row))
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)
