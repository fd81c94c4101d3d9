"""Exact conversions between Arrow decimal columns and integer units (no Ibis import: cheap)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class YearInputError(ValueError):
    """The figures cannot be computed from these inputs (the message says why)."""


def to_units(value: Decimal, places: int, what: str) -> int:
    """An exact Decimal as an integer of 10^-places units; refuses more decimals."""
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise YearInputError(f"{what} {value} has more than {places} decimals")
    return int(scaled)


def units_to_decimal_array(values: pa.Array | np.ndarray, scale: int, precision: int) -> pa.Array:
    """int64 values in 10^-scale units as a decimal128(precision, scale) array (exact, fast)."""
    if isinstance(values, np.ndarray):
        values = pa.array(values, pa.int64())
    values = values.cast(pa.int64())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    ints = values.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    words = np.empty((len(ints), 2), dtype=np.int64)
    words[:, 0] = ints
    words[:, 1] = ints >> 63
    validity = values.buffers()[0] if values.null_count else None
    if validity is not None and values.offset:
        validity = pc.is_valid(values).buffers()[1]
    return pa.Array.from_buffers(
        pa.decimal128(precision, scale),
        len(ints),
        [validity, pa.py_buffer(words.tobytes())],
        values.null_count,
    )


def decimal_units(values: pa.Array | pa.ChunkedArray, scale: int) -> pa.Array:
    """The exact integer units (10^-scale) of a decimal / integer / string column; refuses floats
    and values with more decimals than ``scale``."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_floating(values.type):
        raise YearInputError("binary floating-point values are refused; give exact decimals")
    target = pa.decimal128(38, scale)
    try:
        dec = values.cast(target)  # safe cast: refuses lost digits
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise YearInputError(f"values need at most {scale} decimals: {exc}") from exc
    raw = np.frombuffer(dec.buffers()[1], dtype=np.int64)[2 * dec.offset : 2 * (dec.offset + len(dec))]
    low = raw[0::2]
    high = raw[1::2]
    if not np.array_equal(high, low >> 63):
        raise YearInputError("a value is too large")
    mask = None
    if dec.null_count:
        mask = pc.is_null(dec).to_numpy(zero_copy_only=False)
    return pa.array(low.copy(), pa.int64(), mask=mask)
