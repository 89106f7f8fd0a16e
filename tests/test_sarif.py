"""SARIF output is valid 2.1.0 and carries what GitHub code scanning needs to place and
track results; the `github` and `gitlab` formats place them from the repository's top."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from corslint.report.context import ReportContext
from corslint.report.fingerprints import line_hashes
from corslint.report.sarif import rule_descriptor
from corslint.rules import RULES
from corslint.runner.result import RunResult
from corslint.runner.settings import Settings
from tests.conftest import ROOT, run_cli

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from app_settings import ORIGINS

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True, allow_methods=["*"])
app.add_middleware(CORSMiddleware, allow_origins=["https://a.example.com/"], allow_methods=["*"])
"""
# a call over several lines, missing its allowed headers: CORS204 spans lines 5 to 9
SPANNING_APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],
    allow_credentials=True,
)
"""

# github/codeql-action src/fingerprints.test.ts: the values GitHub's upload action
# computes for these inputs (one per line, in order)
GITHUB_LINE_HASHES = [
    ("", ["c129715d7a2bc9a3:1"]),
    (
        " a\nb\n  \t\tc\n d",
        ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"],
    ),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    *[
        (
            text,
            [
                "e9496ae3ebfced30:1",
                "fb7c023a8b9ccb3f:1",
                "ce8ba1a563dcdaca:1",
                "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1",
                "c8e28b0b4002a3a0:1",
                "c129715d7a2bc9a3:1",
            ],
        )
        for text in (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        )
    ],
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            *(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)),
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
    (
        "x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
        [
            "e54938cc54b302f1:1",
            "bb609acbe9138d60:1",
            "1131fd5871777f34:1",
            "5c482a0f8b35ea28:1",
            "54517377da7028d2:1",
            "2c644846cb18d53e:1",
            "f1b89f20de0d133:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]


def sarif(*arguments: str) -> dict[str, Any]:
    _, out, _ = run_cli(*arguments, "--format", "sarif")
    document: dict[str, Any] = json.loads(out)
    return document


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "src").mkdir()
    (in_tmp / "src" / "app_settings.py").write_text('ORIGINS = ["*"]\n')
    (in_tmp / "src" / "main.py").write_text(APP)
    (in_tmp / "src" / "broken.py").write_text(
        "from starlette.middleware.cors import CORSMiddleware\ndef (:\n"
    )
    return in_tmp


def test_valid_against_the_official_schema(project: Path) -> None:
    document = sarif("src", "--category", "backend")
    jsonschema.validate(document, SCHEMA)
    assert document["version"] == "2.1.0"


def test_driver_and_rules(project: Path) -> None:
    driver = sarif("src")["runs"][0]["tool"]["driver"]
    assert driver["name"] == "corslint" and driver["version"] and driver["informationUri"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert len(rules) == len(RULES) == 25
    cors101 = rules["CORS101"]
    assert cors101["name"] == "credentialed-any-origin"
    assert cors101["defaultConfiguration"]["level"] == "error"
    assert cors101["properties"]["security-severity"] == "9.1"
    assert "external/cwe/cwe-942" in cors101["properties"]["tags"]
    assert cors101["help"]["markdown"].startswith("## What it does")
    assert cors101["helpUri"].endswith("/CORS101.md")
    assert "security-severity" not in rules["CORS202"]["properties"]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_a_rule_with_a_security_severity_carries_the_security_tag(rule: Any) -> None:
    """GitHub reads `security-severity` only on rules tagged `security` (CORS107, tagged
    `caching` alone, had its severity ignored)."""
    context = ReportContext(RunResult([], [], []), Settings())
    properties = rule_descriptor(rule, context)["properties"]
    if "security-severity" in properties:
        assert "security" in properties["tags"]
        assert 0.0 < float(properties["security-severity"]) <= 10.0
    assert ("security-severity" in properties) == (
        rule.security_severity is not None and rule.id.startswith("CORS1")
    )


def test_results_locations_and_related(project: Path) -> None:
    run = sarif("src")["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    results = {r["ruleId"]: r for r in run["results"]}
    cors101 = results["CORS101"]
    assert rule_ids[cors101["ruleIndex"]] == "CORS101"
    location = cors101["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/main.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 6, "startColumn": 50, "endLine": 6, "endColumn": 57}
    related = cors101["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "src/app_settings.py"
    assert results["CORS301"]["level"] == "error"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"


def test_paths_are_from_the_repository_top_wherever_corslint_runs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from `services/api`, a finding once landed on `app.py` instead of
    `services/api/app.py`, and GitHub could not place it; its fingerprint changed too."""
    (project / ".git").mkdir()
    service = project / "services" / "api"
    service.mkdir(parents=True)
    (project / "src").rename(service / "src")
    from_top = sarif("services/api/src")["runs"][0]
    monkeypatch.chdir(service)
    from_service = sarif("src")["runs"][0]
    for run in (from_top, from_service):
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
        assert uris == {"services/api/src/main.py"}
    assert [r["partialFingerprints"] for r in from_top["results"]] == [
        r["partialFingerprints"] for r in from_service["results"]
    ]
    _, annotations, _ = run_cli("src", "--format", "github")
    assert "::error file=services/api/src/main.py,line=6," in annotations
    assert "::warning file=services/api/src/broken.py,line=2," in annotations


