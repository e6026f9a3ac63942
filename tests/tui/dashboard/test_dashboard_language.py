"""The dashboard and its help in zh_CN, at 80×24 and 160×48: the supervisor's words, dates
as Chinese writes them, and columns that keep their place with wide characters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import DEMO_ME, DEMO_NOW, workers_done
from rich.cells import cell_len
from test_dashboard import (
    T0,
    known_db,  # noqa: F401  (a fixture)
    once,
    settled,
)

from deskline.core.desk.tickets import Desk
from deskline.core.language import SOURCE, use
from deskline.core.sla.defaults import default_rules
from deskline.storage.store import Store
from deskline.tui.dashboard.app import DashboardApp
from deskline.tui.dashboard.widgets import TicketList, cells


@pytest.fixture
def chinese() -> Iterator[None]:
    """The process speaks zh_CN (as ``LANG=zh_CN.UTF-8 deskline dashboard`` does)."""
    use("zh_CN")
    yield
    use(SOURCE)


def dashboard(path: Path) -> DashboardApp:
    desk = Desk(Store.open(str(path)), DEMO_ME, now=lambda: DEMO_NOW, rules=default_rules())
    return DashboardApp(desk)


@pytest.fixture
def desk_file(demo_copy: Path, chinese) -> Path:
    """The demo desk, with a P0 of a long Chinese title (unassigned, near breach)."""
    desk = Desk(Store.open(str(demo_copy)), DEMO_ME, now=lambda: DEMO_NOW, rules=default_rules())
    desk.create("月结库存报表导出超时，财务部门全体同事今天无法完成对账工作", priority="P0")
    desk.store.close()
    return demo_copy


@pytest.fixture
def app(desk_file: Path) -> DashboardApp:
    return dashboard(desk_file)


async def with_help(pilot) -> None:
    await settled(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


def test_dashboard_in_chinese_at_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled)


def test_dashboard_in_chinese_at_160x48(snap_compare, app):
    assert snap_compare(app, terminal_size=(160, 48), run_before=settled)


def test_dashboard_help_in_chinese_at_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=with_help)


def test_dashboard_help_in_chinese_at_160x48(snap_compare, app):
    assert snap_compare(app, terminal_size=(160, 48), run_before=with_help)


async def test_the_words_and_the_date_are_chinese(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        screen = app.screen
        title = str(screen.query_one("#title").render())
        assert title.startswith("deskline 看板 · 全部团队 · ana.demo @ ")
        assert "截至 06:30:00 4月2日周四" in title and title.endswith(" · 只读")
        assert screen.query_one("#breached").border_title == "已超时"
        assert str(screen.query_one("#breached-box").border_title).startswith("已超时（")
        footer = {b.description for _, b, _, _ in [*_active(app)]}
        assert {"打开", "团队", "帮助", "退出", "提醒"} <= footer


def _active(app):  # the bindings the footer shows: (node, binding, enabled, tooltip)
    return app.screen.active_bindings.values()


async def test_an_unassigned_row_keeps_the_columns_of_the_others(desk_file):
    """未指派 is three characters and six cells: the title after it starts where the titles
    after a handle do, in both lists, at both widths."""
    for size in ((80, 24), (160, 48)):
        app = dashboard(desk_file)
        async with app.run_test(size=size) as pilot:
            await settled(pilot)
            for lst in app.screen.query(TicketList).results(TicketList):
                starts = set()
                for y, entry in enumerate(lst.entries[: lst.size.height]):
                    line = "".join(seg.text for seg in lst.render_line(y))
                    head = line[: line.index(entry.title[:2])] if entry.title[:2] in line else None
                    if head is not None:
                        starts.add(cell_len(head))
                assert len(starts) <= 1, (size, lst.id, starts)


def test_a_column_is_cut_and_padded_by_cells():
    assert cell_len(cells("未指派", 12)) == 12
    assert cell_len(cells("王小明王小明王小明", 12)) == 12
    assert cells("ana", 6) == "ana   "


def test_once_prints_chinese_and_its_json_stays_english(known_db):  # noqa: F811
    late = T0 + timedelta(hours=2, minutes=5)
    told = once(known_db, late, LANG="zh_CN.UTF-8")
    assert told.returncode == 2, told.stderr
    lines = told.stdout.splitlines()
    assert lines[0].startswith("deskline 看板 · 全部团队 · ")
    assert "✖ 1 已超时" in lines[1] and "1 即将超时" not in lines[1]
    head = next(line for line in lines if line.startswith("SLA"))
    assert head.split() == ["SLA", "编号", "优先级", "剩余", "处理人", "标题"]
    assert any("T-1" in line and "-0:05:00" in line and "bo" in line for line in lines)
    data = json.loads(once(known_db, late, "--json", LANG="zh_CN.UTF-8").stdout)
    english = json.loads(once(known_db, late, "--json").stdout)
    assert data == english


async def test_my_alert_centre_is_in_chinese(app):
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await workers_done(pilot.app)
        await pilot.pause()
        centre = app.screen
        title = str(centre.query_one("#alerts-title").render())
        assert title.startswith("提醒中心 — ")
        heads = [str(c.label) for c in centre.query_one("DataTable").columns.values()]
        assert heads == ["", "时间", "工单", "级别", "", "提醒"]
        footer = {b.description for _, b, _, _ in centre.active_bindings.values()}
        assert {"确认", "全部确认", "关闭"} <= footer
