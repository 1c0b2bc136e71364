"""Permission-checked getters for organizer pages.

A user who is not a member of an organization gets 404, so that the existence of another
organization's objects is not revealed; a member lacking the owner role gets 403.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from racing.models import Membership, Organization


def get_membership(user: User | AnonymousUser, slug: str, *, owner: bool = False) -> Membership:
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organization")
        .filter(organization__slug=slug, user=user)
        .first()
    )
    if membership is None:
        raise Http404
    if owner and not membership.is_owner:
        raise PermissionDenied
    return membership


def get_organization_for_staff(
    user: User | AnonymousUser, slug: str, *, owner: bool = False
) -> Organization:
    return get_membership(user, slug, owner=owner).organization
