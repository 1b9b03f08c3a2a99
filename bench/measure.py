"""Timing helpers: medians of repeated runs, and ratios against a baseline measured in the same run."""

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def median_seconds(action: Callable[[], object], *, repeat: int = 21, warmup: int = 3) -> float:
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def interleaved_medians(
    subject: Callable[[], object], baseline: Callable[[], object], *, repeat: int = 61, warmup: int = 5
) -> tuple[float, float]:
    """Median times of subject and baseline, run alternately so that machine noise hits both alike."""
    for _ in range(warmup):
        subject()
        baseline()
    subject_times, baseline_times = [], []
    for _ in range(repeat):
        for action, times in ((subject, subject_times), (baseline, baseline_times)):
            gc.collect()
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
    return statistics.median(subject_times), statistics.median(baseline_times)


@dataclass
class Result:
    name: str
    subject: float
    baseline: float
    limit: float
    unit: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.subject / self.baseline if self.baseline else float("inf")

    @property
    def passed(self) -> bool:
        return self.ratio <= self.limit

    def line(self) -> str:
        verdict = "OK" if self.passed else "FAIL"
        return (
            f"{self.name}: median {self.subject * 1000:.2f} ms vs baseline {self.baseline * 1000:.2f} ms "
            f"-> ratio {self.ratio:.2f} (limit {self.limit}) {verdict}" + (f"  [{self.note}]" if self.note else "")
        )


@dataclass
class Check:
    """A yes/no finding measured by a benchmark (a query count, say)."""

    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{self.name}: {self.detail} {'OK' if self.passed else 'FAIL'}"
