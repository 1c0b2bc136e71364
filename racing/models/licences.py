from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config.crypto import EncryptedCharField, lookup_hash
from racing.engine import eligibility
from racing.models.drivers import DriverProfile
from racing.storage import private_storage


class Discipline(models.TextChoices):
    CIRCUIT = "circuit", _("Circuit")
    RALLY = "rally", _("Rally")
    OFF_ROAD = "off_road", _("Off-road")
    DRIFT = "drift", _("Drift")
    KARTING = "karting", _("Karting")
    HILLCLIMB = "hillclimb", _("Hill climb")
    AUTOCROSS = "autocross", _("Autocross and gymkhana")
    REGULARITY = "regularity", _("Regularity and touring")
    DRAG = "drag", _("Drag racing")


class LicenceKind(models.TextChoices):
    COMPETITION = eligibility.LicenceKind.COMPETITION.value, _("Competition licence")
    TEAM = eligibility.LicenceKind.TEAM.value, _("Team licence")


issuer_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9-]{1,15}$",
    _("Use 2 to 16 capital letters, digits or hyphens, for example CAMF."),
)


class LicenceIssuer(models.Model):
    """A body that issues competition licences (CAMF, FIA, HKAA, ...). Data, not code."""

    code = models.CharField(
        _("code"), max_length=16, unique=True, validators=[issuer_code_validator]
    )
    name_zh = models.CharField(_("name in Chinese"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=100)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("licence issuer")
        verbose_name_plural = _("licence issuers")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class LicenceGrade(models.Model):
    """A grade of one issuer. `rank` orders grades within that issuer only (higher = senior)."""

    issuer = models.ForeignKey(
        LicenceIssuer, on_delete=models.CASCADE, related_name="grades", verbose_name=_("issuer")
    )
    code = models.CharField(_("code"), max_length=24)
    name_zh = models.CharField(_("name in Chinese"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=80)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("Higher is more senior. Only compared within the same issuer.")
    )

    class Meta:
        ordering = ["issuer__position", "issuer__code", "rank"]
        verbose_name = _("licence grade")
        verbose_name_plural = _("licence grades")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "code"], name="unique_grade_code"),
            models.UniqueConstraint(fields=["issuer", "rank"], name="unique_grade_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


def licence_document_path(instance: Licence, filename: str) -> str:
    # A random name: the original file name may contain the driver's name or ID number.
    return f"licences/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Licence(models.Model):
    """A licence recorded on a driver's profile.

    Most are the person's competition licence. A team licence is held by the entrant (the team):
    the driver records the one they enter under, with the team's name; it has no grade and
    never counts as a competition licence.
    """

    profile = models.ForeignKey(
        DriverProfile,
        on_delete=models.CASCADE,
        related_name="licences",
        verbose_name=_("driver profile"),
    )
    kind = models.CharField(
        _("kind of licence"),
        max_length=12,
        choices=LicenceKind.choices,
        default=LicenceKind.COMPETITION,
        help_text=_("A team licence is held by the team you enter with; some classes require one."),
    )
    team_name = models.CharField(
        _("team name"),
        max_length=120,
        blank=True,
        help_text=_("For a team licence: the team's name as printed on it."),
    )
    issuer = models.ForeignKey(
        LicenceIssuer, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    discipline = models.CharField(_("discipline"), max_length=16, choices=Discipline.choices)
    grade = models.ForeignKey(
        LicenceGrade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grade"),
    )
    number = EncryptedCharField(_("licence number"), max_length=40)
    # A keyed hash of the number (config.crypto.lookup_hash): the column is encrypted, so staff
    # match a licence number through this.
    number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    medical_valid_to = models.DateField(_("medical valid to"), null=True, blank=True)
    is_temporary = models.BooleanField(
        _("temporary licence"),
        default=False,
        help_text=_("Valid for one event or a few events only."),
    )
    issued_on_the_spot = models.BooleanField(
        _("issued on the spot"),
        default=False,
        help_text=_(
            "Issued at an event by the organizer's or the federation's desk. Many classes accept "
            "such a licence only in rookie classes, for the holder's first few events."
        ),
    )
    document = models.FileField(
        _("scan or photo of the licence"),
        storage=private_storage,
        upload_to=licence_document_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_to", "issuer__position"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="licence_valid_to_after_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer.code} {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.number_hash = lookup_hash(self.number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "number_hash"}
        super().save(*args, **kwargs)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = ValidationError(
                _("The end of validity must not be before its start."), code="before_start"
            )
        if self.grade is not None and self.issuer_id and self.grade.issuer_id != self.issuer_id:
            errors["grade"] = ValidationError(
                _("This grade belongs to another issuer."), code="grade_issuer"
            )
        team = self.kind == LicenceKind.TEAM
        if team:
            if not self.team_name.strip():
                errors["team_name"] = ValidationError(
                    _("Give the name of the team that holds this licence."),
                    code="team_name_required",
                )
            if self.grade_id is not None:
                errors["grade"] = ValidationError(
                    _("A team licence has no grade: leave it empty."), code="team_grade"
                )
            if self.issued_on_the_spot:
                errors["issued_on_the_spot"] = ValidationError(
                    _("Only a competition licence is marked as issued on the spot."),
                    code="team_on_the_spot",
                )
        elif self.grade_id is None and not self.is_temporary:
            errors["grade"] = ValidationError(
                _("Choose the grade printed on the licence."), code="grade_required"
            )
        if errors:
            raise ValidationError(errors)

    def as_eligibility(self) -> eligibility.Licence:
        return eligibility.Licence(
            issuer=self.issuer.code,
            discipline=self.discipline,
            grade=self.grade.code if self.grade else None,
            number=self.number,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            medical_valid_to=self.medical_valid_to,
            temporary=self.is_temporary,
            on_the_spot=self.issued_on_the_spot,
            kind=self.kind,
        )
