"""What every command shares: the Session of global options, how commands talk to the person
(``say``, ``fail``, ``emit``) and the option and argument types many commands take.

Typer reads every command's signature to build ``--help``, so this module and the command
modules import only Typer at their top; the desk, its store and its settings load inside
the commands that use them (``deskline --help`` loads no database library).
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.tui.cli.helptext import TranslatedHelp

if TYPE_CHECKING:
    from typer._click import Context, HelpFormatter

    from deskline.core.config.settings import DeskConfig
    from deskline.core.desk.database import Store
    from deskline.core.desk.reading import Reader
    from deskline.core.desk.tickets import Desk
    from deskline.core.roster.identity import Identity
    from deskline.tui.look import Look


@dataclass
class Session:
    """What the global options chose, with the store opened on first use."""

    db: str | None = None
    config: str | None = None
    handle: str | None = None
    theme: str | None = None
    verbose: int = 0
    # The local file's policy sections are checked against the desk's (imported into a desk
    # with none); ``policy`` commands turn this off: they work on the desk's policy itself.
    local_policy: bool = True
    _store: Store | None = field(default=None, repr=False)
    _config: DeskConfig | None = field(default=None, repr=False)
    _look: Look | None = field(default=None, repr=False)
    _identity: Identity | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        if self._store is None:
            from deskline.core.desk.database import open_store

            settings = self.settings  # [database] url, after --db and DESKLINE_DB
            self._store = open_store(self.db or os.environ.get("DESKLINE_DB") or settings.database)
            if self._store.backup_made:
                said = _("upgraded the database schema; backup saved at {path}")
                say(said.format(path=self._store.backup_made))
            if self.local_policy and settings.policy_given:
                self._adopt_local_policy(self._store, settings)
            elif self.local_policy:  # (``policy`` commands write versions themselves)
                self._pin_defaults(self._store)
        return self._store

    def _pin_defaults(self, store: Store) -> None:
        """A desk with no policy yet keeps the built-in defaults as its version 1, so
        every process on every machine reads the same hours (told once)."""
        from deskline.core.policy.book import unpinned

        if not unpinned(store):  # the common case, one light read: the desk has a policy
            return
        from deskline.core import clock
        from deskline.core.policy.apply import pin_defaults

        pinned = pin_defaults(store, handle=self.me, now=clock.now())
        if pinned is not None:
            zone = pinned.sla.calendars["business"].timezone
            said = _(
                "the desk runs on the built-in policy (version {version}, business hours "
                "in {zone}); change it with `deskline policy apply`"
            )
            say(said.format(version=pinned.version, zone=zone))

    def _adopt_local_policy(self, store: Store, settings: DeskConfig) -> None:
        """Policy sections in the local file: imported into a desk with no policy yet,
        accepted when they are the desk's, else one clear error (ConfigError)."""
        from deskline.core import clock
        from deskline.core.policy.apply import adopt_local

        told = adopt_local(
            store, settings.rules, source=str(settings.source), handle=self.me, now=clock.now()
        )
        if told:
            say(told)

    @property
    def me(self) -> str:
        from deskline.core.roster.handles import HANDLE_ENV, os_handle

        return self.handle or os.environ.get(HANDLE_ENV) or os_handle()

    @property
    def settings(self) -> DeskConfig:
        if self._config is None:
            from deskline.core.config.settings import load_config
            from deskline.themes import palette
            from deskline.tui.look import look_of

            config = load_config(self.config)
            self._look = look_of(config, self.theme)  # a bad --theme fails here, one line
            palette.use_ascii(self._look.ascii)
            self._config = config
        return self._config

    @property
    def look(self) -> Look:
        """The theme and glyphs, chosen with the settings."""
        self.settings  # noqa: B018
        assert self._look is not None
        return self._look

    def service_desk(self, actor: str | None = None) -> Desk:
        """The desk for a service (``deskline watch``): it acts as nobody, so it needs no
        agent of that name and enrols no one (in team mode: a login with the service's
        grants, ``deskline db grant --service LOGIN``)."""
        from deskline.core.desk.tickets import Desk

        return Desk(self.store, actor or self.me)  # under the desk's policy, from the store

    @property
    def identity(self) -> Identity:
        """Who I am on this desk (core.roster.identity): on PostgreSQL the database login
        decides, and ``--as`` someone else is for admins only (audited)."""
        if self._identity is None:
            from deskline.core.roster.handles import HANDLE_ENV
            from deskline.core.roster.identity import resolve

            self.settings  # noqa: B018  (a bad config fails before the database is touched)
            found = resolve(self.store, self.handle or os.environ.get(HANDLE_ENV) or None)
            if found.enrolled:
                said = _("first use of this desk: added you ({handle}) as its admin")
                say(said.format(handle=found.handle))
            if found.acting_for:
                said = _("acting as {handle} (audited: login {login}, agent {agent})")
                say(said.format(handle=found.handle, login=found.login, agent=found.bound))
            self._identity = found
        return self._identity

    def desk(self) -> Desk:
        """The desk acting as me: the first user of an empty desk is enrolled as its admin,
        an unknown handle is an error, and so is ``--as`` someone else in team mode but for
        an admin."""
        return self.service_desk(self.identity.handle)

    def reader(self) -> Reader:
        """The queue read as me, without the ORM or the use cases that write (``list``):
        the same identity checks as ``desk``."""
        from deskline.core.desk.reading import Reader

        return Reader(self.store, self.identity.handle)

    def open_workspace(self) -> None:
        """Run the agent's workspace (the app) as me until I quit."""
        from deskline.tui.workspace.app import DesklineApp  # Textual loads only for the app

        gc.enable()  # loaded: the collector back on (``main`` turned it off for the start)
        DesklineApp(self.desk(), self.settings, self.look, alerts=True).run()


