"""`--fix`, `--diff`, `--fix-only`, `--exit-non-zero-on-fix`, `--unsafe-fixes`; the reports
of fixes; the applier's guarantees; and the `corslint-fix` pre-commit hook."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from corslint.findings import Edit, Fix, Location
from corslint.fixes.apply import apply_edits
from corslint.fixes.attach import with_fixes
from corslint.fixes.spans import SourceText
from tests.conftest import ROOT, run_cli, run_lint

APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com/"], allow_methods=["GET", "PUT"])
"""
FIXED = APP.replace('example.com/"', 'example.com"')
FLASK = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"
SETTINGS = """\
INSTALLED_APPS = ["django.contrib.contenttypes", "corsheaders"]
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
]
"""


def _write(folder: Path, name: str, text: str, newline: str = "\n", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding, newline=newline)
    return path


def _edit(start: int, end: int, text: str) -> Fix:
    return Fix("edit", (Edit(Location("f", 1, start + 1, 1, end + 1), start, end, text),))


# -- the applier --------------------------------------------------------------------
def test_edits_apply_from_the_end_and_overlaps_wait() -> None:
    text, count = apply_edits("abcdef", [_edit(0, 1, "XY"), _edit(4, 6, ""), _edit(0, 2, "Z")])
    assert (text, count) == ("XYbcd", 2)  # the overlapping third waits for the next round
    assert apply_edits("ab", [_edit(1, 1, "x"), _edit(1, 1, "y")]) == ("axb", 1)
    assert apply_edits("ab", [_edit(1, 9, "x")]) == ("ab", 0)


def test_offsets_count_code_points_across_line_breaks() -> None:
    source = SourceText("f", "é = 1\r\nx = ['ü', \"https://a.test/\"]\n")
    span = source.span(Location("f", 2, 11, 2, 28))
    assert span is not None and source.text[span[0] : span[1]] == '"https://a.test/"'
    assert source.location(*span) == Location("f", 2, 11, 2, 28)


# -- fixes made, and fixes refused --------------------------------------------------------
def test_non_ascii_crlf_and_byte_order_mark_survive_a_fix(in_tmp: Path) -> None:
    text = "# café ☕\n" + APP.replace("app.add_middleware(", "app.add_middleware(  # ünïcode\n    ").replace(
        "allow_origins=", "allow_origins=  # ß\n    "
    )
    path = _write(in_tmp, "main.py", text.replace('["https', '["ü", "https'), "\r\n", "utf-8-sig")
    code, _out, err = run_cli("check", "--no-cache", "--fix-only", "main.py")
    assert code == 0 and "fixed 1 problem" in err
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert '"https://app.example.com"]' in data.decode("utf-8-sig")


def test_a_suppressed_finding_is_not_fixed(in_tmp: Path) -> None:
    path = _write(in_tmp, "main.py", APP.replace("])\n", "])  # corslint: ignore[CORS301]\n"))
    before = path.read_text("utf-8")
    code, out, _err = run_cli("check", "--no-cache", "--diff", "main.py")
    assert (code, out) == (0, "")
    run_cli("check", "--no-cache", "--fix", "main.py")
    assert path.read_text("utf-8") == before


@pytest.mark.parametrize(
    "entry",
    [
        '"https://*.example.com"',
        '" https://app.example.com"',
        'f"https://{HOST}/"',
        '"https://app.example.com" "/"',
    ],
)
def test_no_fix_where_what_was_meant_is_not_certain(entry: str, in_tmp: Path) -> None:
    _write(in_tmp, "main.py", "HOST = 'a.test'\n" + APP.replace('"https://app.example.com/"', entry))
    assert not [f for f in with_fixes(run_lint(in_tmp).findings) if f.fix is not None]


def test_deprecated_name_kept_when_the_new_one_is_set_or_it_is_used_again(in_tmp: Path) -> None:
    _write(
        in_tmp,
        "settings.py",
        SETTINGS + 'CORS_ORIGIN_WHITELIST = ["https://a.test"]\nCORS_ALLOWED_ORIGINS = []\n',
    )
    found = with_fixes(run_lint(in_tmp).findings)
    assert [f.rule_id for f in found if f.rule_id == "CORS304"] and not [f for f in found if f.fix]
    _write(
        in_tmp,
        "settings.py",
        SETTINGS
        + 'CORS_ORIGIN_WHITELIST = ["https://a.test"]\nCORS_ORIGIN_WHITELIST += ["https://b.test"]\n',
    )
    assert not [f for f in with_fixes(run_lint(in_tmp).findings) if f.fix]


