"""The ``deskline`` command as a Python CLI user expects it: fast to start (``--help`` and
``--version`` load no database or screen library, a read command no Textual and no Alembic),
``-h``, ``--version``, shell completion, metavars that say what they are."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from deskline import __version__
from deskline.tui.cli.main import ENTRIES, main

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "textual", "rich")


def loaded_by(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after ``deskline ARGS`` ran in it
    (run as ``main()`` is, with ``standalone_mode=False``)."""
    probe = (
        "import contextlib, io, sys\n"
        "from deskline.tui.cli.main import PROG, app\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    app({list(args)!r}, prog_name=PROG, standalone_mode=False)\n"
        "print(sorted(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in eval(done.stdout)}


@pytest.mark.parametrize("args", [("--help",), ("-h",), ("--version",)])
def test_help_and_version_load_no_database_or_screen_library(args):
    loaded = loaded_by(*args)
    assert "typer" in loaded  # the probe can see what was loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_a_read_command_loads_no_textual_and_no_alembic(tmp_path):
    db = str(tmp_path / "desk.db")
    env = {"DESKLINE_AS": "root", "DESKLINE_DB": db}
    assert (
        subprocess.run(  # the first run makes the schema (Alembic runs there)
            [sys.executable, "-m", "deskline", "new", "--title", "Printer jams"],
            capture_output=True,
            env={**os.environ, **env},
        ).returncode
        == 0
    )
    loaded = loaded_by("list", "--json", env=env)
    assert "sqlalchemy" in loaded  # it did read the store
    assert not loaded & {"textual", "alembic", "rich"}, sorted(loaded & {"textual", "alembic"})
    shown = loaded_by("show", "T-1", env=env)
    assert "rich" in loaded | shown and not shown & {"textual", "alembic"}


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["deskline", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def test_version_comes_from_the_package():
    for command in (
        ["-m", "deskline", "--version"],
        ["-c", "from deskline.__main__ import main; main()", "--version"],
    ):
        done = subprocess.run([sys.executable, *command], capture_output=True, text=True)
        assert (done.returncode, done.stdout, done.stderr) == (0, f"deskline {__version__}\n", "")
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def command_paths() -> list[tuple[str, ...]]:
    """Every command and group of ``deskline``, as the words that run it."""
    from typer.main import get_command

    from deskline.tui.cli.main import app

    paths: list[tuple[str, ...]] = [()]
    group = get_command(app)

    def walk(command, path: tuple[str, ...]) -> None:
        ctx = command.make_context("deskline", [], resilient_parsing=True)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            paths.append((*path, name))
            if hasattr(sub, "list_commands"):
                walk(sub, (*path, name))

    walk(group, ())
    return paths


def test_every_command_answers_dash_h_as_it_does_dash_dash_help(monkeypatch, capsys):
    paths = command_paths()
    assert {("new",), ("agents", "duty"), ("alerts", "ack"), ("rules", "check")} <= set(paths)
    assert set(ENTRIES) == {p[0] for p in paths if len(p) == 1}
    for path in paths:
        short = run_main(monkeypatch, capsys, *path, "-h")
        long = run_main(monkeypatch, capsys, *path, "--help")
        assert short[0] == 0 and short == long, path
        assert short[1].startswith(f"Usage: deskline {' '.join(path)}".rstrip() + " ")


# What Typer writes for a parameter with no metavar (``<str>``, ``{name}``), and the names
# Click gives an option from its type: they say nothing of what to give. (An argument's
# own name, such as the TEXT of a reply, is its metavar, chosen.)
TYPED = re.compile(r"<[^>]*>|\{[^}]*\}")
GENERIC = re.compile(
    r"<[^>]*>|\{[^}]*\}|\b(TEXT|INTEGER|FLOAT|BOOLEAN|UUID|FILENAME|DIRECTORY|PATH)\b(?!\|)"
)


def generic_metavars(help_text: str) -> list[str]:
    """Each line of a ``--help`` (usage, argument or option) whose metavar is a type's name."""
    found = []
    section = ""
    for line in help_text.splitlines():
        words = line.strip()
        if re.fullmatch(r"[A-Z][a-z]+:", words):
            section = words
        column = re.split(r"\s{2,}", words)[0]  # the parameter, not its help
        if words.startswith("Usage:") or section == "Arguments:":
            if TYPED.search(column if section else words):
                found.append(words)
        elif section == "Options:" and words.startswith("-") and GENERIC.search(column):
            found.append(words)
    return found


def test_the_metavar_check_catches_a_generic_metavar(monkeypatch, capsys):
    plain = typer.Typer(rich_markup_mode=None)

    @plain.command()
    def hello(name: str, times: int = typer.Option(1)) -> None:
        """Say hello."""

    with pytest.raises(SystemExit):
        plain(["--help"], prog_name="plain")
    caught = generic_metavars(capsys.readouterr().out)
    assert any(line.startswith("Usage:") and "{name}" in line for line in caught)
    assert any(line.startswith("name <str>") for line in caught)
    assert any(line.startswith("--times") for line in caught)


def test_metavars_say_what_to_give(monkeypatch, capsys):
    generic = {}
    for path in command_paths():
        code, out, _ = run_main(monkeypatch, capsys, *path, "--help")
        assert code == 0
        if found := generic_metavars(out):
            generic[" ".join(path)] = found
    assert not generic, generic


def test_completion_installs_for_bash_and_completes_commands(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "SHELL": "/bin/bash"}
    done = subprocess.run(
        [sys.executable, "-m", "deskline", "--install-completion", "bash"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    script = home / ".bash_completions" / "deskline.sh"
    text = script.read_text()
    assert "_DESKLINE_COMPLETE=complete_bash" in text
    assert "complete -o default -F _deskline_completion deskline" in text
    assert f"source '{script}'" in (home / ".bashrc").read_text()
    # and bash, given the script, completes deskline's own words
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "deskline"
    launcher.write_text(f'#!/bin/sh\nexec {sys.executable} -m deskline "$@"\n')
    launcher.chmod(0o755)
    completed = subprocess.run(
        [
            "bash",
            "-c",
            f"source {script}; COMP_WORDS=(deskline agents ''); COMP_CWORD=2; "
            '_deskline_completion deskline; printf "%s\\n" "${COMPREPLY[@]}"',
        ],
        capture_output=True,
        text=True,
        env={**env, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
    )
    assert completed.stdout.split() == [
        "add",
        "list",
        "duty",
        "set",
        "remove",
        "set-login",
    ], completed.stderr


def test_help_lists_every_command_with_its_summary(monkeypatch, capsys):
    code, out, _ = run_main(monkeypatch, capsys, "-h")
    assert code == 0
    listed = re.findall(r"^  (\S+)\s{2,}(\S.*)$", out.split("Commands:")[1], re.M)
    assert [name for name, _ in listed] == list(ENTRIES)
    summaries = dict(listed)
    assert summaries["show"] == "Show one ticket with its conversation and history."
    assert summaries["agents"].startswith("Who works at this desk")


def test_the_log_goes_to_stderr_with_dash_v(tmp_path: Path):
    env = {**os.environ, "DESKLINE_DB": str(tmp_path / "d.db"), "DESKLINE_AS": "root"}
    quiet = subprocess.run(
        [sys.executable, "-m", "deskline", "watch", "--once"],
        capture_output=True,
        text=True,
        env=env,
    )
    loud = subprocess.run(
        [sys.executable, "-m", "deskline", "-v", "watch", "--once"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert quiet.returncode == loud.returncode == 0, quiet.stderr + loud.stderr
    assert "INFO deskline.tui.cli.alerts: firing what is due on sqlite:///" in loud.stderr
    assert "INFO" not in quiet.stderr
