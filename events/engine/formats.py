"""Session formats as data: which formats exist, the rules each one takes, presets per tier.

Pure Python. A session's ``rules`` is a JSON object; ``check_rules`` reads it against the format's
``RuleSpec`` list and returns the rules with every default filled in, or raises ``RulesError``
naming each bad key. Messages are English templates marked for translation; the caller
translates them (``message % params``) where they are shown.

A new format adds its ``RULES`` (a tuple of ``RuleSpec``), an optional cross-field ``check`` and
its presets in its own engine module, and one line in ``SPECS`` below (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from events.engine import efficiency, karting, regularity, timed_runs


def gettext_noop(message: str) -> str:
    """Marks a message for extraction by ``makemessages``; translated where it is shown."""
    return message


RACE = "race"
TIMED_RUNS = "timed_runs"
KART_HEATS = "kart_heats"
EFFICIENCY = "efficiency"
REGULARITY = "regularity"

# The kinds of value a rule may take.
INT = "int"
BOOL = "bool"
CHOICE = "choice"
NUMBER_MAP = "number_map"  # {"name": 0.85, ...}: a number per name (a class index, say)
INT_LIST = "int_list"  # [25, 22, 20, ...]: a table such as points per place
NUMBER = "number"  # a whole or decimal number (0.5 points a second)


@dataclass(frozen=True)
class RuleSpec:
    name: str
    kind: str
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One bad rule: an English message template and its parameters."""

    key: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)


class RulesError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message % p.params for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class FormatSpec:
    rules: tuple[RuleSpec, ...] = ()
    # Cross-field checks on rules that passed the per-key checks.
    check: Callable[[dict[str, Any]], list[Problem]] | None = None
    # Tier -> rules that differ from the defaults.
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def _timed_runs_check(rules: dict[str, Any]) -> list[Problem]:
    if rules["runs_counted"] > rules["runs"]:
        return [
            Problem(
                "runs_counted",
                gettext_noop("Runs counted (%(counted)s) cannot be more than the runs (%(runs)s)."),
                {"counted": rules["runs_counted"], "runs": rules["runs"]},
            )
        ]
    return []


TIMED_RUNS_RULES = (
    RuleSpec("runs", INT, timed_runs.DEFAULT_RUNS, 1, timed_runs.MAX_RUNS),
    RuleSpec("runs_counted", INT, 1, 1, timed_runs.MAX_RUNS),
    RuleSpec("penalty_ms_per_cone", INT, timed_runs.DEFAULT_PENALTY_MS_PER_CONE, 0, 600_000),
    RuleSpec("penalty_ms_per_gate", INT, timed_runs.DEFAULT_PENALTY_MS_PER_GATE, 0, 600_000),
    RuleSpec("off_course_ms", INT, 0, 0, 600_000),
    RuleSpec("class_index", NUMBER_MAP, {}, 0.1, 2.0),
    # Run group per class ({"BEV": 1, "PHEV": 2}); classes not listed run in group 1.
    RuleSpec("run_groups", NUMBER_MAP, {}, 1, 20),
)


def _kart_heats_check(rules: dict[str, Any]) -> list[Problem]:
    try:
        karting.kart_rules(rules)
    except karting.KartRulesError as error:
        return [Problem(error.field, error.message, error.params)]
    return []


KART_HEATS_RULES = (
    RuleSpec("max_grid", INT, 34, 2, 200),
    RuleSpec("heat_grid", CHOICE, "qualifying", choices=tuple(karting.GridOrder)),
    RuleSpec("heat_points", INT_LIST, list(karting.HeatPoints().table), 0, 1000),
    RuleSpec("heat_points_lower_is_better", BOOL, True),
    RuleSpec("heats_when_one_group", INT, 3, 1, 10),
    RuleSpec("prefinal", BOOL, True),
    RuleSpec("final_grid_from", CHOICE, "prefinal", choices=tuple(karting.FinalGridFrom)),
    RuleSpec("reverse_top", INT, 0, 0, 200),
    RuleSpec("ballast_step_g", INT, 500, 100, 20_000),
)


