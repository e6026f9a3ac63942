"""The ``deskline`` command: the Typer app built from the command groups, and its entry point.

Each group is a module of its own (tickets, search and views, agents, customers, rules,
alerts, policy, config, sla, db, audit, demo, dashboard); what they share is in context.py.
Their modules import only Typer at the top, so ``deskline --help`` and ``--version`` load
no database or screen library.
"""

from __future__ import annotations

import gc
import inspect
import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup
from typer.main import (
    get_command_from_info,
    get_command_name,
    get_group_from_info,
    solve_typer_info_help,
)
from typer.models import CommandInfo, TyperInfo

from deskline import __version__
from deskline.core.clock import ClockError
from deskline.core.config.ui import language_setting
from deskline.core.errors import DesklineError
from deskline.core.inert import quoted
from deskline.core.language import N_, _, choose, normalise, shipped, use
from deskline.tui.cli import (
    agents,
    alerts,
    archive,
    attachments,
    audit,
    bulk,
    config,
    contacts,
    customers,
    dashboard,
    db,
    demo,
    kb,
    links,
    log,
    macros,
    mail,
    policy,
    replay,
    report,
    rules,
    search,
    sla,
    staffing,
    tickets,
    transfer,
)
from deskline.tui.cli.context import Command as CliCommand
from deskline.tui.cli.context import Session, say, store_error, usage_error
from deskline.tui.cli.helptext import TranslatedHelp

if TYPE_CHECKING:
    from typer._click import Command, Context, HelpFormatter

PROG = "deskline"
GROUPS = (
    tickets,
    search,
    links,
    macros,
    bulk,
    agents,
    customers,
    contacts,
    mail,
    attachments,
    kb,
    archive,
    rules,
    alerts,
    policy,
    config,
    sla,
    db,
    audit,
    demo,
    dashboard,
    report,
    replay,
    staffing,
    transfer,
)


def entries() -> dict[str, CommandInfo | TyperInfo]:
    """Every top-level command and command group, by name, in the order they are listed."""
    found: dict[str, CommandInfo | TyperInfo] = {}
    for group in GROUPS:
        if isinstance(group.app.info.name, str):  # a named group: ``deskline agents ...``
            found[group.app.info.name] = TyperInfo(group.app)
            continue
        for command in group.app.registered_commands:  # commands of their own: ``deskline new``
            assert command.callback is not None
            found[command.name or get_command_name(command.callback.__name__)] = command
        for sub in group.app.registered_groups:
            assert sub.typer_instance is not None and isinstance(sub.typer_instance.info.name, str)
            found[sub.typer_instance.info.name] = sub
    return found


ENTRIES = entries()


def build(entry: CommandInfo | TyperInfo) -> Command:
    """The Click form of one command or command group, read from its signature."""
    if isinstance(entry, CommandInfo):
        return get_command_from_info(entry, pretty_exceptions_short=True, rich_markup_mode=None)
    return get_group_from_info(
        entry, pretty_exceptions_short=True, suggest_commands=True, rich_markup_mode=None
    )


class BuiltOnDemand(MutableMapping[str, "Command"]):
    """deskline's commands by name, each built the first time it is looked up."""

    def __init__(self) -> None:
        self.built: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self.built:
            self.built[name] = build(ENTRIES[name])  # KeyError: no such command
        return self.built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        del self.built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*ENTRIES, *self.built]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*ENTRIES, *self.built]))


class OnDemand(TranslatedHelp, TyperGroup):
    """The root of ``deskline``: a command's Click form (its options, read from its
    signature) is built only when that command runs, and ``--help`` lists the commands from
    their helps; building all of them would cost every start about 15 ms. Its help, its
    options' and the commands' one-line helps are said in the current language."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = BuiltOnDemand()

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The global options (their help in the current language), then the commands."""
        _arguments, options = self.parameter_rows(ctx)
        if options:
            with formatter.section(_("Options")):
                formatter.write_dl(options)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        listed = {name: CliCommand(name=name, help=help_of(e)) for name, e in ENTRIES.items()}
        limit = formatter.width - 6 - max(len(name) for name in listed)
        with formatter.section(_("Commands")):
            formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in listed.items()])


def help_of(entry: CommandInfo | TyperInfo) -> str | None:
    """A command's help as Typer reads it: given, else its docstring (a group's: its help)."""
    if isinstance(entry, TyperInfo):
        return solve_typer_info_help(entry)
    return inspect.cleandoc(entry.help) if entry.help else inspect.getdoc(entry.callback)


# Click's UsageError, whether Typer vendors Click or uses it: BadParameter's parent.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
assert UsageError.__name__ == "UsageError"

HELP = N_("A keyboard-first helpdesk in the terminal. Run with no command to open the workspace.")
# Click's and Typer's own option helps, said in the current language on ``--help``.
LIBRARY_HELPS = (
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)

