"""Types shared by views: a request that `login_required` has already vouched for."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
