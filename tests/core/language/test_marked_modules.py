"""The modules declared translated mark every text a person reads: a string literal (or an
f-string) handed to a place that shows it — a toast, a Static or a Label, a Binding's
description, an echo, an error, a title, a ``help=`` — is wrapped in ``_()``/``N_()``.

TRANSLATED grows as modules are marked. ``python tests/core/language/test_marked_modules.py``
counts what is left to mark in the whole tree, per layer (how the next sessions split it).
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Modules whose every user-facing text goes through the catalogue.
TRANSLATED = (
    "core/alerts/channels.py",
    "core/alerts/inbox.py",
    "core/alerts/preferences.py",
    "core/alerts/feed.py",
    "core/alerts/desktop.py",
    "core/alerts/ladder.py",
    "core/alerts/outbound.py",
    "core/clock.py",
    "core/config/alerts.py",
    "core/config/archive.py",
    "core/config/macros.py",
    "core/config/mail.py",
    "core/config/reader.py",
    "core/config/routing.py",
    "core/config/settings.py",
    "core/config/sla.py",
    "core/config/ui.py",
    "core/dashboard/board.py",
    "core/demo/__init__.py",
    "core/demo/play.py",
    "core/demo/sets.py",
    "core/desk/trail.py",
    "core/desk/archive.py",
    "core/desk/edits.py",
    "core/desk/fields.py",
    "core/desk/macros.py",
    "core/desk/query.py",
    "core/desk/saved_views.py",
    "core/desk/search.py",
    "core/desk/templates.py",
    "core/desk/tickets.py",
    "core/desk/workflow.py",
    "core/kb/articles.py",
    "core/mail/attachments.py",
    "core/mail/incoming.py",
    "core/mail/secret.py",
    "core/metrics/engine.py",
    "core/metrics/formats.py",
    "core/metrics/replay.py",
    "core/metrics/report.py",
    "core/metrics/staffing.py",
    "core/policy/apply.py",
    "core/policy/book.py",
    "core/roster/agents.py",
    "core/roster/contacts.py",
    "core/roster/customers.py",
    "core/roster/grants.py",
    "core/roster/identity.py",
    "core/roster/permissions.py",
    "core/routing/check.py",
    "core/routing/surge.py",
    "core/routing/triage.py",
    "core/sla/calendar.py",
    "core/transfer/load.py",
    # its Warnings' lines stay English: they are the import's JSON "warnings" too
    "core/transfer/rows.py",
    "core/transfer/sources.py",
    "core/roster/handles.py",
    "core/language/__init__.py",
    "core/language/dates.py",
    "tui/alerts/in_app.py",
    "tui/alerts/centre.py",
    "tui/cli/main.py",
    "tui/cli/archive.py",
    "tui/cli/attachments.py",
    "tui/cli/audit.py",
    "tui/cli/bulk.py",
    "tui/cli/config.py",
    "tui/cli/contacts.py",
    "tui/cli/context.py",
    "tui/cli/customers.py",
    "tui/cli/dashboard.py",
    "tui/cli/db.py",
    "tui/cli/demo.py",
    "tui/cli/links.py",
    "tui/cli/log.py",
    "tui/cli/macros.py",
    "tui/cli/mail.py",
    "tui/cli/policy.py",
    "tui/cli/progress.py",
    "tui/cli/render.py",
    "tui/cli/replay.py",
    "tui/cli/rules.py",
    "tui/cli/search.py",
    "tui/cli/sla.py",
    "tui/cli/staffing.py",
    "tui/cli/transfer.py",
    "tui/cli/helptext.py",
    "tui/cli/tickets.py",
    "tui/cli/alerts.py",
    "tui/cli/agents.py",
    "tui/cli/rules_text.py",
    "tui/cli/kb.py",
    "tui/cli/report.py",
    "tui/dashboard/app.py",
    "tui/dashboard/screen.py",
    "tui/dashboard/widgets.py",
    "tui/dashboard/ticket.py",
    "tui/dashboard/look.py",
    "tui/dashboard/once.py",
    "tui/help.py",
    "tui/keys.py",
    "tui/language.py",
    "tui/look.py",
    "tui/pace.py",
    "tui/pump.py",
    "tui/themed.py",
    "tui/times.py",
    "tui/dashboard/reports.py",
    "tui/workspace/app.py",
    "tui/workspace/articles.py",
    "tui/workspace/bulk.py",
    "tui/workspace/commands.py",
    "tui/workspace/compose.py",
    "tui/workspace/countdown.py",
    "tui/workspace/detail.py",
    "tui/workspace/dialogs.py",
    "tui/workspace/edit_form.py",
    "tui/workspace/presence.py",
    "tui/workspace/queue.py",
    "tui/workspace/screen.py",
    "tui/workspace/wording.py",
    "themes/builtin.py",
    "themes/colours.py",
    "themes/palette.py",
    "themes/said.py",
    "themes/saved.py",
    "themes/user.py",
)

# Literals in those places that are not for a person to read, by module.
NOT_WORDS: dict[str, set[str]] = {
    # a programmer's error (a naive datetime given to Notice), never a user's
    "core/alerts/channels.py": {"Notice.{name} must be timezone-aware, got {value!r}"},
    # the child process's last line is the reason stored on the Delivery row, as it is
    "core/alerts/desktop.py": {
        "{program}: {said[-1] if said else f'exit status {done.returncode}'}"
    },
    # the kind of line the delivery worker tells its watcher (a code), not its words
    "core/alerts/outbound.py": {"failure"},
    # the key paths a config error names stay as they are written in deskline.toml
    "core/config/alerts.py": {
        "alerts.{key}",
        "alerts.lease",
        "{path}.every",
        "{path}.max_retry",
        "{path}.password",
        "{path}.user",
    },
    "core/config/mail.py": {"mail.mailbox", "{path}.{side}password_keyring", "{path}.smtp_user"},
    "core/config/reader.py": {"{path}.name"},
    "core/config/routing.py": {"{path}.any", "{path}.assign", "{path}.name"},
    "core/config/sla.py": {"{path}.holidays", "{path}.calendar", "sla.pause_on", "sla.on_reopen"},
    "core/config/ui.py": {"keys.{name}"},
    # programmers' errors (a call out of order, a step the demo does not have, a naive
    # datetime, a negative Duration built by hand...), never a user's
    "core/dashboard/board.py": {"Board.load() first"},
    "core/demo/play.py": {"unknown demo step {kind!r}"},
    "core/demo/sets.py": {
        "unknown demo step {kind!r}",
        "{t.key} is closed: a story never replies then",
    },
    "core/metrics/replay.py": {"a policy over time needs one version at least"},
    "core/sla/calendar.py": {
        "bad duration (seconds={self.seconds}, business_days={self.business_days}): "
        "neither part can be negative",
        "naive datetime {t.isoformat()}: pass a timezone-aware datetime",
        "cannot add a negative duration ({duration})",
        "date value out of range",
        "calendar {self!r} has no open time for ten years",
    },
    # an example of the tag syntax (tags are the desk's data, said as typed)
    "tui/workspace/bulk.py": {"+billing -new"},
    # a key's description in the config error is the binding id list, not prose
    "tui/keys.py": {
        "{where}keys.{binding_id}: unknown action; known: {known_ids()}",
        "{where}keys.{binding_id}: {key} does not reach deskline inside tmux "
        "or is another key in disguise; pick another",
    },
}

MARKERS = {"_", "N_", "ngettext"}
# Callables whose arguments a person reads: positions (None: any) and keywords.
SHOWN_ARGS: dict[str, tuple[tuple[int, ...] | None, tuple[str, ...]]] = {
    "notify": ((0,), ("message", "title")),
    "Static": ((0,), ()),
    "Label": ((0,), ()),
    "Button": ((0,), ("label",)),
    "Text": ((0,), ()),
    "update": ((0,), ()),
    "Binding": ((2,), ("description", "tooltip")),
    "echo": ((0,), ()),
    "secho": ((0,), ()),
    "say": ((0,), ()),
    "fail": ((0,), ()),
    "print_line": ((0,), ()),
    "tell": ((0,), ()),
    "add_column": ((0,), ()),
    "add_columns": (None, ()),
    "title": ((0,), ()),
    "CounterTile": ((0,), ()),
    "TicketList": ((0,), ()),
}
SHOWN_KEYWORDS = {"help", "title", "tooltip", "placeholder", "description"}
SHOWN_ATTRIBUTES = {"border_title", "border_subtitle", "sub_title"}
# Reasons stored on a record (a Delivery row's ``last_error``), in the desk's one language.
RECORDS = {"DeliveryFailed"}
ERRORS = re.compile(
    r"(Error|Failed|InvalidInput|Refused|NotFound|Forbidden|UnknownAgent|IllegalTransition"
    r"|StaleEdit|BadParameter)$"
)
WORDS = re.compile(r"[A-Za-z]{2,}")


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _marked(node: ast.expr) -> bool:
    """``_("...")``, ``N_("...")``, ``ngettext(...)``, or one of them ``.format``-ted."""
    if isinstance(node, ast.Call):
        if _name(node.func) in MARKERS and isinstance(node.func, ast.Name):
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _marked(node.func.value)
    return False


def _literals(node: ast.expr) -> list[ast.expr]:
    """The unmarked texts of words in an expression a person reads (parts of ``+``, both
    branches of ``a if c else b``)."""
    if _marked(node):
        return []
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literals(node.left) + _literals(node.right)
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node] if WORDS.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        words = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return [node] if WORDS.search(words) else []
    return []


def _shown(tree: ast.AST) -> list[ast.expr]:
    """Every expression of the module that lands in front of a person (the ``help=`` of its
    options, arguments and commands too)."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            positions, keywords = SHOWN_ARGS.get(name or "", ((), ()))
            if name in RECORDS:
                continue
            if name and ERRORS.search(name):
                positions = (0,)
            for i, arg in enumerate(node.args):
                if positions is None or i in positions:
                    found.append(arg)
            found += [k.value for k in node.keywords if k.arg in {*keywords, *SHOWN_KEYWORDS}]
        elif isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Attribute)]
            if any(t.attr in SHOWN_ATTRIBUTES for t in targets):
                found.append(node.value)
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            if _name(node.exc.func) not in RECORDS:
                found += node.exc.args[:1]
    return found


