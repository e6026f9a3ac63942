"""``deskline import`` on real SQLite files and PostgreSQL: presets, idempotence, bad records,
history (SLA as it was, no alerts for the past, audit marked imported), round trips."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from deskline.core.alerts.watcher import SlaWatcher
from deskline.core.desk.search import numbers
from deskline.core.desk.tickets import Desk
from deskline.core.desk.trail import verify
from deskline.core.errors import Forbidden, InvalidInput
from deskline.core.roster.agents import Roster
from deskline.core.transfer import presets
from deskline.core.transfer.export import export
from deskline.core.transfer.load import Importer, Options, rejects_path
from deskline.storage.store import Store

SAMPLES = Path(__file__).with_name("samples")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def enrol(store: Store) -> None:
    roster = Roster(store)
    roster.add("ada", name="Ada Admin", role="admin", team="Service Desk")
    roster.add("ana", name="Ana Silva", team="Service Desk")
    roster.add("bo", name="Bo Wang", team="Service Desk")


@pytest.fixture
def desk(store) -> Desk:
    enrol(store)
    return Desk(store, "ada", now=lambda: NOW)


def run(desk: Desk, path: Path, preset: str = "deskline", **kw) -> object:
    from deskline.core.transfer.sources import kind_of

    kind = kw.pop("kind", None) or kind_of(path, None)
    batch = kw.pop("batch", 2)
    options = Options(path, kind, presets.PRESETS[preset], **kw)
    return Importer(desk, options, now=lambda: NOW, batch=batch).run()


def rows(store: Store, sql: str) -> list[tuple]:
    with store.read() as s:
        return [tuple(r) for r in s.execute(text(sql))]


def count(store: Store, table: str) -> int:
    return rows(store, f"SELECT count(*) FROM {table}")[0][0]


def test_a_zendesk_export_comes_in_with_its_words(desk, store):
    result = run(desk, SAMPLES / "zendesk.csv", "zendesk", comments=SAMPLES / "comments.csv")
    assert (result.created, result.comments, result.comments_left_out) == (5, 4, 1)
    got = {t.external_id: t for t in (desk.get(f"T-{n}") for n in range(1, 6))}
    login = got["3501"]
    assert (login.status, login.priority, login.assignee, login.team) == (
        "resolved",
        "P1",
        "ana",
        "Service Desk",
    )
    assert login.customer == "Acme" and login.requester == "Mia Chen <mia@acme.example>"
    assert login.tags == ("login", "password_reset")  # Zendesk separates tags by spaces
    assert login.channel == "email"  # Via: Mail
    assert login.first_response_at == datetime(2026, 10, 1, 9, 54, tzinfo=UTC)  # +42 min
    assert login.resolved_at == datetime(2026, 10, 2, 9, 55, tzinfo=UTC)
    assert "Tried twice." in login.description  # a quoted cell over two lines
    assert [c.kind for c in login.comments] == ["customer", "reply", "note"]
    assert got["3502"].priority == "P0" and got["3502"].status == "new"  # open, nobody's
    assert got["3503"].status == "pending" and got["3503"].assignee == "bo"
    assert got["3504"].status == "closed" and got["3504"].closed_at is not None
    odd = got["3505"]
    assert (odd.priority, odd.status, odd.channel) == ("P2", "new", "web")
    assert any("column Priority" in w and "'weird'" in w and "P2" in w for w in result.warnings)
    assert any("column Via" in w and "'Twitter'" in w for w in result.warnings)


def test_imported_tickets_are_found_by_their_words_and_comments(desk, store):
    run(desk, SAMPLES / "zendesk.csv", "zendesk", comments=SAMPLES / "comments.csv")
    key = {t.external_id: t.number for t in (desk.get(f"T-{n}") for n in range(1, 6))}
    assert numbers(desk, "link says expired") == [key["3501"]]  # a comment's words
    assert numbers(desk, "raised to 24h") == [key["3501"]]  # an internal note's
    assert key["3501"] in numbers(desk, "password_reset")  # a tag
    # the index's row, as the triggers make it (each backend its own way)
    one = key["3501"]
    bodies = [
        "The reset mail arrives, the link says expired.",
        "Sent a new link that lasts a day.",
        "Token lifetime was 5 minutes: raised to 24h.",
    ]
    if store.engine.dialect.name == "sqlite":
        found = rows(
            store,
            "SELECT x.comments, x.labels FROM ticket_text x JOIN ticket t ON t.id = x.rowid "
            f"WHERE t.number = {one}",
        )
        want = ("".join(f"{b}\n" for b in bodies), f"T-{one} login password_reset Acme\n")
    else:
        found = rows(
            store,
            "SELECT x.comments, x.labels FROM ticket_text x JOIN ticket t ON t.id = x.ticket_id "
            f"WHERE t.number = {one}",
        )
        want = ("".join(f"\n{b}" for b in bodies), f"T-{one} login password_reset Acme")
    assert found == [want]
    # the desk's own indexing goes on as before: a ticket made, a note added
    made = desk.create("Printer on fire in room 12", priority="P2")
    desk.note(f"T-{key['3502']}", "Spoke to facilities about the ventilation")
    assert numbers(desk, "printer on fire") == [made.number]
    assert numbers(desk, "about the ventilation") == [key["3502"]]


def test_a_freshdesk_export_comes_in_with_its_codes(desk, store):
    result = run(desk, SAMPLES / "freshdesk.csv", "freshdesk")
    assert result.created == 4 and result.warnings == []
    got = {t.external_id: t for t in (desk.get(f"T-{n}") for n in range(1, 5))}
    # status 2 open, 3 pending, 4 resolved, 5 closed; priority 1 low .. 4 urgent
    assert [(got[k].status, got[k].priority) for k in ("81", "82", "83", "84")] == [
        ("in_progress", "P1"),
        ("resolved", "P3"),
        ("closed", "P0"),
        ("pending", "P2"),
    ]
    assert [got[k].channel for k in ("81", "82", "83", "84")] == ["email", "web", "phone", "chat"]
    assert got["81"].assignee == "bo" and got["81"].category == "Incident"
    assert got["81"].tags == ("vpn", "network") and got["81"].customer == "Umbrella"
    assert got["81"].first_response_at == datetime(2026, 11, 25, 9, 40, tzinfo=UTC)
    assert got["83"].closed_at == datetime(2026, 9, 3, 9, tzinfo=UTC)
    # One contact per address, however many of its tickets come in.
    assert count(store, "contact_email") == 3


def test_a_rerun_changes_nothing_and_says_so(desk, store, tmp_path):
    run(desk, SAMPLES / "zendesk.csv", "zendesk", comments=SAMPLES / "comments.csv")
    before = [count(store, t) for t in ("ticket", "comment", "event", "alert", "change")]
    again = run(desk, SAMPLES / "zendesk.csv", "zendesk", comments=SAMPLES / "comments.csv")
    assert again.done_before is not None and "nothing changed" in again.lines()[0]
    copy = tmp_path / "again.csv"  # the same tickets by another file: by external id
    copy.write_bytes((SAMPLES / "zendesk.csv").read_bytes())
    other = run(desk, copy, "zendesk", comments=SAMPLES / "comments.csv")
    assert (other.created, other.existing, other.comments) == (0, 5, 0)
    assert "nothing changed" in other.lines()
    assert [count(store, t) for t in ("ticket", "comment", "event", "alert", "change")] == before


def write(path: Path, header: str, *lines: str) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


HEADER = "external_id,subject,status,priority,created_at,solved_at,requester_email,description"


def test_bad_records_are_named_by_line_and_refuse_the_whole_import(desk, store, tmp_path):
    path = write(
        tmp_path / "bad.csv",
        HEADER,
        "1,Fine,new,P1,2026-11-01 10:00,,a@x.example,ok",
        ',No id,new,P1,2026-11-01 10:00,,,"two',  # line 3, its quoted cell goes on to 4
        'lines"',
        "3,Bad date,new,P1,yesterday,,,",  # line 5
        "4,,new,P1,2026-11-01 10:00,,,",  # line 6: no subject
        "5,Bad mail,new,P1,2026-11-01 10:00,,not-an-address,",  # line 7
        "1,Twice,new,P1,2026-11-01 10:00,,,",  # line 8: external id 1 again
    )
    with pytest.raises(InvalidInput) as refused:
        run(desk, path)
    message = str(refused.value)
    assert message.startswith("bad.csv: 5 bad records, nothing imported: ")
    assert len(message) < 300  # one line, as every refusal; the rejects file has them all
    for line in ("line 3: no external id", "line 5: created_at", "line 6: no subject"):
        assert line in message
    assert "(and 2 more)" in message
    result = run(desk, path, skip_bad=True, dry_run=True)  # the rest: every line named
    rejected = list(csv.reader(result.rejects.open()))
    assert [(r[0], r[1][:18]) for r in rejected[1:]] == [
        ("3", "no external id (th"),
        ("5", "created_at: 'yeste"),
        ("6", "no subject"),
        ("7", "bad email address "),
        ("8", "external id '1' is"),
    ]
    result.rejects.unlink()
    assert count(store, "ticket") == 0 and count(store, "import_checkpoint") == 0
    assert not rejects_path(path).exists()


def test_skip_bad_imports_the_rest_and_writes_the_bad_beside_the_input(desk, store, tmp_path):
    path = write(
        tmp_path / "some.csv",
        HEADER,
        "1,Fine,new,P1,2026-11-01 10:00,,,",
        "2,Bad date,new,P1,31/31/2026,,,",
        "3,Also fine,resolved,P2,2026-11-01 10:00,2026-11-01 12:00,,",
    )
    result = run(desk, path, skip_bad=True)
    assert (result.created, result.rejected) == (2, 1)
    rejects = rejects_path(path)
    assert result.rejects == rejects and rejects.parent == path.parent
    rejected = list(csv.reader(rejects.open()))
    assert rejected[0][:3] == ["line", "reason", "external_id"]
    assert rejected[1][0] == "3" and "is not a date" in rejected[1][1] and rejected[1][2] == "2"
    assert any("written to" in line for line in result.lines())


def test_unknown_values_warn_once_per_column(desk, tmp_path):
    lines = [f"{i},T{i},limbo,P9,2026-11-01 10:00,,," for i in range(50)]
    result = run(desk, write(tmp_path / "odd.csv", HEADER, *lines))
    assert result.created == 50
    assert len(result.warnings) == 2
    assert "50 records" in result.warnings[0] and "'limbo'" in result.warnings[0]
    assert "became new" in result.warnings[0] and "became P2" in result.warnings[1]


def test_a_dry_run_counts_and_writes_nothing(desk, store):
    result = run(desk, SAMPLES / "freshdesk.csv", "freshdesk", dry_run=True)
    assert result.created == 4 and "would import 4 tickets" in result.lines()[-1]
    assert count(store, "ticket") == 0 and count(store, "import_checkpoint") == 0


def test_only_an_admin_imports(store):
    enrol(store)
    with pytest.raises(Forbidden, match="only an admin can import"):
        run(Desk(store, "ana", now=lambda: NOW), SAMPLES / "freshdesk.csv", "freshdesk")
    assert count(store, "ticket") == 0


def test_history_keeps_its_clocks_and_fires_no_alert_for_the_past(desk, store, tmp_path):
    soon = NOW - timedelta(hours=1)
    path = write(
        tmp_path / "h.csv",
        HEADER,
        # solved long ago, late: its clock says missed, nothing is left to fire
        "old,Solved late,resolved,P1,2026-10-01 09:00,2026-10-01 20:00,,",
        "done,Closed,closed,P0,2026-10-01 09:00,2026-10-01 10:00,,",
        # still open and long overdue: breached at once, its past rungs kept as fired
        "late,Open and overdue,new,P1,2026-11-01 09:00,,,",
        # open, P3 made an hour ago: its rungs are still to come, and they will fire
        f"young,Open and young,new,P3,{soon:%Y-%m-%d %H:%M},,,",
    )
    run(desk, path)
    views = {t.external_id: t for t in desk.list(statuses=["new", "resolved", "closed"])}
    assert views["old"].sla.resolution.state == "missed"
    assert views["late"].sla.resolution.state == "breached"
    assert views["young"].sla.first_response.state in ("ok", "warning")
    watcher = SlaWatcher(store, desk, now=lambda: NOW)
    assert watcher.run_due(NOW) == []  # nothing from the past is news
    assert count(store, "delivery") == 0
    # every past rung is stored as fired at its own moment, told to no one
    assert count(store, "alert") > 0
    assert rows(store, "SELECT count(*) FROM alert WHERE fired_at <> at") == [(0,)]
    later = NOW + timedelta(days=5)
    fired = SlaWatcher(store, desk, now=lambda: later).run_due(later)
    assert fired and {f.number for f in fired} == {views["young"].number}
    trail = desk.get(f"T-{views['old'].number}").events
    assert [e.kind for e in trail] == ["created", "status"]
    assert all(e.reason == "imported from h.csv" for e in trail)
    assert trail[0].at == datetime(2026, 10, 1, 9, tzinfo=UTC)
    report = verify(store)
    assert report.holds


def export_text(desk: Desk, **kw) -> str:
    out = io.StringIO()
    export(desk, out, **kw)
    return out.getvalue()


COMPARED = (
    "external_id title description status priority assignee team customer category tags "
    "channel requester created_at updated_at first_response_at resolved_at closed_at"
).split()


def picture(desk: Desk, n: int) -> list[tuple]:
    seen = []
    for number in range(1, n + 1):
        t = desk.get(f"T-{number}")
        comments = tuple((c.kind, c.author, c.body, c.created_at) for c in t.comments)
        seen.append((*(getattr(t, f) for f in COMPARED), comments))
    return sorted(seen, key=lambda r: r[0])


@pytest.mark.parametrize("kind", ["csv", "jsonl", "xlsx"])
def test_an_export_imports_into_an_empty_desk_to_the_same_tickets(desk, tmp_path, kind):
    run(desk, SAMPLES / "zendesk.csv", "zendesk", comments=SAMPLES / "comments.csv")
    run(desk, SAMPLES / "freshdesk.csv", "freshdesk")
    out, talk = tmp_path / f"all.{kind}", tmp_path / f"talk.{kind}"
    done = export(desk, out, kind=kind, every=True, comments=talk)
    assert (done.tickets, done.comments) == (9, 4)
    other = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    enrol(other)
    again = Desk(other, "ada", now=lambda: NOW)
    result = run(again, out, comments=talk)
    assert (result.created, result.comments, result.warnings) == (9, 4, [])
    assert picture(again, 9) == picture(desk, 9)
    other.close()


def test_export_streams_open_tickets_by_default_and_since_a_date(desk):
    run(desk, SAMPLES / "freshdesk.csv", "freshdesk")
    open_only = list(csv.DictReader(io.StringIO(export_text(desk, batch=1))))
    assert sorted(r["external_id"] for r in open_only) == ["81", "84"]
    assert list(open_only[0]) == list(presets.FIELDS)
    since = datetime(2026, 11, 1, tzinfo=UTC)
    recent = export_text(desk, kind="jsonl", since=since)
    assert sorted(json.loads(line)["external_id"] for line in recent.splitlines()) == ["81", "84"]
    every = export_text(desk, every=True, batch=3)
    assert len(list(csv.DictReader(io.StringIO(every)))) == 4


def test_only_directors_and_admins_export(store):
    enrol(store)
    with pytest.raises(Forbidden, match="only a director or an admin can export"):
        export_text(Desk(store, "ana"))


def test_two_imports_of_one_file_at_once_make_each_ticket_once(desk, store, tmp_path):
    import threading

    from deskline.core.errors import Refused

    lines = [f"{i},T{i},new,P2,2026-11-01 10:00,,," for i in range(400)]
    path = write(tmp_path / "same.csv", HEADER, *lines)
    outcomes: list[str] = []

    def one() -> None:
        try:
            run(desk, path, batch=20)
            outcomes.append("done")
        except Refused as exc:
            outcomes.append(str(exc))

    both = [threading.Thread(target=one) for _ in range(2)]
    for t in both:
        t.start()
    for t in both:
        t.join()
    assert "done" in outcomes or all("another import" in o for o in outcomes)
    run(desk, path, batch=20)  # whatever was cut short continues
    assert rows(store, "SELECT count(*), count(DISTINCT external_id) FROM ticket") == [(400, 400)]
    assert rows(store, "SELECT count(*) FROM event WHERE ticket_id IS NOT NULL") == [(400,)]
    assert verify(store).holds
