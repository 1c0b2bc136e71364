"""Eligibility from Django models: build the engine's inputs, run it, describe the failures.

This is what `events` calls when a driver registers::

    from racing.services.eligibility import check_driver_for_class, describe_failure

    failures = check_driver_for_class(
        competition_class=entry_class.competition_class,
        profile=user.driver_profile,
        vehicle=vehicle,            # None for a navigator or when the class has no vehicle rules
        event_date=event.local_date,
    )
    messages = [describe_failure(f) for f in failures]   # in the active language
"""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext

from racing import hooks
from racing.engine import eligibility
from racing.engine.eligibility import Failure, Role
from racing.models import CompetitionClass, Discipline, DriverProfile, Vehicle
from racing.queries.drivers import grade_ladder, licences_of


def driver_facts(profile: DriverProfile, *, events_started: int = 0) -> eligibility.Driver:
    return eligibility.Driver(
        birth_date=profile.date_of_birth,
        weight_kg=profile.weight_kg,
        road_licence_since=profile.road_licence_since,
        events_started=events_started,
    )


def check_driver_for_class(
    *,
    competition_class: CompetitionClass,
    profile: DriverProfile,
    vehicle: Vehicle | None,
    event_date: date,
    role: Role = Role.DRIVER,
) -> list[Failure]:
    # The vehicle need not be the driver's own (a team or rental car): whether that is allowed
    # is the caller's decision; the class rules apply to the car either way.
    rules = competition_class.eligibility_rules
    held = [licence.as_eligibility() for licence in licences_of(profile)]
    # Counted (through the apps that record entries) only when the answer can matter.
    started = (
        hooks.count_events_started(profile, event_date)
        if rules.on_the_spot_max_events is not None and any(lic.on_the_spot for lic in held)
        else 0
    )
    return eligibility.check_eligibility(
        rules,
        driver_facts(profile, events_started=started),
        held,
        vehicle.as_eligibility() if vehicle is not None else None,
        event_date,
        grades=grade_ladder(),
        role=role,
    )


# Parameters the engine gives as ISO dates ("2026-12-31"); shown in the reader's date format.
DATE_PARAMS = frozenset({"valid_from", "valid_to", "medical_valid_to", "event_date", "since"})


def describe_failure(failure: Failure) -> str:
    """The failure as a sentence in the active language."""
    params = dict(failure.params)
    if "accepted" in params:
        params["accepted"] = _localized_requirements(str(params["accepted"]))
    for key in DATE_PARAMS & params.keys():
        params[key] = _localized_date(str(params[key]))
    return gettext(eligibility.MESSAGES[failure.code]) % params


def _localized_date(iso: str) -> str:
    try:
        return date_format(date.fromisoformat(iso), "DATE_FORMAT")
    except ValueError:
        return iso


def _localized_requirements(accepted: str) -> str:
    # The engine writes "CAMF circuit, FIA circuit"; show the discipline in the reader's language.
    labels = dict(Discipline.choices)
    parts = []
    for item in accepted.split(", "):
        issuer, _, discipline = item.partition(" ")
        parts.append(f"{issuer} {labels.get(discipline, discipline)}")
    return gettext(", ").join(parts)
