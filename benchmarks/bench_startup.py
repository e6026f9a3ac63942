"""How fast the command line starts: whole processes, wall time, medians.

    python benchmarks/bench_startup.py [--runs 7] [--tickets 1000] [--against b69a021]

Measures ``python -c pass``, ``python -c "import typer"``, ``python -c "import
sqlalchemy.orm"``, ``deskline --version``, ``deskline --help`` and ``deskline list --limit 20
--json`` on a demo desk of ``--tickets`` tickets that it builds itself (``deskline demo
--no-open``, the clock frozen with DESKLINE_NOW, so every run reads the same desk). deskline
runs as its console script does: ``python -c "from deskline.tui.cli.main import main;
main()" ARGS``, with this checkout first on the import path.

Targets (issue 13): ``--version`` and ``--help`` <= 1.5x ``import typer``; ``list --limit 20
--json`` <= 1.5x ``import sqlalchemy.orm``. With ``--against REV`` the same commands run at
that revision too (a ``git worktree`` of it in a temporary folder, removed afterwards; a
revision from before issue 13 has the old layout, ``from tui.cli import main``), and before
and after are printed side by side. Every command runs once per round, in turn, so the
machine's noise falls on all of them alike; the first round is a warm-up.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
FROZEN = "2026-04-02T06:30:00+00:00"
TARGET = 1.5


def run_cli(entry: str) -> list[str]:
    return [PY, "-c", f"{entry}; main()"]


AFTER_ENTRY = "from deskline.tui.cli.main import main"
BEFORE_ENTRY = "from tui.cli import main"


class Version:
    """One deskline to measure: how it is started and the environment it runs in."""

    def __init__(self, label: str, entry: str, pythonpath: str | None, db: Path) -> None:
        self.label, self.entry, self.db = label, entry, db
        self.env = dict(os.environ, DESKLINE_NOW=FROZEN, DESKLINE_AS="bench", TZ="UTC")
        self.env.pop("DESKLINE_CONFIG", None)
        if pythonpath is not None:
            self.env["PYTHONPATH"] = pythonpath

    def command(self, *args: str) -> list[str]:
        return [*run_cli(self.entry), *args]

    def build_desk(self, tickets: int) -> None:
        done = subprocess.run(
            self.command("--db", str(self.db), "demo", "--no-open", "--tickets", str(tickets)),
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            sys.exit(f"{self.label}: the demo desk was not built:\n{done.stderr}")

    def commands(self) -> dict[str, list[str]]:
        return {
            "deskline --version": self.command("--version"),
            "deskline --help": self.command("--help"),
            "deskline list --limit 20 --json": self.command(
                "--db", str(self.db), "list", "--limit", "20", "--json"
            ),
        }


BASELINES = {
    "python -c pass": [PY, "-c", "pass"],
    'python -c "import typer"': [PY, "-c", "import typer"],
    'python -c "import sqlalchemy.orm"': [PY, "-c", "import sqlalchemy.orm"],
}


def wall(command: Sequence[str], env: dict[str, str]) -> float:
    """Seconds from start to exit of one process; a failing command stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    return took


def measure(
    jobs: dict[tuple[str, str], tuple[list[str], dict[str, str]]], runs: int
) -> dict[tuple[str, str], float]:
    """The median wall time of each job, the jobs taken in turn round after round."""
    times: dict[tuple[str, str], list[float]] = {key: [] for key in jobs}
    for round_ in range(runs + 1):
        for key, (command, env) in jobs.items():
            took = wall(command, env)
            if round_:  # the first round warms the file cache
                times[key].append(took)
    return {key: statistics.median(values) for key, values in times.items()}


def works(command: Sequence[str], env: dict[str, str]) -> bool:
    """Whether an older deskline has this command at all (``--version`` came with issue 13)."""
    return subprocess.run(command, env=env, capture_output=True).returncode == 0


def worktree(rev: str, where: Path) -> Path:
    path = where / f"deskline-{rev}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), rev],
        check=True,
        capture_output=True,
    )
    return path


def older(rev: str, old: Path, db: Path) -> Version:
    """The deskline checked out at ``old`` (a ``worktree`` of ``rev``), as it is started."""
    if (old / "tui" / "cli.py").exists():  # before issue 13: ``tui`` on the import path
        return Version(rev, BEFORE_ENTRY, str(old), db)
    link = old.parent / "link"  # the new layout: imported as ``deskline``
    link.mkdir()
    (link / "deskline").symlink_to(old, target_is_directory=True)
    return Version(rev, AFTER_ENTRY, str(link), db)


def drop(old: Path) -> None:
    """Remove the worktree ``worktree`` made."""
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
        check=False,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="counted runs of each (>= 5)")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--against", metavar="REV", help="also measure this revision")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs: at least 5")

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        where = Path(tmp)
        # Run from the temporary folder: a checkout as the working directory would put its
        # folders (core/, tui/) first on an old layout's import path.
        os.chdir(where)
        after = Version("after", AFTER_ENTRY, os.environ.get("PYTHONPATH"), where / "after.db")
        versions = [after]
        old: Path | None = None
        try:
            if args.against:
                old = worktree(args.against, where)
                versions.insert(0, older(args.against, old, where / "before.db"))
            for version in versions:
                print(f"building a {args.tickets}-ticket demo desk ({version.label}) ...")
                version.build_desk(args.tickets)

            jobs: dict[tuple[str, str], tuple[list[str], dict[str, str]]] = {
                (name, ""): (command, after.env) for name, command in BASELINES.items()
            }
            for name in after.commands():
                for version in versions:
                    command = version.commands()[name]
                    if version is after or works(command, version.env):
                        jobs[(name, version.label)] = (command, version.env)
            print(f"measuring: {args.runs} runs of each, in turn, after a warm-up round\n")
            medians = measure(jobs, args.runs)
        finally:
            if old is not None:
                drop(old)
    report(medians, versions, args.runs)


def report(medians: dict[tuple[str, str], float], versions: list[Version], runs: int) -> None:
    labels = [v.label for v in versions]
    title = f"wall time, median of {runs} (ms)"
    print(f"{title:40}" + "".join(f"{label:>12}" for label in labels))
    for name in BASELINES:
        print(f"{name:40}{medians[(name, '')] * 1000:12.1f}")

    def cell(name: str, label: str) -> str:
        took = medians.get((name, label))
        return f"{'(none)':>12}" if took is None else f"{took * 1000:12.1f}"

    for name in versions[-1].commands():
        print(f"{name:40}" + "".join(cell(name, label) for label in labels))
    typer_ = medians[('python -c "import typer"', "")]
    orm = medians[('python -c "import sqlalchemy.orm"', "")]
    print(f"\ntargets (<= {TARGET}x):")
    for name, base, base_name in (
        ("deskline --version", typer_, "import typer"),
        ("deskline --help", typer_, "import typer"),
        ("deskline list --limit 20 --json", orm, "import sqlalchemy.orm"),
    ):
        ratios = {
            label: medians[(name, label)] / base for label in labels if (name, label) in medians
        }
        shown = "  ".join(f"{label} {ratio:.2f}x" for label, ratio in ratios.items())
        verdict = "met" if ratios[versions[-1].label] <= TARGET else "NOT met"
        print(f"  {name:32} / {base_name:22} {shown}  -> {verdict}")


if __name__ == "__main__":
    main()
