"""Fapiao requests: a payer asks (at checkout or later), staff record the fapiao their e-fapiao
platform issued, and a refund of an issued fapiao's payment queues its red-letter reversal."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.exceptions import RegistrationError
from events.models import Entry, FapiaoRequest
from events.services.audit import audit


class FapiaoError(RegistrationError):
    """A fapiao step refused; the message is for the person who tried it."""


def request_fapiao(
    *, entry: Entry, title_type: str, title: str, tax_id: str, email: str
) -> FapiaoRequest:
    """Ask for (or correct) the entry's fapiao, while it is not issued yet."""
    if entry.status in (Entry.Status.CANCELLED, Entry.Status.REJECTED, Entry.Status.EXPIRED):
        raise FapiaoError(_("A fapiao can only be asked for an active entry."))
    with transaction.atomic():
        existing = FapiaoRequest.objects.select_for_update().filter(entry=entry).first()
        if existing is not None and existing.status != FapiaoRequest.Status.REQUESTED:
            raise FapiaoError(_("The fapiao is issued already; ask the organizer to change it."))
        fapiao = existing or FapiaoRequest(entry=entry)
        fapiao.title_type, fapiao.title = title_type, title
        fapiao.tax_id, fapiao.email = tax_id, email
        fapiao.save()
        audit(entry=entry, action="fapiao_requested", detail=f"{title} {tax_id}".strip())
    return fapiao


def issue_fapiao(*, fapiao_id: int, number: str, file: UploadedFile, actor: Any) -> FapiaoRequest:
    with transaction.atomic():
        fapiao = FapiaoRequest.objects.select_for_update().select_related("entry").get(pk=fapiao_id)
        if fapiao.status != FapiaoRequest.Status.REQUESTED:
            raise FapiaoError(_("Only a fapiao still to issue can be marked issued."))
        fapiao.number = number
        fapiao.status = FapiaoRequest.Status.ISSUED
        fapiao.issued_at = timezone.now()
        extension = (file.name or "fapiao.pdf").rsplit(".", 1)[-1].lower()
        fapiao.file.save(f"{number}.{extension}", file, save=False)
        fapiao.save()
        audit(entry=fapiao.entry, actor=actor, action="fapiao_issued", detail=number)
    return fapiao


def record_reversal(*, fapiao_id: int, number: str, actor: Any) -> FapiaoRequest:
    with transaction.atomic():
        fapiao = FapiaoRequest.objects.select_for_update().select_related("entry").get(pk=fapiao_id)
        if fapiao.status != FapiaoRequest.Status.REVERSAL_DUE:
            raise FapiaoError(_("This fapiao has no red-letter reversal to record."))
        fapiao.reversal_number = number
        fapiao.status = FapiaoRequest.Status.REVERSED
        fapiao.reversed_at = timezone.now()
        fapiao.save()
        audit(entry=fapiao.entry, actor=actor, action="fapiao_reversed", detail=number)
    return fapiao


def note_refund(*, entry: Entry, amount_minor: int, fully_refunded: bool) -> None:
    """A refund of the entry's payment succeeded (the caller holds the event lock): an issued
    fapiao needs a red-letter reversal; one not yet issued is withdrawn when nothing is left to
    invoice (a partial refund leaves it in the queue, for the smaller amount)."""
    fapiao = FapiaoRequest.objects.select_for_update().filter(entry=entry).first()
    if fapiao is None:
        return
    if fapiao.status == FapiaoRequest.Status.ISSUED:
        fapiao.status = FapiaoRequest.Status.REVERSAL_DUE
        fapiao.refunded_minor += amount_minor
        fapiao.save(update_fields=["status", "refunded_minor"])
        audit(entry=entry, action="fapiao_reversal_due", detail=fapiao.number)
    elif fapiao.status == FapiaoRequest.Status.REVERSAL_DUE:
        fapiao.refunded_minor += amount_minor
        fapiao.save(update_fields=["refunded_minor"])
    elif fapiao.status == FapiaoRequest.Status.REQUESTED and fully_refunded:
        fapiao.status = FapiaoRequest.Status.WITHDRAWN
        fapiao.save(update_fields=["status"])
        audit(entry=entry, action="fapiao_withdrawn")
