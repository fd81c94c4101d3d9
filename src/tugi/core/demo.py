"""Synthetic demo persons: valid personal codes, invented names; no real person's data."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from .audit import CoreEvent, audit_record
from .identity import birth_date, make_code, sex
from .models import Person

FIRST_NAMES_M = [
    "Andres",
    "Jaan",
    "Toomas",
    "Mart",
    "Peeter",
    "Rein",
    "Tõnu",
    "Urmas",
    "Aivar",
    "Priit",
    "Märt",
    "Jüri",
    "Kalev",
    "Indrek",
    "Siim",
    "Ülo",
    "Raivo",
    "Margus",
    "Tiit",
    "Ants",
]
FIRST_NAMES_F = [
    "Mari",
    "Kadri",
    "Tiina",
    "Anu",
    "Liis",
    "Kersti",
    "Maie",
    "Eha",
    "Helju",
    "Pille",
    "Triin",
    "Sirje",
    "Ülle",
    "Reet",
    "Malle",
    "Õie",
    "Külli",
    "Siiri",
    "Ene",
    "Katrin",
]
LAST_NAMES = [
    "Tamm",
    "Saar",
    "Sepp",
    "Mägi",
    "Kask",
    "Kukk",
    "Rebane",
    "Ilves",
    "Pärn",
    "Koppel",
    "Lepik",
    "Kuusk",
    "Mets",
    "Vaher",
    "Raudsepp",
    "Lõhmus",
    "Kõiv",
    "Järve",
    "Org",
    "Põder",
    "Kaasik",
    "Laur",
    "Tõnisson",
    "Värk",
    "Männik",
    "Sild",
    "Oja",
    "Uibo",
    "Jõgi",
    "Aavik",
]

DEMO_PERSON_COUNT = 300


def demo_persons(
    count: int = DEMO_PERSON_COUNT, seed: int = 1999
) -> list[tuple[str, str, str, dt.date | None]]:
    """(personal code, first name, last name, date of death) for ``count`` invented people."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    rows: list[tuple[str, str, str, dt.date | None]] = []
    used: set[str] = set()
    while len(rows) < count:
        born = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 70))
        letter = rng.choice("MF")
        code = make_code(born, letter, rng.randrange(0, 1000))
        if code in used:
            continue
        used.add(code)
        first = rng.choice(FIRST_NAMES_M if letter == "M" else FIRST_NAMES_F)
        died = None
        if born.year < 1950 and rng.random() < 0.08:
            died = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 600))
        rows.append((code, first, rng.choice(LAST_NAMES), died))
    return rows


def load_demo_persons(actor: Any, stdout: Any) -> None:
    rows = demo_persons()
    with transaction.atomic():
        known = set(
            Person.objects.filter(personal_code__in=[r[0] for r in rows]).values_list(
                "personal_code", flat=True
            )
        )
        new = [
            Person(
                personal_code=c,
                first_name=f,
                last_name=la,
                birth_date=birth_date(c),
                sex=sex(c),
                date_of_death=d,
            )
            for c, f, la, d in rows
            if c not in known
        ]
        Person.objects.bulk_create(new)
        if new:
            audit_record(
                event=CoreEvent.PERSONS_IMPORTED,
                actor=actor,
                object_type="core.person",
                object_id="demo",
                object_repr="demo persons",
                after={"created": len(new)},
                reason="demo data",
            )
    stdout.write(f"  persons: {len(new)} created, {len(known)} already there\n")
