"""Live timing state: one row per live session, its numbered deltas and its raw feed.

`LiveSession.snapshot` holds the snapshot JSON exactly as spectators receive it (see
`live.engine.standings.snapshot`): top level `seq`, `flag`, `laps_to_go`, `time_to_go_ms`,
`elapsed_ms`, `session` and `rows`. `engine_state` holds what the standings engine needs to carry
on after a restart (competitors, passings, best laps); it is private to `live.services`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveSession(models.Model):
    class Mode(models.TextChoices):
        RACE = "race", _("Race")
        PRACTICE = "practice", _("Practice")
        QUALIFYING = "qualifying", _("Qualifying")
        # A timed-runs board (gymkhana, autocross): fed by the runs staff enter, or by start
        # and finish loops, through events.services.timed_runs (live/services/timed_runs.py).
        TIMED_RUNS = "timed_runs", _("Timed runs")
        # An NEV efficiency board: fed by the energy staff enter (live/services/efficiency.py).
        EFFICIENCY = "efficiency", _("Efficiency run")

    class Status(models.TextChoices):
        PENDING = "pending", _("Not started")
        LIVE = "live", _("Live")
        FINISHED = "finished", _("Finished")

    class Source(models.TextChoices):
        RMONITOR = "rmonitor", _("RMonitor")
        P3 = "p3", _("MYLAPS P3")
        SIMULATOR = "simulator", _("Simulator")
        REPLAY = "replay", _("Replay")
        CONTROLS = "controls", _("Regularity control stamps")

    # Null for ad hoc sessions (replays, the demo, a test day nobody scheduled).
    event_session = models.ForeignKey(
        "events.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_sessions",
        verbose_name=_("event session"),
    )
    name = models.CharField(_("name"), max_length=200)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.RACE)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(
        _("timing source"), max_length=16, choices=Source.choices, default=Source.RMONITOR
    )

    class FeedEncoding(models.TextChoices):
        AUTO = "auto", _("Automatic (UTF-8, GBK/GB18030 or cp1252)")
        UTF8 = "utf-8", _("UTF-8")
        GB18030 = "gb18030", _("GBK / GB18030 (Chinese Windows)")
        CP1252 = "cp1252", _("cp1252 (Western Windows)")

    # How the text of an RMonitor feed is decoded (live.feeds.adapters.rmonitor.decode_record); also
    # used when the stored raw feed is replayed. P3 is binary and ignores it.
    feed_encoding = models.CharField(
        _("feed text encoding"),
        max_length=16,
        choices=FeedEncoding.choices,
        default=FeedEncoding.AUTO,
    )
    # Grows by one with every published change; spectators use it to detect a missed delta.
    seq = models.BigIntegerField(_("sequence number"), default=0)
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    engine_state = models.JSONField(_("engine state"), default=dict, blank=True)
    # Timed runs with a P3 decoder on each loop: which decoder is the start and which the finish
    # (one decoder with two loops cannot tell them apart). Null: runs are entered by staff.
    start_decoder_id = models.BigIntegerField(_("start loop decoder id"), null=True, blank=True)
    finish_decoder_id = models.BigIntegerField(_("finish loop decoder id"), null=True, blank=True)
    # Passings closer together than this are double reads of one crossing (P3 only).
    min_lap_ms = models.PositiveIntegerField(_("minimum lap time (ms)"), default=20_000)
    # P3 decoders on the pit lane: a passing there puts the car into (or out of) the pits.
    pit_in_decoder = models.BigIntegerField(_("pit-in decoder id"), null=True, blank=True)
    pit_out_decoder = models.BigIntegerField(_("pit-out decoder id"), null=True, blank=True)
    # The circuit and layout driven, as staff name it: records are kept per layout.
    layout = models.CharField(_("circuit layout"), max_length=200, blank=True)
    # Records that could not be parsed or failed their CRC: counted, never applied.
    rejected_records = models.PositiveIntegerField(_("rejected records"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ad_hoc(self) -> bool:
        return self.event_session_id is None


class LiveDelta(models.Model):
    """One published change: what a spectator at `seq - 1` applies to reach `seq`."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="deltas")
    seq = models.BigIntegerField(_("sequence number"))
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("live delta")
        verbose_name_plural = _("live deltas")
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="live_delta_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq}"


