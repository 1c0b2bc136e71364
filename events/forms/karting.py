"""Forms of the kart-meeting staff pages: the kart fleet for a draw, and a driver on the scales."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_KARTS = 200
_RANGE = re.compile(r"^(\d{1,4})-(\d{1,4})$")
_KART = re.compile(r"^[A-Za-z0-9]{1,8}$")


def parse_karts(text: str) -> list[str]:
    """Kart numbers from "1-12, 15, 20" (ranges and single numbers, commas or spaces)."""
    karts: list[str] = []
    normalised = re.sub(r"\s*-\s*", "-", text.replace("，", ","))
    for part in re.split(r"[,\s]+", normalised.strip()):
        if not part:
            continue
        match = _RANGE.match(part)
        if match:
            low, high = int(match.group(1)), int(match.group(2))
            if low > high or high - low >= MAX_KARTS:
                raise forms.ValidationError(
                    _("“%(part)s” is not a range of karts."), params={"part": part}
                )
            karts.extend(str(n) for n in range(low, high + 1))
        elif _KART.match(part):
            karts.append(part)
        else:
            raise forms.ValidationError(
                _("“%(part)s” is not a kart number."), params={"part": part}
            )
    if len(set(karts)) != len(karts):
        raise forms.ValidationError(_("A kart is listed twice."))
    if len(karts) > MAX_KARTS:
        raise forms.ValidationError(
            _("At most %(max)s karts can be drawn."), params={"max": MAX_KARTS}
        )
    return karts


class KartDrawForm(forms.Form):
    karts = forms.CharField(
        label=_("Karts to draw from"),
        max_length=2000,
        help_text=_("Kart numbers, for example “1-12, 15”. Leave out karts that are not running."),
    )

    def clean_karts(self) -> list[str]:
        karts = parse_karts(self.cleaned_data["karts"])
        if not karts:
            raise forms.ValidationError(_("Give the karts to draw from."))
        return karts


class WeightForm(forms.Form):
    car_number = forms.CharField(
        label=_("Car"), max_length=8, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    weight_kg = forms.DecimalField(
        label=_("Weight with racing gear (kg)"),
        min_value=Decimal(15),
        max_value=Decimal(250),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )

    def clean_car_number(self) -> Any:
        return self.cleaned_data["car_number"].strip()
