"""A payer's fapiao request, and staff recording what their e-fapiao platform issued."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from events.models import FapiaoRequest

# The unified social credit code (统一社会信用代码) of a company: 18 characters, letters without
# I, O, Z, S, V; older taxpayer numbers have 15 or 20 characters.
TAX_ID = re.compile(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$|^[0-9A-Z]{15}$|^[0-9A-Z]{20}$"
)
# A fully digital e-fapiao has a 20-digit number; older e-fapiao 8 digits (with a 10-12 digit
# code), kept for platforms that still issue them.
FAPIAO_NUMBER = re.compile(r"^\d{20}$|^\d{8}$")
MAX_FILE_BYTES = 5 * 1024 * 1024
PDF_HEADER = b"%PDF-"
OFD_HEADER = b"PK\x03\x04"  # an OFD file is a ZIP container


class FapiaoRequestForm(forms.Form):
    title_type = forms.ChoiceField(
        label=_("Fapiao for"),
        choices=FapiaoRequest.TitleType.choices,
        widget=forms.RadioSelect,
        initial=FapiaoRequest.TitleType.PERSONAL,
    )
    title = forms.CharField(
        label=_("Title (your name or the company's name)"), max_length=200, strip=True
    )
    tax_id = forms.CharField(
        label=_("Taxpayer identification number"),
        max_length=20,
        required=False,
        strip=True,
        help_text=_("Required for a company: its unified social credit code."),
    )
    email = forms.EmailField(label=_("E-mail to send the fapiao to"))

    def clean_tax_id(self) -> str:
        return (self.cleaned_data.get("tax_id") or "").upper().replace(" ", "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tax_id = data.get("tax_id", "")
        company = data.get("title_type") == FapiaoRequest.TitleType.COMPANY
        if company and not tax_id:
            self.add_error("tax_id", _("A company fapiao needs the company's tax id."))
        elif tax_id and not TAX_ID.match(tax_id):
            self.add_error("tax_id", _("This is not a valid taxpayer identification number."))
        return data


class FapiaoIssueForm(forms.Form):
    number = forms.CharField(
        label=_("Fapiao number"),
        max_length=20,
        strip=True,
        help_text=_("20 digits for a fully digital e-fapiao."),
    )
    file = forms.FileField(label=_("Fapiao file (PDF or OFD)"))

    def clean_number(self) -> str:
        number = (self.cleaned_data.get("number") or "").replace(" ", "")
        if not FAPIAO_NUMBER.match(number):
            raise forms.ValidationError(_("A fapiao number is 20 digits (or 8 for an older one)."))
        return number

    def clean_file(self) -> UploadedFile:
        file = self.cleaned_data["file"]
        if file.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        name = (file.name or "").lower()
        head = file.read(len(PDF_HEADER))
        file.seek(0)
        if name.endswith(".pdf") and head.startswith(PDF_HEADER):
            return file
        if name.endswith(".ofd") and head.startswith(OFD_HEADER):
            return file
        raise forms.ValidationError(_("Upload the fapiao as a PDF or OFD file."))


class FapiaoReversalForm(forms.Form):
    reversal_number = forms.CharField(label=_("Red-letter fapiao number"), max_length=20)

    def clean_reversal_number(self) -> str:
        number = (self.cleaned_data.get("reversal_number") or "").replace(" ", "")
        if not FAPIAO_NUMBER.match(number):
            raise forms.ValidationError(_("A fapiao number is 20 digits (or 8 for an older one)."))
        return number
