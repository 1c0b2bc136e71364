"""Class rules as sentences in the active language, for organizer and driver pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from racing.engine.eligibility import ClassRules
from racing.models import Discipline, Powertrain


def describe_rules(rules: ClassRules) -> list[str]:
    disciplines = dict(Discipline.choices)
    powertrains = dict(Powertrain.choices)
    lines: list[str] = []
    for r in rules.licences:
        params = {"issuer": r.issuer, "discipline": disciplines.get(r.discipline, r.discipline)}
        if r.min_grade:
            lines.append(
                _("Licence: %(issuer)s %(discipline)s, grade %(grade)s or higher")
                % {**params, "grade": r.min_grade}
            )
        else:
            lines.append(_("Licence: %(issuer)s %(discipline)s, any grade") % params)
    if rules.licences:
        lines.append(
            _("Temporary licences accepted")
            if rules.temporary_licence_allowed
            else _("Temporary licences not accepted")
        )
    if rules.rookie_class:
        lines.append(_("Rookie class"))
    if rules.licences and rules.on_the_spot_max_events is not None:
        lines.append(
            _("Licences issued on the spot accepted for the holder's first %(events)s event(s)")
            % {"events": rules.on_the_spot_max_events}
            if rules.rookie_class
            else _("Licences issued on the spot not accepted: rookie classes only")
        )
    if rules.medical_required:
        lines.append(_("A valid licence medical is required"))
    if rules.team_licence_required:
        lines.append(_("A team licence valid on the event date is required"))
    if rules.age and (rules.age.min_age is not None or rules.age.max_age is not None):
        lines.append(_age_line(rules))
    if rules.min_driver_weight_kg is not None:
        lines.append(_("Driver weight at least %(kg)s kg") % {"kg": rules.min_driver_weight_kg})
    if rules.road_licence_years:
        lines.append(
            _("Road driving licence held for at least %(years)s year(s)")
            % {"years": rules.road_licence_years}
        )
    if rules.powertrains:
        names = _(", ").join(str(powertrains[p]) for p in rules.powertrains)
        lines.append(_("Powertrains: %(names)s") % {"names": names})
    if rules.vehicle_year_min is not None:
        lines.append(_("Built in %(year)s or later") % {"year": rules.vehicle_year_min})
    if rules.vehicle_year_max is not None:
        lines.append(_("Built in %(year)s or earlier") % {"year": rules.vehicle_year_max})
    if rules.max_power_kw is not None:
        lines.append(_("Power at most %(kw)s kW") % {"kw": rules.max_power_kw})
    if rules.max_displacement_cc is not None:
        lines.append(_("Displacement at most %(cc)s cc") % {"cc": rules.max_displacement_cc})
    if rules.battery_kwh_min is not None:
        lines.append(_("Battery at least %(kwh)s kWh") % {"kwh": rules.battery_kwh_min})
    if rules.battery_kwh_max is not None:
        lines.append(_("Battery at most %(kwh)s kWh") % {"kwh": rules.battery_kwh_max})
    if rules.homologation_required:
        lines.append(_("Homologated chassis and engine required"))
    if rules.classic_certificate_required:
        lines.append(_("Classic-vehicle certificate required"))
    if rules.navigator_required:
        lines.append(
            _("Navigator required, with an accepted licence")
            if rules.navigator_needs_licence
            else _("Navigator required; no licence needed")
        )
    return lines or [_("Open to everyone: this class has no eligibility rules.")]


def _age_line(rules: ClassRules) -> str:
    assert rules.age is not None
    low, high, by_year = rules.age.min_age, rules.age.max_age, rules.age.by_calendar_year
    params = {"min": low, "max": high}
    if by_year:
        if low is not None and high is not None:
            return _("Turning %(min)s to %(max)s during the event's year") % params
        if low is not None:
            return _("Turning %(min)s or more during the event's year") % params
        return _("Turning %(max)s or less during the event's year") % params
    if low is not None and high is not None:
        return _("Aged %(min)s to %(max)s on the event date") % params
    if low is not None:
        return _("Aged at least %(min)s on the event date") % params
    return _("Aged at most %(max)s on the event date") % params
