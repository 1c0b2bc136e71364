from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from racing.hooks import collect_account_links


def account_menu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"account_links": []}
    return {"account_links": collect_account_links(user)}
