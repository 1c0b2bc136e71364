"""Writes for an organization's competition classes."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from racing.engine.eligibility import ClassRules
from racing.engine.slugs import unique_slug
from racing.models import CompetitionClass, Organization


def unique_class_slug(
    organization: Organization, name: str, *, exclude_pk: int | None = None
) -> str:
    # One query for the organization's slugs, not one per number tried.
    taken = set(
        CompetitionClass.objects.filter(organization=organization)
        .exclude(pk=exclude_pk or 0)
        .values_list("slug", flat=True)
    )
    return unique_slug(slugify(name)[:70], taken.__contains__, fallback="class")


@transaction.atomic
def save_competition_class(
    *,
    organization: Organization,
    competition_class: CompetitionClass,
    rules: ClassRules,
) -> CompetitionClass:
    competition_class.organization = organization
    if not competition_class.slug:
        competition_class.slug = unique_class_slug(
            organization, competition_class.name, exclude_pk=competition_class.pk
        )
    competition_class.rules = rules.to_dict()
    competition_class.full_clean()
    competition_class.save()
    return competition_class


def archive_competition_class(
    *, competition_class: CompetitionClass, archived: bool = True
) -> None:
    competition_class.is_archived = archived
    competition_class.save(update_fields=["is_archived", "updated_at"])
