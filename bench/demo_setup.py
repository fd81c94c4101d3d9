"""How long `tugi demo --no-serve` takes on a fresh machine state, against a floor.

The issue asks that the demo set-up finish in under two minutes. The floor, measured in the
same run, is `tugi migrate` on an empty database: the part no demo can skip. The ratio says how
much the demo data adds on top of it. Run: `.venv/bin/python bench/demo_setup.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 120.0
TUGI = [sys.executable, "-m", "tugi.cli"]


def timed(args: list[str]) -> float:
    var = Path(tempfile.mkdtemp(prefix="tugi-bench-"))
    env = {**os.environ, "TUGI_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "tugi.settings"}
    env.pop("TUGI_DATABASE_URL", None)
    try:
        start = time.perf_counter()
        subprocess.run([*TUGI, *args], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        return time.perf_counter() - start
    finally:
        shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    floor = statistics.median(timed(["migrate", "--verbosity", "0"]) for _ in range(runs))
    demo = statistics.median(timed(["demo", "--no-serve"]) for _ in range(runs))
    print(f"floor  (tugi migrate, fresh SQLite):   {floor:7.2f} s")
    print(f"demo   (tugi demo --no-serve, fresh):  {demo:7.2f} s")
    print(f"ratio  demo / floor:                   {demo / floor:7.2f}")
    print(f"budget {BUDGET_SECONDS:.0f} s: demo uses {demo / BUDGET_SECONDS:.1%} of it")


if __name__ == "__main__":
    main()
