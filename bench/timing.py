"""Timing helpers shared by the benchmarks."""

import statistics
import time


def median_ms(fn, runs: int) -> float:
    """The median wall time of ``runs`` calls of ``fn``, in milliseconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000
