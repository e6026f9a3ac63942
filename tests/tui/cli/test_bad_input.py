"""Every bad input is one line: commands run as real processes with random bad text, bytes
that are not UTF-8, huge integers, out-of-range clocks and random TOML exit 1 or 2 with one
``deskline:`` line on stderr (no traceback) and leave the database as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from processes import deskline
from sqlalchemy import create_engine, inspect, text

from deskline.core.roster.handles import HANDLE

FUZZ = settings(
    max_examples=40,  # the shapes above and every option of every command
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def snapshot(url: str) -> tuple[dict[str, int], str]:
    """Each table's row count, and a checksum of every row of every table."""
    engine = create_engine(url)
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    try:
        with engine.connect() as conn:
            for table in sorted(inspect(conn).get_table_names()):
                rows = sorted(
                    repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))
                )
                counts[table] = len(rows)
                for row in rows:
                    digest.update(row.encode("utf-8", "surrogateescape"))
    finally:
        engine.dispose()
    return counts, digest.hexdigest()


@pytest.fixture
def desk_env(db_url) -> dict[str, str]:
    """A desk in use (its first-use notices told): a ticket, two agents."""
    env = dict(os.environ, DESKLINE_DB=db_url, DESKLINE_AS="ana", TZ="UTC", PYTHONUTF8="1")
    deskline(env, "new", "-t", "Printer jam", "--customer", "Initech")
    deskline(env, "agents", "add", "bo", "--name", "Bo Wang")
    deskline(env, "list")
    return env


def run_bytes(env: dict[str, str], args: list[bytes]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"deskline", *args],
        env=env,
        capture_output=True,
        timeout=120,
    )


