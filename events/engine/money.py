"""Amounts in minor units (what Stripe and the database store) and back, per currency. Pure, so
models may format money without importing the Stripe gateway."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# Stripe's zero-decimal currencies: the amount is sent in whole units.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
     "xaf", "xof", "xpf"}
)  # fmt: skip


def minor_unit_exponent(currency: str) -> int:
    return 0 if currency.lower() in ZERO_DECIMAL_CURRENCIES else 2


def to_minor_units(amount: Decimal, currency: str) -> int:
    scale = Decimal(10) ** minor_unit_exponent(currency)
    return int((amount * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(amount_minor: int, currency: str) -> Decimal:
    exponent = minor_unit_exponent(currency)
    return (Decimal(amount_minor) / (Decimal(10) ** exponent)).quantize(
        Decimal(1).scaleb(-exponent)
    )
