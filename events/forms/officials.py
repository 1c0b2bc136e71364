"""Adding an official to an event."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import EventOfficial


class OfficialForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Staff member"), coerce=int)
    duty = forms.ChoiceField(label=_("Duty"), choices=EventOfficial.Duty.choices)

    def __init__(self, *args: Any, members: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = members  # type: ignore[attr-defined]
