"""Properties the engine keeps for any input, checked with generated data."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from racing.engine.eligibility import (
    DISCIPLINES,
    MESSAGES,
    POWERTRAINS,
    AgeBand,
    ClassRules,
    Driver,
    Licence,
    LicenceKind,
    LicenceRequirement,
    Vehicle,
    age_in_year,
    age_on,
    check_eligibility,
)
from tests.racing.eligibility_factories import LADDER

PROPERTY = settings(max_examples=100, deadline=None)

ISSUERS = sorted(LADDER.by_issuer)
dates = st.dates(min_value=date(1940, 1, 1), max_value=date(2040, 12, 31))
event_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
small_decimals = st.decimals(min_value=0, max_value=500, places=1, allow_nan=False)


@st.composite
def requirements(draw: st.DrawFn) -> LicenceRequirement:
    issuer = draw(st.sampled_from(ISSUERS))
    grade = draw(st.none() | st.sampled_from(LADDER.by_issuer[issuer]))
    return LicenceRequirement(issuer, draw(st.sampled_from(DISCIPLINES[:3])), grade)


@st.composite
def age_bands(draw: st.DrawFn) -> AgeBand:
    low = draw(st.none() | st.integers(0, 80))
    high = draw(st.none() | st.integers(low or 0, 90))
    return AgeBand(low, high, draw(st.booleans()))


@st.composite
def class_rules(draw: st.DrawFn) -> ClassRules:
    reqs = draw(st.lists(requirements(), max_size=3, unique_by=lambda r: (r.issuer, r.discipline)))
    year_min = draw(st.none() | st.integers(1950, 2030))
    battery_min = draw(st.none() | small_decimals)
    return ClassRules(
        licences=tuple(reqs),
        temporary_licence_allowed=draw(st.booleans()),
        medical_required=draw(st.booleans()),
        age=draw(st.none() | age_bands()),
        min_driver_weight_kg=draw(st.none() | small_decimals),
        road_licence_years=draw(st.none() | st.integers(0, 10)),
        powertrains=tuple(draw(st.lists(st.sampled_from(POWERTRAINS), unique=True))),
        vehicle_year_min=year_min,
        vehicle_year_max=draw(st.none() | st.integers(year_min or 1950, 2040)),
        max_power_kw=draw(st.none() | small_decimals),
        max_displacement_cc=draw(st.none() | st.integers(0, 8000)),
        battery_kwh_min=battery_min,
        battery_kwh_max=draw(st.none() | st.decimals(battery_min or 0, 600, places=1)),
        homologation_required=draw(st.booleans()),
        classic_certificate_required=draw(st.booleans()),
        navigator_required=draw(st.booleans()),
        navigator_needs_licence=bool(reqs) and draw(st.booleans()),
        rookie_class=draw(st.booleans()),
        on_the_spot_max_events=draw(st.none() | st.integers(1, 5)) if reqs else None,
        team_licence_required=draw(st.booleans()),
    )


@st.composite
def licences(draw: st.DrawFn, kinds: tuple[str, ...] = tuple(LicenceKind)) -> Licence:
    issuer = draw(st.sampled_from(ISSUERS))
    start = draw(dates)
    return Licence(
        issuer=issuer,
        discipline=draw(st.sampled_from(DISCIPLINES[:3])),
        grade=draw(st.none() | st.sampled_from(LADDER.by_issuer[issuer])),
        number=draw(st.text("0123456789", min_size=1, max_size=6)),
        valid_from=start,
        valid_to=start + timedelta(days=draw(st.integers(0, 800))),
        medical_valid_to=draw(st.none() | dates),
        temporary=draw(st.booleans()),
        on_the_spot=draw(st.booleans()),
        kind=draw(st.sampled_from(kinds)),
    )


drivers = st.builds(
    Driver,
    birth_date=st.none() | dates,
    weight_kg=st.none() | small_decimals,
    road_licence_since=st.none() | dates,
    events_started=st.integers(0, 8),
)
vehicles = st.builds(
    Vehicle,
    powertrain=st.sampled_from(POWERTRAINS),
    year=st.integers(1950, 2040),
    power_kw=st.none() | small_decimals,
    displacement_cc=st.none() | st.integers(0, 8000),
    battery_kwh=st.none() | small_decimals,
    chassis_homologation=st.sampled_from(["", "CIK-1"]),
    engine_homologation=st.sampled_from(["", "CIK-2"]),
    classic_certificate=st.sampled_from(["", "CL-3"]),
)


def verdict(rules, driver, held, vehicle, day):  # type: ignore[no-untyped-def]
    return check_eligibility(rules, driver, held, vehicle, day, grades=LADDER)


@PROPERTY
@given(drivers, st.lists(licences(), max_size=4), st.none() | vehicles, event_dates)
def test_a_class_without_rules_accepts_everyone(driver, held, vehicle, day) -> None:  # type: ignore[no-untyped-def]
    assert verdict(ClassRules(), driver, held, vehicle, day) == []


@PROPERTY
@given(class_rules())
def test_stored_rules_read_back_identical(rules: ClassRules) -> None:
    assert ClassRules.from_dict(rules.to_dict()) == rules


@PROPERTY
@given(class_rules(), drivers, st.lists(licences(), max_size=4), st.none() | vehicles, event_dates)
def test_every_failure_has_a_message_that_formats(rules, driver, held, vehicle, day) -> None:  # type: ignore[no-untyped-def]
    for failure in verdict(rules, driver, held, vehicle, day):
        assert failure.code in MESSAGES
        assert "%(" not in failure.message


@PROPERTY
@given(class_rules(), drivers, st.lists(licences(), max_size=4), st.none() | vehicles, event_dates)
def test_the_order_of_licences_does_not_change_the_verdict(
    rules, driver, held, vehicle, day
) -> None:  # type: ignore[no-untyped-def]
    forward = verdict(rules, driver, held, vehicle, day)
    backward = verdict(rules, driver, list(reversed(held)), vehicle, day)
    assert (forward == []) == (backward == [])
    assert {f.code for f in forward} == {f.code for f in backward}


@PROPERTY
@given(
    class_rules(),
    drivers,
    st.lists(licences(), max_size=3),
    licences(),
    st.none() | vehicles,
    event_dates,
)
def test_holding_one_more_licence_never_makes_an_eligible_driver_ineligible(
    rules, driver, held, extra, vehicle, day
) -> None:  # type: ignore[no-untyped-def]
    if verdict(rules, driver, held, vehicle, day) == []:
        assert verdict(rules, driver, [*held, extra], vehicle, day) == []


RELAXED = {
    "licences": (),
    "temporary_licence_allowed": True,
    "medical_required": False,
    "age": None,
    "min_driver_weight_kg": None,
    "road_licence_years": None,
    "powertrains": (),
    "max_power_kw": None,
    "homologation_required": False,
    "classic_certificate_required": False,
    "on_the_spot_max_events": None,
    "team_licence_required": False,
}


@PROPERTY
@given(
    class_rules(),
    st.sampled_from(sorted(RELAXED)),
    drivers,
    st.lists(licences(), max_size=3),
    st.none() | vehicles,
    event_dates,
)
def test_dropping_a_rule_never_adds_a_failure(rules, name, driver, held, vehicle, day) -> None:  # type: ignore[no-untyped-def]
    relaxed = dataclasses.replace(rules, **{name: RELAXED[name]})
    if name == "licences":
        relaxed = dataclasses.replace(relaxed, navigator_needs_licence=False)
    strict_codes = {f.code for f in verdict(rules, driver, held, vehicle, day)}
    relaxed_codes = {f.code for f in verdict(relaxed, driver, held, vehicle, day)}
    assert relaxed_codes <= strict_codes


@PROPERTY
@given(dates, st.integers(2020, 2035), st.integers(0, 364), st.integers(0, 364))
def test_a_calendar_year_band_gives_the_same_verdict_all_year(birth, year, a, b) -> None:  # type: ignore[no-untyped-def]
    rules = ClassRules(age=AgeBand(12, 14, by_calendar_year=True))
    first, second = date(year, 1, 1) + timedelta(days=a), date(year, 1, 1) + timedelta(days=b)
    person = Driver(birth_date=birth)
    assert (verdict(rules, person, [], None, first) == []) == (
        verdict(rules, person, [], None, second) == []
    )


@PROPERTY
@given(dates, event_dates)
def test_the_age_reached_in_the_year_is_the_exact_age_or_one_more(birth, day) -> None:  # type: ignore[no-untyped-def]
    assert age_in_year(birth, day.year) - age_on(birth, day) in (0, 1)


@PROPERTY
@given(st.sampled_from(ISSUERS), st.data(), event_dates)
def test_a_valid_licence_passes_exactly_when_its_grade_reaches_the_minimum(
    issuer, data, day
) -> None:  # type: ignore[no-untyped-def]
    ladder = LADDER.by_issuer[issuer]
    need = data.draw(st.sampled_from(ladder))
    have = data.draw(st.sampled_from(ladder))
    rules = ClassRules(licences=(LicenceRequirement(issuer, "circuit", need),))
    held = Licence(issuer, "circuit", have, "1", day, day)
    eligible = verdict(rules, Driver(birth_date=None), [held], None, day) == []
    assert eligible == (ladder.index(have) >= ladder.index(need))


@PROPERTY
@given(class_rules(), drivers, st.integers(0, 8), st.lists(licences(), max_size=3), event_dates)
def test_having_started_more_events_never_makes_an_ineligible_driver_eligible(
    rules, driver, more, held, day
) -> None:  # type: ignore[no-untyped-def]
    veteran = dataclasses.replace(driver, events_started=driver.events_started + more)
    if verdict(rules, driver, held, None, day) != []:
        assert verdict(rules, veteran, held, None, day) != []


@PROPERTY
@given(
    st.integers(1, 5),
    st.integers(0, 10),
    st.booleans(),
    licences(kinds=(LicenceKind.COMPETITION,)),
)
def test_an_on_the_spot_licence_passes_exactly_in_a_rookie_class_before_the_nth_event(
    limit, started, rookie, held
) -> None:  # type: ignore[no-untyped-def]
    rules = ClassRules(
        licences=(LicenceRequirement(held.issuer, held.discipline),),
        rookie_class=rookie,
        on_the_spot_max_events=limit,
    )
    spot = dataclasses.replace(held, on_the_spot=True, temporary=False, medical_valid_to=None)
    day = spot.valid_from
    person = Driver(birth_date=None, events_started=started)
    eligible = verdict(rules, person, [spot], None, day) == []
    assert eligible == (rookie and started < limit)


@PROPERTY
@given(licences(kinds=(LicenceKind.TEAM,)), event_dates)
def test_a_team_licence_meets_the_rule_exactly_inside_its_validity(held, day) -> None:  # type: ignore[no-untyped-def]
    rules = ClassRules(team_licence_required=True)
    eligible = verdict(rules, Driver(birth_date=None), [held], None, day) == []
    assert eligible == (held.valid_from <= day <= held.valid_to)


@PROPERTY
@given(licences(kinds=(LicenceKind.COMPETITION,)), event_dates)
def test_a_licence_passes_the_date_check_exactly_inside_its_validity(held, day) -> None:  # type: ignore[no-untyped-def]
    rules = ClassRules(licences=(LicenceRequirement(held.issuer, held.discipline),))
    eligible = verdict(rules, Driver(birth_date=None), [held], None, day) == []
    assert eligible == (held.valid_from <= day <= held.valid_to)


@PROPERTY
@given(small_decimals, small_decimals)
def test_the_weight_minimum_is_inclusive(minimum: Decimal, weight: Decimal) -> None:
    rules = ClassRules(min_driver_weight_kg=minimum)
    person = Driver(birth_date=None, weight_kg=weight)
    assert (verdict(rules, person, [], None, date(2026, 1, 1)) == []) == (weight >= minimum)
