from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from racing.exceptions import InvitationError
from racing.models import Invitation, Membership, Organization


def unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:70] or "org"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def create_organization(
    *, owner: User, name: str, contact_email: str, slug: str = "", **fields: str
) -> Organization:
    organization = Organization.objects.create(
        name=name, slug=slug or unique_slug(name), contact_email=contact_email, **fields
    )
    Membership.objects.create(organization=organization, user=owner, role=Membership.Role.OWNER)
    return organization


def invite_staff(
    *,
    organization: Organization,
    invited_by: User,
    email: str,
    role: str = Membership.Role.STAFF,
) -> Invitation:
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
    language = translation.get_language()
    transaction.on_commit(lambda: _send_invitation(invitation, language))
    return invitation


def _send_invitation(invitation: Invitation, language: str | None) -> None:
    url = settings.PADDOCK_SITE_URL.rstrip("/") + reverse(
        "racing:invitation-accept", kwargs={"token": invitation.token}
    )
    with translation.override(language):
        context = {"invitation": invitation, "url": url}
        subject = _("You are invited to join %(organization)s on Paddock") % {
            "organization": invitation.organization.name
        }
        body = render_to_string("racing/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


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
