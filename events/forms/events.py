from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Discipline, EntryClass, Event, Province, Session, Tier
from events.queries.events import WHEN_ALL, WHEN_PAST, WHEN_UPCOMING, EventFilters
from racing.models import CompetitionClass, Organization
from racing.models.organizations import validate_time_zone


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DATETIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


def in_zone(moment: datetime, zone: str) -> datetime:
    """Re-read a wall-clock time, parsed in the active zone, as a time in `zone`.

    Organizers type times as they read on the circuit's clock: the form parses them in the
    active zone (the event's, set by the view), but a new event's zone is only known once the
    form is read, so its times are re-interpreted here.
    """
    wall_clock = timezone.localtime(moment).replace(tzinfo=None)
    return timezone.make_aware(wall_clock, ZoneInfo(zone))


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "tier",
            "discipline",
            "venue_name",
            "province",
            "city",
            "address",
            "latitude",
            "longitude",
            "time_zone",
            "starts_at",
            "ends_at",
            "all_day",
            "registration_opens_at",
            "registration_closes_at",
            "description",
            "poster",
        ]
        widgets = {name: DateTimeLocalInput() for name in DATETIME_FIELDS}
        help_texts = {
            "starts_at": _("Local time at the venue."),
            "time_zone": _("For example Asia/Shanghai."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.sessions.exists():
            # Without it, an event cannot move past its sessions nor its sessions past the event.
            self.fields["shift_sessions"] = forms.BooleanField(
                label=_("Move the sessions too"),
                required=False,
                initial=True,
                help_text=_(
                    "When the start changes, every session moves by the same amount of time."
                ),
            )
            order = list(self.fields)
            order.remove("shift_sessions")
            order.insert(order.index("all_day"), "shift_sessions")
            self.order_fields(order)

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data["time_zone"].strip()
        validate_time_zone(zone)
        return zone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        zone = cleaned.get("time_zone")
        if zone:
            for name in DATETIME_FIELDS:
                if cleaned.get(name):
                    cleaned[name] = in_zone(cleaned[name], zone)
        return cleaned


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["kind", "name", "starts_at", "ends_at", "format", "rules"]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "rules": forms.Textarea(attrs={"rows": 8, "class": "mono", "spellcheck": "false"}),
        }
        help_texts = {
            "rules": _(
                "JSON. Leave {} for the preset of the event's tier; every rule left out takes its "
                "default. Timed runs: runs, runs_counted (1 = best run, K = sum of the best K), "
                "penalty_ms_per_cone (2000 = 2 s), penalty_ms_per_gate, off_course_ms (0 = an "
                'off-course run does not count) and class_index, e.g. {"NEV A": 0.85}.'
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rules"].required = False
        # A form that leaves the format out (an older client, a script) keeps the session's
        # format, a race for a new one; the page always offers the choice, the current one
        # selected.
        self.fields["format"].required = False

    def clean_format(self) -> str:
        return str(self.cleaned_data.get("format") or self.instance.format)

    def clean_rules(self) -> Any:
        return self.cleaned_data.get("rules") or {}


PAYMENT_PROVIDER_CHOICES = [
    ("wechatpay", _("WeChat Pay (your merchant account)")),
    ("alipay", _("Alipay (your merchant account)")),
    ("stripe", _("Card and international wallets (Stripe)")),
]


class EntryClassForm(forms.ModelForm):
    payment_providers = forms.MultipleChoiceField(
        label=_("Online payment"),
        choices=PAYMENT_PROVIDER_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Which ways to pay online this class offers. None ticked: every way connected for "
            "your organization. A way that is not connected is never offered."
        ),
    )

    class Meta:
        model = EntryClass
        fields = [
            "competition_class",
            "name",
            "capacity",
            "fee",
            "early_bird_fee",
            "early_bird_deadline",
            "approval_required",
            "allows_additional_entry",
            "damage_deposit",
            "payment_providers",
            "car_number_min",
            "car_number_max",
            "position",
        ]
        widgets = {"early_bird_deadline": DateTimeLocalInput()}
        error_messages = {
            "capacity": {"min_value": _("Capacity cannot be negative.")},
            "fee": {"min_value": _("A fee cannot be negative.")},
            "early_bird_fee": {"min_value": _("A fee cannot be negative.")},
            "damage_deposit": {"min_value": _("A deposit cannot be negative.")},
            "car_number_min": {"min_value": _("Car numbers cannot be negative.")},
            "car_number_max": {"min_value": _("Car numbers cannot be negative.")},
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["competition_class"]
        field.required = True
        field.queryset = CompetitionClass.objects.filter(  # type: ignore[attr-defined]
            organization=organization, is_archived=False
        ).order_by("tier", "name")
        field.help_text = _(
            "Its eligibility rules decide who may enter. Classes are managed on your "
            "organization's pages."
        )
        # Most classes take no deposit: an empty field means none.
        self.fields["damage_deposit"].required = False

    def clean_damage_deposit(self) -> Decimal:
        value = self.cleaned_data.get("damage_deposit")
        return Decimal(0) if value is None else value


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Shown on the event page and in subscribed calendars."),
    )


class DuplicateEventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("New start"),
        widget=DateTimeLocalInput(),
        help_text=_("The schedule, classes and registration window move by the same amount."),
    )

    @classmethod
    def for_event(cls, event: Event, data: Any = None) -> DuplicateEventForm:
        # 52 weeks later: the same weekday next season.
        return cls(
            data,
            initial={"title": event.title, "starts_at": event.starts_at + timedelta(weeks=52)},
        )


MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2027-05.")}

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH_RE.match(value)
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match[1]), int(match[2])
        if not (1 <= month <= 12 and 1900 < year < 2200):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(year, month, 1)


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=_blank(_("All tiers")) + Tier.choices
    )
    discipline = forms.ChoiceField(
        label=_("Discipline"),
        required=False,
        choices=_blank(_("All disciplines")) + Discipline.choices,
    )
    province = forms.ChoiceField(
        label=_("Province"),
        required=False,
        choices=_blank(_("All provinces")) + Province.choices,
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    month = MonthField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[
            ("", _("Upcoming")),
            (WHEN_PAST, _("Past")),
            (WHEN_ALL, _("All dates")),
        ],
    )
    registration_open = forms.BooleanField(label=_("Registration open"), required=False)

    def filters(self) -> EventFilters:
        """The valid filters; an invalid one is reported on the form and otherwise ignored."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        if data.get("when") == WHEN_UPCOMING:
            data["when"] = ""
        return EventFilters.from_mapping(data)
