"""What every benchmark module shares: a measure pairs our code with its floor — the plain
tools doing the same work without our code — so each number is read as a ratio."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class Elapsed(float):
    """Seconds a measure timed itself (e.g. a child process up to its window's first paint);
    the runner uses it instead of the call's wall time. ``cpu``: the CPU seconds the measured
    process used, when known — on a busy machine a steadier figure than the wall time."""

    cpu: float | None = None

    @classmethod
    def of(cls, seconds: float, cpu: float | None = None) -> Elapsed:
        elapsed = cls(seconds)
        elapsed.cpu = cpu
        return elapsed


@dataclass
class Measure:
    name: str
    ours: Callable[[], object]
    floor: Callable[[], object]
    target: str = ""
    repeat: int = 5


@dataclass
class BenchContext:
    db_path: Path  # the cached 10-year, 100-member demo database (do not modify it)
    tmp: Path  # a scratch folder for this run
    busiest_year: int
    years: int
    members: int
