"""Regularity rallies and tours: a session's route, its controls and the stamps taken there.

The scoring itself is pure (events/engine/regularity.py); these rows hold what it reads.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.engine.regularity import Kind
from events.models.events import Session


def new_control_token() -> str:
    return secrets.token_urlsafe(18)


class Route(models.Model):
    class Mode(models.TextChoices):
        REGULARITY = "regularity", _("Regularity rally (scored)")
        TOURING = "touring", _("Touring (not scored)")

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="route", verbose_name=_("session")
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.REGULARITY)
    standard_start = models.DateTimeField(
        _("standard time at the start"),
        help_text=_("When a notional car number 0 would start; car N starts N intervals later."),
    )
    interval_s = models.PositiveIntegerField(
        _("start interval (seconds)"), default=60, validators=[MinValueValidator(1)]
    )
    published_at = models.DateTimeField(_("route card published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        constraints = [
            models.CheckConstraint(condition=models.Q(interval_s__gte=1), name="route_interval")
        ]

    def __str__(self) -> str:
        return str(self.session)

    @property
    def is_touring(self) -> bool:
        return self.mode == self.Mode.TOURING


class Control(models.Model):
    class KindChoice(models.TextChoices):
        START = Kind.START.value, _("Start")
        TIME_CONTROL = Kind.TIME_CONTROL.value, _("Time control")
        PASSAGE = Kind.PASSAGE.value, _("Passage control")
        SECRET = Kind.SECRET.value, _("Secret check")
        FINISH = Kind.FINISH.value, _("Finish")

    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="controls", verbose_name=_("route")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=12)
    kind = models.CharField(_("kind"), max_length=20, choices=KindChoice.choices)
    name = models.CharField(_("place"), max_length=120, blank=True)
    distance_m = models.PositiveIntegerField(
        _("section distance (m)"),
        null=True,
        blank=True,
        help_text=_("From the control before this one."),
    )
    speed_kmh = models.DecimalField(
        _("average speed (km/h)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    section_s = models.PositiveIntegerField(
        _("section time (seconds)"),
        null=True,
        blank=True,
        help_text=_("Instead of a distance and a speed."),
    )
    # The marshal's credential: the control page is opened from a QR code holding it, with no
    # account. Revoking it makes a new one, so the old QR code stops working at once.
    token = models.CharField(max_length=40, unique=True, default=new_control_token, editable=False)
    # Printed at a touring waypoint for crews to scan with their passport; never a marshal's.
    waypoint_token = models.CharField(
        max_length=40, unique=True, default=new_control_token, editable=False
    )

    class Meta:
        ordering = ["route", "position", "pk"]
        verbose_name = _("control")
        verbose_name_plural = _("controls")
        constraints = [
            models.UniqueConstraint(fields=["route", "code"], name="control_unique_code"),
            models.UniqueConstraint(fields=["route", "position"], name="control_unique_position"),
            models.CheckConstraint(
                condition=models.Q(speed_kmh__isnull=True) | models.Q(speed_kmh__gt=0),
                name="control_speed_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Stamp(models.Model):
    """A car seen at a control. Never deleted: a correction voids it and adds another."""

    class Source(models.TextChoices):
        TAP = "tap", _("Tapped by the marshal")
        TYPED = "typed", _("Typed by the marshal")
        CREW = "crew", _("Scanned by the crew")
        IMPORT = "import", _("Imported")
        OFFICIAL = "official", _("Entered by an official")

    control = models.ForeignKey(
        Control, on_delete=models.CASCADE, related_name="stamps", verbose_name=_("control")
    )
    car_number = models.PositiveIntegerField(_("car number"))
    at = models.DateTimeField(_("time"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # The phone's idempotency key: a sync retried after a lost answer finds its stamp here.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offset_ms = models.IntegerField(
        _("device clock offset (ms)"),
        null=True,
        blank=True,
        help_text=_("Server minus phone, as measured when the stamp was taken."),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["control", "at", "pk"]
        verbose_name = _("stamp")
        verbose_name_plural = _("stamps")
        indexes = [models.Index(fields=["control", "car_number"], name="stamp_control_car")]

    def __str__(self) -> str:
        return f"#{self.car_number} @ {self.control}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class CrewMember(models.Model):
    """Who rides in a touring crew, each with an emergency contact (for the roll call)."""

    class Role(models.TextChoices):
        DRIVER = "driver", _("Driver")
        NAVIGATOR = "navigator", _("Navigator")
        PASSENGER = "passenger", _("Passenger")

    entry = models.ForeignKey(
        "events.Entry", on_delete=models.CASCADE, related_name="crew", verbose_name=_("entry")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    emergency_name = models.CharField(_("emergency contact"), max_length=120)
    emergency_phone = models.CharField(_("emergency phone"), max_length=40)

    class Meta:
        ordering = ["entry", "pk"]
        verbose_name = _("crew member")
        verbose_name_plural = _("crew members")

    def __str__(self) -> str:
        return self.name
