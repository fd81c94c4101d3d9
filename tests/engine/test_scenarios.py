"""Runs every rule scenario of ``tests/engine/scenarios/*.yaml`` (readable by a domain expert).

A scenario: ``name``, ``rule`` (a function of ``tugi.engine.rules`` or one of the special rules
below), ``inputs``, ``expected`` (a value, or a mapping of attribute → value), optional
``expected_not`` and ``source``. Values are compared as exact decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

from tugi.core.money import round_half_up
from tugi.engine import pensions_calc, rules, yearly

from .conftest import code

SCENARIO_DIR = Path(__file__).with_name("scenarios")


def _load() -> list[Any]:
    cases = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            assert {"name", "rule", "inputs", "expected", "source"} <= set(case), (path.name, case)
            cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


def _same(actual: Any, expected: Any) -> bool:
    if expected is None or isinstance(expected, bool):
        return actual == expected
    return Decimal(str(actual)) == Decimal(str(expected))


def _year_table(rows: list[dict[str, Any]], year: int) -> tuple[pa.Table, dict[str, str]]:
    letters = sorted({row["person"] for row in rows})
    codes = {letter: code(i + 1) for i, letter in enumerate(letters)}
    table = pa.table(
        {
            "person_code": [codes[r["person"]] for r in rows],
            "payer_code": [str(r["payer"]) for r in rows],
            "year": pa.array([year] * len(rows), pa.int16()),
            "month": pa.array([int(r["month"]) for r in rows], pa.int8()),
            "social_tax_cents": pa.array([int(Decimal(r["social_tax"]) * 100) for r in rows], pa.int64()),
            "funded": [bool(r["funded"]) for r in rows],
            "submitted_at": pa.array(
                [dt.datetime.fromisoformat(r["submitted_at"]) for r in rows], pa.timestamp("us", tz="UTC")
            ),
        }
    )
    return table, codes


def _run(case: dict[str, Any], duck: Any) -> Any:
    rule = case["rule"]
    inputs = dict(case["inputs"])
    if rule == "compute_year":
        table, codes = _year_table(inputs.pop("rows"), inputs["year"])
        average = inputs.get("average")
        result = yearly.compute_year(
            duck,
            table,
            year=inputs["year"],
            minimum_wage=Decimal(inputs["minimum_wage"]),
            average=Decimal(average) if average else None,
        )
        by_code = {row["person_code"]: row for row in result.table.to_pylist()}
        return {
            "average_proposed": result.average_proposed,
            "persons": {letter: by_code[c] for letter, c in codes.items()},
        }
    if rule == "indexation_proposal":
        return pensions_calc.indexation_proposal(**{k: Decimal(str(v)) for k, v in inputs.items()})
    if rule == "indexed_year_value_ratio_range":
        # The published value (3 decimals) lies between the values the rule gives at both ends of the
        # stated range of TB / (TS × year value).
        value = Decimal(inputs["year_value"])
        return [
            round_half_up(
                rules.indexed_year_value(value, inputs["index"], Decimal(inputs[key]) * value, 1), 3
            )
            for key in ("ratio_to", "ratio_from")
        ]
    if rule == "joint_share_applies":
        return rules.joint_share_applies(int(inputs["year"]))
    return getattr(rules, rule)(**inputs)


def _check(actual: Any, expected: Any, path: str) -> list[str]:
    if isinstance(expected, dict):
        problems = []
        for key, value in expected.items():
            item = actual[key] if isinstance(actual, dict) else getattr(actual, key)
            problems += _check(item, value, f"{path}.{key}")
        return problems
    return [] if _same(actual, expected) else [f"{path}: expected {expected}, got {actual}"]


@pytest.mark.parametrize("case", _load())
def test_scenario(case: dict[str, Any], duck: Any) -> None:
    actual = _run(case, duck)
    if case["rule"] == "indexed_year_value_ratio_range":
        low, high = actual
        assert low <= Decimal(case["expected"]) <= high, (case["name"], low, high)
        return
    problems = _check(actual, case["expected"], "result")
    assert not problems, f"{case['name']} ({case['source']}): {problems}"
    if "expected_not" in case:
        for key, value in case["expected_not"].items():
            assert not _same(getattr(actual, key), value), case["name"]


def test_every_published_check_is_a_scenario() -> None:
    """The published checks of PENSIONS.md are all present (a guard against deleting one)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in SCENARIO_DIR.glob("*.yaml"))
    for figure in ("415.65", "595.35", "343.40", "451.49", "552.38", "191.6496", "208.5148", "219.3079",
                   "6.627", "7.104", "7.206", "2.014", "0.750", "0.600"):  # fmt: skip
        assert f'"{figure}"' in text, figure
