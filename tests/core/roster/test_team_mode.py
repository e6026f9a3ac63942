"""Team mode on PostgreSQL: a client is the agent bound to its database login, ``--as``
someone else is for admins only (and audited), and ``db grant`` makes PostgreSQL refuse
what deskline refuses to a script that bypasses deskline. On SQLite: the OS user, ``--as``
as a convenience, and a new file readable by its owner only."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from deskline.core.desk.tickets import Desk
from deskline.core.desk.trail import log, verify
from deskline.core.errors import Forbidden, Refused, UnknownAgent
from deskline.core.roster.agents import Roster, os_handle
from deskline.core.roster.grants import grant
from deskline.core.roster.identity import resolve
from deskline.storage.store import Store

PG_URL = os.environ.get("DESKLINE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def login(pg_url) -> Iterator[Callable[[str], str]]:
    """``login(name)``: a PostgreSQL login of the test's own (role names are global to the
    cluster), dropped afterwards with the desk's group roles."""
    tag = uuid.uuid4().hex[:8]
    made: list[str] = []
    admin = create_engine(PG_URL)

    def make(name: str) -> str:
        role = f"dl_{tag}_{name}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        made.append(role)
        return role

    yield make
    schema = re.search(r"search_path%3D(\w+)", pg_url) or re.search(r"search_path=(\w+)", pg_url)
    assert schema is not None
    with admin.begin() as conn:
        groups = conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
            {"p": f"deskline_{schema.group(1)}_%"},
        ).scalars()
        for role in [*made, *groups]:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
    admin.dispose()


def as_login(pg_url: str, role: str) -> str:
    """The same desk, connecting as ``role`` (trust authentication: the name is enough)."""
    return make_url(pg_url).set(username=role).render_as_string(hide_password=False)


@pytest.fixture
def team(pg_url, login):
    """A desk on PostgreSQL: boss (admin, login dl_*_boss), ana (supervisor), bo (agent),
    each bound to a login of their own, and the grants set up by the desk's owner."""
    owner = Store.open(pg_url)
    logins = {name: login(name) for name in ("boss", "ana", "bo")}
    roster = Roster(owner)
    roster.add("boss", role="admin", db_role=logins["boss"])
    roster.add("ana", role="supervisor", team="Service Desk", db_role=logins["ana"])
    roster.add("bo", team="Service Desk", db_role=logins["bo"])
    # the desk's owner (the superuser here), bound to no agent, acts as an admin
    assert resolve(owner, "boss").handle == "boss"
    grant(owner, by="boss")
    stores = {name: Store.open(as_login(pg_url, role)) for name, role in logins.items()}
    yield owner, stores, logins
    for store in (*stores.values(), owner):
        store.close()


def deskline(
    db: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if k != "DESKLINE_AS"}, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "deskline", "--db", db, *args],
        capture_output=True,
        text=True,
        env=env,
    )


# -- identity --------------------------------------------------------------------------------


def test_a_client_connecting_as_bo_is_bo_and_cannot_act_as_ana(team):
    _, stores, logins = team
    me = resolve(stores["bo"], None)
    assert (me.handle, me.login, me.acting_for) == ("bo", logins["bo"], False)
    assert resolve(stores["bo"], "bo").handle == "bo"
    with pytest.raises(Forbidden, match=r"only an admin may act as another agent \(--as ana"):
        resolve(stores["bo"], "ana")
    with pytest.raises(Forbidden):
        resolve(stores["ana"], "boss")  # a supervisor is not an admin either


def test_the_command_line_refuses_bo_as_ana_in_one_line(team, pg_url):
    _, _, logins = team
    bo_url = as_login(pg_url, logins["bo"])
    done = deskline(bo_url, "--as", "ana", "new", "--title", "as ana")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "only an admin may act" in done.stderr
    done = deskline(bo_url, "new", "--title", "as myself")
    assert done.returncode == 0, done.stderr
    (entry, *_) = log(Store.open(pg_url), "T-1")
    assert (entry.actor, entry.login, entry.new["title"]) == ("bo", logins["bo"], "as myself")


