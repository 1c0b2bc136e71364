from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from live.models import LiveSession


class StartTimingForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Mode"), choices=LiveSession.Mode.choices, initial=LiveSession.Mode.RACE
    )
    source = forms.ChoiceField(
        label=_("Timing system"),
        choices=[
            (LiveSession.Source.RMONITOR, LiveSession.Source.RMONITOR.label),
            (LiveSession.Source.P3, LiveSession.Source.P3.label),
        ],
        initial=LiveSession.Source.RMONITOR,
    )
    min_lap_seconds = forms.IntegerField(
        label=_("Minimum lap time (seconds)"),
        min_value=1,
        max_value=3600,
        initial=20,
        help_text=_("P3 passings closer together than this are double reads, not laps."),
    )
    feed_encoding = forms.ChoiceField(
        label=_("Feed text encoding"),
        choices=LiveSession.FeedEncoding.choices,
        initial=LiveSession.FeedEncoding.AUTO,
        required=False,
        help_text=_(
            "RMonitor only. Automatic reads UTF-8, Chinese (GBK) and Western names; choose GBK / "
            "GB18030 for timing software on Chinese Windows if a name still shows garbled."
        ),
    )

    layout = forms.CharField(
        label=_("Circuit layout"),
        max_length=200,
        required=False,
        help_text=_(
            "Track and class records are kept per layout, across events. Empty: the event's venue."
        ),
    )
    pit_in_decoder = forms.IntegerField(
        label=_("Pit-in decoder id"),
        min_value=0,
        max_value=2**32 - 1,
        required=False,
        help_text=_("P3 only: a passing at this decoder puts the car in the pit lane."),
    )
    pit_out_decoder = forms.IntegerField(
        label=_("Pit-out decoder id"),
        min_value=0,
        max_value=2**32 - 1,
        required=False,
        help_text=_("P3 only: a passing at this decoder takes the car out of the pit lane."),
    )
    start_decoder_id = forms.IntegerField(
        label=_("Start loop decoder id"),
        required=False,
        min_value=0,
        help_text=_(
            "Timed runs with P3 loops only: the decoder on the start loop and the one on the "
            "finish loop. Leave both empty when staff type the times in."
        ),
    )
    finish_decoder_id = forms.IntegerField(
        label=_("Finish loop decoder id"), required=False, min_value=0
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pit_in, pit_out = data.get("pit_in_decoder"), data.get("pit_out_decoder")
        if pit_in is not None and pit_in == pit_out:
            self.add_error(
                "pit_out_decoder", _("The pit-out decoder must differ from the pit-in one.")
            )
        start, finish = data.get("start_decoder_id"), data.get("finish_decoder_id")
        if (start is None) != (finish is None):
            self.add_error("finish_decoder_id", _("Give both decoder ids, or neither."))
        elif start is not None and start == finish:
            self.add_error("finish_decoder_id", _("The start and finish loops need two decoders."))
        return data

    def clean_feed_encoding(self) -> str:
        # Left out by an older form or a script: the default, as on the model.
        return self.cleaned_data["feed_encoding"] or LiveSession.FeedEncoding.AUTO


class FeedEncodingForm(forms.Form):
    """Change an existing live session's feed text encoding (the start form sets it first)."""

    feed_encoding = forms.ChoiceField(
        label=_("Feed text encoding"), choices=LiveSession.FeedEncoding.choices
    )
