"""Everything Paddock holds about a person, as a zip of JSON and files (PIPL article 45).

The export walks the model graph instead of listing models: every model with a relation to the
user, then every model with a relation to those rows, and so on. A relation that is not the
person's own data (a staff member's name on someone else's record) is left out in EXCLUDED,
with the reason; tests/privacy checks that every relation to the user is one or the other.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

# (model label, field name) -> why rows reached through it are not the person's data.
EXCLUDED: dict[tuple[str, str], str] = {
    ("admin.LogEntry", "user"): "a site administrator's edits in the admin, not about them",
    ("racing.Licence", "verified_by"): "licences of other drivers this staff member verified",
    ("racing.Invitation", "invited_by"): "invitations this person sent to others",
    ("racing.PrivacyRecord", "actor"): "reveals of other drivers' data made as staff",
    ("events.Championship", "season_closed_by"): "championships this staff member closed",
    ("events.PromotionWaiver", "granted_by"): "waivers this staff member granted to others",
    ("events.Payment", "marked_paid_by"): "payments of others this staff member recorded",
    ("events.Deposit", "taken_by"): "deposits of others this staff member took",
    ("events.Deposit", "settled_by"): "deposits of others this staff member settled",
    ("events.AuditLog", "actor"): "actions as staff on others' entries (own entries' audit "
    "rows are exported with the entries)",
    ("events.SessionResult", "updated_by"): "results this staff member edited",
    ("events.ResultRevision", "created_by"): "result revisions this staff member made",
}
# How far from the user the walk goes (user -> entry -> payment -> refund).
MAX_DEPTH = 3
# Never exported: secrets that would let someone act as the person, not data about them.
SECRET_FIELDS = {"password", "token", "co_driver_token", "key"}


def relations_to(target: type[models.Model]) -> list[tuple[type[models.Model], models.Field]]:  # type: ignore[type-arg]
    """Every (model, concrete relation field) pointing at `target`."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is target:
                found.append((model, field))
    return found


def _rows(user: Any) -> dict[str, dict[int, models.Model]]:
    user_model = get_user_model()
    collected: dict[str, dict[int, models.Model]] = defaultdict(dict)
    collected[user_model._meta.label][user.pk] = user
    frontier: dict[type[models.Model], set[Any]] = {user_model: {user.pk}}
    for _ in range(MAX_DEPTH):
        following: dict[type[models.Model], set[Any]] = defaultdict(set)
        for target, pks in frontier.items():
            for model, field in relations_to(target):
                label = model._meta.label
                if (label, field.name) in EXCLUDED:
                    continue
                collected.setdefault(label, {})
                for row in model._default_manager.filter(**{f"{field.name}__in": pks}):
                    if row.pk not in collected[label]:
                        collected[label][row.pk] = row
                        following[model].add(row.pk)
        frontier = following
        if not frontier:
            break
    return collected


def exported_relations() -> set[tuple[str, str]]:
    """The (model label, field) relations to the user whose rows the export follows."""
    user_model = get_user_model()
    return {
        (model._meta.label, field.name)
        for model, field in relations_to(user_model)
        if (model._meta.label, field.name) not in EXCLUDED
    }


def export_personal_data(user: Any) -> bytes:
    """A zip: data.json (every row, by model) and files/ (licence scans and other uploads)."""
    rows = _rows(user)
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "left_out": {f"{label}.{field}": why for (label, field), why in EXCLUDED.items()},
        "models": {},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for label in sorted(rows):
            records = []
            for row in sorted(rows[label].values(), key=lambda r: str(r.pk)):
                fields = serializers.serialize("python", [row])[0]["fields"]
                for name in SECRET_FIELDS & set(fields):
                    fields.pop(name)
                for field in row._meta.concrete_fields:
                    if isinstance(field, models.FileField):
                        file = getattr(row, field.name)
                        if file:
                            path = f"files/{label}/{row.pk}/{file.name.rsplit('/', 1)[-1]}"
                            with file.open("rb") as handle:
                                archive.writestr(path, handle.read())
                            fields[field.name] = path
                records.append({"id": row.pk, **fields})
            data["models"][label] = records
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
    return out.getvalue()