def test_an_agents_login_works_a_customers_ticket_with_mail(team, pg_url, tmp_path):
    """Grants cover what a ticket's work writes now: a requester and CCs (contacts), and a
    public reply's outbox row (a mailbox configured)."""
    owner, _, logins = team
    policy = tmp_path / "mail.toml"
    policy.write_text(
        '[[mail.mailbox]]\nname = "support"\naddress = "support@desk.example"\n'
        'team = "Service Desk"\nsmtp_host = "127.0.0.1"\nsmtp_port = 9\nsmtp_tls = "none"\n'
    )
    applied = deskline(pg_url, "--as", "boss", "policy", "apply", str(policy), "--yes")
    assert applied.returncode == 0, applied.stderr
    bo_url = as_login(pg_url, logins["bo"])
    made = deskline(bo_url, "new", "--title", "Invoice", "--requester", "li@acme.example")
    assert made.returncode == 0, made.stderr
    replied = deskline(bo_url, "reply", "T-1", "We are on it")
    assert replied.returncode == 0, replied.stderr
    with owner.read() as s:
        queued = s.execute(text("SELECT count(*) FROM outbox")).scalar_one()
    assert queued == 1  # written in the reply's transaction, by bo's login


def test_an_agents_login_links_merges_and_holds_presence_under_the_grants(team):
    _, stores, _ = team
    bo = Desk(stores["bo"], "bo")
    for title in ("one", "two", "three"):
        bo.create(title)
    assert bo.link("T-1", "T-2").links == ("related T-2",)
    assert bo.unlink("T-1", "T-2").links == ()  # a DELETE on ticket_link
    assert bo.merge("T-3", "T-1").links == ("merged from T-3",)
    assert bo.here("T-1", "reply") == []  # presence: insert, update, delete of lapsed rows
    assert bo.here("T-2") == []
    bo.away()


def test_a_write_the_grants_refuse_is_one_line_naming_db_grant(team, pg_url):
    from deskline.storage.access import group_names

    owner, _, logins = team
    with owner.read() as s:
        agents = group_names(s)["agent"]
    raw(owner, f'REVOKE INSERT ON contact FROM "{agents}"')  # as if from before the mail tables
    done = deskline(as_login(pg_url, logins["bo"]), "new", "-t", "x", "--requester", "a@b.example")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "permission denied for table contact" in done.stderr
    assert "deskline db grant" in done.stderr


def test_an_admin_may_act_as_another_and_the_real_login_is_recorded(team, pg_url):
    owner, stores, logins = team
    done = deskline(as_login(pg_url, logins["boss"]), "--as", "bo", "new", "--title", "for bo")
    assert done.returncode == 0, done.stderr
    assert f"acting as bo (audited: login {logins['boss']}, agent boss)" in done.stderr
    entries = log(owner, "T-1")
    assert {(e.actor, e.login) for e in entries} == {("bo", logins["boss"])}
    me = resolve(stores["boss"], "bo")
    assert (me.handle, me.bound, me.acting_for) == ("bo", "boss", True)


def test_a_login_bound_to_no_agent_is_told_how_to_bind_it(team, login, pg_url):
    owner, _, _ = team
    eve = login("eve")
    Roster(owner).add("eve", db_role=eve)
    grant(owner, by="boss")
    Roster(owner).set_login("eve", None, by="boss")  # unbound; still in the agents' group
    store = Store.open(as_login(pg_url, eve))
    with pytest.raises(UnknownAgent, match=f"deskline agents add HANDLE --db-role {eve}"):
        resolve(store, None)
    done = deskline(as_login(pg_url, eve), "list")
    assert done.returncode == 1 and f"--db-role {eve}" in done.stderr
    store.close()


def test_an_agent_named_like_the_login_and_bound_to_none_is_that_login(team, login, pg_url):
    owner, _, _ = team
    cy = login("cy")
    Roster(owner).add(cy)  # handle = the login's name, no db_role: the fallback rule
    grant(owner, by="boss")  # not bound, so in no group yet: grant it by hand
    with create_engine(PG_URL).begin() as conn:
        conn.execute(text(f'GRANT "deskline_{_schema(pg_url)}_agent" TO "{cy}"'))
    store = Store.open(as_login(pg_url, cy))
    assert resolve(store, None).handle == cy
    Roster(owner).set_login("bo", cy, by="boss")  # a login claimed as db_role wins
    assert resolve(store, None).handle == "bo"
    store.close()


def _schema(pg_url: str) -> str:
    found = re.search(r"search_path(?:%3D|=)(\w+)", pg_url)
    assert found is not None
    return found.group(1)


