"""One module per dashboard page; each exposes a ``router``."""