def _text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    return ast.unparse(node)[2:-1]  # an f-string, as written between its quotes


def unmarked(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each user-facing literal of the module not wrapped in ``_()``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    allowed = NOT_WORDS.get(name, set())
    seen: dict[tuple[int, int], tuple[int, str]] = {}
    for expr in _shown(tree):
        for literal in _literals(expr):
            text = _text(literal)
            if text not in allowed:
                seen[(literal.lineno, literal.col_offset)] = (literal.lineno, text)
    return sorted(seen.values())


def test_the_translated_modules_mark_every_text():
    left = {module: found for module in TRANSLATED if (found := unmarked(ROOT / module))}
    assert not left, "\n".join(
        f"{module}:{line}: {text!r} is not marked with _()"
        for module, found in left.items()
        for line, text in found
    )


def test_the_check_catches_an_unmarked_toast_binding_and_error(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from textual.binding import Binding\n"
        "BINDINGS = [Binding('q', 'quit', 'Quit'), Binding('x', 'y', N_('Marked'))]\n"
        "def f(app, n):\n"
        "    app.notify(f'{n} tickets taken')\n"
        "    app.notify(_('{n} tickets taken').format(n=n))\n"
        "    raise InvalidInput('bad key: use T-42')\n"
        "    box.border_title = 'Queue · ' + str(n)\n"
        "    app.notify(' · ')\n"
    )
    found = [text for _, text in unmarked(planted)]
    assert found == ["Quit", "{n} tickets taken", "bad key: use T-42", "Queue · "]


def test_the_list_names_modules_that_exist():
    assert all((ROOT / module).is_file() for module in TRANSLATED)
    assert set(NOT_WORDS) <= set(TRANSLATED)


def test_the_check_catches_an_unmarked_help_and_refusal(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "def f(n):\n"
        "    opt = typer.Option('--all', help='Every ticket.')\n"
        "    fail(f'{n} tickets refused')\n"
    )
    assert [text for _, text in unmarked(planted)] == ["Every ticket.", "{n} tickets refused"]


def remaining() -> Counter[str]:
    """Unmarked user-facing literals left in the whole package, per layer and folder."""
    counts: Counter[str] = Counter()
    for path in sorted(ROOT.glob("*/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in ("core", "tui", "storage", "themes") or "migrations" in parts:
            continue
        where = "/".join(parts[:2]) if len(parts) > 2 else parts[0]
        counts[where] += len(unmarked(path))
    return counts


if __name__ == "__main__":
    totals = remaining()
    layers: Counter[str] = Counter()
    for where, count in sorted(totals.items()):
        layers[where.split("/")[0]] += count
        if count:
            print(f"{count:5}  {where}")
    print("per layer:", dict(layers), "all:", sum(layers.values()), file=sys.stderr)
