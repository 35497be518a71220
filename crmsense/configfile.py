"""Parsing the user's configuration files: TOML, or YAML for ``.yaml``/``.yml`` paths.

Health scorecards (``crmsense signals --config``) and alert playbooks (``--rules``) are
written in either; both parse to the same tables and are validated the same way.

>>> parse_config('[bands]\\ngreen = 75', "health.toml", code="E402")
{'bands': {'green': 75}}
>>> parse_config("bands:\\n  green: 75\\n", "health.yaml", code="E402")
{'bands': {'green': 75}}
"""

from __future__ import annotations

__all__ = ["YAML_SUFFIXES", "decode_config", "parse_config"]

import tomllib
from pathlib import PurePath
from typing import Any

from crmsense.errors import ConfigError

YAML_SUFFIXES = (".yaml", ".yml")


def decode_config(data: bytes, where: str, *, code: str) -> str:
    """The text of a configuration file: UTF-8, with or without a byte-order mark.

    >>> decode_config(b"a = 1\\n# caf\\xe9\\n", "x.toml", code="E402")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crmsense.errors.ConfigError: [E402] x.toml: line 2 is not UTF-8 (byte 0xe9) — save the ...
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{where}: line {line} is not UTF-8 (byte 0x{data[exc.start]:02x}) — "
                          "save the file as UTF-8", code=code) from None  # fmt: skip


def parse_config(text: str, where: str, *, code: str) -> dict[str, Any]:
    """The tables of ``text``, read as YAML when ``where`` names a YAML file, else TOML.

    Raises :class:`~crmsense.errors.ConfigError` (with ``code``) naming the line at fault.
    """
    if PurePath(where).suffix.lower() not in YAML_SUFFIXES:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{where}: not valid TOML: {exc} — fix the syntax at that line",
                              code=code) from exc  # fmt: skip
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ConfigError(f"{where}: not valid YAML{at}: {problem} — fix the syntax there",
                          code=code) from exc  # fmt: skip
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: the top level must be a mapping of settings, not a "
                          f"{type(data).__name__}", code=code)  # fmt: skip
    return data
