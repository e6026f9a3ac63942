"""Every figure of the engine against values worked out by hand on a small frozen desk."""

from __future__ import annotations

from datetime import UTC

import pytest
from metrics_desk import END, RULES, at, build

from deskline.core.errors import Forbidden, InvalidInput
from deskline.core.metrics import engine, report, stats
from deskline.core.metrics.engine import Measures, Period
from deskline.storage.store import Store

H, M = 3600, 60


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> tuple[Store, dict[str, str]]:
    store = Store.open(str(tmp_path_factory.mktemp("metrics") / "desk.db"))
    keys = build(store)
    yield store, keys
    store.close()


def _report(store: Store, handle: str = "di", **kw) -> report.Report:
    return report.build(
        store,
        handle,
        RULES.sla,
        1,
        kind=kw.pop("kind", "range"),
        now=END,
        zone=UTC,
        start=kw.pop("start", "2026-04-01"),
        end=kw.pop("end", "2026-04-07"),
        **kw,
    )


def _rows(r: report.Report, name: str) -> dict[str, dict]:
    return {row["group"]: row for row in r.table(name).to_json()}


def test_summary_figures_match_the_hand_computed_values(filled):
    store, _ = filled
    s = _rows(_report(store), "summary")["all"]
    assert (s["created"], s["solved"], s["reopened"], s["reopen_rate"]) == (3, 2, 1, 50.0)
    # first response: A met (20 min), B late (due Mon 09:30 over the holiday), C late (P1)
    assert (s["first_response_met"], s["first_response_finished"]) == (1, 3)
    assert s["first_response_attainment"] == 33.3
    assert (s["resolution_met"], s["resolution_finished"]) == (2, 2)
    # B's first response, C's first response and C's resolution (due Mon 13:00, still open)
    assert s["breaches"] == 3
    assert s["backlog"] == 1 and s["backlog_age_median"] == 27 * H
    # first response, business time: A 20m, B 30m Thu + 60m Mon (Friday a holiday), C 50m (P1 24x7)
    assert s["first_response_business_median"] == 50 * M
    assert s["first_response_business_mean"] == round((20 + 90 + 50) * M / 3, 1)
    assert s["first_response_business_p90"] == 90 * M
    # calendar time: B from Thu 16:30 to Mon 10:00
    assert s["first_response_calendar_p90"] == (3 * 24 + 17.5) * H
    # resolution, business time less pauses: A 3h - 1h pending = 2h; B 10.5h - 6h resolved = 4.5h
    assert s["resolution_business_mean"] == (2 + 4.5) / 2 * H
    assert s["resolution_business_median"] == (2 + 4.5) / 2 * H
    # calendar: A 3h, B Thu 16:30 to Tue 11:00
    assert s["resolution_calendar_p90"] == (4 * 24 + 18.5) * H
    assert s["resolution_calendar_mean"] == (3 + 4 * 24 + 18.5) / 2 * H
    # requester wait: A pending 1h; B never pending
    assert s["requester_wait_calendar_p90"] == 1 * H
    assert s["requester_wait_calendar_median"] == 0.5 * H
    # agent wait: A 1h + 1h; B Thu 16:30 to Mon 12:00 and Tue 10-11 (business 0.5 + 3 + 1)
    assert s["agent_wait_calendar_p90"] == (91.5 + 1) * H
    assert s["agent_wait_business_p90"] == 4.5 * H
    assert s["agent_wait_business_median"] == (2 + 4.5) / 2 * H


def test_grouped_figures(filled):
    store, _ = filled
    r = _report(store)
    by_priority = _rows(r, "by_priority")
    # C counts under its priority now (P1)
    assert by_priority["P1"]["created"] == 2 and by_priority["P2"]["created"] == 1
    assert by_priority["P2"]["first_response_attainment"] == 0.0
    assert by_priority["P1"]["first_response_attainment"] == 50.0
    days = _rows(r, "by_day")
    assert days["2026-04-01"]["created"] == 1 and days["2026-04-01"]["solved"] == 1
    assert days["2026-04-06"]["created"] == 1
    assert days["2026-04-07"]["solved"] == 1  # B, solved again Tuesday
    assert days["2026-04-06"]["breaches"] == 3  # B's and C's due times passed Monday
    assert days["2026-04-03"]["backlog"] == 1 and days["2026-04-03"]["created"] == 0
    weeks = _rows(r, "by_week")
    assert weeks["2026-03-30"]["created"] == 2 and weeks["2026-04-06"]["created"] == 1
    assert _rows(r, "by_category")["Network/VPN"]["backlog"] == 1
    assert _rows(r, "by_tier")["standard"]["created"] == 3
    assert _rows(r, "by_channel")["phone"]["created"] == 1
    assert _rows(r, "by_agent")["bo"]["solved"] == 2
    assert _rows(r, "by_team")["Service Desk"]["created"] == 3
    backlog = dict(r.table("backlog_by_day").rows)
    assert backlog == {
        "2026-04-01": 0,
        "2026-04-02": 1,
        "2026-04-03": 1,
        "2026-04-04": 1,
        "2026-04-05": 1,
        "2026-04-06": 1,
        "2026-04-07": 1,
    }
    # a week's backlog is what was open at its end (its last day in the period)
    assert weeks["2026-03-30"]["backlog"] == backlog["2026-04-05"] == 1
    assert weeks["2026-04-06"]["backlog"] == backlog["2026-04-07"] == 1


