"""Forms for setting up a championship: its scale, classes and rounds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import Championship, ChampionshipClass, Session
from racing.models import Organization


class PointsListField(forms.CharField):
    """``25, 18, 15, 12`` in the form; a list of whole numbers in the model."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        items = [item.strip() for item in text.replace("，", ",").split(",")]
        if not all(item.isdigit() for item in items):
            raise ValidationError(
                _("Write the points as whole numbers separated by commas, e.g. 25, 18, 15."),
                code="bad_points",
            )
        return [int(item) for item in items]


class ChampionshipForm(forms.ModelForm):
    position_points = PointsListField(
        label=_("Points by position"),
        help_text=_("From the winner down, separated by commas, e.g. 25, 18, 15, 12, 10."),
    )

    class Meta:
        model = Championship
        fields = [
            "name",
            "season",
            "description",
            "is_public",
            "position_points",
            "pole_points",
            "fastest_lap_points",
            "fastest_lap_top",
            "finishing_points",
            "starting_points",
            "drop_worst",
            "dsq_droppable",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


ClassFormSet = forms.inlineformset_factory(
    Championship,
    ChampionshipClass,
    fields=["name", "promote_top", "promote_to", "promote_min_rounds"],
    extra=2,
    can_delete=True,
)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Session) -> str:
        return f"{obj.event.title} · {obj.display_name}"


class RoundForm(forms.Form):
    session = SessionChoiceField(queryset=Session.objects.none(), label=_("Scoring session"))
    qualifying_session = SessionChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label=_("Qualifying session (for pole)"),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sessions = (
            Session.objects.filter(event__organization=organization)
            .select_related("event")
            .order_by("-starts_at")
        )
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
        self.fields["qualifying_session"].queryset = sessions  # type: ignore[attr-defined]
