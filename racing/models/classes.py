from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from racing.engine import eligibility
from racing.models.licences import Discipline
from racing.models.organizations import Organization


class Tier(models.TextChoices):
    NATIONAL = "national", _("National")
    LOCAL_HERITAGE = "local_heritage", _("Local heritage")
    KARTING = "karting", _("Karting")
    NEV = "nev", _("NEV / smart car")


def validate_rules(value: Any) -> None:
    try:
        eligibility.ClassRules.from_dict(value)
    except eligibility.RulesError as exc:
        raise ValidationError(
            _("Invalid eligibility rules: %(error)s"), params={"error": exc}, code="rules"
        ) from exc


class CompetitionClass(models.Model):
    """A class an organization runs, reusable across its events.

    `rules` is JSON validated by `racing.engine.eligibility.ClassRules.from_dict` (see that module).
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="competition_classes",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    discipline = models.CharField(_("discipline"), max_length=16, choices=Discipline.choices)
    description = models.TextField(_("description"), blank=True)
    rules = models.JSONField(_("eligibility rules"), default=dict, validators=[validate_rules])
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["organization", "name"]
        verbose_name = _("competition class")
        verbose_name_plural = _("competition classes")
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_class_slug"),
            models.UniqueConstraint(fields=["organization", "name"], name="unique_class_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "racing:class-detail",
            kwargs={"org_slug": self.organization.slug, "class_slug": self.slug},
        )

    @property
    def eligibility_rules(self) -> eligibility.ClassRules:
        return eligibility.ClassRules.from_dict(self.rules)
