"""Official results of a session, their revisions, and lap data for the charts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models.events import Session


class ResultStatus(models.TextChoices):
    CLASSIFIED = "classified", _("Classified")
    NC = "nc", _("Not classified")
    DNF = "dnf", _("Did not finish")
    DSQ = "dsq", _("Disqualified")
    DNS = "dns", _("Did not start")


class SessionResult(models.Model):
    """The results of one session: provisional, then official with a timestamp.

    Rows are replaced as a whole on every change; once official, each change is a correction
    that needs a reason and leaves a `ResultRevision` holding the rows as they were published.
    """

    class State(models.TextChoices):
        PROVISIONAL = "provisional", _("Provisional")
        OFFICIAL = "official", _("Official")

    class Source(models.TextChoices):
        TYPED = "typed", _("Typed in")
        CSV = "csv", _("CSV upload")
        LIVE = "live", _("Live timing")

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="result", verbose_name=_("session")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PROVISIONAL
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    official_at = models.DateTimeField(_("official since"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("session result")
        verbose_name_plural = _("session results")

    def __str__(self) -> str:
        return str(self.session)

    def get_absolute_url(self) -> str:
        return reverse(
            "events:session-results",
            kwargs={"slug": self.session.event.slug, "session_id": self.session_id},
        )

    @property
    def is_official(self) -> bool:
        return self.state == self.State.OFFICIAL


class ResultRow(models.Model):
    result = models.ForeignKey(
        SessionResult, on_delete=models.CASCADE, related_name="rows", verbose_name=_("result")
    )
    # The official position after penalties (null when not classified); `finish_position` is
    # the order as timed or entered, kept so a penalty can be lifted on appeal.
    position = models.PositiveIntegerField(_("position"), null=True, blank=True)
    finish_position = models.PositiveIntegerField(_("finishing position"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"))
    car_number = models.CharField(_("car number"), max_length=8)
    driver_name = models.CharField(_("driver"), max_length=200, blank=True)
    team_name = models.CharField(_("team"), max_length=200, blank=True)
    class_name = models.CharField(_("class"), max_length=120, blank=True)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="result_rows",
        verbose_name=_("driver account"),
    )
    entry = models.ForeignKey(
        "events.Entry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="result_rows",
        verbose_name=_("entry"),
    )
    status = models.CharField(_("status"), max_length=12, choices=ResultStatus.choices)
    laps = models.PositiveIntegerField(_("laps"), null=True, blank=True)
    total_ms = models.PositiveBigIntegerField(_("total time (ms)"), null=True, blank=True)
    best_lap_ms = models.PositiveIntegerField(_("best lap (ms)"), null=True, blank=True)
    best_lap_no = models.PositiveIntegerField(_("best lap number"), null=True, blank=True)
    penalty_ms = models.PositiveIntegerField(_("time penalty (ms)"), default=0)
    penalty_positions = models.PositiveIntegerField(_("position penalty"), default=0)
    penalty_reason = models.CharField(_("penalty reason"), max_length=300, blank=True)
    gap_ms = models.PositiveBigIntegerField(_("gap (ms)"), null=True, blank=True)
    gap_laps = models.PositiveIntegerField(_("gap (laps)"), null=True, blank=True)
    interval_ms = models.PositiveBigIntegerField(_("interval (ms)"), null=True, blank=True)
    interval_laps = models.PositiveIntegerField(_("interval (laps)"), null=True, blank=True)
    fastest_lap = models.BooleanField(_("fastest lap"), default=False)
    # What the session's format adds to a row (timed runs: the runs, class position, indexed
    # time). Its shape belongs to the format: see events/services/formats.py.
    extra = models.JSONField(_("format details"), default=dict, blank=True)

    class Meta:
        ordering = ["result", "order"]
        verbose_name = _("result row")
        verbose_name_plural = _("result rows")
        constraints = [
            models.UniqueConstraint(fields=["result", "car_number"], name="result_row_unique_car"),
            models.UniqueConstraint(
                fields=["result", "position"], name="result_row_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position or self.get_status_display()} #{self.car_number}"

    @property
    def is_classified(self) -> bool:
        return self.status == ResultStatus.CLASSIFIED


class ResultRevision(models.Model):
    """The rows of a result as they stood when it was made official or corrected."""

    result = models.ForeignKey(
        SessionResult, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("result")
    )
    number = models.PositiveIntegerField(_("revision"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    rows = models.JSONField(_("rows"), default=list)

    class Meta:
        ordering = ["result", "-number"]
        verbose_name = _("result revision")
        verbose_name_plural = _("result revisions")
        constraints = [
            models.UniqueConstraint(fields=["result", "number"], name="result_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.result} r{self.number}"


class LapRecord(models.Model):
    """One car's lap: its position when crossing the line and the lap time, for the charts."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="lap_records", verbose_name=_("session")
    )
    car_number = models.CharField(_("car number"), max_length=8)
    lap = models.PositiveIntegerField(_("lap"))
    position = models.PositiveIntegerField(_("position"), null=True, blank=True)
    lap_time_ms = models.PositiveIntegerField(_("lap time (ms)"), null=True, blank=True)

    class Meta:
        ordering = ["session", "car_number", "lap"]
        verbose_name = _("lap")
        verbose_name_plural = _("laps")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "car_number", "lap"], name="lap_record_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.car_number} L{self.lap}"
