"""A baseline for adopting the gate on a legacy codebase, and `--add-noqa`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["Authorization"])
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://a.example.com/"],
    allow_methods=["GET"],
)
"""


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "main.py").write_text(APP)
    return in_tmp


def rule_ids(*arguments: str) -> list[str]:
    code, out, err = run_cli(*arguments, "--format", "json")
    assert code in (0, 1), err
    return sorted(f["rule_id"] for f in json.loads(out)["findings"])


def test_a_baseline_reports_only_new_findings(project: Path) -> None:
    before = rule_ids(".")
    assert "CORS101" in before and "CORS301" in before
    code, out, err = run_cli("baseline", ".")
    assert (code, out) == (0, "") and f"{len(before)} finding(s) written to corslint-baseline.json" in err
    recorded = json.loads((project / "corslint-baseline.json").read_text())
    assert recorded["tool"] == "corslint" and len(recorded["findings"]) == len(before)
    assert {"fingerprint", "rule_id", "path", "line", "message"} <= set(recorded["findings"][0])

    code, out, _ = run_cli(".", "--baseline", "corslint-baseline.json")
    assert code == 0 and "No CORS problems found" in out

    # lines above move every finding: they stay matched
    (project / "main.py").write_text('"""The shop."""\n\nimport os\n\n' + APP)
    assert rule_ids(".", "--baseline", "corslint-baseline.json") == []

    # a finding that changes meaning (another origin with the same mistake) is new
    (project / "main.py").write_text(APP.replace("https://a.example.com/", "https://b.example.com/"))
    assert rule_ids(".", "--baseline", "corslint-baseline.json") == ["CORS301"]

    # and one more of the same, in another file, is new too
    (project / "main.py").write_text(APP)
    (project / "admin.py").write_text(APP)
    assert len(rule_ids(".", "--baseline", "corslint-baseline.json")) == len(before)


def test_the_baseline_does_not_depend_on_the_working_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / ".git").mkdir()
    service = project / "services" / "api"
    service.mkdir(parents=True)
    (project / "main.py").rename(service / "main.py")
    assert run_cli("baseline", "services/api", "-o", "ci/baseline.json")[0] == 0
    monkeypatch.chdir(service)
    assert rule_ids(".", "--baseline", "../../ci/baseline.json") == []


def test_without_a_repository_the_baseline_does_not_depend_on_how_the_folder_is_named(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a project without `.git` (a downloaded archive): `cd app && corslint .`,
    # `corslint /abs/app` and `cd .. && corslint app` name its files alike
    app = project / "app"
    app.mkdir()
    (project / "main.py").rename(app / "main.py")
    monkeypatch.chdir(app)
    assert run_cli("baseline", ".")[0] == 0
    assert rule_ids(".", "--baseline", "corslint-baseline.json") == []
    monkeypatch.chdir(project.parent)
    assert rule_ids(str(app), "--baseline", str(app / "corslint-baseline.json")) == []
    monkeypatch.chdir(project)
    assert rule_ids("app", "--baseline", "app/corslint-baseline.json") == []


def test_a_file_that_could_not_be_checked_is_never_baselined(project: Path) -> None:
    (project / "broken.py").write_text("from starlette.middleware.cors import CORSMiddleware\ndef (:\n")
    assert run_cli("baseline", ".")[0] == 0
    assert rule_ids(".", "--baseline", "corslint-baseline.json") == ["CORS001"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (None, "cannot read the baseline"),
        ("{", "is not valid JSON"),
        ('{"tool": "ruff", "findings": []}', "is not a corslint baseline"),
        ('{"tool": "corslint", "format": 9, "findings": []}', "is a baseline of format 9"),
    ],
)
def test_a_baseline_that_cannot_be_read_is_exit_2(project: Path, content: str | None, error: str) -> None:
    if content is not None:
        (project / "corslint-baseline.json").write_text(content)
    code, out, err = run_cli(".", "--baseline", "corslint-baseline.json")
    assert (code, out) == (2, "") and error in err


def test_add_noqa_writes_suppression_comments(project: Path) -> None:
    (project / "server.js").write_text(
        'const cors = require("cors");\nconst app = require("express")();\napp.use(cors({ origin: "*" }));\n'
    )
    (project / "docs.py").write_text(
        'from fastapi.middleware.cors import CORSMiddleware\nNOTE = """\n'
        'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n"""\n'
        'app.add_middleware(CORSMiddleware, allow_origins=["*"],  # corslint: ignore[CORS207]\n'
        '    allow_methods=["GET"])\n'
    )
    before = rule_ids(".")
    assert "CORS101" in before and "CORS105" in before
    code, out, err = run_cli(".", "--add-noqa")
    assert (code, out) == (0, "") and err == "corslint: added 5 suppression comment(s) to 3 file(s)\n"
    text = (project / "main.py").read_text()
    assert 'allow_headers=["Authorization"])  # corslint: ignore[CORS101]\n' in text
    assert "app.add_middleware(  # corslint: ignore[CORS302]\n" in text
    assert '    allow_origins=["https://a.example.com/"],  # corslint: ignore[CORS301]\n' in text
    assert (project / "server.js").read_text().endswith("}));  // corslint: ignore[CORS105]\n")
    docs = (project / "docs.py").read_text()
    assert '\napp.add_middleware(CORSMiddleware, allow_origins=["*"])\n"""' in docs  # a string: untouched
    assert "# corslint: ignore[CORS207, CORS105]\n" in docs  # merged with the comment there
    # what is left: the id that suppressed nothing before, and still does not
    assert rule_ids(".") == ["CORS004"]


def test_add_noqa_leaves_lines_where_a_comment_would_change_the_code(in_tmp: Path) -> None:
    from corslint.findings import Finding, Level, Location
    from corslint.runner.suppression_comments import add_suppression_comments

    (in_tmp / "cors.json").write_text('{\n  "origin": ["https://a.example.com/"]\n}\n')
    (in_tmp / "app.py").write_text('A = 1 + \\\n    2\nB = """\nx\n"""\nC = 3\n')

    def at(path: str, line: int) -> Finding:
        return Finding("CORS301", Level.ERROR, "m", Location.point(path, line))

    added = add_suppression_comments([at("cors.json", 2), at("app.py", 1), at("app.py", 3), at("app.py", 6)])
    assert added.written == {"app.py": 1}
    assert added.left == (
        "app.py:1: a comment here would fall inside a string or a continued line",
        "app.py:3: a comment here would fall inside a string or a continued line",
        "cors.json:2: this kind of file has no comments",
    )
    assert (in_tmp / "app.py").read_text().endswith('"""\nC = 3  # corslint: ignore[CORS301]\n')


def test_a_finding_naming_another_file_keeps_its_fingerprint_however_the_folder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the message names the other layer's file as the path was given (`app/run.py:9`,
    # `/abs/app/run.py:9`); the fingerprint names it from the linted folder, as its own file
    from corslint.findings import Finding, Level, Location
    from corslint.report.fingerprints import SourceFiles, stable_fingerprints

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "routes.py").write_text("CORS(app)\n")
    monkeypatch.chdir(tmp_path)

    def fingerprint(prefix: str) -> str:
        message = f"a second CORS layer on the same application as the one at {prefix}run.py:9"
        finding = Finding("CORS206", Level.WARNING, message, Location(f"{prefix}routes.py", 1, 1, 1, 5))
        return stable_fingerprints([finding], {f"{prefix}routes.py": "routes.py"}, SourceFiles())[0]

    assert fingerprint(f"{tmp_path}/app/") == fingerprint("app/")
