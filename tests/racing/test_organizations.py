from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from racing.models import Invitation, Membership, Organization

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_creates_an_organization_and_becomes_its_owner(client, driver):
    client.force_login(driver)
    response = client.post(
        reverse("racing:organization-create"),
        {
            "name": "Chengdu Kart Club",
            "contact_email": "kart@chengdu.test",
            "currency": "hkd",
            "time_zone": "Asia/Shanghai",
        },
    )
    organization = Organization.objects.get(name="Chengdu Kart Club")
    assert response.status_code == 302
    assert response["Location"] == organization.get_absolute_url()
    assert Membership.objects.get(organization=organization, user=driver).role == "owner"
    assert organization.currency == "HKD"
    assert organization.time_zone == "Asia/Shanghai"


def test_organization_defaults_are_cny_and_shanghai_time(organization):
    assert (organization.currency, organization.time_zone) == ("CNY", "Asia/Shanghai")


def test_the_organizer_home_lists_only_the_users_own_organizations(
    client, organizer, organization, other_organization
):
    client.force_login(organizer)
    page = client.get(reverse("racing:organizer-home")).content.decode()
    assert organization.name in page
    assert other_organization.name not in page


def test_bad_organization_input_gives_field_errors_in_english(client, driver):
    client.force_login(driver)
    response = client.post(
        reverse("racing:organization-create"),
        {"name": "", "contact_email": "not-an-email", "currency": "Y1", "time_zone": "Mars/Base"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "contact_email", "currency", "time_zone"}
    assert "three-letter ISO 4217" in response.content.decode()
    assert not Organization.objects.filter(contact_email="not-an-email").exists()


def test_bad_organization_input_gives_field_errors_in_chinese(client, driver):
    client.force_login(driver)
    response = client.post(
        reverse("racing:organization-create"),
        {"name": "", "contact_email": "x", "currency": "CNY", "time_zone": "Mars/Base"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    page = response.content.decode()
    assert "这个字段是必填项" in page
    assert "不是已知的时区" in page


@pytest.mark.parametrize("url_name", ["racing:organization-detail", "racing:organization-edit"])
def test_another_organizations_pages_are_404_for_an_outsider(
    client, outsider, organization, url_name
):
    client.force_login(outsider)
    assert client.get(reverse(url_name, args=[organization.slug])).status_code == 404


def test_an_outsider_cannot_invite_into_another_organization(client, outsider, organization):
    client.force_login(outsider)
    response = client.post(
        reverse("racing:invitation-create", args=[organization.slug]),
        {"email": "spy@rival.test", "role": "owner"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_an_outsider_cannot_edit_another_organization(client, outsider, organization):
    client.force_login(outsider)
    response = client.post(
        reverse("racing:organization-edit", args=[organization.slug]),
        {"name": "Hijacked", "contact_email": "x@y.test", "currency": "USD", "time_zone": "UTC"},
    )
    assert response.status_code == 404
    organization.refresh_from_db()
    assert organization.name == "Shanghai Motor Club"


def test_staff_see_their_organization_but_only_owners_edit_or_invite(
    client, staff_member, organization
):
    client.force_login(staff_member)
    assert client.get(organization.get_absolute_url()).status_code == 200
    assert (
        client.get(reverse("racing:organization-edit", args=[organization.slug])).status_code == 403
    )
    response = client.post(
        reverse("racing:invitation-create", args=[organization.slug]),
        {"email": "friend@club.test", "role": "staff"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, organization):
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_owner_invites_staff_by_email_and_the_invitee_joins(
    client, organizer, organization, make_user, django_capture_on_commit_callbacks
):
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("racing:invitation-create", args=[organization.slug]),
            {"email": "New.Marshal@club.test", "role": "staff"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    invitation = Invitation.objects.get()
    assert invitation.token in mail.outbox[0].body
    assert mail.outbox[0].to == ["New.Marshal@club.test"]

    invitee = make_user("new.marshal@club.test")
    client.force_login(invitee)
    response = client.post(reverse("racing:invitation-accept", args=[invitation.token]))
    assert response.status_code == 302
    assert Membership.objects.get(organization=organization, user=invitee).role == "staff"
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee


def test_an_invitation_cannot_be_used_by_another_address(client, organizer, organization, driver):
    invitation = Invitation.objects.create(
        organization=organization, email="someone@club.test", invited_by=organizer
    )
    client.force_login(driver)
    client.post(reverse("racing:invitation-accept", args=[invitation.token]))
    assert not Membership.objects.filter(organization=organization, user=driver).exists()


def test_an_expired_invitation_is_refused(client, organizer, organization, make_user):
    invitation = Invitation.objects.create(
        organization=organization,
        email="late@club.test",
        invited_by=organizer,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    invitee = make_user("late@club.test")
    client.force_login(invitee)
    response = client.post(
        reverse("racing:invitation-accept", args=[invitation.token]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_inviting_a_member_twice_or_an_existing_member_is_refused(
    client, organizer, organization, staff_member
):
    client.force_login(organizer)
    url = reverse("racing:invitation-create", args=[organization.slug])
    response = client.post(
        url, {"email": staff_member.email, "role": "staff"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    client.post(url, {"email": "a@club.test", "role": "staff"})
    response = client.post(
        url, {"email": "A@club.test", "role": "staff"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert Invitation.objects.count() == 1
