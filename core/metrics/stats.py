"""Mean, median and 90th percentile of a list of figures (nearest-rank percentiles). Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile (0 < p <= 100): the smallest value with at
    least ``p`` percent of the values at or below it; None for no values."""
    return _percentile(sorted(values), p) if values else None


def _percentile(ordered: Sequence[float], p: float) -> float:
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    return _median(sorted(values)) if values else None


def _median(ordered: Sequence[float]) -> float:
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def summary(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """(mean, median, p90), the values sorted once."""
    if not values:
        return None, None, None
    ordered = sorted(values)
    return mean(values), _median(ordered), _percentile(ordered, 90)


def ratio(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when ``whole`` is 0."""
    return round(100.0 * part / whole, 1) if whole else None