def _efficiency_check(rules: dict[str, Any]) -> list[Problem]:
    try:
        efficiency.efficiency_rules(rules)
    except efficiency.EfficiencyRulesError as error:
        return [Problem(error.field, error.message, error.params)]
    return []


EFFICIENCY_RULES = (
    RuleSpec("measure", CHOICE, "distance", choices=tuple(efficiency.Measure)),
    RuleSpec("lap_m", INT, 0, 0, 100_000),
    RuleSpec("time_window_ms", INT, 0, 0, 86_400_000),
    RuleSpec("over_time", CHOICE, "not_classified", choices=tuple(efficiency.OverTime)),
    RuleSpec("over_time_up_to_percent", INT_LIST, [5], 0, 1000),
    RuleSpec("over_time_penalty_percent", INT_LIST, [10, 20], 0, 1000),
)


def _regularity_check(rules: dict[str, Any]) -> list[Problem]:
    try:
        regularity.rules_from_format(rules)
    except regularity.RulesError as error:
        return [Problem(error.field, error.template, error.params)]
    return []


def _regularity_spec(name: str, value: Any) -> RuleSpec:
    if isinstance(value, bool):
        return RuleSpec(name, BOOL, value)
    if name == "precision":
        return RuleSpec(name, CHOICE, value, choices=tuple(regularity.PRECISION_MS))
    if name == "otl":
        return RuleSpec(name, CHOICE, value, choices=("penalty", "exclude"))
    if name == "age_coefficients":
        # {"1960": 0.8, "1975": 0.9}: cars built up to each year take its coefficient.
        return RuleSpec(name, NUMBER_MAP, {}, 0.1, 2.0)
    if isinstance(value, int) and name in ("max_lateness_minutes", "drop_worst"):
        return RuleSpec(name, INT, value, 0, 1440)
    return RuleSpec(name, NUMBER, value, 0, 100_000)


# The club TSD preset's values are the defaults; other systems are presets (engine.regularity).
REGULARITY_RULES = tuple(
    _regularity_spec(name, value)
    for name, value in regularity.format_rules(
        regularity.PRESETS[regularity.DEFAULT_PRESET]
    ).items()
)

SPECS: dict[str, FormatSpec] = {
    RACE: FormatSpec(),
    TIMED_RUNS: FormatSpec(
        rules=TIMED_RUNS_RULES,
        check=_timed_runs_check,
        presets={
            # NEV gymkhana: short course, many cones, three runs, best counts.
            "nev": {"runs": 3, "penalty_ms_per_cone": 2000, "penalty_ms_per_gate": 10_000},
            # Club autocross/hill climb: the common US-style 2 s a cone, 4 runs.
            "national": {"runs": 4, "penalty_ms_per_cone": 2000, "penalty_ms_per_gate": 10_000},
            "local_heritage": {"runs": 2, "runs_counted": 2, "penalty_ms_per_cone": 5000},
            "karting": {"runs": 3, "penalty_ms_per_cone": 1000},
        },
    ),
    KART_HEATS: FormatSpec(
        rules=KART_HEATS_RULES,
        check=_kart_heats_check,
        # Club kart meetings: smaller grids, drawn rather than set by qualifying.
        presets={"karting": {"max_grid": 20, "heat_grid": "draw"}},
    ),
    EFFICIENCY: FormatSpec(
        rules=EFFICIENCY_RULES,
        check=_efficiency_check,
        # NEV runs: an hour's window, overrunning it costs energy rather than the result.
        presets={"nev": {"time_window_ms": 3_600_000, "over_time": "penalty"}},
    ),
    REGULARITY: FormatSpec(
        rules=REGULARITY_RULES,
        check=_regularity_check,
        presets={
            tier: regularity.format_rules(regularity.PRESETS[name])
            for tier, name in regularity.TIER_PRESETS.items()
        },
    ),
}


