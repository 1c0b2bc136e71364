"""The filters of an event's audit trail; its rows and their labels: events/queries/audit.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.queries.audit import KINDS


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Changes"), choices=KINDS, required=False)
    q = forms.CharField(label=_("Driver or car number"), required=False, max_length=100, strip=True)
    since = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
