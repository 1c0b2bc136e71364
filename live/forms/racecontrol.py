from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from live.models import RaceControlMessage

KINDS = [(v, label) for v, label in RaceControlMessage.Kind.choices if v != "record"]


class RaceControlForm(forms.Form):
    """One message from race control; the service checks what each kind needs."""

    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    flag = forms.ChoiceField(
        label=_("Flag"), choices=[("", "—"), *RaceControlMessage.Flag.choices], required=False
    )
    sector = forms.IntegerField(
        label=_("Sector"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("Empty: the whole track."),
    )
    car_number = forms.CharField(label=_("Car number"), max_length=16, required=False)
    penalty = forms.ChoiceField(
        label=_("Penalty"),
        choices=[("", "—"), *RaceControlMessage.Penalty.choices],
        required=False,
    )
    penalty_seconds = forms.IntegerField(
        label=_("Seconds"), min_value=1, max_value=3600, required=False
    )
    penalty_positions = forms.IntegerField(
        label=_("Places"), min_value=1, max_value=100, required=False
    )
    text = forms.CharField(
        label=_("Message or reason"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    public = forms.BooleanField(label=_("Show on the public board"), required=False, initial=True)


class PitMarkForm(forms.Form):
    car = forms.CharField(label=_("Car number"), max_length=16)
    pit_in = forms.TypedChoiceField(
        label=_("Pit lane"),
        choices=[("in", _("In")), ("out", _("Out"))],
        coerce=lambda value: value == "in",
    )
