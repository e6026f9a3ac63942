"""The knowledge base in the workspace: the published articles an open ticket resembles are
listed in its detail (read in a thread), and ctrl+k in the reply editor puts one's text in."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from conftest import settle
from textual.widgets import Static, TextArea

from deskline.core.desk.tickets import Desk
from deskline.core.kb.articles import KnowledgeBase
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.articles import line
from deskline.tui.workspace.compose import ComposeText
from deskline.tui.workspace.dialogs import Choose

BODY = "Open tray 2, lift the green lever and replace the feed roller."


@pytest.fixture
def ana(desk, store) -> Desk:
    kb = KnowledgeBase(store, "ana")  # a supervisor: she may publish
    kb.publish(kb.write("Printer jams: replace the roller", BODY, tags=["printer"]).key)
    kb.write("Printer jams: a draft nobody published", "not for customers yet")
    return desk


def on_one(ana: Desk, title: str, description: str) -> DesklineApp:
    """The workspace on one ticket of mine."""
    ana.create(title, priority="P3", description=description)
    ana.take("T-1")
    return DesklineApp(ana)


def section(app) -> Static:
    return app.screen.query_one("#detail-articles", Static)


def shown(app) -> str:
    box = section(app)
    return str(box.render()) if box.display and box.has_class("found") else ""


async def test_a_resembling_article_is_shown_and_ctrl_k_puts_its_text_in_the_reply(ana):
    app = on_one(ana, "The printer jams on every page", "printer jams")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Knowledge base" in shown(app)
        assert "KB-1 Printer jams: replace the roller" in shown(app)
        assert "KB-2" not in shown(app)  # a draft is not offered
        await pilot.press("r", *"Hello,", "ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, Choose)
        assert [v for v, _ in app.screen.choices] == ["KB-1"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComposeText)
        assert app.screen.query_one("#body", TextArea).text == f"Hello,\n{BODY}"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeText)
    assert ana.get("T-1").comments[-1].body == f"Hello,\n{BODY}"


async def test_no_section_for_a_ticket_no_article_resembles(ana):
    app = on_one(ana, "VPN will not connect from home", "tunnel drops")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.detail is not None and app.screen.detail.key == "T-1"
        assert shown(app) == ""
        await pilot.press("r", "ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, ComposeText)  # no picker: nothing to choose
        assert any("no published article" in str(n.message) for n in app._notifications)


def test_an_article_line_is_inert_and_on_one_line():
    article = SimpleNamespace(key="KB-7", title="[bold]Jams[/]\x1b[2J\nnext")
    assert line(article) == "KB-7 [bold]Jams[/]\\x1b[2J\\nnext"  # type: ignore[arg-type]