def test_binding_a_login_is_for_admins_and_is_audited(team):
    owner, _, logins = team
    with pytest.raises(Forbidden, match="only an admin"):
        Roster(owner).set_login("bo", "someone", by="ana")
    with pytest.raises(Refused, match="already bound to agent ana"):
        Roster(owner).set_login("bo", logins["ana"], by="boss")
    Roster(owner).set_login("bo", "bo2", by="boss")
    (entry,) = [e for e in log(owner) if e.kind == "agent.login"]
    assert entry.new == {"agent": "bo", "db_role": "bo2"} and entry.actor == "boss"


# -- what PostgreSQL itself refuses ----------------------------------------------------------


def raw(store: Store, statement: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(statement))


def test_an_agent_login_cannot_rewrite_the_audit_trail(team):
    owner, stores, _ = team
    Desk(stores["bo"], "bo").create("printer jams")  # deskline appends as bo: allowed
    for statement in (
        "UPDATE event SET reason = 'nothing happened'",
        "DELETE FROM event",
        "TRUNCATE event CASCADE",
    ):
        with pytest.raises(DBAPIError, match="permission denied for table event"):
            raw(stores["bo"], statement)
        with pytest.raises(DBAPIError, match="append-only"):  # even the owner: the trigger
            raw(owner, statement)
    assert verify(owner).holds


def test_an_agent_login_cannot_write_policy_nor_roles(team):
    _, stores, _ = team
    with pytest.raises(DBAPIError, match="permission denied for table policy"):
        raw(
            stores["bo"],
            "INSERT INTO policy (version, body, digest, applied_at) VALUES (9, '', '', now())",
        )
    for statement in (
        "UPDATE agent SET role = 'admin' WHERE handle = 'bo'",
        "UPDATE agent SET db_role = NULL WHERE handle = 'ana'",
        "INSERT INTO agent (handle, name, role, skills, on_duty, max_active, last_routed) "
        "VALUES ('eve', 'Eve', 'admin', '', true, 10, 0)",
    ):
        with pytest.raises(DBAPIError, match="permission denied for table agent"):
            raw(stores["bo"], statement)
    raw(stores["bo"], "UPDATE agent SET on_duty = false WHERE handle = 'bo'")  # own duty: ok
    with pytest.raises(DBAPIError, match="permission denied for table agent"):
        raw(stores["bo"], "UPDATE agent SET cap = 9 WHERE handle = 'bo'")
    raw(stores["ana"], "UPDATE agent SET cap = 9 WHERE handle = 'bo'")  # a supervisor's
    with pytest.raises(DBAPIError, match="permission denied for table agent"):
        raw(stores["ana"], "UPDATE agent SET role = 'admin' WHERE handle = 'ana'")
    raw(
        stores["boss"],
        "INSERT INTO policy (version, body, digest, applied_at) VALUES (9, '', '', now())",
    )


def test_only_the_admins_login_writes_a_policy_version_and_agents_run_on_it(team, pg_url, tmp_path):
    _, _, logins = team
    bo_first = deskline(as_login(pg_url, logins["bo"]), "list")  # may not pin the defaults
    assert bo_first.returncode == 0 and "built-in policy" not in bo_first.stderr
    policy = tmp_path / "policy.toml"
    policy.write_text('[sla.P0]\nfirst_response = "20s"\nresolution = "2h"\n')
    refused = deskline(as_login(pg_url, logins["bo"]), "policy", "apply", str(policy), "--yes")
    assert refused.returncode == 1 and "only an admin" in refused.stderr
    done = deskline(as_login(pg_url, logins["boss"]), "policy", "apply", str(policy), "--yes")
    assert done.returncode == 0, done.stderr
    assert "the desk's policy is version 1" in done.stdout
    shown = deskline(as_login(pg_url, logins["bo"]), "policy", "show", "--json")
    assert json.loads(shown.stdout)["policy"]["sla"]["P0"]["first_response"] == "20s"


def test_grant_is_idempotent_follows_role_changes_and_is_for_admins(team):
    owner, stores, logins = team
    again = grant(owner, by="boss")
    assert not any(s.startswith(("CREATE ROLE", 'GRANT "deskline')) for s in again.statements)
    groups = again.groups
    assert again.members[groups["agent"]] == [logins["bo"]]
    assert again.members[groups["admin"]] == [logins["boss"]]
    raw(owner, "UPDATE agent SET role = 'supervisor' WHERE handle = 'bo'")
    moved = grant(owner, by="boss")
    assert moved.members[groups["agent"]] == []
    assert moved.members[groups["supervisor"]] == sorted([logins["ana"], logins["bo"]])
    raw(stores["bo"], "UPDATE agent SET cap = 2 WHERE handle = 'ana'")  # now a supervisor's
    with pytest.raises(Forbidden, match="only an admin"):
        grant(owner, by="ana")


