"""The sample workspace behind ``crmsense demo``: a realistic, reproducible portfolio."""

from __future__ import annotations

__all__ = ["DEMO_AS_OF", "generate_workspace", "write_workspace"]

from crmsense.demo.generate import DEMO_AS_OF, generate_workspace, write_workspace