def _check_value(spec: RuleSpec, value: Any) -> tuple[Any, list[Problem]]:
    def problem(message: str, **params: object) -> list[Problem]:
        return [Problem(spec.name, message, {"name": spec.name, **params})]

    in_range = gettext_noop("%(name)s must be between %(minimum)s and %(maximum)s.")
    if spec.kind == INT:
        if isinstance(value, bool) or not isinstance(value, int):
            return None, problem(gettext_noop("%(name)s must be a whole number."))
        if (spec.minimum is not None and value < spec.minimum) or (
            spec.maximum is not None and value > spec.maximum
        ):
            return None, problem(in_range, minimum=spec.minimum, maximum=spec.maximum)
        return value, []
    if spec.kind == BOOL:
        if not isinstance(value, bool):
            return None, problem(gettext_noop("%(name)s must be true or false."))
        return value, []
    if spec.kind == CHOICE:
        if value not in spec.choices:
            return None, problem(
                gettext_noop("%(name)s must be one of %(choices)s."),
                choices=", ".join(spec.choices),
            )
        return value, []
    if spec.kind == NUMBER_MAP:
        if not isinstance(value, dict):
            return None, problem(gettext_noop("%(name)s must map names to numbers."))
        for key, number in value.items():
            if isinstance(number, bool) or not isinstance(number, int | float):
                return None, problem(gettext_noop("%(name)s must map names to numbers."))
            if (spec.minimum is not None and number < spec.minimum) or (
                spec.maximum is not None and number > spec.maximum
            ):
                return None, problem(in_range, minimum=spec.minimum, maximum=spec.maximum)
            if not str(key).strip():
                return None, problem(gettext_noop("%(name)s has an empty name."))
        return {str(k).strip(): float(v) for k, v in value.items()}, []
    if spec.kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, problem(gettext_noop("%(name)s must be a number."))
        if (spec.minimum is not None and value < spec.minimum) or (
            spec.maximum is not None and value > spec.maximum
        ):
            return None, problem(in_range, minimum=spec.minimum, maximum=spec.maximum)
        return value, []
    if spec.kind == INT_LIST:
        if not isinstance(value, list) or any(
            isinstance(n, bool) or not isinstance(n, int) for n in value
        ):
            return None, problem(gettext_noop("%(name)s must be a list of whole numbers."))
        if any(
            (spec.minimum is not None and n < spec.minimum)
            or (spec.maximum is not None and n > spec.maximum)
            for n in value
        ):
            return None, problem(in_range, minimum=spec.minimum, maximum=spec.maximum)
        return list(value), []
    raise ValueError(f"unknown rule kind {spec.kind}")


def check_rules(format_key: str, rules: Any) -> dict[str, Any]:
    """The rules with defaults filled in; ``RulesError`` names every bad or unknown key."""
    spec = SPECS.get(format_key)
    if spec is None:
        raise RulesError([Problem("", gettext_noop("Unknown format “%(f)s”."), {"f": format_key})])
    if rules is None:
        rules = {}
    if not isinstance(rules, dict):
        raise RulesError(
            [Problem("", gettext_noop("The rules must be an object of names and values."))]
        )
    known = {rule.name: rule for rule in spec.rules}
    problems = [
        Problem(key, gettext_noop("Unknown rule “%(name)s” for this format."), {"name": key})
        for key in rules
        if key not in known
    ]
    checked: dict[str, Any] = {}
    for rule in spec.rules:
        if rule.name not in rules:
            checked[rule.name] = rule.default
            continue
        value, value_problems = _check_value(rule, rules[rule.name])
        problems.extend(value_problems)
        checked[rule.name] = value
    if not problems and spec.check is not None:
        problems.extend(spec.check(checked))
    if problems:
        raise RulesError(problems)
    return checked


def preset_rules(format_key: str, tier: str) -> dict[str, Any]:
    """The starting rules of a format for an event of this tier (defaults where no preset)."""
    spec = SPECS[format_key]
    return check_rules(format_key, dict(spec.presets.get(tier, {})))