def test_max_age_from_a_shared_constant_is_not_clamped(in_tmp: Path) -> None:
    _write(
        in_tmp,
        "main.py",
        "ONE_DAY = 86400\n" + APP.replace("])\n", "], max_age=ONE_DAY)\n").replace('.com/"', '.com"'),
    )
    found = with_fixes(run_lint(in_tmp).findings)
    assert [f.rule_id for f in found] == ["CORS207"] and found[0].fix is None


def test_no_fix_for_a_typo_in_an_option_that_widens_access(in_tmp: Path) -> None:
    _write(in_tmp, "app.py", FLASK + 'CORS(app, origins=["https://a.test"], supports_credential=True)\n')
    found = [f for f in with_fixes(run_lint(in_tmp).findings) if f.rule_id == "CORS307"]
    assert found and found[0].fix is None


def test_no_fix_for_a_typo_when_the_meant_option_is_also_set(in_tmp: Path) -> None:
    _write(in_tmp, "app.py", FLASK + 'CORS(app, origins=["https://a.test"], origin="https://b.test")\n')
    found = [f for f in with_fixes(run_lint(in_tmp).findings) if f.rule_id == "CORS307"]
    assert found and found[0].fix is None


@pytest.mark.parametrize("headers", ['[\n    "X-A",  # the id\n]', '["X-A", HEADER]', '"X-A,X-B"'])
def test_no_header_added_to_a_list_not_written_out_plainly(headers: str, in_tmp: Path) -> None:
    options = f'origins=["https://a.test"], supports_credentials=True, allow_headers={headers}'
    _write(in_tmp, "app.py", FLASK + f'HEADER = "X-B"\nCORS(app, {options})\n')
    found = [f for f in with_fixes(run_lint(in_tmp).findings) if f.rule_id in {"CORS203", "CORS204"}]
    assert found and all(f.fix is None for f in found)


def test_middleware_order_fixed_only_one_entry_a_line(in_tmp: Path) -> None:
    order = '"django.middleware.common.CommonMiddleware", "corsheaders.middleware.CorsMiddleware"'
    _write(
        in_tmp,
        "settings.py",
        SETTINGS.split("MIDDLEWARE")[0] + f"MIDDLEWARE = [{order}]\nCORS_ALLOWED_ORIGINS = []\n",
    )
    found = [f for f in with_fixes(run_lint(in_tmp).findings) if f.rule_id == "CORS303"]
    assert found and found[0].fix is None


# -- the command line ---------------------------------------------------------------------
def test_diff_writes_nothing_and_exits_1(in_tmp: Path) -> None:
    path = _write(in_tmp, "main.py", APP)
    code, out, err = run_cli("check", "--no-cache", "--diff", "main.py")
    assert code == 1 and "would fix 1 problem" in err
    assert (
        out.startswith("--- a/main.py\n+++ b/main.py\n")
        and '+app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"]' in out
    )
    assert path.read_text("utf-8") == APP


def test_fix_reports_what_is_left_and_exit_non_zero_on_fix(in_tmp: Path) -> None:
    path = _write(in_tmp, "main.py", APP)
    assert run_cli("check", "--no-cache", "--fix", "main.py")[0] == 0
    assert path.read_text("utf-8") == FIXED
    _write(in_tmp, "main.py", APP)
    assert run_cli("check", "--no-cache", "--fix", "--exit-non-zero-on-fix", "main.py")[0] == 1
    assert run_cli("check", "--no-cache", "--fix", "--exit-non-zero-on-fix", "main.py")[0] == 0


def test_fix_with_standard_input_is_a_usage_error() -> None:
    assert run_cli("check", "--fix", "-")[0] == 2


def test_text_report_marks_fixable_findings(in_tmp: Path) -> None:
    _write(in_tmp, "main.py", APP)
    code, out, _err = run_cli("check", "--no-cache", "main.py")
    assert code == 1 and "CORS301 [*] [error]" in out and out.endswith("[*] 1 fixable with `--fix`.\n")


