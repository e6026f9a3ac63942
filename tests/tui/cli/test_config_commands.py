"""``deskline config check|show``: the effective settings, and a bad file stopping every command."""

from __future__ import annotations

import pytest
from in_process import SLA_CONFIG, Cli, routed_desk, run


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "deskline.toml"
    path.write_text(SLA_CONFIG)
    return path


@pytest.fixture
def routed(db_url, tmp_path, capsys, monkeypatch) -> Cli:
    return routed_desk(db_url, tmp_path, capsys, monkeypatch)


def test_config_check_prints_the_effective_policy_table(monkeypatch, capsys, config_file):
    code, out, err = run(monkeypatch, capsys, "config", "check", str(config_file))
    assert code == 0, err
    assert f"{config_file}: ok" in out
    assert "VIP customers" in out and "1bd" not in out.split("VIP")[0]
    vip_p0 = next(line for line in out.splitlines() if "VIP customers" in line)
    assert "7m30s" in vip_p0 and "1h" in vip_p0


def test_config_check_of_a_bad_file_names_file_key_and_problem(monkeypatch, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[sla.P2]\ncalendar = "weekdayz"\n')
    code, out, err = run(monkeypatch, capsys, "config", "check", str(bad))
    assert code == 2 and out == ""
    assert err == (
        f"deskline: {bad}: sla.P2.calendar: unknown calendar 'weekdayz'; known: always, business\n"
    )


def test_a_bad_config_stops_every_command_before_it_writes(monkeypatch, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[sla]\npause_on = ["closed"]\n')
    db = tmp_path / "desk.db"
    code, _, err = run(
        monkeypatch,
        capsys,
        "--db",
        str(db),
        "--config",
        str(bad),
        "--as",
        "root",
        "new",
        "--title",
        "x",
    )
    assert code == 2 and "sla.pause_on" in err
    assert not db.exists()


def test_config_show_is_toml_that_config_check_accepts(monkeypatch, capsys, config_file, tmp_path):
    code, out, _ = run(monkeypatch, capsys, "--config", str(config_file), "config", "show")
    assert code == 0 and "[calendars.support]" in out and 'name = "VIP customers"' in out
    shown = tmp_path / "shown.toml"
    shown.write_text(out)
    assert run(monkeypatch, capsys, "config", "check", str(shown))[0] == 0


def test_config_is_found_through_the_environment(monkeypatch, capsys, config_file):
    code, out, _ = run(
        monkeypatch, capsys, "config", "show", env={"DESKLINE_CONFIG": str(config_file)}
    )
    assert code == 0 and out.startswith(f"# {config_file}")


def test_config_show_includes_the_new_sections_and_reads_back(routed, tmp_path):
    code, out, _ = routed("config", "show")
    assert code == 0
    for section in ("[routing]", "[[routing.rules]]", "[triage]", "[[templates]]", "[surge]"):
        assert section in out
    assert 'any = [{ category = "Network" }, { tags = "vpn" }]' in out
    shown = tmp_path / "shown.toml"
    shown.write_text(out)
    code, out, _ = routed("config", "check", str(shown))
    assert code == 0 and "routing: 2 rule(s), fallback team Service Desk" in out
