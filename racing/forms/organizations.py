from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from racing.models import Membership, Organization
from racing.models.organizations import PRIVATE_DATA_DAYS


class UpperCaseCharField(forms.CharField):
    def to_python(self, value: object) -> str:
        return (super().to_python(value) or "").upper()


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "contact_email",
            "contact_phone",
            "website",
            "currency",
            "time_zone",
            "private_data_days",
        ]
        field_classes = {"currency": UpperCaseCharField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the organization keeps (or gets) the default number of days.
        self.fields["private_data_days"].required = False

    def clean_private_data_days(self) -> int:
        value = self.cleaned_data.get("private_data_days")
        if value is None:
            return self.instance.private_data_days or PRIVATE_DATA_DAYS
        return int(value)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.STAFF
    )
