"""apollo-server-lambda 2's `server.createHandler({ cors })` against the real package
(tests/node_apollo2: version 2.6.7 with its graphql 14 peer, which cannot share tests/node).

Version 2 does not call the cors package (frameworks/apollo_lambda2.py): it sends
Allow-Origin only from a truthy `cors.origin` (a string verbatim, the request Origin for
`true` or a listed one), never `Vary`, and Allow-Methods only when `methods` is given. So
`cors: true`, options without `origin` and a RegExp origin send no Allow-Origin, where the
cors package would send `*` or match the pattern. The fixture handlers run as they are
(their `require('apollo-server-lambda')` resolves through NODE_PATH); what they answer is
compared, request by request, with the model of each policy corslint extracts from them,
and the findings with what the answers allow."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.frameworks.apollo_lambda2 import PREFLIGHT_ONLY
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import linted_inside, run_lint

ROOT = Path(__file__).parent
HARNESS = ROOT / "node_apollo2"
FIXTURES = ROOT / "fixtures" / "express"
IMPORTED = FIXTURES / "apollo_lambda_server_from_module"
IN_FILE = FIXTURES / "apollo_lambda_handler_cors"
FOREIGN = "https://elsewhere.example"
# (fixture, handler file, export) of every handler whose cors setting makes a policy
WITH_POLICY = (
    (IMPORTED, "src/handlers/graphql.js", "hikes"),
    (IMPORTED, "src/handlers/partners.js", "partners"),
    (IN_FILE, "functions/graphql.js", "handler"),
)
QUIET = (IMPORTED, "src/handlers/quiet.js", ("plain", "withCookies", "patterned"))


def _requests(origins: list[str | None]) -> list[Request]:
    requests = []
    for origin in origins:
        for method in ("POST", "DELETE"):
            asked = (
                ("access-control-request-method", method),
                ("access-control-request-headers", "content-type"),
            )
            requests.append(Request("OPTIONS", origin, asked, path="/graphql"))
        requests.append(Request("POST", origin, (("content-type", "application/json"),), path="/graphql"))
        requests.append(Request("GET", origin, path="/graphql"))
    return requests


def _wire(request: Request) -> dict[str, Any]:
    return {"method": request.method, "origin": request.origin, "headers": dict(request.headers)}


def _run(cases: list[dict[str, Any]], modules: Path = HARNESS) -> dict[str, list[dict[str, Any]]]:
    reason = None
    if shutil.which("node") is None:
        reason = "node is not installed"
    elif not (modules / "node_modules" / "apollo-server-lambda").is_dir():
        reason = f"run `npm ci` in tests/{modules.name} first"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the node harness must run in CI: {reason}")
        pytest.skip(reason)
    out = subprocess.run(
        ["node", str(HARNESS / "lambda_harness.js")],
        input=json.dumps({"cases": cases}),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "NODE_PATH": str(modules / "node_modules")},
    )
    answers: dict[str, list[dict[str, Any]]] = json.loads(out.stdout)
    return answers


def _policy(project: Path, file: str) -> CorsPolicy:
    found = [p for p in linted_inside(project) if p.location.path == file]
    assert len(found) == 1, found
    assert found[0].framework == "apollo_lambda"
    return found[0]


def _findings(project: Path, file: str) -> list[tuple[str, int]]:
    result = run_lint(project)
    return sorted((f.rule_id, f.location.line) for f in result.findings if f.location.path.endswith(file))


def test_the_model_answers_as_the_package_does() -> None:
    cases, expected = [], {}
    for project, file, export in WITH_POLICY:
        policy = _policy(project, file)
        origin = policy.plain_option("origin")
        listed = list(origin) if isinstance(origin, tuple) else []
        requests = _requests([*listed, FOREIGN, None])
        cases.append(
            {
                "name": export,
                "file": str(project / file),
                "export": export,
                "requests": [_wire(r) for r in requests],
            }
        )
        expected[export] = (policy, requests)
    answers = _run(cases)
    mismatches = []
    compared = 0
    for name, (policy, requests) in expected.items():
        respond = framework_of(policy).respond
        for request, real in zip(requests, answers[name], strict=True):
            predicted = respond(policy, request)
            model = {k: v for k, v in predicted.headers}
            sent = dict(real["headers"])
            if request.method == "OPTIONS":
                status_ok = predicted.status == real["status"]
            else:
                status_ok = predicted.status is None  # GraphQL answers it
                # sent on every answer, read on preflights only: the model keeps them there
                for name in PREFLIGHT_ONLY:
                    sent.pop(name.lower(), None)
            if not status_ok or model != sent:
                mismatches.append(f"{name} {request.method} {request.origin}: {real} != {predicted}")
            compared += 1
    assert not mismatches, "\n".join(mismatches)
    assert compared >= 30


def test_a_string_origin_is_copied_with_the_credentials_header() -> None:
    preflight, _, post, _ = _run(
        [
            {
                "name": "hikes",
                "file": str(IMPORTED / "src/handlers/graphql.js"),
                "export": "hikes",
                "requests": [_wire(r) for r in _requests([FOREIGN])],
            }
        ]
    )["hikes"]
    for answer in (preflight, post):
        assert answer["headers"]["access-control-allow-origin"] == "*"
        assert answer["headers"]["access-control-allow-credentials"] == "true"
    # corslint: `*` with credentials (CORS201), and `*` itself (CORS105)
    assert _findings(IMPORTED, "graphql.js") == [("CORS105", 6), ("CORS201", 7)]


def test_settings_without_a_usable_origin_send_no_allow_origin() -> None:
    project, file, exports = QUIET
    answers = _run(
        [
            {
                "name": name,
                "file": str(project / file),
                "export": name,
                "requests": [_wire(r) for r in _requests([FOREIGN])],
            }
            for name in exports
        ]
    )
    for name in exports:
        assert {a["headers"].get("access-control-allow-origin") for a in answers[name]} == {None}, name
    assert [p for p in linted_inside(project) if p.location.path == file] == []
    assert _findings(project, "quiet.js") == []


def test_listed_and_reflected_origins_come_without_vary() -> None:
    listed = "https://club.trail-log.example"
    answers = _run(
        [
            {
                "name": "partners",
                "file": str(IMPORTED / "src/handlers/partners.js"),
                "export": "partners",
                "requests": [_wire(r) for r in _requests([listed])],
            },
            {
                "name": "handler",
                "file": str(IN_FILE / "functions/graphql.js"),
                "export": "handler",
                "requests": [_wire(r) for r in _requests([FOREIGN])],
            },
        ]
    )
    assert answers["partners"][2]["headers"]["access-control-allow-origin"] == listed
    # the package sends Allow-Methods on a POST too (the model keeps it on preflights)
    assert answers["partners"][2]["headers"]["access-control-allow-methods"] == "GET,POST"
    assert answers["handler"][2]["headers"]["access-control-allow-origin"] == FOREIGN
    for name in ("partners", "handler"):
        assert all("vary" not in a["headers"] for a in answers[name])
    assert _findings(IMPORTED, "partners.js") == [("CORS107", 6)]
    assert _findings(IN_FILE, "graphql.js") == [("CORS101", 17), ("CORS107", 17)]


# -- version 3: the cors package, with its defaults when no `cors` is given -----------------

HARNESS_3 = ROOT / "node_apollo3"
VERSION_3 = FIXTURES / "apollo_lambda3_handler_defaults"


def test_version_3_runs_the_cors_package_with_its_defaults() -> None:
    if not (HARNESS_3 / "node_modules" / "apollo-server-lambda").is_dir():
        if os.environ.get("CI"):
            pytest.fail("run `npm ci` in tests/node_apollo3")
        pytest.skip("run `npm ci` in tests/node_apollo3 first")
    policies = sorted(linted_inside(VERSION_3), key=lambda p: p.location.line)
    assert [(p.framework, p.location.line) for p in policies] == [
        ("apollo_server", 4),
        ("apollo_server", 7),
        ("apollo_server", 14),
    ]
    listed = "https://kitchen.pantry.example"
    requests = _requests([listed, FOREIGN, None])
    cases = [
        {
            "name": name,
            "file": str(VERSION_3 / "src/handlers.js"),
            "export": name,
            "requests": [_wire(r) for r in requests],
        }
        for name in ("open", "stale", "kitchen")
    ]
    answers = _run(cases, HARNESS_3)
    mismatches = []
    for name, policy in zip(("open", "stale", "kitchen"), policies, strict=True):
        respond = framework_of(policy).respond
        for request, real in zip(requests, answers[name], strict=True):
            predicted = respond(policy, request)
            if request.method == "OPTIONS" and predicted.status != real["status"]:
                mismatches.append(f"{name} {request.method} {request.origin}: {real} != {predicted}")
            if {k: v for k, v in predicted.headers} != real["headers"]:
                mismatches.append(f"{name} {request.method} {request.origin}: {real} != {predicted}")
    assert not mismatches, "\n".join(mismatches)
    # the defaults send `*` to everyone, the v2-style setting included; the v3 option is honoured
    assert {a["headers"].get("access-control-allow-origin") for a in answers["stale"]} == {"*"}
    assert _findings(VERSION_3, "handlers.js") == [("CORS105", 4), ("CORS105", 7)]
