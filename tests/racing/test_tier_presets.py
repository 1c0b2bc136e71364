from __future__ import annotations

import pytest

from racing.engine.eligibility import ClassRules
from racing.engine.presets import PRESETS
from racing.models import Discipline, LicenceGrade, Tier

pytestmark = pytest.mark.django_db


def test_there_is_a_preset_for_every_tier() -> None:
    assert {preset.tier for preset in PRESETS.values()} == set(Tier.values)


@pytest.mark.parametrize("tier", sorted(PRESETS))
def test_a_preset_survives_storage_and_names_known_grades(tier: str) -> None:
    preset = PRESETS[tier]
    assert preset.discipline in Discipline.values
    assert ClassRules.from_dict(preset.rules.to_dict()) == preset.rules
    for requirement in preset.rules.licences:
        grades = LicenceGrade.objects.filter(issuer__code=requirement.issuer)
        assert grades.exists(), requirement.issuer
        if requirement.min_grade:
            assert grades.filter(code=requirement.min_grade).exists()


def test_the_karting_preset_goes_by_calendar_year() -> None:
    age = PRESETS["karting_youth"].rules.age
    assert age is not None and age.by_calendar_year


def test_the_nev_preset_refuses_combustion_only_cars() -> None:
    assert "ice" not in PRESETS["nev"].rules.powertrains


def test_the_national_preset_refuses_licences_issued_on_the_spot() -> None:
    rules = PRESETS["national"].rules
    assert rules.on_the_spot_max_events is not None and not rules.rookie_class
