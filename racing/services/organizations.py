from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from config.mail import Delivery, Mail, send_after_commit
from racing.engine.slugs import unique_slug
from racing.exceptions import InvitationError
from racing.models import Invitation, Membership, Organization
from racing.models.organizations import INVITATION_VALID_DAYS


def organization_slug(name: str) -> str:
    return unique_slug(
        slugify(name, allow_unicode=False)[:70],
        lambda slug: Organization.objects.filter(slug=slug).exists(),
        fallback="org",
    )


@transaction.atomic
def create_organization(
    *, owner: User, name: str, contact_email: str, slug: str = "", **fields: str
) -> Organization:
    organization = Organization.objects.create(
        name=name, slug=slug or organization_slug(name), contact_email=contact_email, **fields
    )
    Membership.objects.create(organization=organization, user=owner, role=Membership.Role.OWNER)
    return organization


def invite_staff(
    *,
    organization: Organization,
    invited_by: User,
    email: str,
    role: str = Membership.Role.STAFF,
) -> Invited:
    email = email.strip()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise InvitationError(
            _("%(email)s is already a member of this organization.") % {"email": email}
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organization=organization, email=email, role=role, invited_by=invited_by
            )
    except IntegrityError as exc:
        raise InvitationError(
            _("An invitation for %(email)s is already pending.") % {"email": email}
        ) from exc
    return Invited(invitation, _send_invitation(invitation, translation.get_language()))


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    # Filled in once the mail has been tried (after commit): the view tells the owner if it failed.
    deliveries: list[Delivery]

    @property
    def mail_failed(self) -> bool:
        return any(delivery.failed for delivery in self.deliveries)


def resend_invitation(*, organization: Organization, invitation_id: int) -> Invited:
    invitation = (
        Invitation.objects.filter(organization=organization, accepted_at__isnull=True)
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation does not exist."))
    # Sending again also renews an expired invitation: a pending one blocks inviting the same
    # address anew, so this is the owner's only way to reach that person again.
    invitation.expires_at = timezone.now() + timedelta(days=INVITATION_VALID_DAYS)
    invitation.save(update_fields=["expires_at"])
    return Invited(invitation, _send_invitation(invitation, translation.get_language()))


def _send_invitation(invitation: Invitation, language: str | None) -> list[Delivery]:
    url = settings.PADDOCK_SITE_URL.rstrip("/") + reverse(
        "racing:invitation-accept", kwargs={"token": invitation.token}
    )
    with translation.override(language):
        context = {"invitation": invitation, "url": url}
        subject = _("You are invited to join %(organization)s on Paddock") % {
            "organization": invitation.organization.name
        }
        body = render_to_string("racing/email/invitation.txt", context)
    return send_after_commit([Mail(subject=subject, body=body, to=[invitation.email])])


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Membership:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organization")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation does not exist."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired. Ask the organization for a new one."))
    user_email = getattr(user, "email", "") or ""
    if user_email.lower() != invitation.email.lower():
        raise InvitationError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership, _created = Membership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
