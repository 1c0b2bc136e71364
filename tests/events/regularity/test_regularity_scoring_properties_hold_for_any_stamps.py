"""Properties of regularity scoring for any route, stamps and rules: a stamp moved closer to its
ideal time never costs more, and dropping more worst tests never worsens a crew."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from events.engine import regularity as engine

KINDS = [engine.Kind.TIME_CONTROL, engine.Kind.SECRET, engine.Kind.PASSAGE, engine.Kind.FINISH]
START = 1_800_000_000_000

rules_strategy = st.builds(
    engine.Rules,
    precision=st.sampled_from(sorted(engine.PRECISION_MS)),
    tc_early_per_minute=st.integers(0, 60).map(Decimal),
    tc_late_per_minute=st.integers(0, 60).map(Decimal),
    max_lateness_minutes=st.integers(1, 60),
    otl=st.sampled_from(["penalty", "exclude"]),
    otl_penalty=st.integers(0, 2000).map(Decimal),
    secret_early_per_unit=st.integers(0, 5).map(Decimal),
    secret_late_per_unit=st.integers(0, 5).map(Decimal),
    secret_cap=st.integers(0, 600).map(Decimal),
    restart_at_time_controls=st.just(False),
).filter(lambda rules: valid(rules))


def valid(rules: engine.Rules) -> bool:
    try:
        rules.check()
    except engine.RulesError:
        return False
    return True


@st.composite
def routes(draw: st.DrawFn) -> list[engine.Section]:
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=8))
    sections = [engine.Section(code="S", kind=engine.Kind.START)]
    for index, kind in enumerate(kinds, start=1):
        seconds = draw(st.integers(30, 3600))
        sections.append(engine.Section(code=f"C{index}", kind=kind, section_ms=seconds * 1000))
    return sections


def stamps_for(draw: st.DrawFn, sections: list[engine.Section]) -> dict[str, int]:
    offsets = engine.ideal_offsets(sections)
    stamps = {}
    for section, offset in zip(sections, offsets, strict=True):
        if draw(st.booleans()) or section.kind == engine.Kind.START:
            stamps[section.code] = START + offset + draw(st.integers(-600_000, 3_000_000))
    return stamps


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(list(engine.Kind)),
    delta=st.integers(-10_000_000, 10_000_000),
    fraction=st.floats(0, 1),
    rules=rules_strategy,
)
def test_a_stamp_closer_to_its_ideal_never_costs_more_at_one_control(
    kind: engine.Kind, delta: int, fraction: float, rules: engine.Rules
) -> None:
    closer = int(delta * fraction)  # same side of the ideal, no further from it
    assert engine.control_penalty(kind, closer, rules) <= engine.control_penalty(kind, delta, rules)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), rules=rules_strategy, fraction=st.floats(0, 1))
def test_moving_one_stamp_towards_its_ideal_never_worsens_the_crew(
    data: st.DataObject, rules: engine.Rules, fraction: float
) -> None:
    sections = data.draw(routes())
    stamps = stamps_for(data.draw, sections)
    before = engine.score_crew(
        number=1, sections=sections, start_ms=START, stamps=stamps, rules=rules
    )
    code = data.draw(st.sampled_from(sorted(stamps)))
    ideal = next(c.ideal_ms for c in before.controls if c.code == code)
    moved = dict(stamps)
    moved[code] = ideal + int((stamps[code] - ideal) * fraction)
    after = engine.score_crew(
        number=1, sections=sections, start_ms=START, stamps=moved, rules=rules
    )
    # An excluded crew ranks after every other, whatever its points (excluded crews are listed
    # by number): never newly excluded, and no more points unless excluded either way.
    assert after.excluded <= before.excluded
    if not before.excluded:
        assert after.penalty <= before.penalty


@settings(max_examples=200, deadline=None)
@given(data=st.data(), rules=rules_strategy, drop=st.integers(0, 5))
def test_dropping_one_more_worst_test_never_worsens_a_crew(
    data: st.DataObject, rules: engine.Rules, drop: int
) -> None:
    sections = data.draw(routes())
    stamps = stamps_for(data.draw, sections)

    def total(count: int) -> Decimal:
        return engine.score_crew(
            number=1,
            sections=sections,
            start_ms=START,
            stamps=stamps,
            rules=replace(rules, drop_worst=count),
        ).penalty

    assert total(drop + 1) <= total(drop)
    assert total(drop) <= total(0)
