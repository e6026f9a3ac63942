"""``deskline contacts`` and ``customers show``: customers as people, a ticket's requester."""

from __future__ import annotations

import pytest
from in_process import Cli, plain_desk, row_counts


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    return plain_desk(db_url, capsys, monkeypatch)


def test_a_contact_has_several_addresses_and_a_customer(cli):
    got = cli.json(
        "contacts", "add", "Li Wei", "--customer", "Acme", "--email", "Li@Acme.example",
        "--email", "lw@acme.example", "--phone", "+86 10 1234", as_="bo",
    )  # fmt: skip
    assert got == {
        "name": "Li Wei",
        "customer": "Acme",
        "emails": ["li@acme.example", "lw@acme.example"],
        "phone": "+86 10 1234",
    }
    cli.json("contacts", "add", "Bo Ng", "--email", "bo@else.example")
    assert [c["name"] for c in cli.json("contacts", "list")] == ["Li Wei", "Bo Ng"]
    assert cli.json("contacts", "list", "--customer", "Acme") == [got]
    code, out, _ = cli("contacts", "list")
    assert code == 0 and "li@acme.example, lw@acme.example" in out


def test_an_address_is_one_persons(cli, db_url):
    cli.json("contacts", "add", "Li Wei", "--email", "li@acme.example")
    before = row_counts(db_url)
    code, _, err = cli("contacts", "add", "Someone Else", "--email", "LI@acme.example")
    assert code != 0 and "already belongs to Li Wei" in err
    code, _, err = cli("contacts", "add", "Nobody", "--email", "not-an-address")
    assert code != 0 and "bad email address" in err
    assert row_counts(db_url) == before


def test_the_requester_sets_the_customer_and_shows_their_open_tickets(cli):
    cli.json("customers", "set", "Acme", "--tier", "vip", as_="ada")
    cli.json("contacts", "add", "Li Wei", "--customer", "Acme", "--email", "li@acme.example")
    first = cli.json("new", "--title", "Printer on fire", "--requester", "li@acme.example")
    assert (first["customer"], first["vip"]) == ("Acme", True)  # the tier stays the customer's
    cli.json(
        "new", "--title", "VPN down", "--requester", "LI@acme.example", "--cc", "boss@acme.example"
    )
    shown = cli.json("show", "T-2")
    assert shown["requester"] == "Li Wei <li@acme.example>"
    assert shown["cc"] == ["boss <boss@acme.example>"]
    assert shown["requester_open"] == [f"{first['key']} Printer on fire"]
    card = cli.json("customers", "show", "Acme")
    assert [t["key"] for t in card["tickets"]] == ["T-2", "T-1"]
    assert [c["name"] for c in card["contacts"]] == ["Li Wei"]  # a CC joins no customer
    code, out, _ = cli("customers", "show", "Acme")
    assert code == 0 and "Printer on fire" in out and "Li Wei" in out


def test_an_unknown_requester_becomes_a_contact_and_another_customers_is_refused(cli, db_url):
    made = cli.json("new", "--title", "Hello", "--requester", "new@y.example", "--customer", "Y")
    assert made["customer"] == "Y"
    assert cli.json("contacts", "list", "--customer", "Y")[0]["emails"] == ["new@y.example"]
    before = row_counts(db_url)
    code, _, err = cli("new", "--title", "x", "--requester", "new@y.example", "--customer", "Z")
    assert code != 0 and "is a contact of Y, not Z" in err
    assert row_counts(db_url) == before


def test_customer_text_is_never_markup(cli):
    cli.json("contacts", "add", "[red]Evil[/red]", "--customer", "[b]Co", "--email", "e@x.example")
    code, out, _ = cli("contacts", "list")
    assert code == 0 and "[red]Evil[/red]" in out and "[b]Co" in out
    cli.json("new", "--title", "t", "--requester", "e@x.example")
    code, out, _ = cli("show", "T-1")
    assert "[red]Evil[/red] <e@x.example>" in out
