"""Failed sign-ins are limited per address and per account without locking the owner out.

allauth's own limit counts failures per account from anywhere: five wrong passwords from any
address locked the account for five minutes for its owner too, so anyone could keep a driver out
during a registration opening. Here failures count per address (all accounts) and per account at
that address; the account-wide limit applies only to addresses the account has never signed in
from. An attacker is throttled at their own address, a distributed attack by the account-wide
limit, and the owner still signs in from a network they used before.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.http import HttpRequest

from config.mail import AccountMailAdapter

APP = "allauth.account"
# Rate names in settings.ACCOUNT_RATE_LIMITS: "login_failed" per address and per account at that
# address; "login_failed_account" per account, counted only from addresses not known for it.
PER_ADDRESS = "login_failed"
PER_ACCOUNT = "login_failed_account"
# How long a successful sign-in vouches for its network.
KNOWN_FOR = timedelta(days=90)


def network_of(address: str) -> str:
    """An IPv6 client owns a whole /64: count it as one address, as allauth does."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def known_key(login: str, network: str) -> str:
    digest = hashlib.sha256(f"{login.lower()}|{network}".encode()).hexdigest()
    return f"paddock:signed-in-from:{digest}"


class AccountAdapter(AccountMailAdapter):
    def _network(self, request: HttpRequest) -> str:
        return network_of(self.get_client_ip(request))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login = self._get_login_attempts_cache_key(request, **credentials)
        network = self._network(request)
        usage = ratelimit.consume(request, app=APP, action=PER_ADDRESS, key=f"{login}|{network}")
        if usage and not cache.get(known_key(login, network)):
            account = ratelimit.consume(request, app=APP, action=PER_ACCOUNT, key=login)
            if account is None:
                usage.rollback()  # refused before trying: this attempt is not a failure
                usage = None
            else:
                usage.usage.extend(account.usage)
        # allauth's authenticate() rolls this back when the password is right.
        self._login_failed_rl_usage = usage
        if not usage:
            raise self.validation_error("too_many_login_attempts")

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        network = self._network(request)
        # Any of the account's addresses may be typed at the next sign-in.
        emails = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
        if user.email:
            emails.add(user.email)
        logins = [self._get_login_attempts_cache_key(request, email=email) for email in emails]
        cache.set_many(
            {known_key(login, network): True for login in logins},
            timeout=int(KNOWN_FOR.total_seconds()),
        )

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # A successful password reset lifts the limits on the account, here and everywhere.
        login = self._get_login_attempts_cache_key(request, **credentials)
        network = self._network(request)
        ratelimit.clear(request, app=APP, action=PER_ADDRESS, key=f"{login}|{network}")
        ratelimit.clear(request, app=APP, action=PER_ACCOUNT, key=login)
