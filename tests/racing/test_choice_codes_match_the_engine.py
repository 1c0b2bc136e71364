from racing.engine import eligibility
from racing.engine.eligibility import DISCIPLINES, POWERTRAINS, TIERS
from racing.models import Discipline, LicenceKind, Powertrain, Tier


def test_model_choices_and_engine_codes_are_the_same_lists() -> None:
    assert tuple(Discipline.values) == DISCIPLINES
    assert tuple(Powertrain.values) == POWERTRAINS
    assert tuple(Tier.values) == TIERS
    assert tuple(LicenceKind.values) == tuple(eligibility.LicenceKind)
