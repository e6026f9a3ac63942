"""``deskline customers``: whom the desk serves, their tier and dedicated agent."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, JsonOpt, emit, print_line, say, session_of

app = Commands(name="customers", help=N_("Customers: tier (standard or vip) and dedicated agent."))


@app.command(
    "set", help=N_("Set a customer's tier and dedicated agent (supervisor, director or admin).")
)
def customers_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("The customer's name."))],
    tier: Annotated[str | None, typer.Option(metavar="TIER", help=N_("standard or vip."))] = None,
    dedicated: Annotated[
        str | None, typer.Option(metavar="HANDLE", help=N_("Their dedicated agent."))
    ] = None,
    no_dedicated: Annotated[
        bool, typer.Option("--no-dedicated", help=N_("They no longer have a dedicated agent."))
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.roster.customers import Customers

    session = session_of(ctx)
    me = session.desk().actor
    customer = Customers(session.store).set(
        name, by=me, tier=tier, dedicated=dedicated, no_dedicated=no_dedicated
    )
    if customer.tier == "vip" and customer.dedicated is None and dedicated is None:
        said = _("{name} is VIP without a dedicated agent: routing sends it to the team")
        say(said.format(name=customer.name))
    emit(
        customer.to_json(),
        as_json,
        lambda: print_line(
            _("{name}: {tier}, dedicated agent {agent}").format(
                name=customer.name, tier=customer.tier, agent=customer.dedicated or "—"
            )
        ),
    )


@app.command("list", help=N_("List customers with their tier and dedicated agent."))
def customers_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from deskline.core.roster.customers import Customers

    found = Customers(session_of(ctx).store).list()

    def human() -> None:
        from deskline.tui.cli import rules_text  # Rich loads for people, not for --json

        rules_text.customer_table(found)

    emit([c.to_json() for c in found], as_json, human)


@app.command(
    "show", help=N_("Show a customer: tier, dedicated agent, contacts and tickets (newest first).")
)
def customers_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("The customer's name."))],
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.roster.contacts import Contacts

    card = Contacts(session_of(ctx).store).customer(name)

    def human() -> None:
        from deskline.tui.cli import rules_text

        rules_text.customer_card(card)

    emit(card.to_json(), as_json, human)
