"""Forms about personal data: a staff reveal, a driver's consent, deletion of an account."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full details?"),
        min_length=5,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("For example: scrutineering, car 12")}),
        help_text=_("The driver sees who revealed their data, when and why."),
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my profile, licences, scans and vehicles are deleted for good."),
        required=True,
    )
    replace_name = forms.BooleanField(
        label=_("Also replace my name in published results with “Withdrawn driver”."),
        required=False,
    )
