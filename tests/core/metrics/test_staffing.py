"""Erlang C against values worked out by hand and by the textbook formula."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from deskline.core.metrics import staffing
from deskline.core.metrics.staffing import Target


def _direct(traffic: float, agents: int) -> float:
    """Erlang C from its definition, with factorials."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    return top / (sum(traffic**k / math.factorial(k) for k in range(agents)) + top)


def test_erlang_c_by_hand_and_by_the_formula():
    assert staffing.erlang_c(2, 3) == pytest.approx(4 / 9)  # (8/6 * 3) / (1 + 2 + 2 + 4)
    for traffic, agents in ((5, 7), (10.5, 14), (0.3, 1), (40, 48)):
        assert staffing.erlang_c(traffic, agents) == pytest.approx(_direct(traffic, agents))
    assert staffing.erlang_c(3, 3) == 1.0 and staffing.erlang_c(0, 2) == 0.0


def test_agents_needed():
    # 100 tickets an hour of 3 minutes: 5 erlangs; 80 % within 20 s of a 180 s handle time
    target = Target(0.8, timedelta(seconds=20))
    n = staffing.agents_needed(100, timedelta(minutes=3), target)
    handle, within = timedelta(minutes=3), target.within
    assert staffing.service_level(5, n, handle, within) >= 0.8
    assert staffing.service_level(5, n - 1, handle, within) < 0.8
    # by hand: C(5, 7) = 0.3241, SL(7) = 1 - 0.3241 e^(-2/9) = 0.740; C(5, 8) = 0.1673,
    # SL(8) = 1 - 0.1673 e^(-3/9) = 0.880
    assert n == 8
    assert staffing.service_level(5, 7, handle, within) == pytest.approx(0.7405, abs=1e-3)
    assert staffing.agents_needed(0, handle, target) == 0
    # more arrivals never need fewer agents
    counts = [staffing.agents_needed(r, handle, target) for r in range(0, 400, 20)]
    assert counts == sorted(counts)


def test_targets_and_hours_of_the_week():
    assert staffing.parse_target("80% in 30m") == Target(0.8, timedelta(minutes=30))
    for bad in ("80%", "100% in 1m", "80% in 2bd", "eighty"):
        with pytest.raises(ValueError):
            staffing.parse_target(bad)
    monday_9 = datetime(2026, 4, 6, 9, 30, tzinfo=UTC)
    rates = staffing.arrivals_per_hour_of_week([monday_9, monday_9, monday_9], UTC, 2)
    assert rates[9] == 1.5 and sum(rates) == 1.5
    assert staffing.hour_name(9) == "mon 09:00" and staffing.hour_name(167) == "sun 23:00"
