from racing.models.classes import CompetitionClass, Tier
from racing.models.drivers import DriverProfile, EmergencyContact, IdentityDocument
from racing.models.licences import (
    Discipline,
    Licence,
    LicenceGrade,
    LicenceIssuer,
    LicenceKind,
)
from racing.models.organizations import Invitation, Membership, Organization
from racing.models.privacy import PrivacyRecord, SensitiveDataConsent
from racing.models.vehicles import Powertrain, Vehicle

__all__ = [
    "CompetitionClass",
    "Discipline",
    "DriverProfile",
    "EmergencyContact",
    "IdentityDocument",
    "Invitation",
    "Licence",
    "LicenceGrade",
    "LicenceIssuer",
    "LicenceKind",
    "Membership",
    "Organization",
    "Powertrain",
    "PrivacyRecord",
    "SensitiveDataConsent",
    "Tier",
    "Vehicle",
]
