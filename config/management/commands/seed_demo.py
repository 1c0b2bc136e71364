"""Idempotent demo data. Each app may provide `<app>.demo.seed(stdout)`, run in app order, and
`<app>.demo.summary()`, lines printed after everything else (the accounts to sign in with)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Create (or refresh) demo organizations, accounts and data. Safe to run repeatedly."

    def handle(self, *args: Any, **options: Any) -> None:
        summary: list[str] = []
        # The demo's confirmations and receipts would go to the console backend and scroll the
        # accounts out of sight; they are kept in memory and counted instead.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            outbox = getattr(mail, "outbox", None)
            mail.outbox = []
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
                summary.extend(getattr(module, "summary", list)())
            held = len(mail.outbox)
            if outbox is None:
                del mail.outbox
            else:
                mail.outbox = outbox
        if held:
            self.stdout.write(f"{held} demo e-mails were made and not printed.\n")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for line in summary:
            self.stdout.write(line + "\n")