def test_json_report_carries_edits_and_validates(in_tmp: Path) -> None:
    _write(in_tmp, "main.py", APP)
    _code, out, _err = run_cli("check", "--no-cache", "--format", "json", "main.py")
    document = json.loads(out)
    schema = json.loads((ROOT / "docs" / "json-schema.json").read_text("utf-8"))
    jsonschema.validate(document, schema)
    (fix,) = [f["fix"] for f in document["findings"] if f["fix"]]
    (edit,) = fix["edits"]
    assert fix["safe"] is True and edit["replacement"] == '"https://app.example.com"'
    assert APP[edit["start"] : edit["end"]] == '"https://app.example.com/"'


def test_sarif_fixes_validate(in_tmp: Path) -> None:
    _write(in_tmp, "main.py", APP)
    _code, out, _err = run_cli("check", "--no-cache", "--format", "sarif", "main.py")
    document = json.loads(out)
    schema = json.loads(Path("/work/shared/schemas/sarif-schema-2.1.0.json").read_text("utf-8"))
    jsonschema.validate(document, schema)
    (result,) = document["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    (replacement,) = change["replacements"]
    assert change["artifactLocation"]["uri"].endswith("main.py")
    assert replacement["deletedRegion"] == {"startLine": 5, "startColumn": 51, "endLine": 5, "endColumn": 77}
    assert replacement["insertedContent"]["text"] == '"https://app.example.com"'


# -- pre-commit -----------------------------------------------------------------------------
def test_pre_commit_fix_hook(tmp_path: Path) -> None:
    """The `corslint-fix` hook as published, run by the real pre-commit (as a local hook
    on this environment's corslint: pre-commit would otherwise build a fresh one)."""
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists() or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    (hook,) = [
        h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()) if h["id"] == "corslint-fix"
    ]
    corslint = Path(sys.executable).with_name("corslint")
    local = {**hook, "language": "system", "entry": f"{corslint} {hook['entry'].split(' ', 1)[1]}"}
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    _write(tmp_path, "main.py", APP)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / ".cache"), "GIT_CONFIG_GLOBAL": os.devnull}

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(arguments, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)

    run("git", "init", "-q")
    run("git", "add", ".")
    first = run(str(pre_commit), "run", "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr  # a fix was made: the commit stops
    assert (tmp_path / "main.py").read_text("utf-8") == FIXED
    run("git", "add", ".")
    second = run(str(pre_commit), "run", "--all-files")
    assert second.returncode == 0, second.stdout + second.stderr


# -- settings and `corslint rules` ---------------------------------------------------------
@pytest.mark.parametrize(
    ("table", "fixed"),
    [
        ("", True),
        ('unfixable = ["CORS3"]\n', False),
        ('fixable = ["CORS207"]\n', False),
        ('fixable = ["CORS301"]\n', True),
    ],
)
def test_fixable_and_unfixable_settings(table: str, fixed: bool, in_tmp: Path) -> None:
    _write(in_tmp, ".corslint.toml", table)
    path = _write(in_tmp, "main.py", APP)
    code, out, _err = run_cli("check", "--no-cache", "--diff", "main.py")
    assert (code == 1, bool(out)) == (fixed, fixed)
    run_cli("check", "--no-cache", "--fix", "main.py")
    assert (path.read_text("utf-8") == FIXED) is fixed


def test_fixable_settings_are_validated(in_tmp: Path) -> None:
    from corslint.rules import RULE_IDS
    from corslint.runner.settings import ConfigError, load

    path = _write(in_tmp, ".corslint.toml", 'unfixable = ["CORS999"]\nfixable = ["cors3"]\n')
    settings = load(path, RULE_IDS)
    assert [p.rule_id for p in settings.problems] == ["CORS002"] and settings.fixable == ("CORS3",)
    assert settings.fix_allowed("CORS301") and not settings.fix_allowed("CORS207")
    _write(in_tmp, ".corslint.toml", 'unfixable = "CORS301"\n')
    with pytest.raises(ConfigError):
        load(path, RULE_IDS)


def test_rules_shows_which_are_fixable() -> None:
    out = run_cli("rules")[1]
    assert "CORS301  malformed-origin" in out and "error    [*] An origin entry" in out
    data = json.loads(run_cli("rules", "--format", "json")[1])
    assert {rule["id"] for rule in data if rule["fixable"]} == {
        "CORS101",
        "CORS107",
        "CORS201",
        "CORS202",
        "CORS203",
        "CORS204",
        "CORS205",
        "CORS207",
        "CORS301",
        "CORS303",
        "CORS304",
        "CORS307",
    }