def test_a_day_and_the_top_categories(filled):
    store, _ = filled
    r = _report(store, kind="daily", start="2026-04-06", end=None, top=1)
    s = _rows(r, "summary")["all"]
    assert (s["created"], s["solved"]) == (1, 1)  # C created, B solved (the first time)
    cats = _rows(r, "by_category")
    assert list(cats) == ["Network/VPN", engine.OTHER]


def test_drill_down_lists_the_tickets_behind_a_figure(filled):
    store, keys = filled
    r = _report(store, drill="breaches")
    assert sorted(t["key"] for t in r.tickets) == sorted([keys["B"], keys["C"]])
    r = _report(store, drill="reopened")
    assert [t["key"] for t in r.tickets] == [keys["B"]]
    with pytest.raises(InvalidInput):
        _report(store, drill="nonsense")


def test_who_sees_what(filled):
    store, _ = filled
    mine = _report(store, "bo")
    assert mine.scope.agent == "bo"
    assert _rows(mine, "summary")["all"]["solved"] == 2
    with pytest.raises(Forbidden):
        _report(store, "bo", team="Service Desk")
    with pytest.raises(Forbidden):
        _report(store, "bo", agent="ana")
    assert _report(store, "ana").scope.team == "Service Desk"
    with pytest.raises(Forbidden):
        _report(store, "ana", agent="di")  # not of her team
    assert _report(store, "ana", agent="bo").scope.agent == "bo"


def test_periods():
    now = at(8, 10)  # a Wednesday
    day = report.period_of("daily", now, UTC, None, None)
    assert (day.start, day.end) == (at(7, 0), at(8, 0))
    week = report.period_of("weekly", now, UTC, None, None)
    assert (week.start, week.end) == (at(6, 0) - (at(13, 0) - at(6, 0)), at(6, 0))
    week = report.period_of("weekly", now, UTC, "2026-04-08", None)
    assert (week.start, week.end) == (at(6, 0), at(13, 0))
    with pytest.raises(InvalidInput):
        report.period_of("range", now, UTC, "2026-04-05", None)
    with pytest.raises(InvalidInput):
        report.period_of("range", now, UTC, "2026-04-05", "2026-04-01")
    with pytest.raises(InvalidInput):
        report.period_of("monthly", now, UTC, None, None)


def test_alerts_are_counted_per_rung_and_person():
    m = Measures(Period(at(1, 0), at(3, 0), UTC))
    engine.count_alert(m, at(1, 10), "breach", ["bo", "ana"])
    engine.count_alert(m, at(2, 10), "warning", ["bo"])
    engine.count_alert(m, at(2, 11), "warning", ["bo"])
    tables = {t.name: t for t in engine.tables(m, by=())}
    assert dict(tables["alerts_by_rung"].rows) == {"warning": 2, "breach": 1}
    assert tables["alerts_by_person"].rows == (
        ("bo", 3, "2026-04-02", 2),
        ("ana", 1, "2026-04-01", 1),
    )


def test_stats():
    assert stats.summary([]) == (None, None, None)
    assert stats.median([4, 1, 3, 2]) == 2.5
    assert stats.percentile(list(range(1, 11)), 90) == 9
    assert stats.percentile([5], 90) == 5
    assert stats.ratio(1, 3) == 33.3


def test_the_same_figures_on_both_databases(store):
    """The reader's queries on SQLite and PostgreSQL (``store``: one of each)."""
    keys = build(store)
    r = _report(store, drill="breaches")
    s = _rows(r, "summary")["all"]
    assert (s["created"], s["solved"], s["breaches"], s["backlog"]) == (3, 2, 3, 1)
    assert s["resolution_business_median"] == (2 + 4.5) / 2 * H
    assert sorted(t["key"] for t in r.tickets) == sorted([keys["B"], keys["C"]])


def test_groups_read_in_order_priorities_p0_first_the_busiest_first_the_rest_last():
    m = Measures(Period(None, END, UTC))
    for priority, created in (("P2", 5), ("P0", 1), ("P3", 3)):
        m.groups["priority"][priority].counts["created"] = created
    cats = m.groups["category"]
    cats["Quiet/None"].counts["backlog"] = 0  # nothing happened in it
    cats["Billing"].counts["solved"] = 4  # solved, none created: still busy
    cats["Network/VPN"].counts["created"] = 2
    cats["Printers"].counts["created"] = 1
    tables = {t.name: t for t in engine.tables(m, top=2)}
    assert [row[0] for row in tables["by_priority"].rows] == ["P0", "P2", "P3"]
    assert [row[0] for row in tables["by_category"].rows] == [
        "Billing",
        "Network/VPN",
        engine.OTHER,
    ]


def test_streaming_sets_the_collector_threshold_aside_and_puts_it_back():
    import gc

    from deskline.core.metrics import reader

    before = gc.get_threshold()
    with reader.streaming():
        with reader.streaming():  # a second report at once
            assert gc.get_threshold()[0] >= reader.STREAMING_GC
        assert gc.get_threshold()[0] >= reader.STREAMING_GC  # the first one still streams
    assert gc.get_threshold() == before
