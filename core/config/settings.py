"""deskline.toml: where it is found, what it may say, and the defaults when it says nothing.

Validation is strict: an unknown key, a bad value or a reference to a calendar that does
not exist is one ``ConfigError`` naming the file, the key path and the problem, and
nothing starts half-configured. Each section is read and written by its own module; this
one puts them together.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from deskline.core.alerts.ladder import AlertRules
from deskline.core.config import ui
from deskline.core.config.archive import ArchiveRules
from deskline.core.config.mail import MailRules
from deskline.core.config.reader import ConfigError, Reader
from deskline.core.config.ui import NotifyPrefs, UiConfig
from deskline.core.desk.macros import Macro
from deskline.core.desk.templates import Template
from deskline.core.language import _
from deskline.core.policy.book import POLICY_SECTIONS, Rules, has_policy, parse_rules, rules_toml
from deskline.core.routing.route import RoutingRules
from deskline.core.routing.surge import SurgeRule
from deskline.core.routing.triage import TriageRules
from deskline.core.sla.clocks import SlaRules
from deskline.core.sla.defaults import default_rules

ENV = "DESKLINE_CONFIG"
FILE_NAME = "deskline.toml"
SECTIONS = (
    "calendars",
    "sla",
    "routing",
    "triage",
    "templates",
    "surge",
    "keys",
    "ui",
    "alerts",
    "database",
    "notify",
    "mail",
    "macro",
    "archive",
)


@dataclass(frozen=True)
class DeskConfig:
    """What a deskline.toml says and the file it came from (None: the defaults).

    The policy sections (sla .. alerts, see ``core.policy.book``) are the desk's, in the
    database; here they are what the file says, for ``config check`` and for the one-time
    import into a desk with no policy yet (``policy_given``: the file has some)."""

    sla: SlaRules
    source: Path | None = None
    routing: RoutingRules = field(default_factory=RoutingRules)
    triage: TriageRules = field(default_factory=TriageRules)
    templates: tuple[Template, ...] = ()
    surge: SurgeRule = field(default_factory=SurgeRule)
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys, for the app
    ui: UiConfig = field(default_factory=UiConfig)
    alerts: AlertRules = field(default_factory=AlertRules)
    database: str | None = None  # [database] url: used when --db and DESKLINE_DB are not
    notify: NotifyPrefs = field(default_factory=NotifyPrefs)
    policy_given: bool = False
    mail: MailRules = field(default_factory=MailRules)
    macros: tuple[Macro, ...] = ()
    archive: ArchiveRules = field(default_factory=ArchiveRules)

    @property
    def rules(self) -> Rules:
        """The file's policy sections (defaults for those it leaves out)."""
        return Rules(
            self.sla,
            self.routing,
            self.triage,
            self.templates,
            self.surge,
            self.alerts,
            self.mail,
            self.macros,
            self.archive,
        )


def find_config(explicit: str | None = None) -> Path | None:
    """``--config``, else DESKLINE_CONFIG, else the user config dir. Never the working
    directory: two folders must not give two desks."""
    for given, what in ((explicit, "--config"), (os.environ.get(ENV) or None, ENV)):
        if given:
            path = Path(given).expanduser()
            if not path.is_file():
                raise ConfigError(
                    _("{option}: config file {path} not found").format(option=what, path=path)
                )
            return path
    candidate = Path(user_config_dir("deskline")) / FILE_NAME
    return candidate if candidate.is_file() else None


def load_config(explicit: str | None = None) -> DeskConfig:
    """The configuration of the file found (see ``find_config``), or the defaults."""
    path = find_config(explicit)
    if path is None:
        return DeskConfig(default_rules())
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("{path}: not valid TOML: {error}{hint}").format(
                path=path, error=exc, hint=_toml_hint(text, exc)
            )
        ) from None
    except RecursionError:  # tomllib parses nested arrays and tables by recursion
        raise ConfigError(_("{path}: not valid TOML: nested too deep").format(path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            _("{path}: cannot read it: {error}").format(path=path, error=exc)
        ) from None
    return parse_desk_config(data, str(path), path)


def load_policy_file(name: str, option: str | None = None) -> DeskConfig:
    """A file given as a policy (``policy apply``, ``replay``): checked exactly as ``config
    check`` checks it; one naming no policy section is a ConfigError (it would stand for
    the built-in defaults without saying so). ``option``: how it was given (``--policy``)."""
    said = f"{option} {name}" if option else name
    path = Path(name).expanduser()
    if not path.is_file():
        what = _("not a regular file") if path.exists() else _("no such file")
        raise ConfigError(
            _("{file}: {what} (a deskline.toml with the policy sections)").format(
                file=said, what=what
            )
        )
    found = load_config(str(path))
    if not found.policy_given:
        raise ConfigError(
            _("{file}: no policy section in it ({sections}): nothing to use").format(
                file=said, sections=", ".join(POLICY_SECTIONS)
            )
        )
    return found


def parse_desk_config(
    data: Mapping[str, Any], source: str = FILE_NAME, path: Path | None = None
) -> DeskConfig:
    """Everything a deskline.toml describes, section by section in the order of SECTIONS."""
    read = Reader(source)
    read.only(data, "", SECTIONS)
    policy = parse_rules(read, data)  # the policy sections, read as the desk's policy is
    return DeskConfig(
        sla=policy.sla,
        source=path,
        routing=policy.routing,
        triage=policy.triage,
        templates=policy.templates,
        surge=policy.surge,
        keys=ui.parse_keys(read, data),
        ui=ui.parse_ui(read, data),
        alerts=policy.alerts,
        database=ui.parse_database(read, data),
        notify=ui.parse_notify(read, data),
        policy_given=has_policy(data),
        mail=policy.mail,
        macros=policy.macros,
        archive=policy.archive,
    )


def desk_toml(config: DeskConfig, policy: Rules | None = None) -> str:
    """The effective configuration, every section, as deskline.toml text: the policy
    sections of ``policy`` (the desk's; None: the file's), then the person's own."""
    return (
        rules_toml(policy or config.rules)
        + ui.personal_toml(config.database, config.notify)
        + ui.to_toml(config.keys, config.ui)
    )


def _toml_hint(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """Inline tables spread over lines are the common slip (TOML 1.0 forbids them)."""
    match = re.search(r"at line (\d+)", str(exc))
    lines = text.splitlines()
    if match and 0 < int(match.group(1)) <= len(lines):
        line = lines[int(match.group(1)) - 1]
        if "{" in line and "}" not in line:
            return _(
                "; an inline table { ... } must stay on one line: write it as a table,"
                " e.g. [calendars.NAME.hours] with one weekday per line"
            )
    return ""
