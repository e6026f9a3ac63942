"""Routing and triage from the command line: new tickets triaged and routed, rules explain
and check, templates, surges, and their mistakes, run through the real entry point on real
stores."""

from __future__ import annotations

import pytest
from in_process import ADMIN, Cli, routed_desk, row_counts

from deskline.core.roster.agents import Roster
from deskline.storage.store import Store


@pytest.fixture
def cli(db_url, tmp_path, capsys, monkeypatch) -> Cli:
    return routed_desk(db_url, tmp_path, capsys, monkeypatch)


def test_new_tickets_are_triaged_and_routed_and_say_so(cli):
    code, out, err = cli("new", "--title", "Invoice wrong", "--category", "Billing/Invoice")
    assert code == 0, err
    assert out == (
        "created T-1: Invoice wrong\n"
        '  routed: rule "Billing": assigned to dee in team Billing (least loaded)\n'
    )
    code, out, _ = cli("new", "--title", "公司全部用户无法登录")
    assert "triaged: suggested P0" in out and "the on-duty supervisor" in out
    made = cli.json("new", "--title", "Printer", "--impact", "one", "-p", "P3")
    assert (made["priority"], made["impact"], made["assignee"]) == ("P3", "one", "bo")


def test_rules_explain_a_routed_ticket(cli):
    cli("new", "--title", "VPN drops", "--tag", "vpn")
    code, out, err = cli("rules", "explain", "T-1")
    assert code == 0, err
    assert (
        out.splitlines()[0] == "T-1 VPN drops — P2 · assigned · assigned to bo · team Service Desk"
    )
    assert "✖ no match  Billing" in out and "✔ matched  Network" in out
    assert "✔ any of: [1] category none under Network; [2] tags (vpn) include vpn" in out
    assert "→ bo   chosen: skill vpn; 0 open, cap 0 of 5 P1/P2" in out
    assert "✔ cy   eligible: missing skill (has none); 0 open, cap 0 of 5 P1/P2" in out
    assert "✖ ana  not eligible: supervisor: team tickets go to the agent role" in out
    assert "result: assigned to bo in team Service Desk (least loaded with a matching skill)" in out
    data = cli.json("rules", "explain", "T-1")
    assert data["routing"][0]["new"]["routing"]["assignee"] == "bo"
    assert data["routing"][0]["reason"].startswith('rule "Network": assigned to bo')


def test_rules_explain_a_ticket_left_unassigned(cli):
    cli("agents", "duty", "off", "bo")
    cli("agents", "set", "cy", "--cap", "0")
    cli("new", "--title", "Nobody can take this")
    code, out, err = cli("rules", "explain", "T-1")
    assert code == 0, err
    assert "P2 · new · unassigned · team Service Desk" in out
    assert "✖ bo   not eligible: off duty" in out
    assert "✖ cy   not eligible: at cap (0 of 0 active P1/P2)" in out
    assert (
        "result: left unassigned in team Service Desk (nobody eligible: bo off duty, "
        "cy at cap (0 of 0 active P1/P2))"
    ) in out
    cli("agents", "duty", "on", "bo")
    code, out, _ = cli("rules", "explain", "T-1", "--now")
    assert "a preview: nothing is changed" in out and "→ bo" in out
    assert cli.json("show", "T-1")["assignee"] is None
    assert cli.json("route", "T-1")["assignee"] == "bo"


def test_edit_of_the_category_says_where_the_ticket_went(cli):
    cli("new", "--title", "Invoice wrong", "--category", "Billing/Invoice")  # dee has one
    for handle in ("bo", "cy"):
        cli("agents", "duty", "off", handle)
    cli("new", "--title", "Charged twice")  # unassigned in Service Desk
    code, out, err = cli("edit", "T-2", "--category", "Billing/Invoice")
    assert code == 0, err
    assert out == "T-2: edited category; routed to Billing, assigned to dee\n"
    code, out, _ = cli("edit", "T-1", "--category", "")  # dee holds it: it stays
    assert out == "T-1: edited category\n"


def test_rules_explain_without_routing_says_why(cli, tmp_path):
    plain = tmp_path / "plain.toml"
    plain.write_text("[triage]\nenabled = true\n")  # the defaults: triage, no routing
    routed = str(tmp_path / "deskline.toml")
    store = Store.open(cli.db)
    Roster(store).add("adm", name="The Admin", role="admin")  # only an admin applies policy
    store.close()
    code, _, err = cli("policy", "apply", str(plain), "--yes", as_="adm")
    assert code == 0, err  # the desk's policy now: no routing
    cli("new", "--title", "Down everywhere", config=str(plain))
    code, out, _ = cli("rules", "explain", "T-1", config=str(plain))
    assert code == 0
    assert "triage (" in out and 'suggested P0 (keyword "down" → P0); applied' in out
    assert "T-1 was not routed: no [[routing.rules]] or [routing] fallback_team" in out
    assert cli("policy", "apply", routed, "--yes", as_="adm")[0] == 0
    code, out, _ = cli("rules", "explain", "T-1")  # rules exist now
    assert "created before the routing rules were set" in out


