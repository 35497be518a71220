"""The playbook file: the shipped default covers the issue's playbook; user files merge
over it; every problem is reported with its key path and the fix."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crmsense.alerts.config import load_playbook
from crmsense.errors import ConfigError


def test_default_playbook_has_every_point_of_the_issue() -> None:
    playbook = load_playbook()
    table = {r.name: (r.group, r.severity, r.assignees, str(r.due) if r.due else None)
             for r in playbook.rules}  # fmt: skip
    assert table == {
        "detractor_followup": ("detractor_followup", "moderate", ("csm",), "24h"),
        "tier_low": ("negative_signals", "low", ("csm",), "5wd"),
        "tier_moderate": ("negative_signals", "moderate", ("csm",), "24h"),
        "tier_high": ("negative_signals", "high", ("csm_manager", "account_executive"), "48h"),
        "tone_escalating": ("negative_signals", "low", ("csm",), "2wd"),
        "negative_text": ("negative_signals", "moderate", ("csm",), "24h"),
        "health_red": ("health", "high", ("csm",), "24h"),
        "sentiment_declining": ("health", "moderate", ("csm",), "2wd"),
        "health_yellow": ("health", "low", ("csm",), None),
        "chat_deteriorating": ("chat_deteriorating", "moderate", ("agent",), "15m"),
        "deal_risk_high": ("deal", "moderate", ("deal_owner",), "2wd"),
        "prospect_cooling": ("deal", "low", ("deal_owner",), "3wd"),
        "social_negative": ("social_negative", "moderate", ("csm", "marketing"), "24h"),
        "customer_leaving": ("customer_risk", "high", ("csm", "account_executive"), "24h"),
        "customer_weighing": ("customer_risk", "moderate", ("csm",), "2wd"),
        "contact_leaving": ("contact_leaving", "moderate", ("account_executive", "csm"), "3wd"),
    }
    assert playbook.rule("tier_high").plan  # a recovery plan follows the escalation
    assert playbook.rule("chat_deteriorating").realtime
    assert playbook.rule("customer_leaving").outranks == ("health",)
    deal_rules = {r.name for r in playbook.rules if r.scope == "deal"}
    assert deal_rules == {"deal_risk_high", "prospect_cooling"}
    s = playbook.settings
    assert (s.high_value_arr, s.min_signals, s.persistence) == (100_000, 3, timedelta(days=14))
    assert s.ignore_contact_roles == ("billing", "operations")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[settings]\nmin_signals = 1\n",
         "settings.min_signals: Input should be greater than or equal to 2 — correct the value"),
        ('[settings]\ntimezone = "Mars/Olympus"\n',
         "settings.timezone: unknown time zone 'Mars/Olympus' — use an IANA name"),
        ('[settings]\nworkdays = ["mon", "funday"]\n', "settings.workdays.1: Input should be"),
        ("[settings]\ncooldown = \"5wd\"\n",
         "settings.cooldown: '5wd': this is a wall-clock span — use s, m, h or d"),
        ("[settting]\nx = 1\n", "settting: unknown key — remove it or check its spelling"),
        ('extends = "default"\n[[rules]]\nname = "tier_low"\ndue = "soon"\n',
         "rules[tier_low].due: 'soon' is not a duration — use a number and a unit"),
        ('extends = "default"\n[[rules]]\nname = "tier_low"\nassignees = ["ceo"]\n',
         "rules[tier_low].assignees: unknown role 'ceo' — use one of"),
        ('extends = "default"\n[[rules]]\nname = "tier_low"\naction = "Call {whom}"\n',
         "rules[tier_low].action: unknown placeholder(s) {whom} — use"),
        ('extends = "default"\n[[rules]]\nname = "tier_low"\n'
         'when = { type = "survey_score.v1", kind = "nps", maximum = 6 }\n',
         "rules[tier_low].when.maximum: unknown parameter — remove it or check its spelling"),
        ('extends = "default"\n[[rules]]\nname = "new_rule"\nseverity = "low"\n'
         'assignees = ["csm"]\naction = "x"\nwhen = { type = "nope.v1" }\n',
         "rules[new_rule].when.type: unknown condition 'nope.v1' — use one of"),
        ('extends = "default"\n[[rules]]\nname = "new_rule"\nseverity = "urgent"\n',
         "rules[new_rule].severity: Input should be 'low', 'moderate' or 'high'"),
        ('[sinks.hook]\ntype = "telegraph.v1"\n', "sinks.hook.type: unknown sink 'telegraph.v1'"),
        ('[sinks.hook]\ntype = "webhook.v1"\nurl = "https://x.example/h"\n',
         "sinks.hook.secret_env: missing — add it"),
        ('[sinks.hook]\ntype = "slack.v1"\nurl_env = "SLACK"\nrules = ["nope"]\n',
         "sinks.hook.rules: no rule named 'nope' — check the name"),
        ("version = 1\n[[rules]\n", "not valid TOML"),
        ("settings = 5\n", "settings: Input should be a valid dictionary"),
        ('roles = "csm"\n', "roles: Input should be a valid dictionary"),
        ("rules = 5\n", "rules: Input should be a valid list"),
        ('extends = "default"\n[[rules]]\nname = ["tier_low"]\n',
         ".name: Input should be a valid string"),
        ('[settings]\ncooldown = "99999999999999d"\n',
         "settings.cooldown: '99999999999999d' is too long — use at most 3650d"),
        ('extends = "default"\n[[rules]]\nname = "tier_low"\ndue = "9999999999wd"\n',
         "rules[tier_low].due: '9999999999wd' is too long — use at most 3650d"),
        ("[settings]\ndaily_budget = 100000000000000000000\n",
         "settings.daily_budget: Input should be less than or equal to 10000 — correct the value"),
        ("[settings]\nmin_signals = 100000000000000000000\n",
         "settings.min_signals: Input should be less than or equal to 100 — correct the value"),
        ("[settings]\nhigh_value_arr = inf\n",
         "settings.high_value_arr: Input should be a finite number — correct the value"),
        ('extends = "default"\n[[rules]]\nname = "customer_leaving"\noutranks = ["helth"]\n',
         "rules[customer_leaving].outranks: unknown group 'helth' — use one of"),
        ('extends = "default"\n[[rules]]\nname = "customer_leaving"\n'
         'outranks = ["customer_risk"]\n',
         "rules[customer_leaving].outranks: 'customer_risk' is the rule's own group — remove it"),
    ],
)  # fmt: skip
def test_problems_name_the_key_and_the_fix(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_playbook(text=text)
    assert expected in str(info.value)
    assert str(info.value).startswith(("[E411] <text>: ", "[E410] <text>: "))


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        load_playbook(text='extends = "default"\n[[rules]]\nname = "tier_low"\ndue = "x"\n'
                           '[[rules]]\nname = "tier_high"\nassignees = ["ceo"]\n')  # fmt: skip
    assert "rules[tier_low].due" in str(info.value) and "rules[tier_high]" in str(info.value)


def test_extending_the_default_merges_rules_by_name() -> None:
    playbook = load_playbook(
        text="""
