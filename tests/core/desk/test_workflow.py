"""The state machine: every legal and every illegal status change."""

from __future__ import annotations

import itertools

import pytest

from deskline.core.desk.workflow import (
    TRANSITIONS,
    Status,
    after_assign,
    after_take,
    check_transition,
    parse_status,
    reopen_to,
)
from deskline.core.errors import IllegalTransition, InvalidInput

LEGAL = [
    ("new", "assigned"),
    ("new", "in_progress"),
    ("assigned", "in_progress"),
    ("assigned", "new"),
    ("in_progress", "pending"),
    ("in_progress", "resolved"),
    ("in_progress", "assigned"),
    ("pending", "in_progress"),
    ("pending", "resolved"),
    ("resolved", "closed"),
]
ALL_PAIRS = list(itertools.product([s.value for s in Status], repeat=2))
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in LEGAL]


def test_the_table_is_exactly_the_documented_legal_moves():
    table = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == set(LEGAL)


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_legal_transition_is_allowed(current, target):
    check_transition("T-1", Status(current), Status(target))


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_illegal_transition_says_what_is_legal_from_here(current, target):
    with pytest.raises(IllegalTransition) as err:
        check_transition("T-7", Status(current), Status(target))
    message = str(err.value)
    assert "T-7" in message
    if current != target:
        for legal in TRANSITIONS[Status(current)]:
            assert legal.value in message


def test_closed_ticket_can_only_be_reopened():
    with pytest.raises(IllegalTransition, match="closed it can go to: reopen"):
        check_transition("T-1", Status.CLOSED, Status.IN_PROGRESS)


@pytest.mark.parametrize("current", ["resolved", "closed"])
def test_reopen_returns_to_in_progress_when_assigned_else_new(current):
    assert reopen_to("T-1", Status(current), assigned=True) == Status.IN_PROGRESS
    assert reopen_to("T-1", Status(current), assigned=False) == Status.NEW


@pytest.mark.parametrize("current", ["new", "assigned", "in_progress", "pending"])
def test_reopen_of_an_open_ticket_is_refused(current):
    with pytest.raises(IllegalTransition, match="only resolved or closed"):
        reopen_to("T-1", Status(current), assigned=True)


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("new", "assigned"),
        ("assigned", "assigned"),
        ("in_progress", "assigned"),
        ("pending", "pending"),
    ],
)
def test_assigning_leaves_the_ticket_waiting_for_its_new_holder(current, expected):
    assert after_assign("T-1", Status(current)) == Status(expected)


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("new", "in_progress"),
        ("assigned", "in_progress"),
        ("in_progress", "in_progress"),
        ("pending", "pending"),
    ],
)
def test_taking_starts_work(current, expected):
    assert after_take("T-1", Status(current)) == Status(expected)


@pytest.mark.parametrize("current", ["resolved", "closed"])
def test_finished_tickets_cannot_be_assigned_or_taken(current):
    with pytest.raises(IllegalTransition, match="reopen it first"):
        after_assign("T-1", Status(current))
    with pytest.raises(IllegalTransition, match="reopen it first"):
        after_take("T-1", Status(current))


def test_status_text_is_forgiving_but_unknown_status_is_a_clear_error():
    assert parse_status("In-Progress") == Status.IN_PROGRESS
    with pytest.raises(InvalidInput, match="unknown status 'done': use one of new, assigned"):
        parse_status("done")
