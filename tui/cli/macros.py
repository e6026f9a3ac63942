"""``deskline macros``: the canned replies and notes of the desk's policy ([[macro]]), for
``deskline reply KEY --macro NAME``, ``deskline bulk macro NAME`` and ctrl+r in the app."""

from __future__ import annotations

import typer

from deskline.core.desk.macros import PLACEHOLDERS
from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, JsonOpt, emit, print_line, session_of

app = Commands()


@app.command(help=N_("List the desk's macros: canned replies and notes, and what each sets."))
def macros(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    found = session_of(ctx).desk().refresh_policy().macros
    data = [
        {
            "name": m.name,
            "kind": m.kind,
            "text": m.text,
            "status": m.status,
            "priority": m.priority,
            "tags": list(m.tag_words),
        }
        for m in found
    ]

    def human() -> None:
        if not found:
            print_line(_("no macros: add [[macro]] to the desk's policy (`deskline policy apply`)"))
        for m in found:
            sets = m.sets()
            what = _("{kind}; sets {sets}").format(kind=m.kind, sets=sets) if sets else m.kind
            print_line(_("{name}  ({what})").format(name=m.name, what=what))
            print_line("    " + m.text.replace("\n", "\n    "))
        print_line("")
        print_line(_("placeholders a macro's text may use:"))
        width = max(len(name) for name in PLACEHOLDERS) + 2
        for name, meaning in PLACEHOLDERS.items():
            print_line(f"  {{{name}}}".ljust(width + 4) + _(meaning))

    emit(data, as_json, human)