extends = "default"
[settings]
daily_budget = 3
[[rules]]
name = "health_yellow"
enabled = false
[[rules]]
name = "tier_low"
due = "3wd"
min_confidence = 0.9
[[rules]]
name = "renewal_at_risk"
severity = "high"
assignees = ["account_executive"]
action = "Renewal at risk: health {value}"
when = { type = "threshold.v1", metric = "health.score", op = "<", value = 30 }
"""
    )
    names = [r.name for r in playbook.rules]
    assert "health_yellow" not in names and names[-1] == "renewal_at_risk"
    low = playbook.rule("tier_low")
    assert (str(low.due), low.min_confidence, low.severity) == ("3wd", 0.9, "low")
    assert playbook.settings.daily_budget == 3 and playbook.settings.min_signals == 3


def test_rules_without_extends_replace_the_default_ones() -> None:
    playbook = load_playbook(
        text="""
[[rules]]
name = "only"
severity = "low"
assignees = ["csm"]
action = "NPS {score}"
when = { type = "survey_score.v1", kind = "nps", max = 6 }
"""
    )
    assert [r.name for r in playbook.rules] == ["only"]
    assert load_playbook(text="[settings]\ndaily_budget = 4\n").rules == load_playbook().rules


def test_fingerprint_follows_the_content() -> None:
    assert load_playbook().fingerprint == load_playbook().fingerprint
    assert load_playbook(text="[settings]\ndaily_budget = 4\n").fingerprint != (
        load_playbook().fingerprint
    )


def test_unreadable_file_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="cannot read the rules file"):
        load_playbook(tmp_path / "missing.toml")
