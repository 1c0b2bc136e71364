"""Idempotent demo data. Each app may provide `<app>.demo.seed(stdout)`, run in app order."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create (or refresh) demo organizations, accounts and data. Safe to run repeatedly."

    def handle(self, *args: Any, **options: Any) -> None:
        for app in ("racing", "events", "live"):
            if app not in settings.INSTALLED_APPS:
                continue
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
