"""Wall-clock samples in milliseconds, reported as median and 95th percentile (never asserted)."""

import statistics
import time


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def timed_each(fn, arguments, rounds: int = 1) -> tuple[float, float]:
    """p50 and p95 of fn(argument) over every argument, `rounds` times."""
    samples = []
    for _ in range(rounds):
        for argument in arguments:
            start = time.perf_counter()
            fn(argument)
            samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def timed(fn, repeat: int) -> tuple[float, float]:
    """p50 and p95 of fn() run `repeat` times."""
    return timed_each(lambda _: fn(), [None], rounds=repeat)


def timed_in_turn(fns: dict, repeat: int) -> dict[str, tuple[float, float]]:
    """p50 and p95 of each fn, run in turn `repeat` times, so that all of them see the same machine load."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: percentiles(kept) for name, kept in samples.items()}
