"""The command-line habits ruff users reach for, and files named one by one (pre-commit)
read in their project's context."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

BAD_APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["Authorization"])
"""
PUBLIC_APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],{comment}
    allow_methods=["GET"],
)
"""


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "bad").mkdir()
    (in_tmp / "bad" / "main.py").write_text(BAD_APP)
    return in_tmp


def findings(*arguments: str) -> list[str]:
    code, out, err = run_cli(*arguments, "--format", "json", "--no-cache")
    assert code in (0, 1), err
    return [f"{f['path']}:{f['line']}:{f['rule_id']}" for f in json.loads(out)["findings"]]


# -- files named one by one --------------------------------------------------------------
def test_a_named_file_reports_the_findings_it_holds_the_values_of(in_tmp: Path) -> None:
    """examples/shop-api/app/core/config.py holds the example's trailing-slash origin;
    named alone it was read alone, and the run exited 0. (A copy of the example in a
    repository of its own: in this checkout the project would be the whole repository.)"""
    shutil.copytree(ROOT / "examples" / "shop-api", in_tmp / "examples" / "shop-api")
    (in_tmp / ".git").mkdir()
    code, out, _ = run_cli("examples/shop-api/app/core/config.py", "--format", "json", "--no-cache")
    assert code == 1
    reported = {(f["rule_id"], f["path"]) for f in json.loads(out)["findings"]}
    assert ("CORS301", "examples/shop-api/app/main.py") in reported
    config = next(f for f in json.loads(out)["findings"] if f["rule_id"] == "CORS301")["related"][0]["path"]
    assert config == "examples/shop-api/app/core/config.py"
    # and only what concerns the file named: the example's CORS101 is in main.py alone
    assert "CORS101" not in {rule_id for rule_id, _ in reported}


def test_files_named_from_below_the_project_are_shown_from_here(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / ".git").mkdir()
    app = in_tmp / "services" / "api"
    app.mkdir(parents=True)
    (app / "shared.py").write_text('ORIGINS = ["*"]\n')
    (app / "main.py").write_text(
        BAD_APP.replace('["*"], allow_credentials', "ORIGINS, allow_credentials").replace(
            "from fastapi import FastAPI\n", "from fastapi import FastAPI\nfrom shared import ORIGINS\n"
        )
    )
    (in_tmp / "other.py").write_text(BAD_APP)  # in the project, about neither file named
    monkeypatch.chdir(app)
    assert findings("shared.py") == ["main.py:6:CORS101"]
    monkeypatch.chdir(in_tmp)
    assert findings("services/api/shared.py") == ["services/api/main.py:6:CORS101"]


def test_a_named_config_file_is_read_with_the_code_that_loads_it(in_tmp: Path) -> None:
    (in_tmp / "config").mkdir()
    (in_tmp / "config" / "cors.json").write_text(
        '{\n  "origin": [\n    "https://shop.example.com",\n    "https://admin.example.com/"\n  ],\n'
        '  "methods": ["GET", "POST"],\n  "maxAge": 3600\n}\n'
    )
    (in_tmp / "server.js").write_text(
        "const cors = require('cors');\nconst app = require('express')();\n"
        "app.use(cors(require('./config/cors.json')));\n"
    )
    (in_tmp / ".git").mkdir()
    assert findings("config/cors.json") == ["config/cors.json:4:CORS301"]


# -- standard input ------------------------------------------------------------------------
def test_stdin_with_a_dash_and_stdin_filename(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-` was "no such file", and /dev/stdin a skipped path with exit 0."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(BAD_APP))
    code, out, _ = run_cli("-", "--stdin-filename", "bad/served.py")
    assert code == 1 and "bad/served.py:5:50: CORS101 [error]" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(BAD_APP))
    code, out, _ = run_cli("--stdin-filename", "bad/served.py", "--format", "json")
    assert code == 1 and json.loads(out)["findings"][0]["path"] == "bad/served.py"
    monkeypatch.setattr(sys, "stdin", io.StringIO("print('hello')\n"))
    assert run_cli("-")[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(BAD_APP))  # no name: read as Python
    code, out, _ = run_cli("-")
    assert code == 1 and "-:5:50: CORS101 [error]" in out
    (project / ".corslint.toml").write_text('ignore = ["CORS15"]\n')  # a setting it cannot use
    monkeypatch.setattr(sys, "stdin", io.StringIO("print('hello')\n"))
    code, out, _ = run_cli("-")
    assert code == 1 and "CORS002" in out
    (project / ".corslint.toml").unlink()
    code, _, err = run_cli("-", "bad")
    assert code == 2 and "cannot be linted together" in err
    # the settings are those of the folder the file would be in (an editor's unsaved buffer)
    (project / "bad" / ".corslint.toml").write_text('ignore = ["CORS101"]\n')
    monkeypatch.setattr(sys, "stdin", io.StringIO(BAD_APP))
    assert run_cli("-", "--stdin-filename", "bad/unsaved.py")[0] == 0


def test_stdin_through_a_real_pipe(project: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "corslint", "-", "--stdin-filename", "app.py", "-q"],
        input=BAD_APP.encode(),
        capture_output=True,
        cwd=project,
    )
    assert run.returncode == 1 and run.stdout.decode().startswith("app.py:5:50: CORS101")
    endless = subprocess.run(
        [sys.executable, "-m", "corslint", "-", "--max-file-size", "1000"],
        input=b"#" * 5000,
        capture_output=True,
        cwd=project,
    )
    assert endless.returncode == 2 and b"larger than the 1,000-byte limit" in endless.stderr


# -- output ------------------------------------------------------------------------------
def test_quiet_prints_the_findings_and_nothing_else(project: Path) -> None:
    (project / "skipped.py").write_text("x = 1\n" * 100)  # too big to parse, and no CORS in it
    code, out, err = run_cli("bad", "skipped.py", "--max-file-size", "300")
    assert "Found 1 problem" in out and "corslint: skipped skipped.py" in err
    code, out, err = run_cli("bad", "skipped.py", "-q", "--max-file-size", "300")
    assert code == 1 and out.startswith("bad/main.py:5:50: CORS101") and "Found" not in out
    assert err == ""
    assert run_cli("skipped.py", "--quiet", "--max-file-size", "300")[1:] == ("", "")


def test_output_format_is_an_alias_of_format(project: Path) -> None:
    assert run_cli("bad", "--output-format", "json") == run_cli("bad", "--format", "json")


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "gitlab"])
def test_statistics_prints_only_the_table_in_every_format(project: Path, output_format: str) -> None:
    (project / "bad" / "other.py").write_text(BAD_APP)
    code, out, _ = run_cli("bad", "--statistics", "--output-format", output_format)
    assert code == 1
    if output_format == "json":
        assert json.loads(out) == [
            {"code": "CORS101", "name": "credentialed-any-origin", "level": "error", "count": 2}
        ]
    else:
        assert out == "    2  CORS101  credentialed-any-origin  [error]\n"


# -- suppressions ----------------------------------------------------------------------------
def test_noqa_with_a_corslint_id_is_a_suppression(project: Path) -> None:
    (project / "public.py").write_text(PUBLIC_APP.format(comment="  # noqa: E501, CORS105"))
    assert findings("public.py") == []
    (project / "public.py").write_text(PUBLIC_APP.format(comment="  # noqa"))  # another tool's
    assert findings("public.py") == ["public.py:7:CORS105"]
    server = (
        'const cors = require("cors");\nconst app = require("express")();\napp.use(cors({ origin: "*" }));'
    )
    (project / "server.js").write_text(server + "\n")
    assert findings("server.js") == ["server.js:3:CORS105"]
    (project / "server.js").write_text(server + " // noqa: CORS1\n")
    assert findings("server.js") == []


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("  # corslint: ignore[CORS101]", "no CORS101 finding on this line or the next"),
        ("  # corslint: ignore[CORS10l]", "names `CORS10L`, which is not a corslint rule id"),
        ("  # noqa: CORS999", "names `CORS999`, which is not a corslint rule id"),
        ("  # corslint: ignore[CORS-105]", "names no rule"),
    ],
)
def test_unknown_or_unused_suppressions_are_cors004(project: Path, comment: str, message: str) -> None:
    """ruff's RUF100: a misspelt id hides nothing, and a stale comment waits for the next
    finding on its line. A malformed list (`[CORS-105]`) once suppressed every rule."""
    (project / "public.py").write_text(PUBLIC_APP.format(comment=comment))
    code, out, _ = run_cli("public.py", "--format", "json", "--no-cache")
    problems = [f for f in json.loads(out)["findings"] if f["rule_id"] == "CORS004"]
    assert len(problems) == 1 and message in problems[0]["message"]
    assert problems[0]["level"] == "note" and problems[0]["line"] == 7
    assert code == (1 if "CORS105" not in comment or "-" in comment else 0)


def test_cors004_stays_quiet_where_it_should(project: Path) -> None:
    used = PUBLIC_APP.format(comment="  # corslint: ignore[CORS105]")
    (project / "public.py").write_text(used)
    assert findings("public.py") == []
    # a rule the run does not judge cannot be called unused
    (project / "public.py").write_text(PUBLIC_APP.format(comment="  # corslint: ignore[CORS105, CORS201]"))
    assert findings("public.py", "--select", "CORS1") == []
    # kept on purpose
    (project / "public.py").write_text(PUBLIC_APP.format(comment="  # corslint: ignore[CORS201, CORS004]"))
    assert findings("public.py") == ["public.py:7:CORS105"]
    assert findings("public.py", "--ignore", "CORS004") == ["public.py:7:CORS105"]


def test_the_json_report_follows_its_published_schema(project: Path) -> None:
    import jsonschema

    schema = json.loads((ROOT / "docs" / "json-schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    (project / "settings.py").write_text('ORIGINS = ["*"]\n')
    (project / "uses.py").write_text(
        BAD_APP.replace('["*"], allow_credentials', "ORIGINS, allow_credentials").replace(
            "from fastapi import FastAPI\n", "from fastapi import FastAPI\nfrom settings import ORIGINS\n"
        )
    )
    (project / "big.py").write_text("x = 1\n" * 100)
    (project / "broken.py").write_text("from starlette.middleware.cors import CORSMiddleware\ndef (:\n")
    code, out, _ = run_cli(".", "--format", "json", "--max-file-size", "300")
    document = json.loads(out)
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    assert code == 1 and document["summary"]["skipped"] and any(f["related"] for f in document["findings"])
    assert {f["rule_id"] for f in document["findings"]} >= {"CORS001", "CORS101"}
    document["findings"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


def test_a_named_settings_file_reports_what_its_setting_completes(in_tmp: Path) -> None:
    """A commit that turns credentials on in production.py, beside an allow-all origin in
    an unchanged base.py, makes a CORS101: the pre-commit run on production.py shows it."""
    settings = in_tmp / "proj" / "settings"
    settings.mkdir(parents=True)
    (in_tmp / "requirements.txt").write_text("Django==5.0\ndjango-cors-headers==4.4.0\n")
    (in_tmp / "manage.py").write_text(
        'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.production")\n'
    )
    for package in (in_tmp / "proj", settings):
        (package / "__init__.py").write_text("")
    (settings / "base.py").write_text(
        'INSTALLED_APPS = ["corsheaders"]\n'
        'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]\n'
        "CORS_ALLOW_ALL_ORIGINS = True\n"
    )
    (settings / "production.py").write_text("from .base import *  # noqa\n\nCORS_ALLOW_CREDENTIALS = True\n")
    assert findings("proj/settings/production.py") == ["proj/settings/base.py:3:CORS101"]
