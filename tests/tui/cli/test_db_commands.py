"""``deskline db``: the schema and backups."""

from __future__ import annotations

import pytest
from in_process import Cli, plain_desk


@pytest.fixture
def cli(db_url, capsys, monkeypatch) -> Cli:
    return plain_desk(db_url, capsys, monkeypatch)


def test_db_backup_and_upgrade_commands(cli, db_url, tmp_path):
    code, out, err = cli("db", "upgrade")
    assert code == 0 and "at schema" in out
    code, out, err = cli("db", "backup")
    if db_url.startswith("sqlite"):
        assert code == 0 and out.strip().startswith(str(tmp_path))
    else:
        assert code == 1 and "pg_dump" in err
