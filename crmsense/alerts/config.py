"""The alert playbook: one validated TOML (or YAML) file of settings, roles, sinks and rules.

The shipped ``default_playbook.toml`` is the default playbook and holds every default
setting. A user's file is merged over it: ``[settings]`` and ``[roles]`` key by key;
``[[rules]]``, when given, replace the default rules — unless the file says
``extends = "default"``, in which case a rule with a default rule's name is merged over
it key by key (``enabled = false`` switches it off) and other rules are added. Every
problem is reported with its key path and the fix.

>>> playbook = load_playbook()
>>> playbook.rule("detractor_followup").severity, str(playbook.rule("tier_low").due)
('moderate', '5wd')
>>> load_playbook(text='[settings]\\ndaily_budget = 0\\n')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
crmsense.errors.ConfigError: [E411] <text>: settings.daily_budget: Input should be greater ...
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_PATH",
    "ROLES",
    "SEVERITIES",
    "Playbook",
    "PlaybookSettings",
    "Roles",
    "Rule",
    "SinkConfig",
    "load_playbook",
    "severity_rank",
]

import copy
import hashlib
import json
import re
import string
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, field_validator

from crmsense.alerts.calendar import Due, WorkCalendar
from crmsense.alerts.conditions import ConditionProblem, Node, Window, compile_node
from crmsense.configfile import decode_config, parse_config
from crmsense.errors import ConfigError

DEFAULT_PATH = Path(__file__).with_name("default_playbook.toml")
SEVERITIES = ("low", "moderate", "high")
#: Roles an alert can be assigned to: the account's owners, the deal's owner, and
#: addresses configured under ``[roles.addresses]`` (agent, marketing).
ROLES = ("csm", "csm_manager", "account_executive", "deal_owner", "agent", "marketing")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Params a condition inherits from ``[settings]`` when its table leaves them out.
INHERITED = ("min_signals", "persistence", "min_confidence", "ignore_contact_roles")
#: Template values every rule's action can use, whatever its conditions.
ACCOUNT_VALUES = frozenset({"account", "account_name", "arr", "segment", "severity", "rule",
                            "due"})  # fmt: skip
Severity = Literal["low", "moderate", "high"]


def severity_rank(severity: str) -> int:
    """0 for low … 2 for high.

    >>> sorted(["high", "low", "moderate"], key=severity_rank)
    ['low', 'moderate', 'high']
    """
    return SEVERITIES.index(severity)


def _due(value: Any) -> Due:
    return value if isinstance(value, Due) else Due.parse(value)


DueField = Annotated[Due, PlainValidator(_due)]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class PlaybookSettings(_Strict):
    """``[settings]``: what every rule shares (see docs/alerts.md for each key)."""

    timezone: str
    workdays: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = Field(
        min_length=1
    )
    holidays: tuple[date, ...]
    high_value_arr: float | None = Field(ge=0)
    high_value_segments: tuple[str, ...]
    daily_budget: int = Field(ge=1, le=10_000)
    budget_exempt: tuple[Severity, ...]
    cooldown: Window
    min_confidence: float = Field(ge=0, le=1)
    min_signals: int = Field(ge=2, le=100)
    persistence: Window
    ignore_contact_roles: tuple[str, ...]
    engine: str | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} — use an IANA name such as 'Europe/Berlin'"
            ) from None
        return value


class Roles(_Strict):
    """``[roles]``: addresses for roles not held on the account, and fallbacks."""

    addresses: dict[str, str]
    fallbacks: dict[str, tuple[str, ...]]


class SinkConfig(_Strict):
    """``[sinks.NAME]``: where alerts are delivered. Options beyond these are the sink's."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: str
    min_severity: Severity = "low"
    rules: tuple[str, ...] = ()
    max_attempts: int = Field(8, ge=1, le=100)
    backoff: Window = timedelta(seconds=30)

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    def accepts(self, rule: str, severity: str) -> bool:
        return severity_rank(severity) >= severity_rank(self.min_severity) and (
            not self.rules or rule in self.rules
        )


