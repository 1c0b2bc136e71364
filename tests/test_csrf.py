from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from racing.models import Organization

pytestmark = pytest.mark.django_db


def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(driver):
    client = Client(enforce_csrf_checks=True)
    client.force_login(driver)
    response = client.post(
        reverse("racing:organization-create"),
        {
            "name": "Forged Club",
            "contact_email": "f@x.test",
            "currency": "CNY",
            "time_zone": "Asia/Shanghai",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
    assert not Organization.objects.filter(name="Forged Club").exists()


def test_a_post_with_the_token_from_the_form_is_accepted(driver):
    client = Client(enforce_csrf_checks=True)
    client.force_login(driver)
    client.get(reverse("racing:organization-create"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("racing:organization-create"),
        {
            "name": "Real Club",
            "contact_email": "r@x.test",
            "currency": "CNY",
            "time_zone": "Asia/Shanghai",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert Organization.objects.filter(name="Real Club").exists()
