"""Forms for a driver's profile, licences and garage."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from racing.models import (
    DriverProfile,
    Licence,
    LicenceGrade,
    LicenceIssuer,
    LicenceKind,
    Vehicle,
)
from racing.storage import scan_content_type

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PrivateFileInput(forms.ClearableFileInput):
    """Never prints the file's URL: private files have none, only a permission-checked view."""

    template_name = "racing/widgets/private_file.html"

    def is_initial(self, value: Any) -> bool:
        # The parent asks for value.url, which a URL-less storage answers with an exception.
        return bool(value and getattr(value, "name", None))


class DriverProfileForm(forms.ModelForm):
    # Separate from the terms and from the guardian's consent to take part: PIPL asks for a
    # specific consent to process sensitive personal information, recorded with its version.
    sensitive_consent = forms.BooleanField(
        label=_(
            "I consent to Paddock processing my identity document, medical and emergency "
            "contact details and licence scans as the privacy notice says (for a rider under "
            "14: the guardian named below consents)."
        ),
        required=True,
        error_messages={
            "required": _(
                "Without this consent we cannot keep these details, and events cannot accept "
                "your entry."
            )
        },
    )

    def __init__(self, *args: Any, has_consent: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sensitive_consent"].initial = has_consent

    class Meta:
        model = DriverProfile
        fields = [
            "name_zh",
            "name_latin",
            "date_of_birth",
            "nationality",
            "id_type",
            "id_number",
            "phone",
            "weight_kg",
            "road_licence_since",
            "blood_type",
            "medical_notes",
            "guardian_name",
            "guardian_relationship",
            "guardian_phone",
            "guardian_id_number",
            "guardian_consent",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "road_licence_since": DateInput(),
            "medical_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        born, since = cleaned.get("date_of_birth"), cleaned.get("road_licence_since")
        if born and since and since <= born:
            self.add_error(
                "road_licence_since", _("The road licence cannot predate your date of birth.")
            )
        return cleaned


class EmergencyContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    relationship = forms.CharField(label=_("Relationship"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=40)


class BaseEmergencyContactFormSet(BaseFormSet):
    # Django's own "Please submit at least 1 form." speaks of forms, not of who to call.
    default_error_messages = {
        "too_few_forms": _(
            "Add at least one emergency contact: their name, how they are related to you and "
            "a phone number."
        ),
        "too_many_forms": _("Five emergency contacts at most."),
    }


EmergencyContactFormSet = formset_factory(
    EmergencyContactForm,
    formset=BaseEmergencyContactFormSet,
    extra=1,
    min_num=1,
    validate_min=True,
    max_num=5,
    validate_max=True,
)


class GradeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.issuer.code} · {obj.name}"


class IssuerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.name}"


class LicenceForm(forms.ModelForm):
    issuer = IssuerChoiceField(label=_("Issuer"), queryset=LicenceIssuer.objects.all())
    grade = GradeChoiceField(
        label=_("Grade"),
        queryset=LicenceGrade.objects.select_related("issuer"),
        required=False,
        help_text=_(
            "Leave empty only for a temporary licence without a grade, or for a team licence."
        ),
    )

    class Meta:
        model = Licence
        fields = [
            "kind",
            "team_name",
            "issuer",
            "discipline",
            "grade",
            "number",
            "valid_from",
            "valid_to",
            "medical_valid_to",
            "is_temporary",
            "issued_on_the_spot",
            "document",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "medical_valid_to": DateInput(),
            "document": PrivateFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out, a licence is the driver's own competition licence, as before team licences.
        self.fields["kind"].required = False

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or LicenceKind.COMPETITION

    def clean_document(self) -> Any:
        document = self.cleaned_data.get("document")
        if isinstance(document, UploadedFile) and (document.size or 0) > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="too_large")
        if isinstance(document, UploadedFile) and scan_content_type(document) is None:
            raise forms.ValidationError(
                _("This file is not a PDF, JPEG or PNG document. Upload a scan or a photo."),
                code="not_a_scan",
            )
        return document


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = [
            "make",
            "model",
            "year",
            "powertrain",
            "vin",
            "plate",
            "displacement_cc",
            "power_kw",
            "battery_kwh",
            "weight_kg",
            "kart_chassis_homologation",
            "kart_engine_homologation",
            "classic_certificate",
        ]
        # The model's "weight (kg)" is shared with the driver's, and Chinese names the two
        # differently: a person's 体重, a vehicle's 整备质量.
        labels = {"weight_kg": pgettext_lazy("of a vehicle", "weight (kg)")}
