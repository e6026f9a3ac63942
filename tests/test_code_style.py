"""Lint, format and types, as CONVENTIONS.md asks: ruff everywhere, mypy on core and storage."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(require, *command: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which(command[0])
    require(f"{command[0]} (pip install -e '.[test]')", exe is not None)
    return subprocess.run([exe, *command[1:]], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing(require):
    result = run(require, "ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout


def test_code_is_formatted(require):
    result = run(require, "ruff", "format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout


def test_mypy_passes_on_core_and_storage(require, tmp_path):
    """mypy finds packages on disk, not through the editable install's import hook: it reads
    them under their import name, through a link named ``deskline`` to this checkout."""
    exe = shutil.which("mypy")
    require("mypy (pip install -e '.[test]')", exe is not None)
    (tmp_path / "deskline").symlink_to(ROOT, target_is_directory=True)
    result = subprocess.run(
        [exe, "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache")]
        + ["-p", "deskline.core", "-p", "deskline.storage"],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found" in result.stdout
