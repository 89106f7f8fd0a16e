"""Settings as ruff treats its own: errors exit 2 from either file, paths anchored to the
settings file's folder, `extend-*` and `extend`, and untrusted files read with bounds."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from corslint.runner.settings import MAX_LIST_ENTRIES, MAX_SETTINGS_BYTES
from tests.conftest import run_cli

BAD_APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["Authorization"])
"""
ANY_ORIGIN_APP = BAD_APP.replace(", allow_credentials=True", "")  # CORS105 alone


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / ".git").mkdir()  # the repository's top: the settings search stops here
    (in_tmp / "legacy").mkdir()
    (in_tmp / "legacy" / "main.py").write_text(BAD_APP)
    (in_tmp / "api").mkdir()
    (in_tmp / "api" / "main.py").write_text(ANY_ORIGIN_APP)
    return in_tmp


def rule_ids(*arguments: str) -> list[str]:
    code, out, err = run_cli(*arguments, "--format", "json", "--no-cache")
    assert code in (0, 1), err
    return sorted(f"{f['path']}:{f['rule_id']}" for f in json.loads(out)["findings"])


@pytest.mark.parametrize(
    ("table", "error"),
    [
        ('fail-level = "eror"', "`fail-level` must be error, warning or note, not `eror`"),
        ('exlude = ["x"]', "unknown configuration key `exlude` (did you mean `exclude`?)"),
        ('ignore = [""]', "`ignore` holds an empty rule id"),
        ('select = ["  "]', "`select` holds an empty rule id"),
        ('extend-ignore = [""]', "`extend-ignore` holds an empty rule id"),
        ('[per-file-ignores]\n"api/*" = [""]', "holds an empty rule id"),
        ('exclude = [""]', "`exclude` holds an empty pattern"),
        ("extend = 3", "`extend` must be the path of another settings file"),
        ("ignore = [", "is not valid TOML"),
    ],
)
@pytest.mark.parametrize("settings_file", [".corslint.toml", "pyproject.toml"])
def test_settings_errors_exit_2_from_either_file(
    project: Path, settings_file: str, table: str, error: str
) -> None:
    """`ignore = [""]` switched every rule off, CORS001 and CORS002 included (an empty id
    is a prefix of every id), and printed "No CORS problems found"."""
    if settings_file == "pyproject.toml":
        table = "[tool.corslint]\n" + table.replace("[per-file-ignores]", "[tool.corslint.per-file-ignores]")
    (project / settings_file).write_text(table + "\n")
    code, out, err = run_cli("legacy", "--exit-zero")
    assert (code, out) == (2, ""), err
    assert err.startswith(f"error: {settings_file}") and error in err


def test_a_blank_id_on_the_command_line_is_no_id(project: Path) -> None:
    assert rule_ids("legacy", "--ignore", ",") == ["legacy/main.py:CORS101"]


def test_exclude_and_per_file_ignores_are_anchored_to_the_settings_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a subfolder, `legacy/**` once stopped applying: it was matched against
    `main.py`, the path as shown from there."""
    (project / ".corslint.toml").write_text(
        'exclude = ["legacy/**"]\n[per-file-ignores]\n"api/main.py" = ["CORS105"]\n'
    )
    assert rule_ids(".") == []
    monkeypatch.chdir(project / "legacy")
    assert rule_ids(".") == []
    assert rule_ids("--force-exclude", "main.py") == []
    monkeypatch.chdir(project / "api")
    assert rule_ids(".") == []
    assert rule_ids("../legacy") == []  # the walk shows ../legacy/main.py: still anchored
    (project / ".corslint.toml").write_text("")
    assert rule_ids(".") == ["main.py:CORS105"]


def test_extend_select_and_extend_ignore(project: Path) -> None:
    (project / ".corslint.toml").write_text('select = ["CORS2"]\nextend-select = ["CORS101"]\n')
    assert rule_ids(".") == ["legacy/main.py:CORS101"]
    (project / ".corslint.toml").write_text('ignore = ["CORS1"]\nextend-select = ["CORS105"]\n')
    assert rule_ids(".") == ["api/main.py:CORS105"]  # the more specific selector wins
    (project / ".corslint.toml").write_text('extend-ignore = ["CORS105"]\n')
    assert rule_ids(".") == ["legacy/main.py:CORS101"]
    (project / ".corslint.toml").write_text("")
    assert rule_ids(".", "--select", "CORS2", "--extend-select", "CORS105") == ["api/main.py:CORS105"]
    assert rule_ids(".", "--extend-ignore", "CORS101") == ["api/main.py:CORS105"]


def test_extend_inherits_another_settings_file(project: Path) -> None:
    """A service's settings on top of the repository's: its own keys replace the base's,
    `extend-*` lists add up, and the base's patterns stay anchored where they were written."""
    (project / "pyproject.toml").write_text(
        '[tool.corslint]\nignore = ["CORS105"]\nextend-exclude = ["services/api/legacy"]\n'
    )
    service = project / "services" / "api"
    (project / "legacy").rename(service.parent.mkdir() or service.mkdir() or service / "legacy")
    (project / "api" / "main.py").rename(service / "main.py")
    (service / ".corslint.toml").write_text('extend = "../../pyproject.toml"\nfail-level = "error"\n')
    assert rule_ids("services/api") == []
    code, out, _ = run_cli("services/api", "--show-settings")
    assert code == 0 and 'ignore = ["CORS105"]' in out and 'fail-level = "error"' in out
    assert "legacy" in out
    (service / ".corslint.toml").write_text('extend = ".corslint.toml"\n')
    code, _, err = run_cli("services/api")
    assert code == 2 and "goes round in a circle" in err
    (service / ".corslint.toml").write_text('extend = "missing.toml"\n')
    code, _, err = run_cli("services/api")
    assert code == 2 and "configuration file not found" in err


