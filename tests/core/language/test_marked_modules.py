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
    "core/roster/handles.py",
    "core/language/__init__.py",
    "core/language/dates.py",
    "tui/alerts/in_app.py",
    "tui/alerts/centre.py",
    "tui/cli/main.py",
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
)

# Literals in those places that are not for a person to read, by module.
NOT_WORDS: dict[str, set[str]] = {
    # a programmer's error (a naive datetime given to Notice), never a user's
    "core/alerts/channels.py": {"Notice.{name} must be timezone-aware, got {value!r}"},
    # the child process's last line is the reason stored on the Delivery row, as it is
    "core/alerts/desktop.py": {
        "{program}: {said[-1] if said else f'exit status {done.returncode}'}"
    },
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
    """Every expression of the module that lands in front of a person."""
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
            found += [k.value for k in node.keywords if k.arg in (*keywords, *SHOWN_KEYWORDS)]
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
