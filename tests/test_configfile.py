"""Health scorecards and alert playbooks read the same from TOML and from YAML."""

from __future__ import annotations

import doctest
import tomllib
from pathlib import Path

import pytest
import yaml

import crmsense.configfile
from crmsense.alerts.config import load_playbook
from crmsense.connectors.config import HubSpotConfig
from crmsense.connectors.config import load_config as load_connector_config
from crmsense.errors import ConfigError
from crmsense.signals.config import config_hash, load_config

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"


def test_doctests() -> None:
    assert doctest.testmod(crmsense.configfile).failed == 0


def _as_yaml(source: Path, tmp_path: Path, suffix: str = ".yaml") -> Path:
    target = tmp_path / f"{source.stem}{suffix}"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


def test_a_yaml_health_config_equals_its_toml_twin(tmp_path: Path) -> None:
    toml = load_config(EXAMPLES / "health.toml")
    assert toml != load_config()  # the example really changes something
    assert config_hash(load_config(_as_yaml(EXAMPLES / "health.toml", tmp_path))) == (
        config_hash(toml)
    )


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_a_yaml_playbook_equals_its_toml_twin(tmp_path: Path, suffix: str) -> None:
    toml = load_playbook(EXAMPLES / "rules.toml")
    assert toml.fingerprint != load_playbook().fingerprint
    yaml_playbook = load_playbook(_as_yaml(EXAMPLES / "rules.toml", tmp_path, suffix))
    assert yaml_playbook.fingerprint == toml.fingerprint


def test_yaml_errors_name_the_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "health.yaml"
    broken.write_text("bands:\n  green: 75\n   red: [40\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"health\.yaml: not valid YAML at line \d+"):
        load_config(broken)
    listed = tmp_path / "rules.yml"
    listed.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="the top level must be a mapping"):
        load_playbook(listed)
    unknown = tmp_path / "scorecard.yaml"
    unknown.write_text("bandz:\n  green: 75\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bandz: unknown key"):
        load_config(unknown)


@pytest.mark.parametrize("suffix", [".toml", ".yaml"])
def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path, suffix: str) -> None:
    latin1 = tmp_path / f"config{suffix}"
    latin1.write_bytes(b"# written by hand\n# caf\xe9\n")
    for load in (load_config, load_playbook):
        with pytest.raises(ConfigError, match=r"line 2 is not UTF-8 \(byte 0xe9\) — save the"):
            load(latin1)
    with pytest.raises(ConfigError, match=rf"config\{suffix}: line 2 is not UTF-8"):
        load_connector_config(HubSpotConfig, latin1, env={})


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    marked = tmp_path / "health.toml"
    marked.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "health.toml").read_bytes())
    assert config_hash(load_config(marked)) == config_hash(load_config(EXAMPLES / "health.toml"))