def test_show_settings_prints_the_resolved_settings_and_lints_nothing(project: Path) -> None:
    (project / ".corslint.toml").write_text('ignore = ["CORS105"]\n[per-file-ignores]\n"api/*" = ["CORS1"]\n')
    code, out, _ = run_cli("--show-settings", "--ignore", "CORS102", "--fail-level", "error")
    assert code == 0
    assert "# settings file: .corslint.toml" in out
    assert 'ignore = ["CORS105", "CORS102"]' in out and 'fail-level = "error"' in out
    assert '"api/*" = ["CORS1"]' in out and "CORS101" not in out


def test_show_files_lists_what_the_walk_reads(project: Path) -> None:
    (project / "README.md").write_text("CORS\n")
    (project / "node_modules").mkdir()
    (project / "node_modules" / "x.js").write_text("cors()\n")
    (project / ".corslint.toml").write_text('exclude = ["legacy"]\n')
    code, out, _ = run_cli("--show-files")
    assert (code, out) == (0, ".corslint.toml\napi/main.py\n")


def test_config_naming_a_device_or_a_fifo_is_refused_at_once(project: Path) -> None:
    """`--config /dev/zero` read forever."""
    code, _, err = run_cli("legacy", "--config", os.devnull)
    assert code == 2 and "is not a regular file" in err
    if hasattr(os, "mkfifo"):
        os.mkfifo(project / "settings.fifo")  # opening it for reading would wait for a writer
        code, _, err = run_cli("legacy", "--config", "settings.fifo")
        assert code == 2 and "is not a regular file" in err
    code, _, err = run_cli("legacy", "--config", "absent.toml")
    assert code == 2 and "configuration file not found" in err


def test_a_settings_file_has_a_size_limit(project: Path) -> None:
    """A 27 MB pyproject.toml took 17 s and 513 MB before anything was linted."""
    padding = "# " + "x" * 100 + "\n"
    (project / "pyproject.toml").write_text(
        "[tool.corslint]\n" + padding * (MAX_SETTINGS_BYTES // len(padding) + 1)
    )
    code, _, err = run_cli("legacy")
    assert code == 2 and "larger than the 1,048,576-byte limit for a settings file" in err
    (project / "pyproject.toml").write_text("[tool.black]\n" + padding * 100)
    assert run_cli("legacy")[0] == 1  # one of ordinary size is read as before


def test_a_setting_holds_a_bounded_number_of_entries(project: Path) -> None:
    patterns = ", ".join(f'"generated_{n}/**"' for n in range(MAX_LIST_ENTRIES + 1))
    (project / ".corslint.toml").write_text(f"exclude = [{patterns}]\n")
    code, _, err = run_cli("legacy")
    assert code == 2 and f"more than the {MAX_LIST_ENTRIES:,} allowed" in err
    (project / ".corslint.toml").write_text("[[[[" * 2000 + "\n")
    code, _, err = run_cli("legacy")
    assert code == 2 and "not valid TOML" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_settings_file_is_exit_2(project: Path) -> None:
    (project / ".corslint.toml").write_text("")
    (project / ".corslint.toml").chmod(0)
    try:
        code, _, err = run_cli("legacy")
    finally:
        (project / ".corslint.toml").chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert code == 2 and "cannot read" in err