@pytest.mark.parametrize(("text", "expected"), GITHUB_LINE_HASHES)
def test_line_hashes_are_those_githubs_upload_action_computes(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == expected


def test_a_long_file_is_hashed_only_as_far_as_asked(project: Path) -> None:
    text = "".join(f"line {n} with some text\n" for n in range(5000))
    assert line_hashes(text, 10)[:10] == line_hashes(text)[:10]
    assert len(line_hashes(text, 10)) < 100


def test_primary_location_line_hash_beside_corslints_own(project: Path) -> None:
    """What GitHub's upload action would compute for the result's line, so the action
    keeps it; and a line shift elsewhere in the file keeps both fingerprints."""
    results = sarif("src")["runs"][0]["results"]
    hashes = line_hashes((project / "src" / "main.py").read_text())
    for result in results:
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert result["partialFingerprints"]["primaryLocationLineHash"] == hashes[line - 1]
        assert len(result["partialFingerprints"]["corslint/v1"]) == 32
    main_py = project / "src" / "main.py"
    main_py.write_text('"""Docstring added above."""\n\nimport os\n' + main_py.read_text())
    after = sarif("src")["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in results]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results
    ]
    assert len({r["partialFingerprints"]["corslint/v1"] for r in results}) == len(results)


def test_category_names_the_run(project: Path) -> None:
    assert sarif("src")["runs"][0]["automationDetails"] == {"id": "corslint/"}
    assert sarif("src", "--category", "services/api")["runs"][0]["automationDetails"] == {
        "id": "services/api/"
    }


def test_a_file_that_could_not_be_checked_fails_the_execution(project: Path) -> None:
    run = sarif("src")["runs"][0]
    assert all(r["ruleId"] != "CORS001" for r in run["results"])
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    associated = notification["associatedRule"]
    assert associated["id"] == "CORS001" and rule_ids[associated["index"]] == "CORS001"
    assert "descriptor" not in notification  # that names a notification descriptor, not a rule
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/broken.py"
    (project / "src" / "broken.py").unlink()
    assert sarif("src")["runs"][0]["invocations"][0]["executionSuccessful"] is True
    (invocation,) = sarif("src", "src/gone.py")["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False  # a path named that is not there


def test_an_invalid_configuration_fails_the_execution(project: Path) -> None:
    (project / "src" / "broken.py").unlink()
    (project / ".corslint.toml").write_text('ignore = ["CORS15"]\n')
    document = sarif("src")
    jsonschema.validate(document, SCHEMA)
    (invocation,) = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolConfigurationNotifications"]
    assert notification["associatedRule"]["id"] == "CORS002"
    assert "CORS002" in {r["ruleId"] for r in document["runs"][0]["results"]}


def test_github_annotations_set_no_columns_on_a_range_over_several_lines(in_tmp: Path) -> None:
    (in_tmp / "main.py").write_text(SPANNING_APP)
    _, out, _ = run_cli("main.py", "--format", "github")
    (line,) = [line for line in out.splitlines() if "CORS204" in line]
    assert line.startswith("::warning file=main.py,line=5,endLine=9,title=CORS204 ")
    assert "col=" not in line and "endColumn=" not in line


def test_gitlab_code_quality_report(project: Path) -> None:
    (project / "src" / "broken.py").unlink()
    code, out, _ = run_cli("src", "--output-format", "gitlab")
    issues = json.loads(out)
    assert code == 1 and issues
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"].startswith("src/")
        assert issue["location"]["positions"]["begin"]["line"] >= 1
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    cors101 = next(issue for issue in issues if issue["check_name"] == "CORS101")
    assert cors101["severity"] == "critical" and cors101["location"]["path"] == "src/main.py"
