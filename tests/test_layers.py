"""The layer contract (storage <- core <- tui; themes for tui only), checked by import-linter."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold(require):
    exe = shutil.which("lint-imports")
    require("import-linter (lint-imports)", exe is not None)
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_contract_catches_a_core_module_importing_the_tui(tmp_path, require):
    """A check that cannot fail proves nothing: plant a violation in a copy and see it caught."""
    exe = shutil.which("lint-imports")
    require("import-linter (lint-imports)", exe is not None)
    for pkg in ("tui", "core", "storage", "themes"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "core" / "leak.py").write_text("import tui.cli\n")
    result = subprocess.run(
        [exe, "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0 and "BROKEN" in result.stdout
