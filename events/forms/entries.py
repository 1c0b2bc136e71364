"""Forms of the registration pages (driver side and staff side)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from events.engine import money
from events.models import Entry, EntryClass, Event
from events.models.events import MONEY_DIGITS, MONEY_PLACES
from racing.models import Vehicle


def class_choice_value(entry_class: EntryClass, fee_minor: int) -> str:
    # The fee the driver saw travels with the choice, so a changed or tampered fee is caught.
    return f"{entry_class.pk}:{fee_minor}"


class EntryForm(forms.Form):
    # A CharField with radio buttons rather than a ChoiceField: a fee that changed since the page
    # was shown must reach the service, which explains the new fee, not "invalid choice".
    entry_class = forms.CharField(label=_("Class"), widget=forms.RadioSelect)
    vehicle = forms.ModelChoiceField(
        label=_("Vehicle"),
        queryset=Vehicle.objects.none(),
        required=False,
        empty_label=_("No vehicle (arrive and drive, or navigator)"),
        help_text=_("A vehicle from your garage."),
    )
    preferred_car_number = forms.IntegerField(
        label=_("Preferred car number"),
        required=False,
        min_value=1,
        max_value=9999,
        help_text=_("Given to you if it is free and within the class's range."),
    )
    co_driver_email = forms.EmailField(
        label=_("Co-driver or navigator (e-mail)"),
        required=False,
        help_text=_("They receive an e-mail and confirm with their own account."),
    )
    join_waitlist = forms.BooleanField(
        label=_("If the class is full, put me on its waiting list"), required=False
    )
    event_sequence = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        event: Event,
        classes: list[tuple[EntryClass, int]],
        driver: Any,
        offered: set[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only the driver's own garage: another driver's vehicle id is "not a valid choice".
        cast(forms.ModelChoiceField, self.fields["vehicle"]).queryset = Vehicle.objects.filter(
            owner__user=driver
        )
        self.event = event
        currency = event.organization.currency
        self.class_ids = {entry_class.pk for entry_class, _fee in classes}
        self.class_choices = [
            (
                entry_class.pk,
                class_choice_value(entry_class, fee_minor),
                f"{entry_class.name} — {money.from_minor_units(fee_minor, currency)} {currency}",
            )
            for entry_class, fee_minor in classes
        ]
        self.offer_only(offered)
        self.fields["event_sequence"].initial = event.sequence

    def offer_only(self, offered: set[int] | None) -> None:
        """Show as choices only the classes in `offered` (None: all). Classes the driver cannot
        enter are listed with the reasons instead; a stale page posting one still reaches the
        service, which gives the reasons again. Validation does not depend on it, so a POST can
        be checked before the reasons are worked out (only a page shown again needs them)."""
        self.fields["entry_class"].widget.choices = [
            (value, label)
            for class_id, value, label in self.class_choices
            if offered is None or class_id in offered
        ]

    def clean_entry_class(self) -> tuple[int, int]:
        class_id, _sep, fee = self.cleaned_data["entry_class"].partition(":")
        if not (class_id.isdigit() and fee.isdigit()) or int(class_id) not in self.class_ids:
            raise forms.ValidationError(_("Choose one of this event's classes."))
        return int(class_id), int(fee)

    def clean_co_driver_email(self) -> str:
        return self.cleaned_data["co_driver_email"].strip().lower()


class StaffEntryForm(forms.Form):
    checked_in = forms.BooleanField(label=_("Checked in"), required=False)
    scrutineering = forms.ChoiceField(label=_("Scrutineering"), choices=Entry.Scrutineering.choices)
    scrutineering_notes = forms.CharField(
        label=_("Scrutineering notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    transponder = forms.CharField(
        label=_("Transponder number"),
        max_length=20,
        required=False,
        help_text=_("The number live timing reports for this car."),
    )
    car_number = forms.IntegerField(
        label=_("Car number"), required=False, min_value=1, max_value=9999
    )

    def clean_transponder(self) -> str:
        value = self.cleaned_data["transponder"].strip()
        if value and not value.isalnum():
            raise forms.ValidationError(_("Use digits and letters only."))
        return value


class EntryEmailForm(forms.Form):
    entry_class = forms.TypedChoiceField(
        label=_("To"), coerce=int, required=False, empty_value=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["entry_class"]).choices = [
            ("", _("All confirmed and pending entries"))
        ] + [(c.pk, c.name) for c in event.entry_classes.all()]


class DepositCaptureForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount kept for damage"),
        min_value=Decimal("0.01"),
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        error_messages={
            "min_value": _("Enter an amount above zero; to give everything back, release it."),
            "invalid": _("Enter the amount as a number, for example 500 or 500.50."),
            "max_decimal_places": _("Enter at most two decimals."),
            "max_digits": _("That amount is too large."),
            "max_whole_digits": _("That amount is too large."),
        },
    )
    note = forms.CharField(
        label=_("What was damaged"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the driver with the amount."),
        error_messages={"required": _("Say what the damage is: the driver receives this note.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class RefundPolicyForm(forms.Form):
    full_refund_days = forms.IntegerField(
        label=_("Full refund until (days before the event)"), min_value=0, max_value=365
    )
    partial_refund_days = forms.IntegerField(
        label=_("Partial refund until (days before the event)"), min_value=0, max_value=365
    )
    partial_refund_percent = forms.IntegerField(
        label=_("Partial refund (%)"), min_value=0, max_value=100
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        full, partial = data.get("full_refund_days"), data.get("partial_refund_days")
        if full is not None and partial is not None and partial > full:
            self.add_error(
                "partial_refund_days",
                _("The partial refund must end on or after the full refund ends."),
            )
        return data
