"""A finding caused by an option missing from a named options object (`cors(corsOptions)`
without `origin`, `CORS(app, **CORS_KWARGS)` without `origins`) stays at the call and
names the object as a related location, in the text, JSON and SARIF reports."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from corslint.http import Request
from tests.conftest import ROOT, run_cli
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

FIXTURES = ROOT / "tests" / "fixtures"
CASES = [
    # fixture, rule, the finding's file and line, the object's file and line, the unset option(s)
    (
        "express/named_options_without_origin",
        "CORS105",
        ("cors-setup.js", 10),
        ("cors-setup.js", 4),
        "`origin` is not set",
    ),
    ("flask/named_options_without_origins", "CORS105", ("app.py", 11), ("app.py", 5), "`origins` is not set"),
    (
        "starlette/named_options_without_origins",
        "CORS303",
        ("main.py", 18),
        ("main.py", 12),
        "neither `allow_origins` nor `allow_origin_regex` is set",
    ),
]


@pytest.mark.parametrize(("fixture", "rule", "at", "defined", "unset"), CASES, ids=[c[0] for c in CASES])
def test_the_options_object_is_a_related_location(
    fixture: str, rule: str, at: tuple[str, int], defined: tuple[str, int], unset: str
) -> None:
    folder = FIXTURES / fixture
    _, out, _ = run_cli("check", "--no-cache", "--format", "json", str(folder))
    [finding] = [f for f in json.loads(out)["findings"] if f["rule_id"] == rule]
    assert finding["path"].endswith(f"{fixture}/{at[0]}") and finding["line"] == at[1]
    [related] = finding["related"]
    assert related["path"].endswith(f"{fixture}/{defined[0]}") and related["line"] == defined[1]
    assert related["message"] == f"the options are defined here; {unset}"

    _, out, _ = run_cli("check", "--no-cache", "--format", "sarif", str(folder))
    [result] = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == rule]
    [location] = result["relatedLocations"]
    assert location["physicalLocation"]["region"]["startLine"] == defined[1]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith(f"{fixture}/{defined[0]}")
    assert location["message"]["text"] == f"the options are defined here; {unset}"

    _, out, _ = run_cli("check", "--no-cache", str(folder))
    assert f"{defined[0]}:{defined[1]}:" in out and unset in out


def test_an_object_written_in_the_call_is_no_related_location(in_tmp: Path) -> None:
    """`cors({ maxAge: 600 })`: the call is where the option goes; nothing to add."""
    here = in_tmp
    (here / "package.json").write_text('{"dependencies": {"express": "^4.21.2", "cors": "^2.8.5"}}')
    (here / "app.js").write_text(
        'const express = require("express");\nconst cors = require("cors");\n'
        "const app = express();\napp.use(cors({ maxAge: 600 }));\n"
        'app.get("/", (req, res) => res.json({}));\napp.listen(3000);\n'
    )
    _, out, _ = run_cli("check", "--no-cache", "--format", "json", ".")
    [finding] = [f for f in json.loads(out)["findings"] if f["rule_id"] == "CORS105"]
    assert finding["related"] == []


def test_the_real_cors_package_answers_any_origin_with_star() -> None:
    """The fixture's entry module run with the pinned express and cors: the named object
    is what cors gets (its exposed header is sent) and, with no `origin`, every Origin is
    answered `*`, which the CORS105 at the call says."""
    for needed in ("express", "cors"):
        require_node_package(needed)
    project = FIXTURES / "express/named_options_without_origin"
    [answer] = entry_answers(
        project, "server.js", [Request("GET", "https://any.example.net", path="/parcels/7")]
    )
    headers = {name.lower(): value for name, value in answer["headers"]}
    assert headers["access-control-allow-origin"] == "*"
    assert headers["access-control-expose-headers"] == "X-Request-Id"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_flask_cors_given_the_mapping_echoes_any_origin() -> None:
    """Flask-CORS 4 with `**CORS_KWARGS` (no `origins`): every Origin is echoed, and the
    mapping's own options act (its methods on the preflight)."""
    app = _load(FIXTURES / "flask/named_options_without_origins/app.py", "fixture_flask_named_options").app
    client = app.test_client()
    answer = client.get("/recipes", headers={"Origin": "https://any.example.net"})
    assert answer.headers["Access-Control-Allow-Origin"] == "https://any.example.net"
    preflight = client.options(
        "/recipes", headers={"Origin": "https://any.example.net", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, POST"


def test_starlette_given_the_mapping_admits_no_origin() -> None:
    """CORSMiddleware with `**cors_settings` (no `allow_origins`): no Origin is admitted."""
    from starlette.testclient import TestClient

    app = _load(FIXTURES / "starlette/named_options_without_origins/main.py", "fixture_starlette_named").app
    client = TestClient(app)
    answer = client.get("/stations", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in answer.headers
    preflight = client.options(
        "/stations", headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 400
