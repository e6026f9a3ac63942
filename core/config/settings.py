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
from deskline.core.config import alerts, routing, sla, ui
from deskline.core.config.reader import ConfigError, Reader
from deskline.core.config.ui import UiConfig
from deskline.core.desk.templates import Template
from deskline.core.routing.route import RoutingRules
from deskline.core.routing.surge import SurgeRule
from deskline.core.routing.triage import TriageRules
from deskline.core.sla.clocks import SlaRules
from deskline.core.sla.defaults import default_rules

ENV = "DESKLINE_CONFIG"
FILE_NAME = "deskline.toml"
SECTIONS = ("calendars", "sla", "routing", "triage", "templates", "surge", "keys", "ui", "alerts")


@dataclass(frozen=True)
class DeskConfig:
    """The effective configuration and the file it came from (None: the defaults)."""

    sla: SlaRules
    source: Path | None = None
    routing: RoutingRules = field(default_factory=RoutingRules)
    triage: TriageRules = field(default_factory=TriageRules)
    templates: tuple[Template, ...] = ()
    surge: SurgeRule = field(default_factory=SurgeRule)
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys, for the app
    ui: UiConfig = field(default_factory=UiConfig)
    alerts: AlertRules = field(default_factory=AlertRules)


def find_config(explicit: str | None = None) -> Path | None:
    """``--config``, else DESKLINE_CONFIG, else ./deskline.toml, else the user config dir."""
    for given, what in ((explicit, "--config"), (os.environ.get(ENV) or None, ENV)):
        if given:
            path = Path(given).expanduser()
            if not path.is_file():
                raise ConfigError(f"{what}: config file {path} not found")
            return path
    for candidate in (Path.cwd() / FILE_NAME, Path(user_config_dir("deskline")) / FILE_NAME):
        if candidate.is_file():
            return candidate
    return None


def load_config(explicit: str | None = None) -> DeskConfig:
    """The configuration of the file found (see ``find_config``), or the defaults."""
    path = find_config(explicit)
    if path is None:
        return DeskConfig(default_rules())
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}{_toml_hint(text, exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    return parse_desk_config(data, str(path), path)


def parse_desk_config(
    data: Mapping[str, Any], source: str = FILE_NAME, path: Path | None = None
) -> DeskConfig:
    """Everything a deskline.toml describes, section by section in the order of SECTIONS."""
    read = Reader(source)
    read.only(data, "", SECTIONS)
    return DeskConfig(
        sla=sla.parse_sla(read, data),
        source=path,
        routing=routing.parse_routing(read, data),
        triage=routing.parse_triage(read, data),
        templates=routing.parse_templates(read, data),
        surge=routing.parse_surge(read, data),
        keys=ui.parse_keys(read, data),
        ui=ui.parse_ui(read, data),
        alerts=alerts.parse_alerts(read, data),
    )


def desk_toml(config: DeskConfig) -> str:
    """The effective configuration, every section, as deskline.toml text."""
    return (
        sla.to_toml(config.sla)
        + "\n"
        + routing.to_toml(config.routing, config.triage, config.templates, config.surge)
        + "\n"
        + alerts.to_toml(config.alerts)
        + ui.to_toml(config.keys, config.ui)
    )


def _toml_hint(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """Inline tables spread over lines are the common slip (TOML 1.0 forbids them)."""
    match = re.search(r"at line (\d+)", str(exc))
    lines = text.splitlines()
    if match and 0 < int(match.group(1)) <= len(lines):
        line = lines[int(match.group(1)) - 1]
        if "{" in line and "}" not in line:
            return (
                "; an inline table { ... } must stay on one line: write it as a table,"
                " e.g. [calendars.NAME.hours] with one weekday per line"
            )
    return ""
