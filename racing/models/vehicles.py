from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from racing.engine import eligibility
from racing.models.drivers import DriverProfile

FIRST_CAR_YEAR = 1886


class Powertrain(models.TextChoices):
    ICE = "ice", _("Internal combustion (ICE)")
    BEV = "bev", _("Battery electric (BEV)")
    PHEV = "phev", _("Plug-in hybrid (PHEV)")
    HEV = "hev", _("Hybrid (HEV)")
    FCEV = "fcev", _("Fuel cell (FCEV)")


HAS_ENGINE = {Powertrain.ICE, Powertrain.PHEV, Powertrain.HEV}
HAS_TRACTION_BATTERY = {Powertrain.BEV, Powertrain.PHEV, Powertrain.HEV, Powertrain.FCEV}


def validate_vehicle_year(value: int) -> None:
    if value < FIRST_CAR_YEAR or value > timezone.localdate().year + 1:
        raise ValidationError(
            _("Enter a year between %(first)s and next year."),
            params={"first": FIRST_CAR_YEAR},
            code="year_range",
        )


class Vehicle(models.Model):
    """A car or kart in a driver's garage."""

    owner = models.ForeignKey(
        DriverProfile, on_delete=models.CASCADE, related_name="vehicles", verbose_name=_("owner")
    )
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=80)
    year = models.PositiveSmallIntegerField(
        _("year of manufacture"), validators=[validate_vehicle_year]
    )
    vin = models.CharField(_("VIN or frame number"), max_length=40, blank=True)
    plate = models.CharField(_("registration plate"), max_length=20, blank=True)
    powertrain = models.CharField(_("powertrain"), max_length=8, choices=Powertrain.choices)
    displacement_cc = models.PositiveIntegerField(
        _("engine displacement (cc)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20000)],
    )
    power_kw = models.DecimalField(
        _("power (kW)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(3000)],
    )
    battery_kwh = models.DecimalField(
        _("traction battery (kWh)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    weight_kg = models.PositiveIntegerField(
        _("weight (kg)"), null=True, blank=True, validators=[MaxValueValidator(10000)]
    )
    kart_chassis_homologation = models.CharField(
        _("kart chassis homologation number"), max_length=40, blank=True
    )
    kart_engine_homologation = models.CharField(
        _("kart engine homologation number"), max_length=40, blank=True
    )
    classic_certificate = models.CharField(
        _("classic-vehicle certificate number"), max_length=40, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["make", "model", "year"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(power_kw__gte=0) | models.Q(power_kw__isnull=True),
                name="vehicle_power_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(battery_kwh__gte=0) | models.Q(battery_kwh__isnull=True),
                name="vehicle_battery_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.make} {self.model}"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.displacement_cc and self.powertrain not in HAS_ENGINE:
            errors["displacement_cc"] = ValidationError(
                _("This powertrain has no combustion engine."), code="no_engine"
            )
        if self.battery_kwh and self.powertrain not in HAS_TRACTION_BATTERY:
            errors["battery_kwh"] = ValidationError(
                _("This powertrain has no traction battery."), code="no_battery"
            )
        if errors:
            raise ValidationError(errors)

    def as_eligibility(self) -> eligibility.Vehicle:
        return eligibility.Vehicle(
            powertrain=self.powertrain,
            year=self.year,
            power_kw=self.power_kw,
            displacement_cc=self.displacement_cc,
            battery_kwh=self.battery_kwh,
            chassis_homologation=self.kart_chassis_homologation,
            engine_homologation=self.kart_engine_homologation,
            classic_certificate=self.classic_certificate,
        )
