"""Compile the .po translations to .mo with polib (no GNU gettext needed on the machine)."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "tugi" / "locale"

for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        continue
    po = polib.pofile(str(po_path))
    po.save_as_mofile(str(mo_path))
    print(f"compiled {po_path.relative_to(LOCALE)} ({po.percent_translated()} % translated)")
