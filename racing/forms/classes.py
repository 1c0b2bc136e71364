"""The organizer's competition class form: the class itself, its rules and accepted licences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from racing.engine.eligibility import AgeBand, ClassRules, LicenceRequirement, RulesError
from racing.forms.drivers import GradeChoiceField
from racing.models import CompetitionClass, Discipline, LicenceGrade, LicenceIssuer, Powertrain


class CompetitionClassForm(forms.ModelForm):
    slug = forms.SlugField(
        label=_("Address"),
        required=False,
        help_text=_(
            "Letters, digits and hyphens for the page address; made from the name if empty."
        ),
    )

    class Meta:
        model = CompetitionClass
        fields = ["name", "slug", "tier", "discipline", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def _siblings(self) -> Any:
        return CompetitionClass.objects.filter(organization=self.organization).exclude(
            pk=self.instance.pk
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self._siblings().filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("Your organization already has a class with this name."), code="duplicate"
            )
        return name

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug and self._siblings().filter(slug=slug).exists():
            raise forms.ValidationError(
                _("Another class of your organization uses this address."), code="duplicate"
            )
        return slug


def non_negative_decimal(label: Any, *, max_value: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_value=max_value, decimal_places=1
    )


def optional_int(
    label: Any, *, min_value: int = 0, max_value: int = 9999, help_text: Any = ""
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=min_value,
        max_value=max_value,
        help_text=help_text,
    )


class RulesForm(forms.Form):
    """The rule kinds as plain fields; `rules()` turns them into the engine's ClassRules."""

    temporary_licence_allowed = forms.BooleanField(
        label=_("Temporary licences are accepted"), required=False
    )
    medical_required = forms.BooleanField(
        label=_("A valid licence medical is required"), required=False
    )
    rookie_class = forms.BooleanField(
        label=_("Rookie class"),
        required=False,
        help_text=_(
            "A class for newcomers. Only rookie classes accept licences issued on the spot."
        ),
    )
    on_the_spot_max_events = optional_int(
        _("Licences issued on the spot: only in rookie classes, for the holder's first N events"),
        min_value=1,
        max_value=99,
        help_text=_(
            "N, for example 3: events the holder has started, with a confirmed entry, before "
            "this one. In a class that is not a rookie class, any number refuses such licences. "
            "Empty: a licence issued on the spot counts like any other."
        ),
    )
    team_licence_required = forms.BooleanField(
        label=_("A team licence is required"),
        required=False,
        help_text=_(
            "The driver must have a team licence on their profile, valid on the event date."
        ),
    )
    min_age = optional_int(_("Minimum age"), max_value=99)
    max_age = optional_int(_("Maximum age"), max_value=99)
    age_by_calendar_year = forms.BooleanField(
        label=_("Count ages by calendar year (the age reached during the event's year)"),
        required=False,
    )
    min_driver_weight_kg = non_negative_decimal(_("Minimum driver weight (kg)"), max_value=250)
    road_licence_years = optional_int(
        _("Road driving licence held for at least (years)"), max_value=50
    )
    powertrains = forms.MultipleChoiceField(
        label=_("Allowed powertrains"),
        choices=Powertrain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any powertrain."),
    )
    vehicle_year_min = optional_int(_("Vehicle built in or after"), min_value=1886, max_value=2100)
    vehicle_year_max = optional_int(_("Vehicle built in or before"), min_value=1886, max_value=2100)
    max_power_kw = non_negative_decimal(_("Maximum power (kW)"), max_value=3000)
    max_displacement_cc = optional_int(_("Maximum engine displacement (cc)"), max_value=20000)
    battery_kwh_min = non_negative_decimal(_("Minimum battery (kWh)"), max_value=500)
    battery_kwh_max = non_negative_decimal(_("Maximum battery (kWh)"), max_value=500)
    homologation_required = forms.BooleanField(
        label=_("Homologated chassis and engine required (karting)"), required=False
    )
    classic_certificate_required = forms.BooleanField(
        label=_("Classic-vehicle certificate required"), required=False
    )
    navigator_required = forms.BooleanField(
        label=_("A navigator or co-driver is required"), required=False
    )
    navigator_needs_licence = forms.BooleanField(
        label=_("The navigator needs an accepted licence too"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        pairs = [
            ("min_age", "max_age", _("The minimum age is above the maximum age.")),
            (
                "vehicle_year_min",
                "vehicle_year_max",
                _("The earliest year of manufacture is after the latest."),
            ),
            ("battery_kwh_min", "battery_kwh_max", _("The minimum battery is above the maximum.")),
        ]
        for low, high, message in pairs:
            a, b = cleaned.get(low), cleaned.get(high)
            if a is not None and b is not None and a > b:
                self.add_error(low, message)
        return cleaned

    def rules(self, licences: tuple[LicenceRequirement, ...]) -> ClassRules:
        c = self.cleaned_data
        age = None
        if c.get("min_age") is not None or c.get("max_age") is not None:
            age = AgeBand(c.get("min_age"), c.get("max_age"), bool(c.get("age_by_calendar_year")))
        return ClassRules(
            licences=licences,
            temporary_licence_allowed=bool(c.get("temporary_licence_allowed")),
            medical_required=bool(c.get("medical_required")),
            age=age,
            min_driver_weight_kg=c.get("min_driver_weight_kg"),
            road_licence_years=c.get("road_licence_years") or None,
            powertrains=tuple(c.get("powertrains") or ()),
            vehicle_year_min=c.get("vehicle_year_min"),
            vehicle_year_max=c.get("vehicle_year_max"),
            max_power_kw=c.get("max_power_kw"),
            max_displacement_cc=c.get("max_displacement_cc"),
            battery_kwh_min=c.get("battery_kwh_min"),
            battery_kwh_max=c.get("battery_kwh_max"),
            homologation_required=bool(c.get("homologation_required")),
            classic_certificate_required=bool(c.get("classic_certificate_required")),
            navigator_required=bool(c.get("navigator_required")),
            navigator_needs_licence=bool(c.get("navigator_needs_licence")),
            rookie_class=bool(c.get("rookie_class")),
            on_the_spot_max_events=c.get("on_the_spot_max_events"),
            team_licence_required=bool(c.get("team_licence_required")),
        )

    @staticmethod
    def initial_from(rules: ClassRules) -> dict[str, Any]:
        initial: dict[str, Any] = {
            key: value
            for key, value in rules.to_dict().items()
            if key not in {"licences", "age", "powertrains"}
        }
        initial["temporary_licence_allowed"] = rules.temporary_licence_allowed
        initial["powertrains"] = list(rules.powertrains)
        if rules.age is not None:
            initial.update(
                min_age=rules.age.min_age,
                max_age=rules.age.max_age,
                age_by_calendar_year=rules.age.by_calendar_year,
            )
        return initial


class LicenceRequirementForm(forms.Form):
    issuer = forms.ModelChoiceField(
        label=_("Issuer"), queryset=LicenceIssuer.objects.all(), to_field_name="code"
    )
    # A blank first choice, so that an untouched extra row submits nothing and is skipped.
    discipline = forms.ChoiceField(
        label=_("Discipline"), choices=[("", "---------"), *Discipline.choices]
    )
    min_grade = GradeChoiceField(
        label=_("Minimum grade"),
        queryset=LicenceGrade.objects.select_related("issuer"),
        required=False,
        help_text=_("Empty: any grade of this issuer."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        issuer, grade = cleaned.get("issuer"), cleaned.get("min_grade")
        if issuer and grade and grade.issuer_id != issuer.pk:
            self.add_error("min_grade", _("This grade belongs to another issuer."))
        return cleaned


class BaseLicenceRequirementFormSet(BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[tuple[str, str]] = set()
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            key = (data["issuer"].code, data["discipline"])
            if key in seen:
                raise forms.ValidationError(
                    _("Each issuer and discipline may be listed only once."), code="duplicate"
                )
            seen.add(key)

    def requirements(self) -> tuple[LicenceRequirement, ...]:
        return tuple(
            LicenceRequirement(
                f.cleaned_data["issuer"].code,
                f.cleaned_data["discipline"],
                f.cleaned_data["min_grade"].code if f.cleaned_data.get("min_grade") else None,
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        )

    @staticmethod
    def initial_from(rules: ClassRules) -> list[dict[str, Any]]:
        grades = {(g.issuer.code, g.code): g for g in LicenceGrade.objects.select_related("issuer")}
        return [
            {
                "issuer": r.issuer,
                "discipline": r.discipline,
                "min_grade": grades.get((r.issuer, r.min_grade or "")),
            }
            for r in rules.licences
        ]


LicenceRequirementFormSet = formset_factory(
    LicenceRequirementForm,
    formset=BaseLicenceRequirementFormSet,
    extra=2,
    can_delete=True,
    max_num=12,
    validate_max=True,
)


def build_rules(
    rules_form: RulesForm, licence_formset: BaseLicenceRequirementFormSet
) -> ClassRules | None:
    """The validated rules, or None with an error added to the rules form."""
    rules = rules_form.rules(licence_formset.requirements())
    if rules.navigator_needs_licence and not rules.licences:
        rules_form.add_error(
            "navigator_needs_licence", _("List at least one accepted licence first.")
        )
        return None
    if rules.on_the_spot_max_events is not None and not rules.licences:
        rules_form.add_error(
            "on_the_spot_max_events", _("List at least one accepted licence first.")
        )
        return None
    try:
        return ClassRules.from_dict(rules.to_dict())
    except RulesError as exc:  # a guard: the fields above should already refuse this
        rules_form.add_error(None, str(exc))
        return None
