"""The workspace and quick create in zh_CN, at 80×24 and 160×48: the agent's words, long
Chinese customers, handles and titles that keep the columns in line; the same toast and
dialog in English under the source language; stored values English whatever is shown."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEMO_ME, DEMO_NOW
from rich.cells import cell_len
from rich.console import Console
from test_snapshots import settled
from textual.widgets import Input, Label

from deskline.core.desk.tickets import Desk
from deskline.core.language import SOURCE, use
from deskline.core.roster.agents import Roster
from deskline.core.sla.defaults import default_rules
from deskline.storage.store import Store
from deskline.tui.times import countdown
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.countdown import padded
from deskline.tui.workspace.detail import DetailPane
from deskline.tui.workspace.dialogs import Choose, QuickCreate
from deskline.tui.workspace.queue import QueueView

HANDLE = "ouyang.jianguo.support"  # a handle longer than the assignee column
CUSTOMERS = ("上海浦东张江高科技园区信息技术有限公司", "深圳市南山区蓝鲸网络游戏科技")
TITLES = (
    "年终奖金报表导出超时，财务部全体同事今天无法完成月末对账",
    "客户反馈企业微信登录后页面空白，已清除缓存仍然无法使用",
    "VPN 连不上：出差同事在酒店网络下反复掉线",
)


@pytest.fixture
def chinese() -> Iterator[None]:
    """The process speaks zh_CN (as ``deskline --lang zh_CN`` does)."""
    use("zh_CN")
    yield
    use(SOURCE)


def open_desk(path: Path) -> Desk:
    return Desk(Store.open(str(path)), DEMO_ME, now=lambda: DEMO_NOW, rules=default_rules())


@pytest.fixture
def desk_file(demo_copy: Path) -> Path:
    """The demo desk with three tickets of long Chinese titles and customers: mine, my
    teammate's (a long handle, a Chinese name), mine."""
    desk = open_desk(demo_copy)
    Roster(desk.store).add(HANDLE, name="欧阳建国", team="Service Desk")
    for i, title in enumerate(TITLES):
        made = desk.create(title, priority="P1", customer=CUSTOMERS[i % 2], vip=i == 0)
        desk.take(made.key)
        if i == 1:
            desk.assign(made.key, HANDLE)  # an agent hands their own on to a teammate
    desk.store.close()
    return demo_copy


@pytest.fixture
def app(desk_file: Path, chinese) -> DesklineApp:
    return DesklineApp(open_desk(desk_file))


def new_keys(app: DesklineApp) -> list[str]:
    desk = app.desk
    return [t.key for t in desk.tickets(app.screen.queue_view.numbers) if t.title in TITLES]


async def on_the_long_ones(pilot) -> None:
    """All open, the cursor on the first of the long Chinese tickets."""
    await settled(pilot)
    pilot.app.screen.show_view("open")
    await settled(pilot)
    pilot.app.screen.go_to(new_keys(pilot.app)[0])
    await settled(pilot)


async def quick_create(pilot) -> None:
    await settled(pilot)
    await pilot.press("ctrl+t")
    await settled(pilot)
    form = pilot.app.screen
    form.query_one("#title", Input).value = TITLES[1]
    form.query_one("#customer", Input).value = CUSTOMERS[0]
    form.query_one("#title", Input).focus()
    await settled(pilot)


def test_workspace_in_chinese_at_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=on_the_long_ones)


def test_workspace_in_chinese_at_160x48(snap_compare, app):
    assert snap_compare(app, terminal_size=(160, 48), run_before=on_the_long_ones)


def test_quick_create_in_chinese_at_80x24(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=quick_create)


def test_quick_create_in_chinese_at_160x48(snap_compare, app):
    assert snap_compare(app, terminal_size=(160, 48), run_before=quick_create)


def shown(static) -> str:
    """What a Static shows, as text (at 80 columns)."""
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(static.content)
    return console.export_text()


def row_text(view: QueueView, y: int) -> str:
    return "".join(segment.text for segment in view.render_line(y))


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_wide_characters_keep_the_queue_columns(app, size):
    """Every row is as wide as the pane; a long Chinese title starts where the others do,
    and its customer and assignee columns (wide queue) where those of the others are."""
    async with app.run_test(size=size) as pilot:
        await on_the_long_ones(pilot)
        view = app.screen.queue_view
        rows = [row_text(view, y) for y in range(view.size.height)]
        assert all(cell_len(row) == view.size.width for row in rows if row.strip())
        ours = [row for row in rows if any(t[:6] in row for t in TITLES)]
        assert len(ours) == len(TITLES)
        starts = {cell_len(row[: row.index(t[:6])]) for row in ours for t in TITLES if t[:6] in row}
        assert len(starts) == 1
        if size[0] == 160:  # the wide queue: customer and assignee columns, cut by cells
            assert sum(HANDLE[:10] in row and HANDLE not in row for row in ours) == 1
            handles = {
                cell_len(row[: row.index(h)])
                for row in ours
                for h in (HANDLE[:10], DEMO_ME)
                if h in row
            }
            customers = {
                cell_len(row[: row.index(c[:4])]) for row in ours for c in CUSTOMERS if c[:4] in row
            }
            assert len(handles) == 1 and len(customers) == 1
            assert "处理中" in "".join(rows) or "已指派" in "".join(rows)


