"""``crmsense stats``: what the workspace holds."""

from __future__ import annotations

import json

from rich.table import Table

from crmsense.cli.app import DbOption, FormatOption, app, open_db, output_format


@app.command()
def stats(
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Count records per type."""
    from crmsense.store.queries import record_counts

    output_format(fmt)
    counts = record_counts(open_db(db))
    if fmt == "json":
        print(json.dumps(counts))
        return
    table = Table("record type", "count")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    from rich.console import Console

    Console().print(table)
