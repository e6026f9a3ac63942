"""Lint, format and types, as CONVENTIONS.md asks: ruff everywhere, mypy on core and storage."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(require, *command: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which(command[0])
    require(f"{command[0]} (pip install -e '.[test]')", exe is not None)
    return subprocess.run([exe, *command[1:]], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing(require):
    result = run(require, "ruff", "check", ".")
    assert result.returncode == 0, result.stdout


def test_code_is_formatted(require):
    result = run(require, "ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout


def test_mypy_passes_on_core_and_storage(require):
    result = run(require, "mypy", "core", "storage")
    assert result.returncode == 0, result.stdout
