"""Championships: an organization's series of rounds across events of any tier."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.engine.points import PointsScale, PromotionRule, Rules
from events.models.events import Session
from racing.models import Organization


def validate_points_list(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) and item >= 0 for item in value
    ):
        raise ValidationError(
            _("Points must be a list of whole numbers, none negative."), code="bad_points"
        )


class Championship(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="championships",
        verbose_name=_("organizer"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    season = models.PositiveIntegerField(_("season"))
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Shown to everyone, with its standings.")
    )
    # The points scale, held as data so that a series can change it without code.
    position_points = models.JSONField(
        _("points by position"), default=list, validators=[validate_points_list]
    )
    pole_points = models.PositiveIntegerField(_("points for pole position"), default=0)
    fastest_lap_points = models.PositiveIntegerField(_("points for the fastest lap"), default=0)
    fastest_lap_top = models.PositiveIntegerField(
        _("fastest lap only within the top"),
        default=0,
        help_text=_("0: any classified car scores the fastest-lap points."),
    )
    finishing_points = models.PositiveIntegerField(
        _("points for every classified finisher"), default=0
    )
    starting_points = models.PositiveIntegerField(_("points for every starter"), default=0)
    drop_worst = models.PositiveIntegerField(
        _("worst rounds dropped"), default=0, validators=[MinValueValidator(0)]
    )
    dsq_droppable = models.BooleanField(_("a disqualification may be dropped"), default=False)
    standings_updated_at = models.DateTimeField(_("standings updated"), null=True, blank=True)
    # Set by the organizer's "close the season" action (events.services.promotions): from then
    # on the drivers marked as moving up may not enter the class they moved up from in a later
    # season. Cleared if the season is reopened.
    season_closed_at = models.DateTimeField(_("season closed"), null=True, blank=True)
    season_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("season closed by"),
    )

    class Meta:
        ordering = ["-season", "name"]
        verbose_name = _("championship")
        verbose_name_plural = _("championships")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:championship-detail", kwargs={"slug": self.slug})

    def get_manage_url(self) -> str:
        return reverse(
            "events:championship-manage",
            kwargs={"org_slug": self.organization.slug, "slug": self.slug},
        )

    @property
    def season_closed(self) -> bool:
        return self.season_closed_at is not None

    def rules(self, classes: list[ChampionshipClass]) -> Rules:
        return Rules(
            scale=PointsScale(
                positions=tuple(self.position_points),
                pole=self.pole_points,
                fastest_lap=self.fastest_lap_points,
                fastest_lap_top=self.fastest_lap_top,
                finishing=self.finishing_points,
                starting=self.starting_points,
            ),
            drop_worst=self.drop_worst,
            dsq_droppable=self.dsq_droppable,
            promotions=tuple(
                PromotionRule(
                    class_code=championship_class.code,
                    top=championship_class.promote_top,
                    to_class=championship_class.promote_to,
                    min_rounds=championship_class.promote_min_rounds,
                )
                for championship_class in classes
                if championship_class.promote_top
            ),
        )


class ChampionshipClass(models.Model):
    """A class scored on its own; results rows match it by class name (case ignored)."""

    championship = models.ForeignKey(Championship, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("class name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    promote_top = models.PositiveIntegerField(
        _("promote the top"),
        default=0,
        help_text=_("How many at the top of this class must move up next season (0: none)."),
    )
    promote_to = models.CharField(_("promote to class"), max_length=120, blank=True)
    promote_min_rounds = models.PositiveIntegerField(_("minimum starts for promotion"), default=0)

    class Meta:
        ordering = ["championship", "order", "pk"]
        verbose_name = _("championship class")
        verbose_name_plural = _("championship classes")
        constraints = [
            models.UniqueConstraint(
                fields=["championship", "name"], name="championship_class_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        # As results rows' class names are read (events.services.championships.class_code).
        return " ".join(self.name.split()).casefold()


class ChampionshipRound(models.Model):
    """A scoring session of the championship; pole comes from the qualifying session if given."""

    championship = models.ForeignKey(Championship, on_delete=models.CASCADE, related_name="rounds")
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        related_name="championship_rounds",
        verbose_name=_("session"),
    )
    qualifying_session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("qualifying session (for pole)"),
    )

    class Meta:
        ordering = ["championship", "session__starts_at", "pk"]
        verbose_name = _("championship round")
        verbose_name_plural = _("championship rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["championship", "session"], name="championship_round_unique_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session.event} · {self.session}"


class ChampionshipStanding(models.Model):
    """A computed line of the standings, replaced whenever the standings are recomputed."""

    championship = models.ForeignKey(
        Championship, on_delete=models.CASCADE, related_name="standings"
    )
    class_name = models.CharField(_("class"), max_length=120, blank=True)
    class_order = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField(_("position"))
    competitor = models.CharField(max_length=200)
    name = models.CharField(_("driver"), max_length=200)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    total = models.IntegerField(_("points"))
    gross = models.IntegerField(_("points before drops"))
    wins = models.PositiveIntegerField(_("wins"), default=0)
    starts = models.PositiveIntegerField(_("starts"), default=0)
    tied = models.BooleanField(default=False)
    promoted = models.BooleanField(_("moves up"), default=False)
    promoted_to = models.CharField(max_length=120, blank=True)
    # Per round, in round order: {"round": id, "points": n, "position": p, "status": s, ...}
    scores = models.JSONField(default=list)

    class Meta:
        ordering = ["championship", "class_order", "position", "name"]
        verbose_name = _("championship standing")
        verbose_name_plural = _("championship standings")

    def __str__(self) -> str:
        return f"{self.position}. {self.name} ({self.total})"


class PromotionWaiver(models.Model):
    """An organizer's documented exception: this driver may enter the class they moved up from.

    Keyed by class name rather than by a standings line, because standings are recomputed (and
    their rows replaced) whenever results change.
    """

    championship = models.ForeignKey(
        Championship, on_delete=models.CASCADE, related_name="promotion_waivers"
    )
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("driver"),
    )
    class_name = models.CharField(_("class"), max_length=120)
    reason = models.CharField(_("reason"), max_length=300)  # services.promotions checks it
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        ordering = ["championship", "class_name", "pk"]
        verbose_name = _("promotion exception")
        verbose_name_plural = _("promotion exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["championship", "driver", "class_name"],
                name="promotion_waiver_one_per_driver_and_class",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.championship} · {self.class_name} · {self.driver_id}"
