"""Storage: tables, migrations and the database handle."""

from crmsense.store.db import Database, open_database

__all__ = ["Database", "open_database"]