def session_of(ctx: typer.Context) -> Session:
    """The Session the global options made (a fresh one when a command runs alone)."""
    return ctx.ensure_object(Session)


MESSAGE_MAX = 600  # a notice's characters at most; what it quotes of the input is cut to 80


def say(message: str) -> None:
    """A notice for the person, on stderr, so stdout stays clean for scripts: one line,
    its control characters shown (it may quote what someone typed or stored)."""
    line = visible(message).replace("\n", " ")
    if len(line) > MESSAGE_MAX:
        line = line[: MESSAGE_MAX - 1] + "…"
    typer.echo(_("deskline: {message}").format(message=line), err=True)


def print_line(text: str, *, err: bool = False) -> None:
    """A line of output on stdout (``err``: stderr), its control characters shown (it
    carries stored text)."""
    typer.echo(visible(text), err=err)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and exit ``code``: how a command refuses."""
    say(message)
    raise typer.Exit(code)


# The store's errors, as storage/engine.py, migrate.py and store.py word them (in English:
# storage never imports core), each said again here in the current language. A message
# matching none (a driver's own, or core's, translated where it is raised) stays as it is.
STORE_ERRORS = (
    N_("bad database URL {url}: {reason}"),
    N_(
        "unsupported database URL {url}: use a SQLite file path or postgresql+psycopg://… "
        "({reason})"
    ),
    N_("cannot open database {path}: folder {folder} does not exist"),
    N_("cannot open database {path}: it is a folder; name a file in it"),
    N_("cannot open database {url}: {reason}"),
    N_("cannot create database {path}: {reason}"),
    N_("database holds several schema versions ({versions})"),
    N_("the schema upgrade would leave rows referring to none"),
    N_("backups are for SQLite files; back up {backend} with its own tools (pg_dump)"),
    N_("cannot back up {path}: no such file"),
    N_(
        "{url} holds tables but no deskline schema version; point --db at a deskline "
        "database or an empty one"
    ),
    N_(
        "database is at schema revision {revision}, unknown to this deskline (written by a "
        "newer version?); upgrade deskline"
    ),
    N_(
        "database {url}: {reason} for this login (an admin's `deskline db grant` gives each "
        "role what its work writes)"
    ),
    N_("database {url}: {reason}"),
)


def _pattern(template: str) -> re.Pattern[str]:
    """The English text with each ``{name}`` standing for any text (as short as it fits)."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)),
        re.DOTALL,
    )


def said_again(message: str, templates: tuple[str, ...]) -> str:
    """``message`` in the current language: the first of the English ``templates`` it
    matches, translated, with the values it held (a ``{reason}`` said again in turn)."""
    for template in templates:
        found = _pattern(template).fullmatch(message)
        if found:
            values = found.groupdict()
            if "reason" in values:
                values["reason"] = said_again(values["reason"], templates)
            return _(template).format(**values)
    return message