def test_rules_check_a_good_file_and_a_bad_one(cli, tmp_path):
    cli("new", "--title", "x", "--category", "Billing/Invoice")
    cli("new", "--title", "y", "--category", "Network/VPN")
    cli("new", "--title", "z", "--category", "Software/Bug")
    code, out, err = cli("rules", "check")
    assert (code, err) == (0, "")
    assert "2 routing rule(s)" in out  # a warning is no error: exit 0
    assert out.rstrip().endswith(
        "warning: routing.rules[0] \"Billing\": team 'Billing' has no supervisor: "
        "P0 tickets go to its agents instead"
    )
    cli("agents", "add", "eve", "--role", "supervisor", "--team", "Billing", as_=ADMIN)
    assert cli("rules", "check")[1].rstrip().endswith("no problems found")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[routing]\nfallback_team = "Help Desk"\n'
        '[[routing.rules]]\nname = "all"\nteam = "Service Desk"\n'
        '[[routing.rules]]\nname = "later"\ntier = "vip"\nagent = "ghost"\n'
    )
    code, out, err = cli("rules", "check", str(bad))
    assert code == 1
    assert err == f"deskline: 3 errors in the routing rules of {bad}\n"
    lines = [line for line in out.splitlines() if line.startswith(("error", "warning"))]
    assert lines == [
        'error: routing.rules[1] "later": can never match: routing.rules[0] "all" above it '
        "matches every ticket",
        "error: routing.rules[1] \"later\": agent 'ghost' is not an agent of this desk",
        "error: routing.fallback_team: team 'Help Desk' does not exist; teams: Billing, "
        "Service Desk (a team is made by `deskline agents add|set HANDLE --team NAME`)",
        'warning: routing.fallback_team: never used: routing.rules[0] "all" matches every ticket',
    ]


def test_templates_for_quick_create(cli):
    made = cli.json("new", "--template", "BUG", "--title", "Save fails", "--customer", "Globex")
    assert (made["title"], made["category"], made["priority"], made["tags"]) == (
        "[Bug] Save fails",
        "Software/Bug",
        "P3",
        ["bug"],
    )
    assert made["description"] == "Steps to reproduce:"


def test_surges_are_listed_while_they_last(cli, monkeypatch):
    for minute in range(3):
        monkeypatch.setenv("DESKLINE_NOW", f"2026-04-02T09:0{minute}:00+00:00")
        cli("new", "--title", "Outage", "-p", "P0")
    code, out, _ = cli("surges")
    assert out.startswith("SURGE Service Desk: 3 P0 since")
    assert "for ana, zoe; not alerted yet (`deskline watch` sends it on its next pass)" in out
    monkeypatch.setenv("DESKLINE_NOW", "2026-04-02T09:30:00+00:00")
    assert cli("surges")[1] == "no surges\n"
    (ended,) = cli.json("surges", "--all")
    assert (ended["began_with"], ended["active"], ended["alerted_at"]) == ("T-3", False, None)


USER_ERRORS = [
    (("agents", "duty", "maybe"), "ana", 2, "bad duty 'maybe': use on or off"),
    (("agents", "duty", "off", "cy"), "bo", 1, "only a supervisor of Service Desk, a director or"),
    (("agents", "duty", "on", "bo"), "ana", 1, "bo is already on duty"),
    (("agents", "duty", "off", "ghost"), "ana", 1, "unknown agent 'ghost'"),
    (("agents", "set", "bo", "--cap", "lots"), "ana", 2, "bad cap 'lots'"),
    (
        ("agents", "set", "bo", "--cap", "3"),
        "bo",
        1,
        "only a supervisor of Service Desk, a director",
    ),
    (("agents", "set", "bo"), "ana", 2, "nothing to change"),
    (("agents", "set", "bo", "--max-active", "0"), "ana", 2, "--max-active must be at least 1"),
    (("agents", "set", "bo", "--skill", "x", "--clear-skills"), "ana", 2, "not both"),
    (("new", "--title", "x", "--template", "feature"), "ana", 2, "no template 'feature'"),
    (("new", "--title", "x", "--template", "bug"), "ana", 2, "template 'bug' needs customer"),
    (("new", "--title", "x", "--impact", "lots"), "ana", 2, "bad impact 'lots'"),
    (("rules", "explain", "T-404"), "ana", 1, "no ticket T-404"),
    (("route", "T-1"), "ana", 1, "T-1 is assigned to bo: hand it back to the queue first"),
    (("route", "T-404"), "ana", 1, "no ticket T-404"),
    (("customers", "set", "Acme", "--tier", "gold"), "ana", 2, "bad tier 'gold'"),
    (("customers", "set", "Acme", "--tier", "vip"), "bo", 1, "only a supervisor"),
    (("customers", "set", "Acme", "--dedicated", "ghost"), "ana", 1, "unknown agent 'ghost'"),
]


@pytest.mark.parametrize(
    ("args", "who", "code", "message"),
    USER_ERRORS,
    ids=[" ".join(a[:3]) + f" ({m})" for a, _, _, m in USER_ERRORS],
)
def test_user_error_is_one_clear_line_and_changes_nothing(cli, db_url, args, who, code, message):
    cli("new", "--title", "existing")
    before = row_counts(db_url, agents=True)
    got, out, err = cli(*args, as_=who)
    assert got == code, err
    assert err.count("\n") == 1 and err.startswith("deskline: ") and message in err
    assert "Traceback" not in err and out == ""
    assert row_counts(db_url, agents=True) == before


def test_a_bad_routing_section_stops_every_command_before_it_writes(cli, db_url, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[routing.rules]]\nname = "x"\nteam = "y"\nassign = "random"\n')
    before = row_counts(db_url, agents=True)
    code, out, err = cli("new", "--title", "x", config=str(bad))
    assert (code, out) == (2, "")
    assert err == (
        f'deskline: {bad}: routing.rules[0].assign: must be one of "team", "supervisor", '
        '"dedicated", "queue", not \'random\'\n'
    )
    assert row_counts(db_url, agents=True) == before
