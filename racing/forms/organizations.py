from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from racing.models import Membership, Organization


class UpperCaseCharField(forms.CharField):
    def to_python(self, value: object) -> str:
        return (super().to_python(value) or "").upper()


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "contact_email", "contact_phone", "website", "currency", "time_zone"]
        field_classes = {"currency": UpperCaseCharField}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.STAFF
    )
