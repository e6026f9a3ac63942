"""``deskline contacts``: the people of a customer and their email addresses."""

from __future__ import annotations

from typing import Annotated

import typer

from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, JsonOpt, emit, print_line, session_of

app = Commands(
    name="contacts", help=N_("Contacts: a customer's people, their addresses and phone.")
)


@app.command(
    "add",
    help=N_("Add a contact (any agent); one already there by that name gets the addresses added."),
)
def contacts_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("The contact's full name."))],
    email: Annotated[
        list[str],
        typer.Option("--email", metavar="ADDRESS", help=N_("An email address; repeat for more.")),
    ],
    customer: Annotated[
        str | None, typer.Option(metavar="NAME", help=N_("Their customer (created if new)."))
    ] = None,
    phone: Annotated[str | None, typer.Option(metavar="PHONE", help=N_("Their phone."))] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.roster.contacts import Contacts

    session = session_of(ctx)
    me = session.desk().actor
    contact = Contacts(session.store).add(name, by=me, customer=customer, emails=email, phone=phone)
    emit(
        contact.to_json(),
        as_json,
        lambda: print_line(
            _("{name} ({customer}): {emails}").format(
                name=contact.name,
                customer=contact.customer or _("no customer"),
                emails=", ".join(contact.emails),
            )
        ),
    )


@app.command("list", help=N_("List contacts with their customer, addresses and phone."))
def contacts_list(
    ctx: typer.Context,
    customer: Annotated[
        str | None, typer.Option(metavar="NAME", help=N_("Only this customer's contacts."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core.roster.contacts import Contacts

    found = Contacts(session_of(ctx).store).list(customer)

    def human() -> None:
        from deskline.tui.cli import rules_text  # Rich loads for people, not for --json

        rules_text.contact_table(found)

    emit([c.to_json() for c in found], as_json, human)