def assert_one_line(done: subprocess.CompletedProcess[bytes], args: object) -> None:
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode in (1, 2), (args, done.returncode, err)
    assert "Traceback" not in err, (args, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("deskline: "), (args, err)
    assert len(lines[0]) < 300, (args, err)


def not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


NOT_UTF8 = st.binary(min_size=1, max_size=12).filter(lambda b: b"\0" not in b and not_utf8(b))
HUGE = st.integers(min_value=2**63, max_value=2**200).map(lambda n: str(n).encode())
BAD_COUNT = HUGE | st.integers(min_value=-(2**70), max_value=0).map(lambda n: str(n).encode())
BAD_HANDLE = (
    st.text(st.characters(exclude_characters="\0", exclude_categories=["Cs"]), max_size=40)
    .filter(lambda s: HANDLE.fullmatch(s.strip()) is None and not s.startswith("-"))
    .map(lambda s: s.encode())
)
LONG_TITLE = st.text("abcdefghij", min_size=201, max_size=400).map(lambda s: s.encode())
FAR_YEAR = st.integers(min_value=9001, max_value=9999).map(lambda y: f"{y}-06-01T10:00:00Z")

COMMANDS = st.one_of(
    NOT_UTF8.map(lambda b: ([b"new", b"-t", b], {})),
    NOT_UTF8.map(lambda b: ([b"new", b"-t", b"Printer", b"--description", b], {})),
    NOT_UTF8.map(lambda b: ([b"new", b"-t", b"Printer", b"--customer", b], {})),
    NOT_UTF8.map(lambda b: ([b"--as", b, b"list"], {})),
    NOT_UTF8.map(lambda b: ([b"agents", b"add", b], {})),
    st.tuples(
        st.sampled_from(
            [
                [b"reply", b"T-1"],
                [b"note", b"T-1"],
                [b"new", b"-t", b"Printer", b"--tag"],
                [b"new", b"-t", b"Printer", b"--category"],
                [b"agents", b"add", b"cy", b"--name"],
                [b"agents", b"add", b"cy", b"--team"],
                [b"agents", b"set", b"bo", b"--skill"],
                [b"customers", b"set"],
                [b"assign", b"T-1"],
                [b"show"],
                [b"status", b"T-1"],
                [b"--db"],
                [b"--config"],
            ]
        ),
        NOT_UTF8,
    ).map(lambda c: ([*c[0], c[1]], {})),
    LONG_TITLE.map(lambda t: ([b"new", b"-t", t], {})),
    st.sampled_from([b"", b"   ", b"\t"]).map(lambda t: ([b"new", b"-t", t], {})),
    BAD_COUNT.map(lambda n: ([b"list", b"--limit", n], {})),
    BAD_HANDLE.map(lambda h: ([b"agents", b"add", h], {})),
    # (an empty --as is no --as: DESKLINE_AS, then the OS user)
    BAD_HANDLE.filter(lambda h: h.strip()).map(lambda h: ([b"--as", h, b"list"], {})),
    BAD_COUNT.map(lambda n: ([b"agents", b"add", b"cy", b"--max-active", n], {})),
    BAD_COUNT.map(lambda n: ([b"agents", b"set", b"bo", b"--max-active", n], {})),
    HUGE.map(lambda n: ([b"agents", b"set", b"bo", b"--cap", n], {})),
    HUGE.map(lambda n: ([b"show", b"T-" + n], {})),
    BAD_COUNT.map(lambda n: ([b"alerts", b"resend", n], {})),
    BAD_COUNT.map(lambda n: ([b"alerts", b"deliveries", b"--limit", n], {})),
    st.integers(min_value=2, max_value=2**31 - 1).map(
        lambda n: ([b"alerts", b"resend", str(n).encode()], {})  # no such delivery
    ),
    FAR_YEAR.map(lambda t: ([b"new", b"-t", b"Printer"], {"DESKLINE_NOW": t})),
    FAR_YEAR.map(lambda t: ([b"list"], {"DESKLINE_NOW": t})),
)


# -- every option of every command ------------------------------------------------------

ARGUMENTS = {"KEY": b"T-1", "HANDLE": b"bo", "ID": b"1", "NAME": b"Initech"}
LOOPING = {("mail", "watch")}  # runs until stopped: its options are read by mail fetch too
NO_SCREEN = {"dashboard": [b"--once"], "watch": [b"--once"], "demo": [b"--no-open"]}


def _leaves(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group (a group's own options run it alone: ``alerts --limit``)
    but the root (alone, it opens the workspace; its options are in COMMANDS)."""
    if path:
        yield path, command
    if hasattr(command, "list_commands"):
        for name in command.list_commands(None):
            yield from _leaves(command.get_command(None, name), (*path, name))


def _kind(param: Any) -> str | None:
    """What a bad value of this option is: text, a whole number, a number, a path; None
    for flags and choices (Click refuses any other word for those itself)."""
    if param.is_flag or param.count:
        return None
    shown = repr(param.type_descriptor.annotation)
    if "bool" in shown or "Literal" in shown or "enum" in shown.lower():
        return None
    for word, kind in (("int", "count"), ("float", "number"), ("Path", "path")):
        if word in shown:
            return kind
    return "text"


def option_shapes() -> list[tuple[tuple[str, ...], list[bytes], str, str]]:
    """(command, its required arguments, option, kind) of every option that takes a value,
    of every command: read from the command line itself, so a new one is driven too."""
    import typer

    from deskline.tui.cli.main import app

    shapes = []
    for path, command in _leaves(typer.main.get_command(app), ()):
        if path in LOOPING:
            continue
        words = [os.fsencode(w) for w in path] + NO_SCREEN.get(path[0], [])
        arguments = [
            ARGUMENTS.get((p.metavar or p.name or "").upper().rstrip(".").rstrip("."), b"T-1")
            for p in command.params
            if type(p).__name__.endswith("Argument") and p.required
        ]
        for param in command.params:
            kind = _kind(param) if type(param).__name__.endswith("Option") else None
            if kind is not None and param.name != "help":
                shapes.append((path, [*words, *arguments], param.opts[0], kind))
    return shapes


OPTIONS = option_shapes()
BAD_OF_KIND = {
    "text": NOT_UTF8,
    "count": BAD_COUNT,
    "number": st.sampled_from([b"1e400", b"-1e400", b"nan", b"inf"]),
    "path": NOT_UTF8.map(
        lambda b: os.fsencode(tempfile.gettempdir()) + b"/" + b.replace(b"/", b"")
    ),
}
EVERY_OPTION = st.sampled_from(OPTIONS).flatmap(
    lambda shape: BAD_OF_KIND[shape[3]].map(
        lambda bad: ([*shape[1], os.fsencode(shape[2]), bad], {})
    )
)


def test_every_command_with_options_is_driven():
    commands = {path for path, _, _, _ in OPTIONS}
    assert len(OPTIONS) > 80 and len(commands) > 25  # the walk found the whole tree
    wanted = (("new",), ("list",), ("alerts",), ("alerts", "deliveries"), ("policy", "apply"))
    for expected in wanted:
        assert expected in commands, expected


@FUZZ
@given(command=COMMANDS | EVERY_OPTION)
def test_a_bad_command_is_one_line_and_writes_nothing(desk_env, command):
    args, extra = command
    before = snapshot(desk_env["DESKLINE_DB"])
    done = run_bytes({**desk_env, **extra}, args)
    assert_one_line(done, args)
    assert snapshot(desk_env["DESKLINE_DB"]) == before


def not_toml(source: str) -> bool:
    try:
        tomllib.loads(source)
    except tomllib.TOMLDecodeError:
        return True
    except RecursionError:
        return True
    return False


DEEP = st.integers(min_value=1000, max_value=6000).flatmap(
    lambda n: st.sampled_from([f"a = {'[' * n}1{']' * n}\n", f"a = {'{b = ' * n}1{'}' * n}\n"])
)
TOML_FILES = st.one_of(
    DEEP,
    st.text(st.characters(exclude_categories=["Cs"]), max_size=200).filter(not_toml),
    st.sampled_from(
        [
            '[keys]\ntake = "ctrl+m"\n',
            '[keys]\nnope = "x"\n',
            "[sla]\nwarning_leads = [1, 2]\n",
            "[[routing.rules]]\n",
            "[nonsense]\n",
            "[ui]\ntheme = 3\n",
        ]
    ),
    st.dictionaries(
        st.text("abcxyz", min_size=1, max_size=5), st.integers(), min_size=1, max_size=3
    ).map(lambda d: "".join(f"{k} = {v}\n" for k, v in d.items())),
)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@FUZZ
@given(source=TOML_FILES)
def test_config_check_of_a_bad_file_is_one_line(desk_env, source):
    # a short path: the line names the file, and pytest's own paths are long
    path = Path(tempfile.mkdtemp(prefix="dl")) / "d.toml"
    path.write_text(source, encoding="utf-8")
    before = snapshot(desk_env["DESKLINE_DB"])
    try:
        done = run_bytes(desk_env, [b"config", b"check", os.fsencode(path)])
    finally:
        shutil.rmtree(path.parent)
    assert_one_line(done, source[:200])
    assert snapshot(desk_env["DESKLINE_DB"]) == before


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_huge_bad_value_is_quoted_cut_to_a_line(desk_env):
    huge = "P" + "9" * 100_000
    for args in (["new", "-t", "Printer", "-p", huge], ["assign", "T-1", "x" * 100_000]):
        done = deskline(desk_env, *args, check=False)
        assert done.returncode in (1, 2)
        [line] = done.stderr.splitlines()
        assert len(line) < 300 and "…" in line, line
