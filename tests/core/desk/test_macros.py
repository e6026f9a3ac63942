"""Macros ([[macro]] in the desk's policy): placeholders checked when the policy is read,
filled from the ticket, and the comment with the fields it sets written in one audited
transaction, or nothing at all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from deskline.core.config.reader import ConfigError
from deskline.core.desk import macros
from deskline.core.desk.tickets import Desk
from deskline.core.errors import DesklineError, Forbidden, InvalidInput
from deskline.core.policy import apply
from deskline.core.policy.book import parse_policy_text
from deskline.core.roster.agents import Roster
from deskline.storage.models import Comment, Event

T0 = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)

POLICY = """
[[macro]]
name = "reset"
text = "Hello {requester}, the password of {customer} is reset ({key}: {title}). {agent}"
status = "pending"
priority = "P3"
tags = ["+password", "-urgent"]

[[macro]]
name = "solved"
text = "Fixed for {customer}, due was {due}."
status = "resolved"

[[macro]]
name = "check"
kind = "note"
text = "Checked {key}; {{not a placeholder}}"
tags = "+checked"
"""


@pytest.fixture
def admin(desk) -> Desk:
    Roster(desk.store).add("root", name="Root Admin", role="admin")
    root = Desk(desk.store, "root", now=lambda: T0)
    apply.apply(desk.store, parse_policy_text(POLICY, "test.toml"), actor="root", now=T0)
    return root


def test_a_macro_fills_its_placeholders_and_sets_its_fields_in_one_transaction(admin, desk):
    t = admin.create("Locked out", customer="Globex", tags=["urgent", "vpn"], priority="P1")
    t = desk.take(t.key)
    with desk.store.read() as s:
        before = len(s.exec(select(Event)).all())

    after = desk.apply_macro(t.key, "RESET", expected_version=t.version)

    assert after.status == "pending" and after.priority == "P3"
    assert after.tags == ("vpn", "password")
    reply = after.comments[-1]
    assert (reply.kind, reply.author) == ("reply", "ana")
    assert reply.body == (
        f"Hello Globex, the password of Globex is reset ({t.key}: Locked out). Ana Silva"
    )
    kinds = [e.kind for e in after.events][-4:]
    assert kinds == ["reply", "priority", "status", "tags"]
    assert after.events[-4].new["macro"] == "reset"
    assert {e.reason for e in after.events[-3:]} == {"macro reset"}
    assert after.first_response_at is not None
    with desk.store.read() as s:
        assert len(s.exec(select(Event)).all()) == before + 4


def test_a_note_macro_keeps_literal_braces_and_a_resolving_one_says_the_solution(admin, desk):
    t = desk.take(admin.create("VPN", customer="Initech").key)
    noted = desk.apply_macro(t.key, "check")
    assert noted.comments[-1].kind == "note"
    assert noted.comments[-1].body == f"Checked {t.key}; {{not a placeholder}}"
    assert "checked" in noted.tags

    solved = desk.apply_macro(t.key, "solved")
    assert solved.status == "resolved"
    assert solved.comments[-1].body.startswith("Fixed for Initech, due was 2026-")
    assert solved.events[-1].reason == solved.comments[-1].body  # the solution note


def test_a_refused_field_change_leaves_no_comment_behind(admin, desk):
    t = admin.create("Nobody has it", customer="Globex")  # new: it cannot go pending
    with pytest.raises(DesklineError, match="cannot move T-1 from new to pending"):
        desk.apply_macro(t.key, "reset")
    with desk.store.read() as s:
        assert s.exec(select(Comment)).all() == []
    assert desk.get(t.key).status == "new"


def test_an_unknown_macro_names_the_known_ones(admin, desk):
    t = admin.create("x")
    with pytest.raises(InvalidInput, match="no macro 'nope'; known: reset, solved, check"):
        desk.apply_macro(t.key, "nope")


def test_only_who_may_work_on_the_ticket_applies_a_macro(admin, desk, store):
    Roster(store).add("cy", name="Cy", team="Billing")
    t = desk.take(admin.create("Ana's", customer="Globex").key)
    with pytest.raises(Forbidden, match="the macro sets status pending"):
        Desk(store, "cy").apply_macro(t.key, "reset")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[macro]]\nname = "a"\ntext = "Hi {custmer}"', "macro[0].text: unknown placeholder"),
        ('[[macro]]\nname = "a"\ntext = "Hi {key"', "macro[0].text: "),
        ('[[macro]]\nname = "a"\ntext = "{key!r}"', "unknown placeholder {key!r}"),
        ('[[macro]]\ntext = "x"', 'macro[0]: needs a name, e.g. name = "password-reset"'),
        ('[[macro]]\nname = "a"', "macro[0]: needs a text"),
        ('[[macro]]\nname = "a"\ntext = "x"\nkind = "mail"', "macro[0].kind: must be 'reply'"),
        ('[[macro]]\nname = "a"\ntext = "x"\nstatus = "done"', "macro[0].status: unknown status"),
        ('[[macro]]\nname = "a"\ntext = "x"\npriority = "P9"', "macro[0].priority: bad priority"),
        ('[[macro]]\nname = "a"\ntext = "x"\ntags = ["+a", "-a"]', "'a' is both added and"),
        ('[[macro]]\nname = "a"\ntext = "x"\ncolour = 1', "macro[0].colour: unknown key"),
        ('[[macro]]\nname = "a"\ntext = "x"\n[[macro]]\nname = "A"\ntext = "y"', "macro[1].name"),
    ],
)
def test_each_mistake_in_a_macro_is_one_line_at_apply_time(text, message):
    with pytest.raises(ConfigError) as err:
        parse_policy_text(text, "desk.toml")
    assert str(err.value).startswith("desk.toml: ")
    assert message in str(err.value)
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


def test_macros_survive_the_policy_written_back_out():
    first = parse_policy_text(POLICY, "a.toml")
    from deskline.core.policy.book import rules_toml

    assert parse_policy_text(rules_toml(first), "b.toml").macros == first.macros


def test_tag_changes_and_placeholders_are_pure():
    assert macros.tag_changes(["+a", "b", "-c,-d"]) == (("a", "b"), ("c", "d"))
    assert macros.retag(("x", "c"), ("a",), ("c",)) == ("x", "a")
    assert macros.placeholders_of("{key} {{x}} {due}") == ["key", "due"]
    with pytest.raises(ValueError, match="bad tag change"):
        macros.tag_changes(["+"])
    with pytest.raises(DesklineError, match="no macro"):
        macros.find((), "x")
