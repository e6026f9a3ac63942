"""``deskline kb``: the knowledge base: articles drafted from resolved tickets, written,
published, searched, and the ones the desk is missing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import (
    COUNT_MAX,
    Commands,
    JsonOpt,
    KeyArg,
    emit,
    print_line,
    say,
    session_of,
)

if TYPE_CHECKING:
    from deskline.core.kb.articles import ArticleView, KnowledgeBase

app = Commands(
    name="kb",
    help=N_("The knowledge base: articles from resolved tickets, searched by their words."),
)

ArticleArg = Annotated[str, typer.Argument(metavar="ARTICLE", help=N_("The article, e.g. KB-12."))]
TitleOpt = Annotated[str | None, typer.Option("--title", metavar="WORDS", help=N_("Its title."))]
BodyOpt = Annotated[str | None, typer.Option("--body", metavar="WORDS", help=N_("Its text."))]
BodyFileOpt = Annotated[
    Path | None,
    typer.Option("--body-file", metavar="FILE", help=N_("Its text from a file (- : stdin).")),
]
CategoryOpt = Annotated[
    str | None,
    typer.Option("--category", metavar="CATEGORY", help=N_("A category, e.g. Network/VPN.")),
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", metavar="TAG", help=N_("A tag (repeat, or a,b)."))
]
DraftsOpt = Annotated[bool, typer.Option("--drafts", help=N_("Drafts (not yet published)."))]


def _kb(ctx: typer.Context) -> KnowledgeBase:
    from deskline.core.kb.articles import KnowledgeBase  # noqa: F811  (late: a fast start)

    desk = session_of(ctx).desk()
    return KnowledgeBase(desk.store, desk.actor)


def _line(a: ArticleView) -> str:
    where = "  " + _("from {ticket}").format(ticket=a.source) if a.source else ""
    score = f"  {a.score:.2f}" if a.score is not None else ""
    author = _("by {author}").format(author=a.author)
    return f"{a.key:<7} {a.status:<9} {a.title}  [{a.category or '-'}] {author}{where}{score}"


def _list(found: list[ArticleView], as_json: bool, empty: str) -> None:
    def human() -> None:
        if not found:
            say(empty)
        for a in found:
            print_line(_line(a))

    emit([a.to_json() for a in found], as_json, human)


def _one(a: ArticleView, as_json: bool) -> None:
    def human() -> None:
        print_line(_line(a))
        if a.tags:
            print_line(_("tags: {tags}").format(tags=", ".join(a.tags)))
        print_line("")
        print_line(a.body.rstrip("\n"))

    emit(a.to_json(), as_json, human)


def _body_of(body: str | None, body_file: Path | None) -> str | None:
    from deskline.core.errors import InvalidInput

    if body is not None and body_file is not None:
        raise InvalidInput(_("give --body or --body-file, not both"))
    if body_file is None:
        return body
    try:
        raw = sys.stdin.buffer.read() if str(body_file) == "-" else body_file.read_bytes()
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(_("--body-file {file}: not UTF-8 text").format(file=body_file)) from None
    except OSError as exc:
        said = _("--body-file {file}: {reason}").format(file=body_file, reason=exc.strerror)
        raise InvalidInput(said) from None


@app.command("list", help=N_("The published articles, newest first (--drafts: the drafts)."))
def kb_list(ctx: typer.Context, drafts: DraftsOpt = False, as_json: JsonOpt = False) -> None:
    found = _kb(ctx).articles(drafts=drafts)
    _list(found, as_json, _("no drafts") if drafts else _("no published articles yet"))


@app.command("show", help=N_("One article, whole."))
def kb_show(ctx: typer.Context, article: ArticleArg, as_json: JsonOpt = False) -> None:
    _one(_kb(ctx).get(article), as_json)


@app.command(
    "draft", help=N_("A draft from a resolved ticket: its title, problem and solution note.")
)
def kb_draft(ctx: typer.Context, key: KeyArg, as_json: JsonOpt = False) -> None:
    a = _kb(ctx).draft(key)
    if not as_json:
        said = _("drafted {key} from {ticket}: `deskline kb edit {key}` to polish it")
        say(said.format(key=a.key, ticket=a.source))
    _one(a, as_json)


@app.command("add", help=N_("Write a new article (a draft)."))
def kb_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", metavar="WORDS", help=N_("Its title."))],
    body: BodyOpt = None,
    body_file: BodyFileOpt = None,
    category: CategoryOpt = None,
    tag: TagOpt = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.errors import InvalidInput

    text = _body_of(body, body_file)
    if text is None:
        raise InvalidInput(_("an article needs its text: give --body or --body-file"))
    _one(_kb(ctx).write(title, text, category=category, tags=tag or ()), as_json)


@app.command(
    "edit",
    help=N_(
        "Change an article (an agent: their own draft; a supervisor: any). --tag "
        'replaces the tags; --category "" clears it.'
    ),
)
def kb_edit(
    ctx: typer.Context,
    article: ArticleArg,
    title: TitleOpt = None,
    body: BodyOpt = None,
    body_file: BodyFileOpt = None,
    category: CategoryOpt = None,
    tag: TagOpt = None,
    as_json: JsonOpt = False,
) -> None:
    a = _kb(ctx).edit(
        article, title=title, body=_body_of(body, body_file), category=category, tags=tag
    )
    _one(a, as_json)


@app.command(
    "publish",
    help=N_(
        "Publish a draft (supervisors, directors, admins): it is found by search and "
        "shown beside tickets it resembles."
    ),
)
def kb_publish(ctx: typer.Context, article: ArticleArg, as_json: JsonOpt = False) -> None:
    a = _kb(ctx).publish(article)
    if not as_json:
        say(_("published {key}").format(key=a.key))
    _one(a, as_json)


@app.command("search", help=N_("Articles whose words are like the query's, best first."))
def kb_search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(metavar="QUERY", help=N_("Words, English or Chinese."))],
    drafts: Annotated[bool, typer.Option("--drafts", help=N_("Drafts too."))] = False,
    limit: Annotated[int, typer.Option(metavar="N", min=1, max=COUNT_MAX)] = 10,
    as_json: JsonOpt = False,
) -> None:
    found = _kb(ctx).search(query, drafts=drafts, limit=limit)
    _list(found, as_json, _("no article matches"))


@app.command("for", help=N_("The published articles a ticket resembles, best first."))
def kb_for(ctx: typer.Context, key: KeyArg, as_json: JsonOpt = False) -> None:
    nothing = _("no article resembles {key}").format(key=key.strip().upper())
    _list(_kb(ctx).for_ticket(key), as_json, nothing)


@app.command(
    "suggest",
    help=N_(
        "Articles to write: groups of alike tickets of one category resolved lately "
        "that no article covers yet."
    ),
)
def kb_suggest(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option(metavar="N", min=1, max=3650, help=N_("Resolved in N days."))
    ] = 30,
    least: Annotated[
        int,
        typer.Option(metavar="N", min=2, max=COUNT_MAX, help=N_("Tickets in a group, at least.")),
    ] = 3,
    as_json: JsonOpt = False,
) -> None:
    found = _kb(ctx).suggestions(days=days, least=least)

    def human() -> None:
        if not found:
            said = _("no {least} or more alike tickets resolved in {days} days lack an article")
            say(said.format(least=least, days=days))
        for s in found:
            about = ", ".join(s.about) or "-"
            said = _("{count} tickets [{category}] about {about}: {keys}")
            print_line(
                said.format(
                    count=len(s.keys),
                    category=s.category or "-",
                    about=about,
                    keys=" ".join(s.keys),
                )
            )
            print_line("    " + _("`deskline kb draft {key}` starts one").format(key=s.keys[-1]))

    emit([s.to_json() for s in found], as_json, human)
