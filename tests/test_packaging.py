"""The distribution: one top-level import name, ``deskline``, from a built wheel in a fresh venv;
every package folder listed in pyproject.toml; the test suite leaves nothing in the checkout."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import deskline

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
FOLDERS = ("core", "storage", "themes", "tui")
LEFT_OUT = (".git", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")


def test_every_package_folder_is_installed_under_deskline():
    """A folder with an ``__init__.py`` left out of ``[tool.setuptools] packages`` would be
    missing from a wheel while an editable install still finds it."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"deskline": "."}
    on_disk = {"deskline"} | {
        "deskline." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == on_disk


def clean_env(home: Path) -> dict[str, str]:
    """No PYTHONPATH (it could point at a checkout), a home of the test's own."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DESKLINE_DB")}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        DESKLINE_NOW="2026-04-02T06:30:00+00:00",
    )
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A wheel built from this checkout, installed (not editable) into a fresh venv."""
    where = tmp_path_factory.mktemp("wheel")
    env = clean_env(where / "home")
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source = where / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(where), str(source)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert build.returncode == 0, build.stderr
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    (wheel,) = where.glob("deskline-*.whl")
    install = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert install.returncode == 0, install.stderr
    return venv, env


def run(venv: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["HOME"] if Path(env["HOME"]).is_dir() else None,
        timeout=120,
    )


def test_the_wheel_provides_exactly_one_top_level_name(installed):
    venv, _ = installed
    (record,) = venv.glob("lib/python*/site-packages/deskline-*.dist-info/RECORD")
    with record.open(newline="") as rows:
        # what lands in site-packages; the console script is recorded as ../../../bin/deskline
        tops = {row[0].split("/")[0] for row in csv.reader(rows) if not row[0].startswith("..")}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"deskline"}
    (top_level,) = venv.glob("lib/python*/site-packages/deskline-*.dist-info/top_level.txt")
    assert top_level.read_text().split() == ["deskline"]


def test_the_installed_command_runs_from_the_venv(installed):
    venv, env = installed
    Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
    where = run(venv, env, "python", "-c", "import deskline.tui; print(deskline.tui.__file__)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(venv)
    version = run(venv, env, "deskline", "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"deskline {deskline.__version__}"
    as_module = run(venv, env, "python", "-m", "deskline", "--version")
    assert as_module.stdout == version.stdout


def test_the_installed_demo_fills_a_desk(installed):
    """The demo's texts and the migrations travel in the wheel."""
    venv, env = installed
    Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
    demo = run(venv, env, "deskline", "demo", "--no-open", "--tickets", "40")
    assert demo.returncode == 0, demo.stderr
    path = Path(demo.stdout.strip().removeprefix("demo database: "))
    assert path.is_file() and path.is_relative_to(env["HOME"])
    listed = run(venv, env, "deskline", "--db", str(path), "list", "--all", "--json")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count('"key": "T-') == 40


def test_the_installed_command_speaks_chinese(installed):
    """The compiled catalogue travels in the wheel: --lang and LANG find it."""
    venv, env = installed
    Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
    told = run(venv, env, "deskline", "--lang", "zh_CN", "--help")
    assert told.returncode == 0, told.stderr
    assert "用法：deskline" in told.stdout and "显示版本并退出。" in told.stdout
    wrong = run(venv, {**env, "LANG": "zh_CN.UTF-8"}, "deskline", "show", "T-x")
    assert wrong.returncode == 2
    assert wrong.stderr.strip().endswith("工单编号 'T-x' 无效：请使用 T-42 这样的格式")


def test_the_suite_leaves_nothing_in_the_checkout(pytestconfig):
    """A failed snapshot's report and hypothesis's examples go to the temporary directory."""
    from hypothesis.configuration import storage_directory

    report = Path(pytestconfig.getoption("--snapshot-report")).resolve()
    assert not report.is_relative_to(ROOT)
    examples = storage_directory("examples", intent_to_write=False).path
    assert not examples.resolve().is_relative_to(ROOT)
