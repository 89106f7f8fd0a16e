"""The GitHub Action (action.yml) and the CI examples of docs/ci.md: their YAML, what they
ask of GitHub, and the action's lint step run as GitHub runs it (bash, inputs in the
environment, outputs in $GITHUB_OUTPUT)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

BAD_APP = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["Authorization"])
"""


def action() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    return document


def step(name: str) -> dict[str, Any]:
    return next(s for s in action()["runs"]["steps"] if s.get("name") == name)


def test_the_action_is_composite_with_its_inputs_and_uploads_sarif() -> None:
    document = action()
    assert document["runs"]["using"] == "composite"
    assert {"paths", "fail-level", "category"} <= set(document["inputs"])
    upload = step("Upload to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"] == {"sarif_file": "${{ inputs.sarif-file }}", "category": "${{ inputs.category }}"}
    for each in document["runs"]["steps"]:  # no input spliced into a script (injection)
        assert "${{ inputs." not in each.get("run", "")


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps run in bash")
def test_the_lint_step_runs_as_github_runs_it(tmp_path: Path) -> None:
    (tmp_path / "services" / "api").mkdir(parents=True)
    (tmp_path / "services" / "api" / "main.py").write_text(BAD_APP)
    (tmp_path / "docs").mkdir()
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    corslint = tmp_path / "bin" / "corslint"
    corslint.parent.mkdir()
    corslint.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m corslint "$@"\n')
    corslint.chmod(0o755)
    inputs = {  # what the action's step hands the script, as the workflow would
        "CORSLINT_PATHS": "services/api  docs",
        "CORSLINT_FAIL_LEVEL": "error",
        "CORSLINT_CATEGORY": "services/api",
        "CORSLINT_SARIF": "reports/corslint.sarif",
        "CORSLINT_ARGS": "--no-cache",
    }
    environment = {
        **os.environ,
        "PATH": f"{corslint.parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "GITHUB_OUTPUT": str(outputs),
        **inputs,
    }
    lint = step("Lint")
    assert set(lint["env"]) == set(inputs)
    run = subprocess.run(
        ["bash", "-e", "-c", lint["run"]], cwd=tmp_path, env=environment, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert outputs.read_text() == "exit-code=1\n"
    sarif = json.loads((tmp_path / "reports" / "corslint.sarif").read_text())
    assert sarif["runs"][0]["automationDetails"] == {"id": "services/api/"}
    assert "::error file=services/api/main.py,line=5," in run.stdout
    fail = subprocess.run(["bash", "-c", step("Fail on findings")["run"]], env={"CORSLINT_EXIT": "1"})
    assert fail.returncode == 1


def yaml_blocks(markdown: str) -> list[Any]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", markdown, re.DOTALL)]


def test_the_documented_workflows_parse_and_ask_for_what_they_need() -> None:
    text = (ROOT / "docs" / "ci.md").read_text("utf-8")
    blocks = yaml_blocks(text)
    workflow = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["corslint"]["steps"]
    assert any(s.get("uses", "").startswith("corslint/corslint@") for s in steps)
    gitlab = next(b for b in blocks if isinstance(b, dict) and "corslint" in b and "script" in b["corslint"])
    assert any("--output-format gitlab" in line for line in gitlab["corslint"]["script"])
    assert gitlab["corslint"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"


def test_the_readme_names_no_release_tag_that_does_not_exist() -> None:
    """The README's `rev: v0.1.0` named a tag that was never made."""
    tags = subprocess.run(["git", "-C", str(ROOT), "tag"], capture_output=True, text=True).stdout.split()
    for document in ("README.md", "docs/ci.md"):
        for rev in re.findall(r"^\s*rev:\s*(\S+)", (ROOT / document).read_text("utf-8"), re.MULTILINE):
            assert rev in tags or rev == "<commit-sha>", f"{document}: rev {rev} is not a tag"
        for pinned in re.findall(r"corslint/corslint@(\S+?)[\s\"]", (ROOT / document).read_text("utf-8")):
            assert pinned in tags or pinned == "<commit-sha>", f"{document}: @{pinned} is not a tag"


def test_the_readme_states_the_exit_codes_next_to_the_first_command() -> None:
    """`corslint examples/shop-api` exits 1, and says so before anyone wonders."""
    readme = (ROOT / "README.md").read_text("utf-8")
    first = readme.index("```sh")
    following = readme[first : readme.index("\n## ", first)]
    assert "corslint examples/shop-api" in following
    assert re.search(r"exits \*\*1\*\*", following) and "Exit codes: **0**" in following
    assert "**2** a usage or configuration error" in following