class LiveFeedChunk(models.Model):
    """Raw bytes exactly as received from the timing system, kept so a session can be replayed."""

    class Format(models.TextChoices):
        RMONITOR = "rmonitor", _("RMonitor")
        P3 = "p3", _("MYLAPS P3")
        SIMULATOR = "simulator", _("Simulator")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="feed_chunks")
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    data = models.BinaryField(_("data"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("raw feed chunk")
        verbose_name_plural = _("raw feed chunks")
        ordering = ["session", "id"]
        indexes = [
            # "Last bytes from the timing system" on the organizer page reads the newest chunk.
            models.Index(fields=["session", "received_at"], name="live_feed_chunk_received"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.id} ({len(self.data)} B)"


class LiveTransponder(models.Model):
    """Transponder -> board row for a session, when no registered entry carries the transponder."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="transponders")
    transponder = models.BigIntegerField(_("transponder"))
    number = models.CharField(_("car number"), max_length=16, blank=True)
    name = models.CharField(_("driver or team"), max_length=200, blank=True)
    class_name = models.CharField(_("class"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("transponder mapping")
        verbose_name_plural = _("transponder mappings")
        ordering = ["session", "transponder"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "transponder"], name="live_transponder_unique_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transponder} -> {self.number or '?'}"


class RaceControlMessage(models.Model):
    """One message of race control in a live session's log: a flag, an incident, a penalty...

    Public messages reach the board (live.services.racecontrol); staff-only ones stay in the log.
    Penalties flow into the provisional results when the session is published. A message posted
    by mistake is withdrawn, never deleted: the log keeps what was said and when.
    """

    class Kind(models.TextChoices):
        FLAG = "flag", _("Flag")
        INCIDENT = "incident", _("Incident")
        PENALTY = "penalty", _("Penalty")
        TRACK_LIMITS = "track_limits", _("Track limits")
        INVESTIGATION = "investigation", _("Under investigation")
        NOTE = "note", _("Message")
        # Posted by Paddock itself when a lap beats a record or the session best.
        RECORD = "record", _("Record")

    class Flag(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        DOUBLE_YELLOW = "double_yellow", _("Double yellow")
        RED = "red", _("Red")
        SAFETY_CAR = "safety_car", _("Safety car")
        FULL_COURSE_YELLOW = "full_course_yellow", _("Full course yellow")
        SLIPPERY = "slippery", _("Slippery surface")
        BLUE = "blue", _("Blue")
        BLACK = "black", _("Black")
        MEATBALL = "meatball", _("Black and orange (mechanical)")
        CHEQUERED = "chequered", _("Chequered")

    class Penalty(models.TextChoices):
        WARNING = "warning", _("Warning")
        TIME = "time", _("Time penalty")
        DRIVE_THROUGH = "drive_through", _("Drive-through")
        STOP_GO = "stop_go", _("Stop and go")
        POSITIONS = "positions", _("Places")
        DISQUALIFIED = "dsq", _("Disqualification")

    class Record(models.TextChoices):
        TRACK = "track", _("Track record")
        CLASS = "class", _("Class record")
        SESSION = "session", _("Session best")

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="race_control_messages"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    flag = models.CharField(_("flag"), max_length=24, choices=Flag.choices, blank=True)
    sector = models.PositiveSmallIntegerField(_("sector"), null=True, blank=True)
    car_number = models.CharField(_("car number"), max_length=16, blank=True)
    text = models.CharField(_("message"), max_length=300, blank=True)
    penalty = models.CharField(_("penalty"), max_length=16, choices=Penalty.choices, blank=True)
    penalty_seconds = models.PositiveIntegerField(_("penalty seconds"), null=True, blank=True)
    penalty_positions = models.PositiveSmallIntegerField(_("penalty places"), null=True, blank=True)
    # Announcements of a record or a session best (kind RECORD): which, the lap and its class.
    record = models.CharField(_("record"), max_length=8, choices=Record.choices, blank=True)
    lap_ms = models.PositiveIntegerField(_("lap time (ms)"), null=True, blank=True)
    class_name = models.CharField(_("class"), max_length=120, blank=True)
    public = models.BooleanField(_("public"), default=True)
    author = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("race control message")
        verbose_name_plural = _("race control messages")
        ordering = ["session", "-created_at", "-id"]
        indexes = [models.Index(fields=["session", "created_at"], name="live_rc_session_created")]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.kind} {self.car_number}".strip()

    def board_dict(self) -> dict[str, Any]:
        """The message as the board's `messages` carry it (docs/race-control.md); the board
        translates kinds, flags and penalties itself."""
        return {
            "id": self.pk,
            "kind": self.kind,
            "flag": self.flag,
            "sector": self.sector,
            "car": self.car_number,
            "text": self.text,
            "penalty": self.penalty,
            "penalty_seconds": self.penalty_seconds,
            "penalty_positions": self.penalty_positions,
            "record": self.record,
            "lap_ms": self.lap_ms,
            "class": self.class_name,
            "at": self.created_at.isoformat(timespec="seconds") if self.created_at else None,
        }


class TrackRecord(models.Model):
    """The fastest lap on a circuit layout, outright (`class_name` empty) or in one class, kept
    across events: a live session on the same layout that beats it replaces it."""

    layout = models.CharField(_("circuit layout"), max_length=200)
    class_name = models.CharField(_("class"), max_length=120, blank=True)
    lap_ms = models.PositiveIntegerField(_("lap time (ms)"))
    car_number = models.CharField(_("car number"), max_length=16, blank=True)
    driver_name = models.CharField(_("driver or team"), max_length=200, blank=True)
    session = models.ForeignKey(
        LiveSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set"))

    class Meta:
        verbose_name = _("track record")
        verbose_name_plural = _("track records")
        ordering = ["layout", "class_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["layout", "class_name"], name="live_track_record_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.layout} {self.class_name or '*'} {self.lap_ms}"
