"""Paddock's production settings plus one view for bench/registration_rush.py to compare with: the
smallest signed-in page Django can serve (session, user, CSRF check, one indexed read). Nothing
else differs from production settings."""

from __future__ import annotations

from config.settings import *  # noqa: F403

ROOT_URLCONF = "rush_urls"