async def test_the_detail_and_the_countdown_speak_chinese(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await on_the_long_ones(pilot)
        detail = app.screen.query_one(DetailPane)
        body = shown(detail.query_one("#detail-body"))
        for word in ("状态", "处理人", "客户", "渠道", "已创建", "时间线", CUSTOMERS[0], TITLES[0]):
            assert word in body, word
        assert "已接单" in body  # the timeline's event said as a word (stored: "taken")
        assert "处理人 ana.demo" in " ".join(body.split())
        pane = shown(app.screen.query_one("#countdown"))
        respond, resolve = (
            line for line in pane.splitlines() if line[:4] in ("首次响应", "解决时限")
        )
        # both clocks' states start in one column, whatever the width of their names
        assert cell_len(respond[: respond.index("●")]) == cell_len(resolve[: resolve.index("●")])
        header = str(app.screen.query_one("#view-name").render())
        assert header.startswith("全部未解决 (")
        footer = {b.description for _, b, _, _ in app.screen.active_bindings.values()}
        assert {"新建", "接单", "指派", "回复", "升级", "帮助", "退出"} <= footer


@pytest.mark.parametrize(
    ("language", "toast", "dialog"),
    [
        ("zh_CN", "请先标记工单：空格标记一张，V 标记一段", "将 {key} 指派给"),
        (SOURCE, "mark tickets first: space marks one, V a range", "Assign {key} to"),
    ],
)
async def test_a_toast_and_a_dialog_in_the_language_chosen(desk_file, language, toast, dialog):
    use(language)
    try:
        app = DesklineApp(open_desk(desk_file))
        async with app.run_test(size=(120, 36)) as pilot:
            await on_the_long_ones(pilot)
            await pilot.press("B")  # nothing marked
            await settled(pilot)
            assert toast in [str(n.message) for n in app._notifications]
            key = app.screen.detail.key
            await pilot.press("a")
            await settled(pilot)
            assert isinstance(app.screen, Choose)
            heading = str(app.screen.query(Label).first().render())
            assert heading == dialog.format(key=key)
    finally:
        use(SOURCE)


async def test_a_status_chosen_in_chinese_is_stored_in_english(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await on_the_long_ones(pilot)
        key = app.screen.detail.key
        await pilot.press("s")
        await settled(pilot)
        options = app.screen.query_one("OptionList")
        offered = {str(options.get_option_at_index(i).prompt) for i in range(options.option_count)}
        assert "待客户回复" in offered and "pending" not in offered
        index = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == "pending"
        )
        options.highlighted = index
        await pilot.press("enter")
        await settled(pilot)
        assert app.desk.get(key).status == "pending"
        assert any(str(n.message) == f"{key}: 现为待客户回复" for n in app._notifications)


async def test_quick_create_speaks_chinese_and_stores_the_channel_as_it_is(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await quick_create(pilot)
        form = app.screen
        assert isinstance(form, QuickCreate)
        labels = {str(label.render()) for label in form.query(Label)}
        assert {"新建工单", "标题", "优先级", "渠道", "分类", "客户"} <= labels
        assert str(form.query_one("#channel").value) == "phone"
        await pilot.press("enter")
        await settled(pilot)
        said = [str(n.message) for n in app._notifications if str(n.message).endswith(": 已创建")]
    assert len(said) == 1
    made = app.desk.get(said[0].split(":")[0])
    assert (made.title, made.customer) == (TITLES[1], CUSTOMERS[0])
    assert made.channel == "phone"  # shown 电话, stored phone


def test_a_countdown_past_a_day_is_as_wide_in_chinese(chinese):
    assert countdown(93784) == "1天02:03" and countdown(-93784) == "-1天02:03"
    use(SOURCE)
    assert countdown(93784) == "1d02h03m"
    assert cell_len("1天02:03") == cell_len("1d02h03m")


def test_padding_is_by_cells():
    assert cell_len(padded("首次响应", 9)) == 9 and padded("Respond", 8) == "Respond "
    assert padded("1天02:03", 10, right=True) == "  1天02:03"


@pytest.mark.parametrize(
    ("language", "placeholder", "quit_title"),
    [("zh_CN", "搜索命令…", "退出"), (SOURCE, "Search for commands…", "Quit")],
)
async def test_the_palette_speaks_the_language_chosen(desk_file, language, placeholder, quit_title):
    """Textual's own words in the palette: its search box and its system commands."""
    from textual.command import CommandInput, CommandPalette

    use(language)
    try:
        app = DesklineApp(open_desk(desk_file))
        async with app.run_test(size=(120, 36)) as pilot:
            await settled(pilot)
            await pilot.press("ctrl+p")
            await settled(pilot)
            assert isinstance(app.screen, CommandPalette)
            assert app.screen.query_one(CommandInput).placeholder == placeholder
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert quit_title in titles
    finally:
        use(SOURCE)


@pytest.mark.parametrize(
    ("language", "said"),
    [("zh_CN", ["相关 T-3", "合并到 T-1", "由 T-2 合并而来"]), (SOURCE, None)],
)
def test_a_tickets_links_are_said_in_the_language(language, said):
    from deskline.tui.language import link_word

    links = ["related T-3", "merged into T-1", "merged from T-2"]
    use(language)
    try:
        assert [link_word(x) for x in links] == (said or links)
    finally:
        use(SOURCE)
