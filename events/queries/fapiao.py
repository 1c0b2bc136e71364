"""The fapiao queue of an event, and its export in the columns an e-fapiao platform imports.

The columns follow the batch-issue workbook of the State Taxation Administration's e-tax bureau
(电子税务局 数电票批量开具): one row per fapiao with the buyer's name, tax id, whether the buyer
is a natural person, the item, quantity, unit price and amount (tax included). Tax rate and the
tax classification code depend on the organizer's own tax status and are left for them to fill
in once on the platform. A red-letter row carries the negative amount and the original number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from events.engine import money
from events.models import Event, FapiaoRequest
from events.queries.entries import paid_minor

STAFF_STATUSES = (
    FapiaoRequest.Status.REQUESTED,
    FapiaoRequest.Status.REVERSAL_DUE,
    FapiaoRequest.Status.ISSUED,
    FapiaoRequest.Status.REVERSED,
    FapiaoRequest.Status.WITHDRAWN,
)

EXPORT_HEADER = [
    "发票流水号",  # our serial: the entry's receipt number
    "发票类型",
    "蓝字/红字",
    "是否含税",
    "购买方名称",
    "购买方纳税人识别号",
    "受票方自然人标识",
    "购买方邮箱",
    "项目名称",
    "数量",
    "单价",
    "金额",
    "税率",
    "商品和服务税收分类编码",
    "原发票号码",
    "备注",
]


@dataclass(frozen=True)
class QueueRow:
    fapiao: FapiaoRequest
    amount: Decimal  # what to invoice (or, for a reversal, to reverse), in currency units
    currency: str


def event_queue(event: Event, *, status: str = "") -> list[QueueRow]:
    requests: QuerySet[FapiaoRequest] = (
        FapiaoRequest.objects.filter(entry__event=event)
        .select_related("entry__entry_class", "entry__driver")
        .prefetch_related("entry__payments")
        .order_by("requested_at", "pk")
    )
    if status:
        requests = requests.filter(status=status)
    rows = []
    for fapiao in requests:
        entry = fapiao.entry
        if fapiao.status in (FapiaoRequest.Status.REVERSAL_DUE, FapiaoRequest.Status.REVERSED):
            minor = fapiao.refunded_minor
        else:
            minor = paid_minor(entry)
        rows.append(QueueRow(fapiao, money.from_minor_units(minor, entry.currency), entry.currency))
    return rows


def export_rows(event: Event, rows: list[QueueRow]) -> list[list[Any]]:
    """What is still to do: fapiao to issue (paid ones) and red-letter reversals."""
    out: list[list[Any]] = []
    for row in rows:
        fapiao, entry = row.fapiao, row.fapiao.entry
        red = fapiao.status == FapiaoRequest.Status.REVERSAL_DUE
        if not red and (fapiao.status != FapiaoRequest.Status.REQUESTED or not row.amount):
            continue
        amount = -row.amount if red else row.amount
        out.append(
            [
                entry.receipt_number,
                "普通发票",
                "红字" if red else "蓝字",
                "是",
                fapiao.title,
                fapiao.tax_id,
                "是" if fapiao.title_type == FapiaoRequest.TitleType.PERSONAL else "否",
                fapiao.email,
                f"报名费 {event.title} {entry.entry_class.name}",
                -1 if red else 1,
                row.amount,
                amount,
                "",
                "",
                fapiao.number if red else "",
                f"{entry.receipt_number} {row.currency}",
            ]
        )
    return out


def fapiao_of_event(event: Event, pk: int) -> FapiaoRequest:
    return get_object_or_404(
        FapiaoRequest.objects.select_related("entry__event"), pk=pk, entry__event=event
    )
