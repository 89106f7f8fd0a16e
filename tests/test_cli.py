"""The command line as a user meets it: exit codes, formats, selection, config, suppression."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corslint import __version__
from corslint.cli import program
from tests.conftest import run_cli

BAD_APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["Authorization"])
"""
GOOD_APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["GET"])
"""
NOTE_ONLY_APP = GOOD_APP.replace('allow_methods=["GET"]', 'allow_methods=["GET"], max_age=86400')


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "bad").mkdir()
    (in_tmp / "bad" / "main.py").write_text(BAD_APP)
    (in_tmp / "good").mkdir()
    (in_tmp / "good" / "main.py").write_text(GOOD_APP)
    return in_tmp


def test_findings_exit_1_with_location_caret_and_link(project: Path) -> None:
    code, out, err = run_cli("bad")
    assert code == 1
    assert "bad/main.py:5:50: CORS101 [error]" in out
    assert "^^^^^" in out
    assert "docs/rules/CORS101.md" in out
    assert "Found 1 problem (1 error;" in out
    assert err == ""


@pytest.mark.parametrize(
    ("before", "columns"),
    [
        ("    ", 4),
        ("\t", 4),
        ("\t\t", 8),
        ("expose_headers=['日本'], ", 25),
        ("expose_headers=['e\u0301'], ", 22),
    ],
    ids=["spaces", "tab", "two-tabs", "wide", "combining"],
)
def test_the_caret_sits_under_the_text_as_a_terminal_draws_it(
    in_tmp: Path, before: str, columns: int
) -> None:
    """Tabs are shown as 4 spaces and CJK characters take two columns: the caret follows,
    so it stays under the option it points at."""
    (in_tmp / "main.py").write_text(
        "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware,\n"
        f'{before}allow_origins=["null"])\n'
    )
    _, out, _ = run_cli(".")
    shown, caret = out.splitlines()[1:3]
    assert shown == f'3 | {before.expandtabs(4)}allow_origins=["null"])'
    assert caret == "  | " + " " * (columns + len("allow_origins=[")) + "^^^^^^"


def test_clean_tree_exits_0(project: Path) -> None:
    code, out, _ = run_cli("good")
    assert code == 0
    assert out.startswith("No CORS problems found (1 file checked, 1 CORS configuration found)")


def test_default_path_is_the_current_directory(project: Path) -> None:
    code, out, _ = run_cli()
    assert code == 1 and "bad/main.py" in out


def test_exit_zero_and_fail_level(project: Path) -> None:
    assert run_cli("bad", "--exit-zero")[0] == 0
    (project / "notes").mkdir()
    (project / "notes" / "main.py").write_text(NOTE_ONLY_APP)
    assert run_cli("notes")[0] == 0  # a note does not fail at the default level (warning)
    assert run_cli("notes", "--fail-level", "note")[0] == 1


def test_select_and_ignore_take_ids_and_prefixes(project: Path) -> None:
    assert run_cli("bad", "--ignore", "CORS1")[0] == 0
    code, out, _ = run_cli("bad", "--select", "CORS2,CORS101")
    assert code == 1 and "CORS101" in out
    assert run_cli("bad", "--select", "CORS2")[0] == 0


def test_a_narrow_select_still_reports_what_corslint_could_not_check(project: Path) -> None:
    """CORS001 (a file not parsed) and CORS002 (a setting not used) are corslint's own
    diagnostics: a --select that leaves them out must not turn the run green over them.
    Only --ignore drops them."""
    (project / "bad" / "broken.py").write_text(
        "from starlette.middleware.cors import CORSMiddleware\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["*"]]\n'
    )
    code, out, _ = run_cli("bad", "--select", "CORS2")
    assert code == 1 and "bad/broken.py:2:55: CORS001 [warning]" in out
    assert run_cli("bad", "--select", "CORS2", "--ignore", "CORS001")[0] == 0
    (project / ".corslint.toml").write_text('select = ["CORS2"]\nignore = ["CORS15"]\n')
    code, out, _ = run_cli("good")
    assert code == 1 and "`ignore` names `CORS15`, which is not a corslint rule id or prefix" in out


def test_force_exclude_applies_exclude_to_the_paths_named(project: Path) -> None:
    """A path named on the command line is read even if `exclude` matches it, as in ruff;
    pre-commit names every changed file, so its hook runs with --force-exclude (or the
    `force-exclude` setting), and an excluded path is then not even looked at."""
    (project / "bad" / "legacy").mkdir()
    (project / "bad" / "legacy" / "main.py").write_text(BAD_APP)
    (project / ".corslint.toml").write_text('exclude = ["legacy"]\n')
    named = ["bad/legacy/main.py", "good/main.py"]
    code, out, _ = run_cli(*named)
    assert code == 1 and "bad/legacy/main.py:5:50: CORS101" in out
    code, out, _ = run_cli("--force-exclude", *named, "bad/legacy/gone.py")
    assert code == 0 and "bad/legacy" not in out
    assert run_cli("--force-exclude", "bad")[0] == 1  # bad/main.py is not excluded
    (project / ".corslint.toml").write_text('exclude = ["legacy"]\nforce-exclude = true\n')
    assert run_cli(*named)[0] == 0


def test_unknown_rule_id_is_a_usage_error(project: Path) -> None:
    code, out, err = run_cli("bad", "--select", "CORS999")
    assert (code, out) == (2, "")
    assert err == (
        "error: --select: `CORS999` is not a corslint rule id or prefix (see `corslint rules`)\n"
        "\n"
        "Usage: corslint check [OPTIONS] [PATHS]...\n"
        "\n"
        "For more information, try 'corslint check --help'.\n"
    )


def test_a_mistyped_rule_id_or_option_gets_a_did_you_mean(project: Path) -> None:
    code, _, err = run_cli("bad", "--ignore", "CORS1O1")
    assert code == 2 and err.startswith(
        "error: --ignore: `CORS1O1` is not a corslint rule id or prefix (did you mean `CORS101`?)\n"
    )
    code, _, err = run_cli("explain", "credentialed-any-orign")
    assert code == 2 and "(did you mean `credentialed-any-origin`?)" in err
    code, _, err = run_cli("bad", "--statistic")
    assert code == 2 and "Did you mean" in err and "--statistics" in err.splitlines()[0]


def test_json_output(project: Path) -> None:
    code, out, _ = run_cli("bad", "--format", "json")
    document = json.loads(out)
    assert code == 1
    finding = document["findings"][0]
    assert finding["rule_id"] == "CORS101" and finding["rule_name"] == "credentialed-any-origin"
    assert (finding["path"], finding["line"], finding["column"]) == ("bad/main.py", 5, 50)
    assert finding["framework"] == "starlette"
    assert document["summary"]["error"] == 1


def test_github_annotations(project: Path) -> None:
    _, out, _ = run_cli("bad", "--format", "github")
    assert out.startswith(
        "::error file=bad/main.py,line=5,col=50,endLine=5,endColumn=55,title=CORS101 credentialed-any-origin::"
    )


def test_output_file_and_statistics(project: Path) -> None:
    code, out, _ = run_cli("bad", "--output", "report.txt", "--statistics")
    assert code == 1 and out == ""
    text = (project / "report.txt").read_text()
    assert "    1  CORS101  credentialed-any-origin" in text


def test_output_goes_into_a_folder_made_for_it_or_fails_cleanly(project: Path) -> None:
    """`--output reports/corslint.sarif` in a fresh CI checkout: the folder is made, as
    ruff makes it. A file that cannot be written is an error that says why (exit 2), not
    a traceback after the run."""
    code, out, _ = run_cli("bad", "--format", "sarif", "--output", "reports/ci/corslint.sarif")
    assert code == 1 and out == ""
    assert json.loads((project / "reports" / "ci" / "corslint.sarif").read_text())["version"] == "2.1.0"
    (project / "taken").write_text("a file, not a folder\n")
    code, out, err = run_cli("bad", "--output", "taken/report.txt")
    assert code == 2 and out == ""
    assert err.startswith("error: cannot write the report to taken/report.txt: ") and "Traceback" not in err


def test_no_color_when_not_a_tty(project: Path) -> None:
    _, out, _ = run_cli("bad")
    assert "\033[" not in out


def test_inline_suppression(project: Path) -> None:
    source = BAD_APP.replace("app.add_middleware(", "# corslint: ignore[CORS101]\napp.add_middleware(")
    (project / "bad" / "main.py").write_text(source)
    assert run_cli("bad")[0] == 0
    (project / "bad" / "main.py").write_text(
        BAD_APP.replace('Authorization"])', 'Authorization"])  # corslint: ignore')
    )
    assert run_cli("bad")[0] == 0
    (project / "bad" / "main.py").write_text(
        BAD_APP.replace('Authorization"])', 'Authorization"])  # corslint: ignore[CORS105]')
    )
    assert run_cli("bad")[0] == 1


def test_config_in_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.corslint]\nignore = ["CORS101"]\nexclude = ["good"]\n')
    code, out, _ = run_cli("bad")
    assert code == 0, out


def test_per_file_ignores_and_docs_url(project: Path) -> None:
    (project / ".corslint.toml").write_text(
        '[per-file-ignores]\n"bad/*.py" = ["CORS1"]\n'.replace(
            "[per-file-ignores]", 'docs-url = "https://docs.example/{id}"\n[per-file-ignores]'
        )
    )
    assert run_cli("bad")[0] == 0
    (project / ".corslint.toml").write_text('docs-url = "https://docs.example/{id}"\n')
    _, out, _ = run_cli("bad")
    assert "https://docs.example/CORS101" in out


def test_an_unknown_rule_id_in_the_settings_is_cors002(project: Path) -> None:
    (project / ".corslint.toml").write_text('select = ["CORS1"]\nignore = ["CORS15"]\n')
    code, out, _ = run_cli("good")
    assert code == 1
    assert (
        ".corslint.toml:2:1: CORS002 [error] `ignore` names `CORS15`, which is not a corslint rule id" in out
    )


@pytest.mark.parametrize("settings_file", [".corslint.toml", "pyproject.toml"])
def test_an_unknown_key_is_exit_2_as_in_ruff(project: Path, settings_file: str) -> None:
    """Once a CORS002 finding, so that a misspelt key was reported with exit 1 like any
    finding, and (with `--exit-zero`) passed; ruff refuses such a configuration."""
    table = "[tool.corslint]\n" if settings_file == "pyproject.toml" else ""
    (project / settings_file).write_text(table + 'exlude = ["x"]\n')
    code, out, err = run_cli("good", "--exit-zero")
    assert (code, out) == (2, "")
    line = 2 if table else 1
    assert (
        err
        == f"error: {settings_file}:{line}: unknown configuration key `exlude` (did you mean `exclude`?)\n"
    )


def test_unparseable_config_is_exit_2(project: Path) -> None:
    (project / ".corslint.toml").write_text("ignore = [\n")
    code, _, err = run_cli("good")
    assert code == 2 and "not valid TOML" in err


def test_an_invalid_setting_is_exit_2_as_in_ruff(project: Path) -> None:
    """A value corslint cannot use is a configuration error, not a finding: the run does
    not go on with a setting other than the one written (a rule id that does not exist
    stays a CORS002 finding: see above)."""
    (project / "pyproject.toml").write_text('[tool.corslint]\nignore = ["CORS101"]\nfail-level = "eror"\n')
    code, out, err = run_cli("bad")
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.endswith(
        "pyproject.toml:3: `fail-level` must be error, warning or note, not `eror`\n"
    )
    assert "Usage:" not in err  # nothing wrong with the command line
    (project / "pyproject.toml").write_text('[tool.corslint]\nmax-file-size = 0\ncache = "yes"\n')
    code, _, err = run_cli("bad")
    assert code == 2 and len(err.splitlines()) == 2 and "`cache` must be true or false" in err


def test_a_pyproject_that_is_not_valid_toml_is_exit_2(project: Path) -> None:
    """Once silently passed over, so that settings above it (or none) applied instead."""
    (project / ".corslint.toml").write_text('ignore = ["CORS101"]\n')
    (project / "bad" / "pyproject.toml").write_text('[tool.corslint]\nignore = ["CORS101"\n')
    code, out, err = run_cli("bad")
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and "bad/pyproject.toml is not valid TOML" in err
    # one that cannot hold corslint's settings is not corslint's to judge
    (project / "bad" / "pyproject.toml").write_text("[tool.black\nline-length = 100\n")
    assert run_cli("bad")[0] == 0


def test_explain_prints_the_rule_docs() -> None:
    code, out, _ = run_cli("explain", "CORS101")
    assert code == 0
    assert out.startswith("# CORS101: credentialed-any-origin")
    assert "## Why is this bad?" in out
    assert run_cli("explain", "null-origin-allowed")[1].startswith("# CORS102")
    assert run_cli("explain", "CORS999")[0] == 2


def test_rules_listing() -> None:
    code, out, _ = run_cli("rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and len(rules) == 25
    assert {"id": "CORS201", "level": "error"}.items() <= next(
        r for r in rules if r["id"] == "CORS201"
    ).items()
    assert "CORS305  unresolved-value" in run_cli("rules")[1]


def test_version() -> None:
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith("corslint, version ")


def test_simulate_json_contract(project: Path) -> None:
    code, out, _ = run_cli(
        "simulate",
        "bad",
        "--origin",
        "https://evil.example",
        "--method",
        "PUT",
        "--header",
        "Authorization",
        "--header",
        "Content-Type",
        "--credentials",
        "--format",
        "json",
    )
    assert code == 0
    document = json.loads(out)
    assert document["request"] == {
        "origin": "https://evil.example",
        "method": "PUT",
        "headers": ["authorization: Bearer token", "content-type: application/json"],
        "credentials": True,
        "path": "/",
    }
    (result,) = document["results"]
    assert (result["file"], result["line"], result["framework"]) == ("bad/main.py", 5, "starlette")
    assert result["preflight"] == {
        "status": 200,
        "headers": {
            "vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
            "Access-Control-Request-Private-Network",
            "access-control-allow-methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY",
            "access-control-max-age": "600",
            "access-control-allow-headers": "Accept, Accept-Language, Authorization, Content-Language, Content-Type",
            "access-control-allow-credentials": "true",
            "access-control-allow-origin": "https://evil.example",
        },
    }
    assert result["allowed"] is True and result["response_sent"] is True
    _, out, _ = run_cli(
        "simulate", "good", "--origin", "https://app.example.com", "--method", "PUT", "--format", "json"
    )
    (result,) = json.loads(out)["results"]
    assert result["preflight"]["status"] == 400  # allow_methods=["GET"]
    assert "access-control-allow-origin" in result["preflight"]["headers"]
    assert result["allowed"] is False and result["response_sent"] is False
    assert "HTTP ok status (400)" in result["reason"]


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (["--origin", "https://App.example.com"], "for that site it sends `https://app.example.com`"),
        (["--origin", "https://app.example.com/"], "for that site it sends `https://app.example.com`"),
        (["--origin", "https://app.example.com:443"], "for that site it sends `https://app.example.com`"),
        (["--origin", "app.example.com"], "for that site it sends `https://app.example.com`"),
        (["--origin", "https://a b"], "`https://a b` is not an origin"),
        (["--origin", "https://app.example.com", "--method", "GE T"], "`GE T` is not an HTTP method"),
        (["--origin", "https://app.example.com", "--method", "trace"], "fetch() refuses the TRACE method"),
    ],
)
def test_simulate_refuses_requests_no_browser_makes(project: Path, arguments: list[str], error: str) -> None:
    code, out, err = run_cli("simulate", "good", *arguments)
    assert code == 2 and out == "" and error in err


@pytest.mark.parametrize("origin", ["null", "chrome-extension://abcdefghij", "capacitor://localhost"])
def test_simulate_takes_every_origin_a_browser_sends(project: Path, origin: str) -> None:
    code, out, _ = run_cli("simulate", "good", "--origin", origin, "--format", "json")
    assert code == 0 and json.loads(out)["request"]["origin"] == origin


def test_simulate_sends_the_method_as_fetch_does(project: Path) -> None:
    """fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT: a page's
    `patch` stays `patch`, and a preflight that allows `PATCH` refuses it."""
    (project / "patch").mkdir()
    (project / "patch" / "main.py").write_text(
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
        "app = FastAPI()\napp.add_middleware(CORSMiddleware, "
        'allow_origins=["https://app.example.com"], allow_methods=["GET", "PATCH", "DELETE"])\n'
    )

    def allowed(method: str) -> bool:
        _, out, _ = run_cli(
            "simulate", "patch", "--origin", "https://app.example.com", "--method", method, "--format", "json"
        )
        (result,) = json.loads(out)["results"]
        return bool(result["allowed"])

    assert allowed("PATCH") and allowed("delete") and not allowed("patch")
    _, out, _ = run_cli("simulate", "patch", "--origin", "https://app.example.com", "--method", "patch")
    assert out.startswith("patch / from https://app.example.com\n  (fetch() sends `patch` as written")
    _, out, _ = run_cli("simulate", "patch", "--origin", "https://app.example.com", "--method", "delete")
    assert out.startswith("DELETE / from https://app.example.com\n\n")


def test_simulate_simple_request_and_text(project: Path) -> None:
    _, out, _ = run_cli(
        "simulate", "bad", "--origin", "https://evil.example", "--credentials", "--format", "json"
    )
    (result,) = json.loads(out)["results"]
    assert result["preflight"] is None
    assert result["response"]["headers"] == {
        "access-control-allow-credentials": "true",
        "access-control-allow-origin": "https://evil.example",
        "vary": "Origin",
    }
    assert result["allowed"] is True
    _, text, _ = run_cli(
        "simulate",
        "good",
        "--origin",
        "https://app.example.com",
        "--header",
        "Content-Type: text/plain",
        "--method",
        "POST",
    )
    assert "preflight: none (a simple request)" in text and "verdict: ALLOWED" in text


def test_long_source_lines_are_shortened_in_snippets(in_tmp: Path) -> None:
    padding = "x = 1; " * 100
    (in_tmp / "long.py").write_text(
        "from fastapi.middleware.cors import CORSMiddleware\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"]); ' + padding + "\n"
    )
    code, out, _ = run_cli(".")
    assert code == 1 and "long.py:2:50: CORS105" in out
    snippet = [line for line in out.splitlines() if line.startswith("2 | ")]
    assert snippet and all(line.endswith(" ...") and len(line) < 220 for line in snippet)


def test_simulate_names_the_policies_that_do_not_answer_the_path() -> None:
    fixture = str(Path(__file__).parent / "fixtures" / "flask" / "resources_dict")
    arguments = ("simulate", fixture, "--origin", "https://app.example.com", "--format", "json")
    document = json.loads(run_cli(*arguments, "--path", "/api/account")[1])
    (result,) = document["results"]
    assert result["allowed"] is True
    assert [(p["framework"], p["scope"]) for p in document["not_answering"]] == [("flask_cors", "/*")]
    document = json.loads(run_cli(*arguments, "--path", "/feed/latest")[1])
    (result,) = document["results"]  # the `/*` fallback answers (Flask-CORS echoes the origin)
    assert result["allowed"] is True
    assert [p["scope"] for p in document["not_answering"]] == ["/api/*"]
    _, text, _ = run_cli(*arguments[:-2], "--path", "/feed/latest")
    assert "Not answering /feed/latest (scoped to other paths):" in text and "Flask-CORS, /api/*" in text


def test_config_search_passes_other_pyprojects_and_stops_at_the_repository_top(project: Path) -> None:
    (project / ".corslint.toml").write_text('ignore = ["CORS101"]\n')
    (project / "bad" / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    assert run_cli("bad")[0] == 0  # found above a pyproject.toml that has no [tool.corslint]
    (project / "bad" / ".git").mkdir()
    code, out, _ = run_cli("bad")
    assert code == 1, "settings above the repository's top folder must not apply to it"
    assert "CORS101" in out


def test_a_corslint_table_spelled_with_an_escape_is_still_found(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool."corsl\\u0069nt"]\nignore = ["CORS101"]\n')
    assert run_cli("bad")[0] == 0


def test_check_is_the_default_command(project: Path) -> None:
    assert run_cli("bad", "--format", "json") == run_cli("check", "bad", "--format", "json")
    assert run_cli() == run_cli("check") == run_cli("check", ".")


def test_options_may_come_between_paths_and_after_a_double_dash_only_paths(project: Path) -> None:
    code, out, _ = run_cli("good", "--format", "json", "bad", "--ignore", "CORS101")
    assert code == 0 and json.loads(out)["summary"]["files_checked"] == 2
    code, out, _ = run_cli("--exit-zero", "--", "-x", "--no-cache")
    assert code == 0
    assert out.startswith("--no-cache:1:1: CORS001 [warning] no such file or directory")
    assert "\n-x:1:1: CORS001 [warning] no such file or directory" in out


def test_a_word_that_is_not_a_command_is_a_path(project: Path) -> None:
    """...and a path that does not exist fails the run (CORS001), as in ruff and flake8:
    a misspelt path in a CI job must not keep the job green."""
    code, out, err = run_cli("nosuchdir")
    assert code == 1 and err == ""
    assert out.startswith(
        "nosuchdir:1:1: CORS001 [warning] no such file or directory: nothing under this path was checked\n"
    )
    assert out.endswith("Found 1 problem (1 warning; 0 files checked, 0 CORS configurations found).\n")
    assert run_cli("nosuchdir", "--ignore", "CORS001")[0] == 0


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cached"])
def test_a_missing_path_is_reported_by_every_run(project: Path, cached: bool) -> None:
    """The report of a missing path comes from the command line, not from a file: a run
    the cache answers reports it as the first run did, and only once."""
    arguments = ["bad", "nosuchdir", "--format", "json", *([] if cached else ["--no-cache"])]
    runs = [run_cli(*arguments) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    ids = [(f["rule_id"], f["path"]) for f in json.loads(runs[0][1])["findings"]]
    assert ids.count(("CORS001", "nosuchdir")) == 1 and ("CORS101", "bad/main.py") in ids


def test_help_for_the_program_and_for_a_command() -> None:
    for flag in ("-h", "--help"):
        code, out, err = run_cli(flag)
        assert code == 0 and err == ""
        assert out.startswith("Usage: corslint ")
        assert all(f"\n  {command} " in out for command in ("check", "explain", "rules", "simulate"))
    code, out, _ = run_cli("simulate", "-h")
    assert code == 0 and "--origin ORIGIN" in out and "--credentials" in out
    code, out, _ = run_cli(".", "--help")  # help for `check`, the default command
    assert code == 0 and "--max-file-size BYTES" in out and "(default 5000000)" in out


def test_unknown_option_is_a_usage_error(project: Path) -> None:
    code, out, err = run_cli("bad", "--bogus")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "--bogus" in err.splitlines()[0]
    assert err.endswith(
        "\n\nUsage: corslint check [OPTIONS] [PATHS]...\n\nFor more information, try 'corslint check --help'.\n"
    )
    assert run_cli("bad", "--no-col")[0] == 2  # no abbreviations: a later option could make one ambiguous
    assert run_cli("rules", "--format", "xml")[0] == 2


def test_max_file_size_must_be_a_positive_number(project: Path) -> None:
    for value in ("0", "-5", "many"):
        code, out, err = run_cli("bad", "--max-file-size", value)
        assert code == 2 and out == "", value
        assert err.startswith("error: ") and "'--max-file-size'" in err.splitlines()[0]
    assert run_cli("bad", "--max-file-size", "1")[0] == 1


def test_usage_errors_of_the_other_commands(project: Path) -> None:
    code, _, err = run_cli("explain", "nope")
    assert code == 2 and err.startswith("error: `nope` is not a corslint rule (see `corslint rules`)\n")
    code, _, err = run_cli("simulate", "bad")
    assert code == 2 and err.startswith("error: Missing option '--origin'")
    code, _, err = run_cli("simulate", "bad", "--origin", "https://app.example.com", "--header", ": x")
    assert code == 2 and err.startswith("error: not a header: ': x'\n")
    assert "Usage: corslint simulate [OPTIONS] PATH\n" in err
    assert run_cli("simulate", "nosuchdir", "--origin", "https://app.example.com")[0] == 2


@pytest.mark.parametrize(
    "command", [[sys.executable, "-m", "corslint"], [str(Path(sys.executable).with_name("corslint"))]]
)
def test_the_installed_command_flushes_its_output_and_keeps_the_exit_code(
    project: Path, command: list[str]
) -> None:
    if not Path(command[0]).exists():
        pytest.skip("no console script next to this interpreter")
    version = subprocess.run([*command, "--version"], capture_output=True, text=True)
    assert (version.returncode, version.stdout) == (0, f"corslint, version {__version__}\n")
    lint = subprocess.run([*command, "bad", "--no-cache", "--format", "json"], capture_output=True, text=True)
    assert lint.returncode == 1 and json.loads(lint.stdout)["summary"]["error"] == 1
    usage = subprocess.run([*command, "--select", "NOPE", "bad"], capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stdout == "" and "error: --select: `NOPE`" in usage.stderr


def test_start_up_loads_only_what_the_command_needs(in_tmp: Path) -> None:
    """`--version` loads nothing of corslint but the command line (and click): each
    command imports what it needs when it runs."""
    (in_tmp / "clean.py").write_text("print('hello')\n")
    code = (
        "import sys\nfrom corslint.cli import main\n"
        "def loaded():\n"
        "    return sorted(m for m in sys.modules if m.split('.')[0] == 'corslint')\n"
        "main(['--version'])\n"
        "print(loaded())\n"
        "main(['--no-cache', 'clean.py'])\n"
        "print('corslint.runner.run' in loaded(), 'corslint.rules' in loaded())\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=in_tmp, capture_output=True, text=True, check=True)
    assert run.stdout.splitlines()[1:] == [
        "['corslint', 'corslint.cli']",
        "No CORS problems found (1 file checked, 0 CORS configurations found).",
        "True False",
    ]


def test_a_cached_run_loads_no_pickle(in_tmp: Path) -> None:
    """pickle carries the workers' messages; a run answered from the cache forks none
    (its stat helper sends bytes), so it never loads pickle (2.5 ms)."""
    (in_tmp / "main.py").write_text(BAD_APP)
    os.utime(in_tmp / "main.py", (1_600_000_000, 1_600_000_000))
    arguments = [".", "--format", "json"]
    first = subprocess.run([sys.executable, "-m", "corslint", *arguments], capture_output=True, text=True)
    assert "credentialed-any-origin" in first.stdout
    os.utime(in_tmp, (1_600_000_000, 1_600_000_000))  # the cache folder's arrival, long ago
    code = (
        "import sys\nfrom corslint.cli import main\n"
        f"try:\n    main({arguments!r})\nexcept SystemExit:\n    pass\n"
        "print('pickle' in sys.modules)\n"
    )
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "credentialed-any-origin" in second.stdout
    assert second.stdout.splitlines()[-1] == "False"


def test_the_console_entry_runs_without_the_cyclic_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """A collection after the run walks every object it made, in a process about to end."""
    import gc

    import corslint.cli

    seen: list[bool] = []

    class Exited(Exception):
        pass

    def fake_exit(code: int) -> None:
        raise Exited(code)

    monkeypatch.setattr(corslint.cli, "main", lambda **_: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr(os, "_exit", fake_exit)
    try:
        with pytest.raises(Exited):
            corslint.cli.entry()
    finally:
        gc.enable()
    assert seen == [False]


@pytest.mark.parametrize("output_format", ["json", "github", "text"])
def test_a_run_answered_from_the_cache_imports_no_rule(in_tmp: Path, output_format: str) -> None:
    """The findings carry their rules' names: reports of a run that changed nothing need
    neither the rules, nor the parsers, nor the policy model (eleven dataclasses, 8-10 ms
    to import)."""
    (in_tmp / "main.py").write_text(BAD_APP)
    os.utime(in_tmp / "main.py", (1_600_000_000, 1_600_000_000))
    os.utime(in_tmp, (1_600_000_000, 1_600_000_000))
    arguments = [".", "--statistics"] if output_format == "text" else [".", "--format", output_format]
    code = (
        "import os, sys\n"
        "from corslint.cli import main\n"
        f"arguments = {arguments!r}\n"
        "try:\n    main(arguments)\nexcept SystemExit:\n    pass\n"
        "os.utime('.', (1_600_000_000, 1_600_000_000))\n"  # the cache folder's arrival, long ago
        "for name in [m for m in sys.modules if m.split('.')[0] == 'corslint']:\n    del sys.modules[name]\n"
        "from corslint.cli import main\n"
        "try:\n    main(arguments)\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('corslint.rules', 'corslint.extractors.', 'corslint.model'))\n"
        "    and m != 'corslint.extractors.context'))\n"  # the run's shared state: no parser
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=in_tmp, capture_output=True, text=True, check=True)
    assert "credentialed-any-origin" in run.stdout
    assert run.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("command", sorted(program.commands))
def test_a_commands_help_is_its_docstrings_first_paragraph(command: str) -> None:
    """A command's help describes it to users; the rest of its docstring is for readers of
    the code."""
    code, out, _ = run_cli(command, "-h")
    assert code == 0
    callback = program.commands[command].callback
    assert callback is not None
    first, *rest = (inspect.getdoc(callback) or "").split("\n\n")
    shown = " ".join(out.split())
    assert " ".join(first.split()) in shown
    assert not [paragraph for paragraph in rest if " ".join(paragraph.split()) in shown]


def test_python_m_corslint_imports_nothing_from_the_folder_it_lints(in_tmp: Path) -> None:
    """`python -m` puts the working folder first on sys.path, where a project's own
    `platform` package would shadow the module click imports (through uuid)."""
    (in_tmp / "platform").mkdir()
    (in_tmp / "platform" / "__init__.py").write_text("raise SystemExit('imported from the tree')\n")
    (in_tmp / "main.py").write_text(BAD_APP)
    run = subprocess.run(
        [sys.executable, "-m", "corslint", ".", "--no-cache", "--format", "json"],
        cwd=in_tmp,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    assert json.loads(run.stdout)["summary"]["error"] == 1


def test_summary_counts_the_cors_libraries_left_unchecked(in_tmp: Path) -> None:
    """A project whose CORS library corslint does not model is never summed up as clean:
    the summary says how many such libraries there are, each counted once."""
    tinyhttp = (
        'const { App } = require("@tinyhttp/app");\nconst cors = require("@tinyhttp/cors");\n\n'
        "const app = new App();\napp.use(cors());\n"
    )
    (in_tmp / "a.js").write_text(tinyhttp)
    (in_tmp / "b.js").write_text(tinyhttp)
    (in_tmp / "c.py").write_text("import cherrypy_cors\n")
    code, out, _ = run_cli(".", "--no-cache")
    assert code == 0
    assert out.rstrip().endswith(
        "(3 notes; 3 files checked, 0 CORS configurations found, 2 CORS libraries not checked)."
    ), out
