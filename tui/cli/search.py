"""``deskline search`` and ``deskline views``: the tickets' text and fields, searched with
the search language (every status), and searches saved under a name."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import COUNT_MAX, Commands, JsonOpt, emit, print_line, session_of

app = Commands()
views_app = Commands(
    name="views", help=N_("Saved views: searches of your own (or your team's) under a name.")
)
app.add_typer(views_app)

QueryArg = Annotated[
    str,
    typer.Argument(
        metavar="QUERY",
        help=N_(
            'Words, "phrases" and filters: status: priority: assignee: team: tag: '
            "customer: created:>2026-11-01 is:breached."
        ),
    ),
]
SortOpt = Annotated[
    str | None,
    typer.Option(
        "--sort",
        metavar="SORT",
        help=N_(
            "relevance (default with words), due (default without), newest, oldest, "
            "updated or priority."
        ),
    ),
]


@app.command(
    "search",
    help=N_(
        "Search titles, descriptions and comments (English, Chinese: any substring), "
        "with field filters, over every status, closed included; best match first."
    ),
)
def search_(
    ctx: typer.Context,
    query: QueryArg,
    limit: Annotated[
        int,
        typer.Option(metavar="N", help=N_("At most this many (default 50)."), min=1, max=COUNT_MAX),
    ] = 50,
    sort: SortOpt = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.desk import search

    session = session_of(ctx)
    found = search.search(session.desk(), query, sort=sort, limit=limit)

    def human() -> None:
        from deskline.tui.cli import render  # Rich loads for people, not for --json

        if not found:
            print_line(_("no ticket matches"))
            return
        render.ticket_table(found, session.look.colours)

    emit([t.to_json() for t in found], as_json, human)


@views_app.command("list", help=N_("Your saved views, then those shared with your team."))
def views_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from deskline.core.desk import saved_views
    from deskline.core.inert import one_line

    found = saved_views.views(session_of(ctx).desk())

    def human() -> None:
        if not found:
            print_line(_('no saved views yet: `deskline views save NAME "QUERY"`'))
        for view in found:
            whose = (
                _("  (shared with {team} by {owner})").format(team=view.team, owner=view.owner)
                if view.shared
                else ""
            )
            said = _("{name}: {query}  [sort {sort}]").format(
                name=view.name, query=view.query, sort=view.sort
            )
            print_line(one_line(said + whose))

    emit([v.to_json() for v in found], as_json, human)


@views_app.command(
    "save",
    help=N_(
        "Save a search as a view of your own (or your team's, --shared); a view of the "
        "same name is refused unless --replace (it keeps its sort unless --sort). It "
        "shows in the workspace's `v` and command palette."
    ),
)
def views_save(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("The view's name."))],
    query: QueryArg,
    shared: Annotated[
        bool, typer.Option("--shared", help=N_("For your whole team (supervisors and up)."))
    ] = False,
    sort: SortOpt = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help=N_("Overwrite a view of that name (keeping its sort unless --sort).")
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.desk import saved_views
    from deskline.core.inert import one_line

    desk = session_of(ctx).desk()
    view = saved_views.save(desk, name, query, shared=shared, sort=sort, replace=replace)
    if view.shared:
        said = _("saved view {name} (sort {sort}, shared with {team})")
    else:
        said = _("saved view {name} (sort {sort})")
    told = said.format(name=view.name, sort=view.sort, team=view.team)
    emit(view.to_json(), as_json, lambda: print_line(one_line(told)))


@views_app.command(
    "delete", help=N_("Delete a saved view: yours, or (a supervisor's) one shared with your team.")
)
def views_delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("The view's name."))],
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.desk import saved_views
    from deskline.core.inert import one_line

    view = saved_views.delete(session_of(ctx).desk(), name)
    told = _("deleted view {name}").format(name=view.name)
    emit(view.to_json(), as_json, lambda: print_line(one_line(told)))