class RuleSpec(_Strict):
    """One ``[[rules]]`` entry as written."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,79}$")
    description: str = ""
    group: str | None = None
    severity: Severity
    assignees: tuple[str, ...] = Field(min_length=1)
    action: str = Field(min_length=1)
    due: DueField | None = None
    cooldown: Window | None = None
    min_confidence: float | None = Field(None, ge=0, le=1)
    plan: tuple[str, ...] = ()
    outranks: tuple[str, ...] = ()
    enabled: bool = True
    when: dict[str, Any]


@dataclass(frozen=True)
class Rule:
    """A validated rule with its compiled condition tree."""

    name: str
    description: str
    group: str
    severity: str
    assignees: tuple[str, ...]
    action: str
    due: Due | None
    cooldown: timedelta
    min_confidence: float
    plan: tuple[str, ...]
    node: Node
    outranks: tuple[str, ...] = ()
    """Groups this rule silences for the same account (and deal) when it fires."""

    @cached_property
    def scope(self) -> str:
        """``deal`` when a condition reads the deal: the rule runs once per open deal."""
        return "deal" if any(n.condition.scope == "deal" for n in self.node.walk()) else "account"

    @cached_property
    def realtime(self) -> bool:
        """Whether the rule reads live chat (evaluated on every chat message)."""
        return any(n.condition.realtime for n in self.node.walk())


class PlaybookFile(_Strict):
    version: int = Field(ge=1, le=1)
    extends: Literal["default"] | None = None
    settings: PlaybookSettings
    roles: Roles
    sinks: dict[str, SinkConfig] = {}
    rules: list[dict[str, Any]]


@dataclass(frozen=True)
class Playbook:
    """Settings, roles, sinks and enabled rules, ready to evaluate. ``fingerprint``
    changes with any setting or rule: evaluation then re-reads every account."""

    settings: PlaybookSettings
    roles: Roles
    sinks: dict[str, SinkConfig]
    rules: tuple[Rule, ...]
    source: str
    fingerprint: str = ""

    def rule(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise ConfigError(f"no rule named {name!r} in {self.source}", code="E412")

    @cached_property
    def calendar(self) -> WorkCalendar:
        s = self.settings
        return WorkCalendar(
            workdays=frozenset(WEEKDAYS.index(d) for d in s.workdays),
            holidays=frozenset(s.holidays),
            tz=ZoneInfo(s.timezone),
        )

    @cached_property
    def lookback(self) -> timedelta:
        """How far back facts must reach for the longest window any rule reads."""
        windows = [self.settings.persistence, timedelta(days=30)]
        for rule in self.rules:
            for node in rule.node.walk():
                windows += [v for v in node.params.__dict__.values() if isinstance(v, timedelta)]
        return max(windows)


# -- loading ---------------------------------------------------------------------------


@cache
def _defaults() -> dict[str, Any]:
    return parse_config(DEFAULT_PATH.read_text(encoding="utf-8"), str(DEFAULT_PATH), code="E410")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merge(out[key], value) if both and key != "when" else value
    return out


def _combine(defaults: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(defaults)
    for table in ("settings", "roles"):
        given = user.get(table, {})  # not a table: reported by validation
        data[table] = _merge(data.get(table, {}), given) if isinstance(given, dict) else given
    for key in ("version", "extends", "sinks"):
        if key in user:
            data[key] = user[key]
    rules = user.get("rules")
    if isinstance(rules, list):
        if user.get("extends") == "default":
            by_name = {r["name"]: r for r in data["rules"]}
            for rule in rules:
                name = rule.get("name") if isinstance(rule, dict) else None
                if not isinstance(name, str):  # reported by validation
                    name = f"#{len(by_name)}"
                by_name[name] = _merge(by_name[name], rule) if name in by_name else rule
            data["rules"] = list(by_name.values())
        else:
            data["rules"] = rules
    elif rules is not None:
        data["rules"] = rules  # not a list: reported by validation
    extra = set(user) - {"version", "extends", "settings", "roles", "sinks", "rules"}
    data.update({k: user[k] for k in extra})  # reported as unknown keys
    return data


def _rule_label(data: dict[str, Any], index: Any) -> str:
    rules = data.get("rules")
    if isinstance(index, int) and isinstance(rules, list) and index < len(rules):
        name = rules[index].get("name") if isinstance(rules[index], dict) else None
        if isinstance(name, str):
            return f"rules[{name}]"
    return f"rules[{index}]"


def _explain(error: ValidationError, data: dict[str, Any]) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        loc = list(item["loc"])
        if len(loc) >= 2 and loc[0] == "rules":
            loc[:2] = [_rule_label(data, loc[1])]
        key = ".".join(str(p) for p in loc)
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            problems.append(f"{key}: unknown key — remove it or check its spelling")
        elif item["type"] == "missing":
            problems.append(f"{key}: missing — add it (see docs/alerts.md)")
        elif " — " in message:
            problems.append(f"{key}: {message}")
        else:
            problems.append(f"{key}: {message} — correct the value")
    return problems


def _placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}  # fmt: skip


def _build_rule(spec: RuleSpec, settings: PlaybookSettings, roles: Roles) -> Rule:
    """Compile one rule; raises :class:`ConditionProblem` listing what is wrong."""
    where = f"rules[{spec.name}]"
    inherited = {key: getattr(settings, key) for key in INHERITED}
    problems: list[str] = []
    node = compile_node(spec.when, f"{where}.when", inherited)
    known_roles = set(ROLES) | set(roles.addresses)
    for role in spec.assignees:
        if role not in known_roles:
            problems.append(f"{where}.assignees: unknown role {role!r} — use one of "
                            f"{', '.join(sorted(known_roles))}, or add it under "
                            "[roles.addresses]")  # fmt: skip
    provided = ACCOUNT_VALUES | {v for n in node.walk() for v in n.condition.provides}
    try:
        unknown = _placeholders(spec.action) - provided
    except ValueError as exc:
        unknown = set()
        problems.append(f"{where}.action: {exc} — escape literal braces as {{{{ and }}}}")
    if unknown:
        problems.append(f"{where}.action: unknown placeholder(s) "
                        f"{', '.join('{' + u + '}' for u in sorted(unknown))} — use "
                        f"{', '.join('{' + p + '}' for p in sorted(provided))}")  # fmt: skip
    if problems:
        raise ConditionProblem(problems)
    return Rule(
        name=spec.name, description=spec.description, group=spec.group or spec.name,
        severity=spec.severity, assignees=spec.assignees, action=spec.action, due=spec.due,
        cooldown=spec.cooldown or settings.cooldown,
        min_confidence=(spec.min_confidence if spec.min_confidence is not None
                        else settings.min_confidence),
        plan=spec.plan, node=node, outranks=spec.outranks,
    )  # fmt: skip


def _check_outranks(rules: list[dict[str, Any]]) -> list[str]:
    """Every group a rule outranks exists and is not its own."""
    groups = {str(r.get("group") or r.get("name")) for r in rules}
    problems = []
    for rule in rules:
        own = str(rule.get("group") or rule.get("name"))
        where = f"rules[{rule.get('name')}].outranks"
        for group in rule.get("outranks") or ():
            if group == own:
                problems.append(f"{where}: {group!r} is the rule's own group — remove it "
                                "(a group fires one rule anyway)")  # fmt: skip
            elif group not in groups:
                problems.append(f"{where}: unknown group {group!r} — use one of "
                                f"{', '.join(sorted(groups - {own}))}")  # fmt: skip
    return problems


def _check_sinks(sinks: dict[str, SinkConfig], rule_names: set[str]) -> list[str]:
    from crmsense.alerts.actions import SINKS

    problems = []
    for name, sink in sinks.items():
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", name):
            problems.append(f"sinks.{name}: bad name — use lower-case letters, digits, - and _")
        try:
            sink_class = SINKS.get(sink.type)
        except ConfigError:
            problems.append(f"sinks.{name}.type: unknown sink {sink.type!r} — use one of "
                            f"{', '.join(SINKS.names())}")  # fmt: skip
            continue
        try:
            sink_class.Options.model_validate(sink.options)
        except ValidationError as exc:
            problems += [f"sinks.{name}.{problem}" for problem in _explain(exc, {})]
        for rule in sink.rules:
            if rule not in rule_names:
                problems.append(f"sinks.{name}.rules: no rule named {rule!r} — check the name")
    return problems


def load_playbook(path: Path | None = None, *, text: str | None = None) -> Playbook:
    """The default playbook, with ``path`` (TOML, or YAML by its extension) or TOML
    ``text`` merged over it.

    Raises :class:`~crmsense.errors.ConfigError` listing every problem with its key path.
    """
    where = "<text>" if text is not None else str(path or DEFAULT_PATH)
    if path is not None:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the rules file ({exc.strerror}) — check "
                              "the path", code="E413") from exc  # fmt: skip
        text = decode_config(content, where, code="E410")
    data = _combine(_defaults(), parse_config(text, where, code="E410") if text is not None else {})
    try:
        spec = PlaybookFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{where}: " + "; ".join(_explain(exc, data)), code="E411") from None
    problems: list[str] = []
    rules = []
    for index, raw in enumerate(spec.rules):
        try:
            rule_spec = RuleSpec.model_validate(raw)
            rule = _build_rule(rule_spec, spec.settings, spec.roles)
        except ValidationError as exc:
            label = _rule_label(data, index)
            problems += [f"{label}.{p}" for p in _explain(exc, {})]
            continue
        except ConditionProblem as exc:
            problems += exc.problems
            continue
        if rule_spec.enabled:
            rules.append(rule)
    names = [r.get("name") for r in spec.rules]
    problems += [f"rules[{n}]: defined twice — rename one" for n in sorted(set(map(str, names)))
                 if names.count(n) > 1]  # fmt: skip
    problems += _check_sinks(spec.sinks, {str(n) for n in names})
    problems += _check_outranks(spec.rules)
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems), code="E411")
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return Playbook(spec.settings, spec.roles, dict(spec.sinks), tuple(rules), where, digest[:16])
