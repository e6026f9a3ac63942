"""Keys remapped through [keys] in deskline.toml, and the ones refused."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime

import pytest
from conftest import workers_done

from deskline.core.config.reader import ConfigError
from deskline.core.config.settings import parse_desk_config
from deskline.core.desk.tickets import Desk
from deskline.tui.keys import REMAPPABLE, check_keymap
from deskline.tui.workspace.app import DesklineApp
from deskline.tui.workspace.queue import QueueView
from deskline.tui.workspace.screen import WorkspaceScreen

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


def config(text: str):
    return parse_desk_config(tomllib.loads(text))


def test_every_binding_can_be_remapped_by_its_id():
    ids = {b.id for b in WorkspaceScreen.BINDINGS} | {b.id for b in QueueView.BINDINGS}
    ids |= {b.id for b in DesklineApp.BINDINGS}
    assert ids == set(REMAPPABLE)


async def test_a_remapped_key_does_the_action(desk):
    ana = Desk(desk.store, "ana", now=lambda: NOW)
    ana.create("Printer jam")
    app = DesklineApp(ana, config('[keys]\ntake = "x"\n'))
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await workers_done(app)
        await pilot.press("t")  # no longer bound
        await pilot.pause()
        await workers_done(app)
        assert ana.get("T-1").assignee is None
        await pilot.press("x")
        await pilot.pause()
        await workers_done(app)
    assert ana.get("T-1").assignee == "ana"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[keys]\ntakee = "x"', "keys.takee: unknown action; known:"),
        ('[keys]\nreply = "ctrl+m"', "keys.reply: ctrl+m does not reach deskline"),
        ('[keys]\nfilter = "ctrl+left"', "keys.filter: ctrl+left does not reach"),
    ],
)
def test_a_bad_key_is_one_clear_error(text, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        check_keymap(config(text).keys, None)


def test_a_key_must_be_text():
    with pytest.raises(ConfigError, match="keys.take: must be a key text"):
        config("[keys]\ntake = 5\n")
