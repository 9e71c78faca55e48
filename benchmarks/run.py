"""Benchmark runner: ``python benchmarks/run.py [--only NAME] [--repeat N]``.

Builds (once, cached in benchmarks/.cache/) the 10-year, 100-member demo database, then runs
every measure of every ``benchmarks/bench_*.py`` module beside its floor — the plain tools
doing the same work without our code — and prints ours, the floor and the ratio (medians),
also written to benchmarks/results.json. Not part of CI; tests never assert times.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.common import BenchContext, Elapsed, Measure

YEARS, MEMBERS, SEED = 10, 100, 1


def demo_database() -> Path:
    from datetime import date

    from models.db import head_revision, open_database
    from models.demo import generate_demo

    cache = HERE / ".cache"
    cache.mkdir(exist_ok=True)
    # a new schema (an index, say) makes a new file: the measures read the database as the program writes it
    path = cache / f"demo-{YEARS}y-{MEMBERS}m-{SEED}-{head_revision()}-{date.today():%Y%m%d}.sqlite3"
    if not path.exists():
        for old in cache.glob("demo-*.sqlite3*"):
            old.unlink()
        tmp = path.with_suffix(".building")
        db = open_database(tmp)
        generate_demo(db, years=YEARS, members=MEMBERS, seed=SEED)
        db.close()
        from models.db import copy_database

        copy_database(tmp, path)
        for f in cache.glob("*.building*"):
            f.unlink()
    return path


def busiest_year(path: Path) -> int:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT substr(held_on, 1, 4) y, count(*) c FROM meeting "
                          "GROUP BY y ORDER BY c DESC, y DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return int(row[0])


def timed(fn: object, repeat: int) -> tuple[float, float | None]:
    """Median seconds of ``repeat`` calls, and the median CPU seconds when the measure reports
    them (whole processes: steadier than wall time on a shared, busy machine)."""
    samples = []
    cpus = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        elapsed = time.perf_counter() - start
        samples.append(float(result) if isinstance(result, Elapsed) else elapsed)
        if isinstance(result, Elapsed) and result.cpu is not None:
            cpus.append(result.cpu)
    return statistics.median(samples), (statistics.median(cpus) if len(cpus) == repeat else None)


def main() -> int:
    parser = argparse.ArgumentParser(description="BranchBook benchmarks")
    parser.add_argument("--only", help="run only measures whose name contains this")
    parser.add_argument("--repeat", type=int, default=0, help="override repetitions")
    args = parser.parse_args()
    db_path = demo_database()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        ctx = BenchContext(db_path=db_path, tmp=Path(tmp), busiest_year=busiest_year(db_path),
                           years=YEARS, members=MEMBERS)
        for module_path in sorted(HERE.glob("bench_*.py")):
            module = importlib.import_module(f"benchmarks.{module_path.stem}")
            measures: list[Measure] = module.measures(ctx)
            for m in measures:
                if args.only and args.only not in m.name:
                    continue
                repeat = args.repeat or m.repeat
                m.ours()  # warm-up: imports, caches
                m.floor()
                (ours, ours_cpu), (floor, floor_cpu) = timed(m.ours, repeat), timed(m.floor, repeat)
                ratio = ours / floor if floor > 0 else float("inf")
                row: dict[str, object] = {"name": m.name, "ours_ms": round(ours * 1000, 2),
                                          "floor_ms": round(floor * 1000, 2), "ratio": round(ratio, 2),
                                          "target": m.target, "repeat": repeat}
                cpu = ""
                if ours_cpu is not None and floor_cpu is not None:
                    row.update(ours_cpu_ms=round(ours_cpu * 1000, 2), floor_cpu_ms=round(floor_cpu * 1000, 2))
                    cpu = f"   cpu {ours_cpu * 1000:7.0f} / {floor_cpu * 1000:7.0f} ms"
                results.append(row)
                print(f"{m.name:<48} ours {ours * 1000:9.1f} ms   floor {floor * 1000:9.1f} ms   "
                      f"×{ratio:6.2f}   {m.target}{cpu}", flush=True)
    write_results(results)
    return 0


def write_results(results: list[dict[str, object]]) -> None:
    """Merge into benchmarks/results.json: a re-measured row replaces its old self, the rows of
    measures not run this time stay (``--only`` runs update their own rows)."""
    path = HERE / "results.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = []
    fresh = {r["name"] for r in results}
    merged = [r for r in kept if isinstance(r, dict) and r.get("name") not in fresh] + results
    path.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