def store_error(message: str) -> str:
    """A StoreError's message in the current language (as it is when no template fits)."""
    return said_again(message, STORE_ERRORS)


# Click's own usage errors (Typer vendors Click without its gettext calls) and the reasons
# Typer's Pydantic checks give, in their English words, said again in the current language
# where main() frames them in one line.
CLICK_MESSAGES = (
    N_("No such option: {option} (Possible options: {options})"),
    N_("No such option: {option}"),
    N_("No such command {name}. Did you mean {suggestions}?"),
    N_("No such command {name}."),
    N_("Missing command."),
    N_("Missing argument {name}."),
    N_("Missing option {name}."),
    N_("Missing parameter {name}."),
    N_("Invalid value for {name}: {reason}"),
    N_("Invalid value: {reason}"),
    N_("Got unexpected extra argument(s) ({arguments})"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {count} values."),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be greater than or equal to {limit}"),
    N_("Input should be less than or equal to {limit}"),
    N_("Input should be greater than {limit}"),
    N_("Input should be less than {limit}"),
    N_("{value} is not one of {choices}."),
    N_("Value {value} is not a valid {kind}."),
)


def usage_error(message: str) -> str:
    """A usage error's message (Click's, Typer's) in the current language."""
    return said_again(message, CLICK_MESSAGES)


def emit(data: Any, as_json: bool, human: Callable[[], None]) -> None:
    """``data`` as JSON for scripts (``--json``), else the human form."""
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        human()


def emit_each(
    items: Iterable[dict[str, Any]], as_json: bool, as_jsonl: bool, human: Callable[[], None]
) -> None:
    """Many items as JSON, written as they come so memory holds one at a time: ``as_json``
    one array, byte for byte what ``emit`` prints of the whole list; ``as_jsonl`` one
    object a line. Neither: the human form."""
    if not (as_json or as_jsonl):
        human()
        return
    write = sys.stdout.write
    if as_jsonl:
        for item in items:
            write(json.dumps(item, ensure_ascii=False) + "\n")
        return
    opened = False
    for item in items:  # JSON text holds no raw newline: each line of an item is indented
        body = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        write(("," if opened else "[") + "\n  " + body)
        opened = True
    write("\n]\n" if opened else "[]\n")


JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Print JSON (shape in the README)."))]
JsonlOpt = Annotated[
    bool, typer.Option("--jsonl", help=N_("Print JSON lines: one object a line, as --json's."))
]
# The largest number a command takes (a PostgreSQL INTEGER column): a bigger one is a usage
# error of one line, not an overflow in the driver.
COUNT_MAX = 2**31 - 1
VersionOpt = Annotated[
    int | None,
    typer.Option(
        "--if-version",
        metavar="VERSION",
        min=0,
        max=COUNT_MAX,
        help=N_("Only change the ticket if it is still at this version (else: stale edit)."),
    ),
]
KeyArg = Annotated[str, typer.Argument(metavar="KEY", help=N_("The ticket's key, e.g. T-1042."))]
TeamOpt = Annotated[str | None, typer.Option("--team", metavar="NAME", help=N_("Only this team."))]
ZoneOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        metavar="ZONE",
        help=N_("Days and hours in this timezone (default: this machine's)."),
    ),
]


class Command(TranslatedHelp, TyperCommand):
    """A command whose help is said in the current language (see helptext) and names each
    argument by its metavar alone: ``KEY HANDLE`` in the usage line and the argument list
    (Typer would write ``{KEY}`` and ``KEY <str>``)."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = param.metavar or (param.name or "").upper()
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        self.format_parameters(ctx, formatter)


class Group(TranslatedHelp, TyperGroup):
    """A command group whose help, options and command list are said in the current
    language."""

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        self.format_parameters(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        listed = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in listed if command and not command.hidden]
        if shown:
            limit = formatter.width - 6 - max(len(name) for name, _command in shown)
            with formatter.section(_("Commands")):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in shown])


class Commands(typer.Typer):
    """A group of commands (a Typer app) whose commands and groups show their help as
    ``Command`` and ``Group`` do."""

    def __init__(self, *, cls: type[TyperGroup] | None = None, **kw: Any) -> None:
        super().__init__(cls=cls or Group, **kw)

    def command(  # type: ignore[override]
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kw: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return super().command(name, cls=cls or Command, **kw)
