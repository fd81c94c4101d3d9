"""The pension register as other areas may read it (finance pays from it)."""

from .selectors_register import (
    amount_history,
    amounts_recorded_after,
    current_amount,
    pension_types,
    pensions_by_id,
    pensions_in_payment,
    pensions_of_deceased,
    pensions_table,
    person_pensions,
)

__all__ = [
    "amount_history",
    "amounts_recorded_after",
    "current_amount",
    "pension_types",
    "pensions_by_id",
    "pensions_in_payment",
    "pensions_of_deceased",
    "pensions_table",
    "person_pensions",
]