def test_grant_names_the_service_login_and_skips_missing_logins(team, login):
    owner, _, _ = team
    watcher = login("watch")
    Roster(owner).add("ghost", db_role="no_such_login_anywhere")
    report = grant(owner, by="boss", service=[watcher])
    assert report.members[report.groups["service"]] == [watcher]
    assert report.missing == [("ghost", "no_such_login_anywhere")]
    assert grant(owner, by="boss").members[report.groups["service"]] == [watcher]  # kept


def test_the_owner_bound_to_no_agent_acts_as_on_one_machine(team):
    owner, _, _ = team
    me = resolve(owner, "ana")
    assert (me.handle, me.bound, me.acting_for, me.team_mode) == ("ana", None, False, True)


# -- one machine (SQLite) ----------------------------------------------------------------------


def test_on_sqlite_identity_is_the_os_user_or_as(sqlite_url):
    store = Store.open(sqlite_url)
    first = resolve(store, None)  # the first user of an empty desk: its admin
    assert first.enrolled and first.handle == os_handle() and not first.team_mode
    Roster(store).add("ana")
    assert resolve(store, "ana").handle == "ana"  # --as: a convenience, not authentication
    with pytest.raises(UnknownAgent):
        resolve(store, "nobody")
    with pytest.raises(Refused, match="file's permissions are the boundary"):
        grant(store, by=first.handle)
    store.close()


def test_a_new_sqlite_desk_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "desk.db"
    Store.open(str(path)).close()
    assert (path.stat().st_mode & 0o777) == 0o600
    shared = tmp_path / "shared.db"
    shared.touch(mode=0o660)
    shared.chmod(0o660)
    Store.open(str(shared)).close()
    assert (shared.stat().st_mode & 0o777) == 0o660  # an existing file's mode is the owner's


def test_the_watcher_runs_as_a_service_login_acting_as_nobody(team, login, pg_url):
    owner, _, _ = team
    watcher = login("watch")
    Desk(owner, "boss", now=lambda: datetime(2026, 4, 2, 9, 0, tzinfo=UTC)).create(
        "down for everyone", priority="P1"
    )
    url = as_login(pg_url, watcher)
    later = {"DESKLINE_NOW": "2026-04-02T15:00:00+00:00"}
    done = deskline(url, "watch", "--once", "--jsonl", env=later)
    assert done.returncode != 0  # no grants yet: not even the schema
    grant(owner, by="boss", service=[watcher])
    done = deskline(url, "watch", "--once", "--jsonl", env=later)
    assert done.returncode == 0, done.stderr
    fired = [json.loads(line) for line in done.stdout.splitlines()]
    assert fired and all(f["ticket"] == "T-1" for f in fired), fired
    with owner.read() as s:
        assert s.execute(text("SELECT count(*) FROM alert")).scalar_one() == len(fired)
    assert verify(owner).holds


def test_an_admins_login_imports_under_the_grants_and_its_tickets_are_found(team, tmp_path):
    """A login that does not own the tables cannot turn the search index's trigger off for
    the import: its tickets are indexed as they go in, and found all the same."""
    from deskline.core.desk.search import numbers
    from deskline.core.transfer import presets
    from deskline.core.transfer.load import Importer, Options

    _, stores, _ = team
    tickets, comments = tmp_path / "t.csv", tmp_path / "c.csv"
    tickets.write_text(
        "external_id,subject,status,priority,created_at\n"
        "A-1,Printer jams on tray two,new,P2,2026-11-02 09:00\n"
        "A-2,Badge reader offline,new,P1,2026-11-02 10:00\n"
    )
    comments.write_text(
        "external_id,author,public,created_at,body\n"
        "A-1,boss,true,2026-11-02 09:30,Replaced the pickup roller\n"
    )
    desk = Desk(stores["boss"], "boss")
    options = Options(tickets, "csv", presets.DESKLINE, comments)
    result = Importer(desk, options).run()
    assert (result.created, result.comments) == (2, 1)
    found = {t.external_id: t.number for t in desk.list(statuses=["new"])}
    assert numbers(desk, "pickup roller") == [found["A-1"]]
    assert numbers(desk, "badge reader") == [found["A-2"]]
    assert verify(stores["boss"]).holds
