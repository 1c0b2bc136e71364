"""Delete private data past its time (for cron, daily): see docs/privacy.md.

- Medical data (blood type, medical notes) and licence scans of drivers whose every event ended
  more than its organization's `private_data_days` ago.
- Identity numbers, medical data, scans and emergency contacts of drivers who withdrew consent.

Results, entries and payments stay. Each deletion leaves a record of the fact, not the data.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from events.queries.privacy import profiles_due_for_purge
from racing.models import DriverProfile
from racing.services.privacy import purge_profile


class Command(BaseCommand):
    help = "Delete medical data and licence scans past retention, and data whose consent ended."

    def handle(self, *args: Any, **options: Any) -> None:
        expired, withdrawn = profiles_due_for_purge()
        purged = 0
        for profile_id in sorted(set(expired) | set(withdrawn)):
            profile = DriverProfile.objects.filter(pk=profile_id).first()
            if profile is None:
                continue
            is_withdrawn = profile_id in withdrawn
            reason = "consent withdrawn" if is_withdrawn else "retention period ended"
            if purge_profile(profile=profile, withdrawn=is_withdrawn, reason=reason):
                purged += 1
        self.stdout.write(f"{purged} profiles purged")
