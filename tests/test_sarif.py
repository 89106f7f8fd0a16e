"""SARIF output is valid 2.1.0 and carries what code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

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


def sarif(path: str) -> dict[str, Any]:
    _, out, _ = run_cli(path, "--format", "sarif")
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
    document = sarif("src")
    jsonschema.validate(document, SCHEMA)
    assert document["version"] == "2.1.0"


def test_driver_and_rules(project: Path) -> None:
    driver = sarif("src")["runs"][0]["tool"]["driver"]
    assert driver["name"] == "corslint" and driver["version"] and driver["informationUri"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert len(rules) == 24
    cors101 = rules["CORS101"]
    assert cors101["name"] == "credentialed-any-origin"
    assert cors101["defaultConfiguration"]["level"] == "error"
    assert cors101["properties"]["security-severity"] == "9.1"
    assert "external/cwe/cwe-942" in cors101["properties"]["tags"]
    assert cors101["help"]["markdown"].startswith("## What it does")
    assert cors101["helpUri"].endswith("/CORS101.md")
    assert "security-severity" not in rules["CORS202"]["properties"]


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
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")


def test_parse_errors_are_tool_notifications(project: Path) -> None:
    run = sarif("src")["runs"][0]
    assert all(r["ruleId"] != "CORS001" for r in run["results"])
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["descriptor"]["id"] == "CORS001"
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/broken.py"


def test_fingerprints_survive_unrelated_line_shifts(project: Path) -> None:
    before = {
        r["ruleId"]: r["partialFingerprints"]["corslint/v1"] for r in sarif("src")["runs"][0]["results"]
    }
    main_py = project / "src" / "main.py"
    main_py.write_text('"""Docstring added above."""\n\nimport os\n' + main_py.read_text())
    after_results = sarif("src")["runs"][0]["results"]
    after = {r["ruleId"]: r["partialFingerprints"]["corslint/v1"] for r in after_results}
    assert before == after
    assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after_results} != {6, 7}
    assert len(set(before.values())) == len(before)
