"""The health score: re-weighting of missing inputs, contributions, bands, scorecards,
roll-up, and configuration errors that name the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmsense.errors import ConfigError
from crmsense.signals.assess import assess
from crmsense.signals.config import HealthConfig, Scorecard, load_config
from crmsense.signals.data import DAY, AccountData, ActivityRow, SurveyRow, UsageRow
from crmsense.signals.health import composite, rollup

from .rows import AS_OF_T, msg

ROOT = Path(__file__).resolve().parents[2]


def test_missing_inputs_are_reweighted_and_shown_never_zero(cfg: HealthConfig) -> None:
    card = Scorecard(name="t", weights={"usage": 30, "nps": 50, "engagement": 20})
    h = composite(
        {"usage": (90.0, "u"), "nps": (None, "no NPS"), "engagement": (40.0, "e")}, card, cfg.bands
    )
    parts = {c.name: c for c in h.components}
    assert parts["nps"].missing and parts["nps"].contribution is None
    assert parts["nps"].to_json() == {"missing": True, "configured_weight": 0.5, "reason": "no NPS"}
    assert parts["usage"].weight == pytest.approx(0.6) and parts["engagement"].weight == 0.4
    assert h.score == pytest.approx(90 * 0.6 + 40 * 0.4)
    assert h.score == pytest.approx(sum(c.contribution or 0 for c in h.components))
    assert h.band == "green"  # counted as zero, the missing NPS would have made it Red (35)


def test_no_inputs_no_score(cfg: HealthConfig) -> None:
    h = composite({}, cfg.scorecards["default"], cfg.bands)
    assert (h.score, h.band) == (None, None)
    assert all(c.missing for c in h.components)


@pytest.mark.parametrize(
    ("score", "band"), [(70, "green"), (69.9, "yellow"), (40, "yellow"), (39.9, "red")]
)
def test_default_bands(cfg: HealthConfig, score: float, band: str) -> None:
    assert cfg.bands.band(score) == band


def test_segments_pick_their_scorecard_and_bands() -> None:
    cfg = load_config(
        text='[scorecards.smb]\nsegments = ["SMB"]\nbands = { green = 80, red = 50 }\n'
        "weights = { usage = 1 }\n"
    )
    assert cfg.scorecard_for("smb").weights == {"usage": 1}
    assert cfg.scorecard_for("Enterprise").name == "enterprise"
    assert cfg.scorecard_for(None).name == cfg.scorecard_for("unknown").name == "default"
    assert cfg.bands_for(cfg.scorecard_for("smb")).band(75) == "yellow"


def test_a_user_file_merges_over_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "health.toml"
    path.write_text("[bands]\ngreen = 75\n\n[scorecards.default]\nweights = { nps = 1 }\n")
    cfg = load_config(path)
    assert (cfg.bands.green, cfg.bands.red) == (75, 40)
    assert cfg.scorecards["default"].weights == {"nps": 1}  # weights replace, not merge
    assert cfg.trend.window_days == 90


def test_the_example_config_in_the_docs_loads() -> None:
    cfg = load_config(ROOT / "docs" / "examples" / "health.toml")
    assert cfg.scorecards


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[bands]\ngren = 70\n", "bands.gren: unknown key — remove it or check its spelling"),
        ("[bands]\nred = 80\n", "bands.red: must be below bands.green (70.0) — set red < green"),
        (
            "[scorecards.default]\nweights = { nps_score = 1 }\n",
            "scorecards.default.weights.nps_score: unknown component — use one of",
        ),
        (
            "[scorecards.default]\nweights = { nps = -1 }\n",
            "scorecards.default.weights.nps: must be ≥ 0 — set a non-negative number",
        ),
        ("[scorecards.default]\nweights = { nps = 0 }\n", "scorecards.default.weights: all zero"),
        ("[trend]\nmin_t = 'high'\n", "trend.min_t: Input should be a valid number"),
        (
            "[deals.signals.ghosting]\nstart = 5\nfull = 5\n",
            "deals.signals.ghosting.full: must differ from start",
        ),
        (
            "[deals.signals.silence]\npoints = 5\nstart = 1\nfull = 2\n",
            "deals.signals.silence: unknown deal signal",
        ),
        ("[bands\n", "not valid TOML"),
        ("[trend]\nmin_t = nan\n", "trend.min_t: Input should be a finite number"),
        ("[trend]\nwindow_days = inf\n", "trend.window_days: Input should be a finite number"),
        (
            "[trend]\nwindow_days = 1e300\n",
            "trend.window_days: Input should be less than or equal to 3650",
        ),
    ],
)
def test_config_errors_name_the_key_and_the_fix(text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match="E402") as info:
        load_config(text=text)
    assert expected in str(info.value)


def test_unreadable_config_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the health config"):
        load_config(tmp_path / "missing.toml")


def test_parent_rolls_up_children_by_arr() -> None:
    assert rollup({1: 80.0, 2: 40.0, 3: 20.0}, {1: 100.0, 2: 300.0, 3: None}, {2: 1, 3: 2}) == {
        1: 50.0,
        2: 40.0,
    }
    assert rollup({1: None, 2: 60.0, 3: 20.0}, {}, {2: 1, 3: 1}) == {1: 40.0}  # no ARR: equal


def _healthy(**extra: object) -> AccountData:
    return AccountData(
        1,
        "a",
        messages=[
            msg(i, 80 - i * 6, 0.4, channel="ticket" if i % 2 else "email", ticket=f"T{i}")
            for i in range(13)
        ],
        surveys=[SurveyRow("n1", AS_OF_T - 20 * DAY, "nps", 9, "c1")],
        usage=[UsageRow(AS_OF_T - d * DAY, 50, 60) for d in range(84, -1, -7)],
        activities=[ActivityRow(AS_OF_T - 10 * DAY, "csm_call")],
        **extra,  # type: ignore[arg-type]
    )


def test_every_component_explains_itself(cfg: HealthConfig) -> None:
    a = assess(_healthy(), AS_OF_T, cfg)
    parts = {c.name: c for c in a.health.components}
    assert a.health.band == "green" and a.policy.policy == "standard"
    assert parts["csat"].missing and "no CSAT" in parts["csat"].detail
    assert "50/60 licensed users" in parts["usage"].detail
    assert "10 days ago" in parts["engagement"].detail
    assert parts["engagement"].value == 100
    assert any("missing inputs" in r and "csat" in r for r in a.reasons)
