"""Re-encrypt every encrypted value and file under the first key, and recompute lookup hashes.

Run after putting a new key first in PADDOCK_ENCRYPTION_KEYS (and after changing
PADDOCK_LOOKUP_KEY); once it has finished, the old keys can be removed. It is safe to run again:
each row is rewritten in its own short transaction, so a stopped run is resumed by running it again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from config.crypto import encrypted_fields, encrypted_file_fields, models_with_encrypted_data


class Command(BaseCommand):
    help = "Re-encrypt personal data and files under the first key of PADDOCK_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        for model in models_with_encrypted_data():
            names = [field.name for field in encrypted_fields(model)]
            file_fields = encrypted_file_fields(model)
            rows = files = 0
            for pk in model._default_manager.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = model._default_manager.select_for_update().filter(pk=pk).first()
                    if row is None:
                        continue
                    if names:
                        # Values are decrypted on load and encrypted with the first key on save;
                        # the model's save recomputes its lookup hashes.
                        row.save(update_fields=names)
                        rows += 1
                    for field in file_fields:
                        file = getattr(row, field.name)
                        if file and field.storage.rotate(file.name):  # type: ignore[attr-defined]
                            files += 1
            label = model._meta.label
            self.stdout.write(f"{label}: {rows} rows, {files} files re-encrypted")
