from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.engine.formats import RulesError, check_rules
from events.models.choices import Discipline, Province, SessionFormat, Tier
from racing.models import CompetitionClass, Organization
from racing.models.organizations import validate_time_zone

# Latitude/longitude to 6 decimals (about 0.1 m), enough to find a paddock gate.
COORDINATE_DIGITS, COORDINATE_PLACES = 9, 6
MONEY_DIGITS, MONEY_PLACES = 10, 2


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="events", verbose_name=_("organizer")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    discipline = models.CharField(_("discipline"), max_length=20, choices=Discipline.choices)
    venue_name = models.CharField(_("venue"), max_length=200)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=COORDINATE_DIGITS,
        decimal_places=COORDINATE_PLACES,
        null=True,
        blank=True,
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=COORDINATE_DIGITS,
        decimal_places=COORDINATE_PLACES,
        null=True,
        blank=True,
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    all_day = models.BooleanField(
        _("all-day event"),
        default=False,
        help_text=_("Shown by date only; calendars show it across whole days."),
    )
    description = models.TextField(_("description"), blank=True)
    poster = models.ImageField(_("poster"), upload_to="events/posters/%Y/", blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Calendar identity: the UID never changes (a duplicate gets a new one) and the sequence
    # goes up with every change of the event, its sessions or classes (RFC 5545 3.8.7.4), so
    # subscribed calendars replace their copy instead of showing a second one.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
            models.Index(fields=["tier", "starts_at"], name="event_tier_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(registration_opens_at__isnull=True)
                | models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="event_registration_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event-detail", kwargs={"slug": self.slug})

    def get_manage_url(self) -> str:
        return reverse(
            "events:manage-event",
            kwargs={"org_slug": self.organization.slug, "slug": self.slug},
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment, self.zone)

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def is_registration_open(self, now: datetime | None = None) -> bool:
        if self.status != self.Status.PUBLISHED:
            return False
        if self.registration_opens_at is None or self.registration_closes_at is None:
            return False
        now = now or timezone.now()
        return self.registration_opens_at <= now < self.registration_closes_at

    def has_something_to_enter(self) -> bool:
        """A session and an entry class: an event published before that rule, or that lost them
        since, must not offer an Enter button that leads nowhere."""
        # Lists annotate both (events.queries.events), so a page of events costs no query each.
        annotated = getattr(self, "enterable", None)
        if annotated is not None:
            return bool(annotated)
        return self.sessions.exists() and self.entry_classes.exists()

    @property
    def registration_open(self) -> bool:
        """What pages and the API show: open, and with something to enter."""
        return self.is_registration_open() and self.has_something_to_enter()

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors.setdefault("ends_at", []).append(
                ValidationError(_("The event must end after it starts."), code="end_before_start")
            )
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if (opens is None) != (closes is None):
            field = "registration_closes_at" if closes is None else "registration_opens_at"
            errors.setdefault(field, []).append(
                ValidationError(
                    _("Give both the opening and the closing of registration, or neither."),
                    code="window_incomplete",
                )
            )
        if opens and closes and closes <= opens:
            errors.setdefault("registration_closes_at", []).append(
                ValidationError(
                    _("Registration must close after it opens."), code="window_reversed"
                )
            )
        if closes and self.ends_at and closes > self.ends_at:
            errors.setdefault("registration_closes_at", []).append(
                ValidationError(
                    _("Registration cannot close after the event has ended."),
                    code="window_after_event",
                )
            )
        if self.status == self.Status.CANCELLED and not self.cancellation_reason.strip():
            errors.setdefault("cancellation_reason", []).append(
                ValidationError(_("Give a reason for the cancellation."), code="reason_required")
            )
        if errors:
            raise ValidationError(errors)


class Session(models.Model):
    class Kind(models.TextChoices):
        PRACTICE = "practice", _("Practice")
        QUALIFYING = "qualifying", _("Qualifying")
        RACE = "race", _("Race")
        HEAT = "heat", _("Heat")
        FINAL = "final", _("Final")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=120, blank=True, help_text=_("For example “Race 2” or “Heat A”.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # How the session is scored, and the organizer's rules for it (checked against the format's
    # rule list in events.engine.formats; stored with every default filled in).
    format = models.CharField(
        _("format"), max_length=20, choices=SessionFormat.choices, default=SessionFormat.RACE
    )
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or str(self.get_kind_display())

    @property
    def checked_rules(self) -> dict[str, Any]:
        """The rules with every default filled in (stored rules may predate a new rule)."""
        try:
            return check_rules(self.format, self.rules)
        except RulesError:
            return check_rules(self.format, {})

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors.setdefault("ends_at", []).append(
                ValidationError(_("The session must end after it starts."), code="end_before_start")
            )
        event = self.event if self.event_id else None
        if event is not None and self.starts_at and self.starts_at < event.starts_at:
            errors.setdefault("starts_at", []).append(
                ValidationError(
                    _("The session cannot start before the event starts."),
                    code="session_outside_event",
                )
            )
        if event is not None and self.ends_at and self.ends_at > event.ends_at:
            errors.setdefault("ends_at", []).append(
                ValidationError(
                    _("The session cannot end after the event ends."),
                    code="session_outside_event",
                )
            )
        try:
            self.rules = check_rules(self.format, self.rules)
        except RulesError as error:
            errors.setdefault("rules", []).extend(
                ValidationError(_(problem.message) % problem.params, code="rules")
                for problem in error.problems
            )
        if errors:
            raise ValidationError(errors)


class EntryClass(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="entry_classes", verbose_name=_("event")
    )
    competition_class = models.ForeignKey(
        CompetitionClass,
        on_delete=models.PROTECT,
        related_name="entry_classes",
        verbose_name=_("competition class"),
        # Nullable only so that rows made before the registry had classes stay valid; the
        # organizer form and the services require one.
        null=True,
        blank=True,
        help_text=_("Its rules decide who may enter."),
    )
    name = models.CharField(
        _("name"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty to use the competition class's name."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(0)], help_text=_("Number of places.")
    )
    fee = models.DecimalField(
        _("entry fee"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        validators=[MinValueValidator(0)],
    )
    early_bird_fee = models.DecimalField(
        _("early-bird fee"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        validators=[MinValueValidator(0)],
        null=True,
        blank=True,
    )
    early_bird_deadline = models.DateTimeField(_("early-bird deadline"), null=True, blank=True)
    approval_required = models.BooleanField(
        _("approval required"),
        default=False,
        help_text=_("Entries wait for the organizer's approval before they are confirmed."),
    )
    allows_additional_entry = models.BooleanField(
        _("open to drivers already entered"),
        default=False,
        help_text=_(
            "Drivers entered in another class of this event may enter this one too (for example a "
            "support race or a second car). A driver still enters each class once."
        ),
    )
    damage_deposit = models.DecimalField(
        _("damage deposit"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        validators=[MinValueValidator(0)],
        default=Decimal(0),
        help_text=_(
            "Taken at check-in (held in cash or authorised on the driver's card) and kept only "
            "for damage. 0 for none."
        ),
    )
    # Which online providers this class's entries may pay with ("stripe", "wechatpay",
    # "alipay"); empty offers every provider the site and the organization have connected.
    payment_providers = models.JSONField(_("online payment providers"), default=list, blank=True)
    car_number_min = models.PositiveIntegerField(_("lowest car number"), null=True, blank=True)
    car_number_max = models.PositiveIntegerField(_("highest car number"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("entry class")
        verbose_name_plural = _("entry classes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0), name="entry_class_capacity_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(fee__gte=0), name="entry_class_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(early_bird_fee__isnull=True) | models.Q(early_bird_fee__gte=0),
                name="entry_class_early_bird_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(damage_deposit__gte=0),
                name="entry_class_damage_deposit_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(car_number_min__isnull=True)
                | models.Q(car_number_max__isnull=True)
                | models.Q(car_number_max__gte=models.F("car_number_min")),
                name="entry_class_car_numbers_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def currency(self) -> str:
        return self.event.organization.currency

    def fee_at(self, moment: datetime) -> Decimal:
        if (
            self.early_bird_fee is not None
            and self.early_bird_deadline is not None
            and moment < self.early_bird_deadline
        ):
            return self.early_bird_fee
        return self.fee

    @property
    def places_left(self) -> int:
        """Capacity minus the places taken by entries.

        Uses the `places_taken` annotation of `events.queries.events.with_places_taken` when
        present (one query for a whole page), otherwise asks the database for this class alone.
        """
        taken = getattr(self, "places_taken", None)
        if taken is None:
            taken = self.entries.holding_places().count()
        return max(self.capacity - taken, 0)

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        competition_class = self.competition_class if self.competition_class_id else None
        if competition_class is not None and not self.name.strip():
            self.name = competition_class.name
        if (
            competition_class is not None
            and self.event_id
            and competition_class.organization_id != self.event.organization_id
        ):
            errors.setdefault("competition_class", []).append(
                ValidationError(
                    _("Choose one of the organizing club's own classes."), code="foreign_class"
                )
            )
        if competition_class is None and not self.name.strip():
            errors.setdefault("name", []).append(
                ValidationError(_("Give the class a name."), code="name_required")
            )
        if self.capacity is not None and self.capacity < 0:
            errors.setdefault("capacity", []).append(
                ValidationError(_("Capacity cannot be negative."), code="negative_capacity")
            )
        for field in ("fee", "early_bird_fee"):
            value = getattr(self, field)
            if value is not None and value < 0:
                errors.setdefault(field, []).append(
                    ValidationError(_("A fee cannot be negative."), code="negative_fee")
                )
        if self.damage_deposit is not None and self.damage_deposit < 0:
            errors.setdefault("damage_deposit", []).append(
                ValidationError(_("A deposit cannot be negative."), code="negative_deposit")
            )
        if (self.early_bird_fee is None) != (self.early_bird_deadline is None):
            errors.setdefault("early_bird_deadline", []).append(
                ValidationError(
                    _("Give both the early-bird fee and its deadline, or neither."),
                    code="early_bird_incomplete",
                )
            )
        if (
            self.car_number_min is not None
            and self.car_number_max is not None
            and self.car_number_max < self.car_number_min
        ):
            errors.setdefault("car_number_max", []).append(
                ValidationError(
                    _("The highest car number must not be below the lowest."),
                    code="car_numbers_reversed",
                )
            )
        if errors:
            raise ValidationError(errors)
