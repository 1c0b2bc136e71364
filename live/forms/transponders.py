"""Staff forms naming a transponder's board row: its car number, driver and class."""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from live.models import LiveTransponder

# A P3 transponder is an unsigned 32-bit number.
MAX_TRANSPONDER = 2**32 - 1
# The longest car number official results keep (events.ResultRow.car_number).
MAX_CAR_NUMBER = 8


class TransponderRowForm(forms.Form):
    """What the board shows for a transponder that no entry carries."""

    number = forms.CharField(
        label=_("Car number"),
        max_length=MAX_CAR_NUMBER,
        help_text=_("As shown on the car, up to 8 characters."),
    )
    name = forms.CharField(
        label=_("Driver or team"),
        max_length=LiveTransponder._meta.get_field("name").max_length,
        required=False,
    )
    class_name = forms.CharField(
        label=_("Class"),
        max_length=LiveTransponder._meta.get_field("class_name").max_length,
        required=False,
    )

    def clean_number(self) -> str:
        number: str = self.cleaned_data["number"]
        if any(char.isspace() or _is_control(char) for char in number):
            raise forms.ValidationError(_("A car number has no spaces."))
        return number

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"])

    def clean_class_name(self) -> str:
        return _one_line(self.cleaned_data["class_name"])


def _is_control(char: str) -> bool:
    return unicodedata.category(char).startswith("C")


def _one_line(value: str) -> str:
    if any(_is_control(char) for char in value):
        raise forms.ValidationError(_("Use a single line of text."))
    return value


class NewTransponderForm(TransponderRowForm):
    """A mapping made before the transponder first crosses the line."""

    transponder = forms.CharField(
        label=_("Transponder"),
        max_length=20,
        help_text=_("The number printed on the transponder."),
    )

    field_order = ["transponder", "number", "name", "class_name"]

    def clean_transponder(self) -> int:
        value: str = self.cleaned_data["transponder"].replace(" ", "")
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(_("Enter the transponder number in digits only."))
        transponder = int(value)
        if not 0 < transponder <= MAX_TRANSPONDER:
            raise forms.ValidationError(
                _("A transponder number is between 1 and %(max)s.") % {"max": MAX_TRANSPONDER}
            )
        return transponder