app = typer.Typer(
    name=PROG,
    help=HELP,
    no_args_is_help=False,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=OnDemand,
)


def check_language(given: str | None) -> str | None:
    """``--lang``: one of the languages deskline speaks (``main`` chose it already; an app
    run otherwise, by a test, chooses it here)."""
    if given is not None and normalise(given) is None:
        known = ", ".join(shipped())
        raise typer.BadParameter(
            _("deskline speaks {known}, not {given}").format(known=known, given=given),
            param_hint="'--lang'",
        )
    if given is not None:
        use(given)
    return given


def show_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", metavar="PATH|URL", help=N_("SQLite file or database URL (env DESKLINE_DB).")
        ),
    ] = None,
    config: Annotated[
        str | None,
        typer.Option(
            "--config", metavar="FILE", help=N_("deskline.toml to use (env DESKLINE_CONFIG).")
        ),
    ] = None,
    handle: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="HANDLE",
            help=N_(
                "Act as this agent (default: your OS user; on PostgreSQL your login's agent, "
                "others for admins only)."
            ),
        ),
    ] = None,
    theme: Annotated[
        str | None,
        typer.Option(
            "--theme", metavar="NAME", help=N_("Theme, e.g. deskline-light (default: [ui] theme).")
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            callback=check_language,
            is_eager=True,
            help=N_("Language of the interface, e.g. zh_CN (default: [ui] language, else LANG)."),
        ),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            show_default=False,
            help=N_("Log what deskline does to stderr; -vv for every library's debug lines."),
        ),
    ] = 0,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=show_version,
            is_eager=True,
            help=N_("Print the version and exit."),
        ),
    ] = False,
) -> None:
    log.configure(verbose)
    ctx.obj = Session(db=db, config=config, handle=handle, theme=theme, verbose=verbose)
    if ctx.invoked_subcommand not in LOADING:
        gc.enable()  # ``main`` turned it off for the start
    if ctx.invoked_subcommand is None:
        ctx.obj.open_workspace()


def utf8(text: str) -> bool:
    """Whether ``text`` came from valid UTF-8 (Python keeps other bytes as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


GLOBAL_VALUED = ("--db", "--config", "--as", "--theme", "--lang")


def given(argv: list[str], option: str) -> str | None:
    """The value of one of the global options (``--lang X`` or ``--lang=X``), read before
    the command's name (what follows is the command's)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == option:
            return argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith(option + "="):
            return arg.partition("=")[2]
        if arg in GLOBAL_VALUED:
            i += 2
            continue
        if arg == "--" or not arg.startswith("-"):
            return None
        i += 1
    return None


def choose_language(argv: list[str]) -> None:
    """``--lang``, else ``[ui] language``, else LC_ALL / LC_MESSAGES / LANG: chosen before
    the options are read, so ``--help`` and the errors about them speak it too."""
    setting = language_setting(given(argv, "--config"), os.environ)
    use(choose(given(argv, "--lang"), setting, os.environ))


# The commands that load their heavy modules (SQLAlchemy's, Textual's, ours) after the
# options are read, and turn the collector back on once they have (``gc.enable``).
LOADING = (None, "dashboard")  # None: the workspace


def main() -> None:
    """Console entry point: user errors become one line on stderr and a non-zero exit.

    The cyclic collector is off while the modules load (a start makes ~500 of them, and
    each full pass walks all made so far: about a tenth of a start's CPU); every command
    turns it on before its work (``main_options``, or after its imports, ``LOADING``)."""
    gc.disable()
    try:
        _run()
    finally:
        gc.enable()


def _run() -> None:
    choose_language(sys.argv[1:])
    undecodable = next((a for a in sys.argv[1:] if not a.isascii() and not utf8(a)), None)
    if undecodable is not None:  # bytes the terminal did not send as UTF-8 (surrogateescape)
        say(
            _("argument {argument} is not valid UTF-8: retype it or fix the locale").format(
                argument=quoted(undecodable)
            )
        )
        sys.exit(2)
    try:
        code = app(prog_name=PROG, standalone_mode=False)
    except UsageError as exc:  # Click's own block is several lines; one is enough
        command = exc.ctx.command_path if exc.ctx else PROG
        say(
            _("{message} (see `{command} --help`)").format(
                message=usage_error(exc.format_message()), command=command
            )
        )
        sys.exit(2)
    except typer.Abort:
        sys.exit(130)
    except DesklineError as exc:
        say(str(exc))
        sys.exit(exc.exit_code)
    except ClockError as exc:
        say(str(exc))
        sys.exit(2)
    except Exception as exc:
        # The store's error: its module is loaded once a store was opened, not before.
        from deskline.core.desk.database import StoreError

        if not isinstance(exc, StoreError):
            raise
        say(store_error(str(exc)))
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
