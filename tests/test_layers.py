"""The layer contracts (storage <- core <- tui; themes for tui only; no screen in core; pure
rules that never reach the store), checked by import-linter."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINTER = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = LINTER["contracts"]


def lint_imports(require, cwd: Path, env: dict[str, str] | None = None):
    exe = shutil.which("lint-imports")
    require("import-linter (lint-imports)", exe is not None)
    assert exe is not None
    return subprocess.run(
        [exe, "--no-cache"], cwd=cwd, capture_output=True, text=True, env=env or dict(os.environ)
    )


def test_import_linter_contracts_hold(require):
    result = lint_imports(require, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CONTRACTS)} kept, 0 broken" in result.stdout


def planted(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package under its import name, with ``line`` added to ``module`` (made
    when it does not exist)."""
    copy = tmp_path / "deskline"
    copy.mkdir()
    for pkg in ("tui", "core", "storage", "themes"):
        shutil.copytree(ROOT / pkg, copy / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "__init__.py", copy)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    path = (copy / Path(*module.split("."))).with_suffix(".py")
    before = path.read_text() if path.exists() else ""
    path.write_text(before + "\n" + line + "  # noqa\n")
    return tmp_path


def run_planted(require, tmp_path: Path, module: str, line: str) -> str:
    where = planted(tmp_path, module, line)
    result = lint_imports(require, where, {**os.environ, "PYTHONPATH": str(where)})
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout
    return result.stdout


def test_the_contract_catches_a_core_module_importing_the_tui(tmp_path, require):
    """A check that cannot fail proves nothing: plant a violation in a copy and see it caught."""
    said = run_planted(require, tmp_path, "core.leak", "import deskline.tui.cli.main")
    assert "deskline.core.leak -> deskline.tui" in said


def test_the_contract_catches_a_pure_rule_reaching_the_store(tmp_path, require):
    said = run_planted(require, tmp_path, "core.sla.calendar", "import sqlalchemy")
    assert "deskline.core.sla.calendar -> sqlalchemy" in said


def test_the_contract_catches_the_tui_reaching_the_store(tmp_path, require):
    said = run_planted(require, tmp_path, "tui.peek", "from deskline.storage import queries")
    assert "deskline.tui.peek -> deskline.storage.queries" in said
