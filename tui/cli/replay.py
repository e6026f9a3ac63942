"""``deskline replay``: the recorded history of the period's tickets under the current and a
proposed policy, side by side; nothing is written."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from deskline.core.inert import visible
from deskline.core.language import N_, _
from deskline.tui.cli.context import Commands, JsonOpt, TeamOpt, ZoneOpt, session_of

app = Commands()


@app.command(
    help=N_("What-if: the period's tickets replayed under the desk's policy and a proposed one.")
)
def replay(
    ctx: typer.Context,
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            metavar="FILE",
            help=N_("The proposed policy (a file `policy apply` takes)."),
        ),
    ],
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help=N_("First day (default: 30 days ago).")),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help=N_("Last day, included (default: now).")),
    ] = None,
    team: TeamOpt = None,
    tz: ZoneOpt = None,
    as_json: JsonOpt = False,
) -> None:
    from deskline.core import clock
    from deskline.core.config.settings import load_policy_file
    from deskline.core.metrics import report

    proposed = load_policy_file(
        policy, "--policy"
    ).rules  # checked exactly as `policy apply` checks it
    session = session_of(ctx)
    desk = session.desk()
    current = desk.refresh_policy()
    now = clock.now()
    period = report.replay_period(now, report.zone_named(tz), start, end)
    scope, old, new = report.what_if(
        desk.store, desk.actor, current, proposed, policy, period, team=team
    )
    data = {
        "from": clock.iso(period.start),
        "to": clock.iso(period.end),
        "team": scope.team,
        "agent": scope.agent,
        "current": old.to_json(),
        "proposed": new.to_json(),
    }
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(visible(_text(data, scope.text())), nl=False)


def _pct(value: Any) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _both(row: dict[str, Any]) -> str:
    first, resolution = row.get("first_response_attainment"), row.get("resolution_attainment")
    return f"{_pct(first)} / {_pct(resolution)}"


def _text(data: dict[str, Any], scope: str) -> str:
    from rich.cells import cell_len

    from deskline.core.metrics.formats import plain

    old, new = data["current"], data["proposed"]
    lines = [
        _("replay {start} to {end}, {scope}: {current} beside {proposed}").format(
            start=data["from"],
            end=data["to"],
            scope=scope,
            current=old["policy"],
            proposed=plain(new["policy"]),
        ),
        "",
    ]
    rows = [("", _("current"), _("proposed"))]

    def line(label: str, a: Any, b: Any) -> None:
        rows.append((label, str(a), str(b)))

    s0, s1 = old["summary"], new["summary"]
    line(
        _("first response met"),
        _pct(s0["first_response_attainment"]),
        _pct(s1["first_response_attainment"]),
    )
    line(_("resolution met"), _pct(s0["resolution_attainment"]), _pct(s1["resolution_attainment"]))
    line(_("breaches"), old["breaches"], new["breaches"])
    line(_("alerts fired"), old["alerts"], new["alerts"])
    line(_("busiest person-day"), old["busiest_person_day"], new["busiest_person_day"])
    line(
        _("alerts per person-day"),
        old["mean_per_person_day"] or "-",
        new["mean_per_person_day"] or "-",
    )
    line(_("warnings too late (<15m)"), old["too_late_warnings"], new["too_late_warnings"])
    for group in ("by_priority", "by_team"):
        b = {r["group"]: r for r in new[group]}
        for r in old[group]:
            o = b.get(r["group"], {})
            label = _("{group}: met FR / res").format(group=plain(r["group"]))
            line(label, _both(r), _both(o))
    rungs = sorted(set(old["alerts_by_rung"]) | set(new["alerts_by_rung"]))
    for rung in rungs:
        line(
            _("alerts: {rung}").format(rung=rung),
            old["alerts_by_rung"].get(rung, 0),
            new["alerts_by_rung"].get(rung, 0),
        )
    widths = [max(cell_len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        gaps = [" " * (w - cell_len(c)) for c, w in zip(r, widths, strict=True)]
        lines.append(f"  {r[0]}{gaps[0]}  {gaps[1]}{r[1]}  {gaps[2]}{r[2]}")
    return "\n".join(line.rstrip() for line in lines) + "\n"
