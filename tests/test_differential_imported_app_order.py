"""Differential truth for CORS303 on `app.use(cors())` in an entry module after the imported
app module registered its routes, or after a setup function of another module registered
them on the app (`extractors/express/imported_app_order.py`), and on
exported cors options no importer passes (`extractors/express/unpassed_exported_options.py`).

Each fixture is copied inside tests/node (so that `express` and `cors` resolve to the pinned
express 5.3.0 and cors 2.8.6) and its entry module is imported as `node <entry>` would run
it (tests/node/entry_app_harness.mjs keeps the app `app.listen` is called on). For the two
fixtures CORS303 reports, the imported module's routes answer without any CORS header, and
a preflight for a route of a mounted router gets the router's own OPTIONS answer without
one, which is what CORS303 says; requests no route matches reach cors() and get the model's
answer (so the options corslint read are the options that run). For the clean fixture,
whose cors() comes before the routes, every answer is the model's.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, answer_mismatch, require_node_package, run_harness, wire

EXPRESS = FIXTURES / "express"
# fixture -> (entry module, routed (method, path) pairs, paths of routes in mounted routers)
CASES: dict[str, tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "cors_in_entry_after_imported_app_routes": (
        "src/server.js",
        (("GET", "/api/books"), ("POST", "/api/books"), ("DELETE", "/api/books/7"), ("GET", "/api/stats")),
        ("/api/books", "/api/books/7"),
    ),
    "cors_in_entry_after_imported_esm_app": (
        "src/main.js",
        (("GET", "/ledger"), ("PATCH", "/ledger/3")),
        ("/ledger", "/ledger/3"),
    ),
    "cors_after_routes_setup_call": (
        "server.js",
        (("GET", "/api/plants"), ("PUT", "/api/plants/3"), ("GET", "/api/weather")),
        ("/api/plants", "/api/plants/3"),
    ),
    "cors_before_routes_setup_call_clean": (
        "server.js",
        (("GET", "/api/plants"), ("PUT", "/api/plants/3"), ("GET", "/api/weather")),
        ("/api/plants", "/api/plants/3"),
    ),
    "cors_in_entry_before_imported_routes_clean": (
        "src/index.js",
        (("GET", "/notes"), ("PUT", "/notes/1")),
        ("/notes", "/notes/1"),
    ),
}
ORIGINS = (
    "https://library.example.org",
    "https://ledger.example.com",
    "https://notes.example.net",
    "https://garden.example.org",
    "https://evil.example",
)


def entry_answers(project: Path, entry: str, requests: list[Request]) -> list[dict[str, Any]]:
    """What the fixture `project` answers to `requests` when its `entry` module runs, with
    the pinned packages of tests/node (tests/node/entry_app_harness.mjs)."""
    copy = Path(tempfile.mkdtemp(prefix=".entry-", dir=NODE_DIR))
    try:
        shutil.copytree(project, copy / project.name)
        case = {
            "name": project.name,
            "entry": str(copy / project.name / entry),
            "requests": [wire(request) for request in requests],
        }
        return run_harness([case], "entry_app_harness.mjs")[project.name]
    finally:
        shutil.rmtree(copy)


def _requests(routed: tuple[tuple[str, str], ...], router_paths: tuple[str, ...]) -> list[Request]:
    requests = []
    for origin in ORIGINS:
        for method, path in routed:
            requests.append(Request(method, origin, path=path, credentials=True))
        for path in router_paths:
            for method in ("PUT", "DELETE", "PATCH"):
                preflight = (("access-control-request-method", method),)
                requests.append(Request("OPTIONS", origin, preflight, path=path))
        requests.append(Request("GET", origin, path="/not-routed"))
        requests.append(
            Request("OPTIONS", origin, (("access-control-request-method", "PUT"),), path="/not-routed")
        )
    return requests


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_an_entry_cors_after_the_imported_routes_never_reaches_them(fixture: str) -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    entry, routed, router_paths = CASES[fixture]
    policies = policies_linted_inside(EXPRESS / fixture, "express")
    assert len(policies) == 1, policies
    policy = policies[0]
    late = any(e.kind == "misordered" for e in policy.evidence)
    assert late is not fixture.endswith("_clean")
    requests = _requests(routed, router_paths)
    real_answers = entry_answers(EXPRESS / fixture, entry, requests)
    mismatches: list[str] = []
    unreached = 0
    for request, real in zip(requests, real_answers, strict=True):
        predicted = framework_of(policy).respond(policy, request)
        where = f"{request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
        sent = [name for name, _ in real["headers"] if name.lower().startswith("access-control-")]
        routed_request = (request.method, request.path) in routed
        router_preflight = request.method == "OPTIONS" and request.path in router_paths
        if late and (routed_request or router_preflight):
            unreached += 1
            if sent or real["status"] >= 300:
                mismatches.append(f"{where}: CORS303 says no CORS headers, got {real['status']} {sent}")
            continue
        if request.method == "OPTIONS":
            status = predicted.status
        elif request.path == "/not-routed":
            status = 404
        else:
            status = real["status"] if real["status"] < 300 else -1
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert unreached > 10 or not late


@pytest.mark.parametrize(
    ("fixture", "entry", "path", "allowed"),
    [
        (
            "exported_cors_options_imported_never_passed",
            "src/index.js",
            "/boards",
            "https://boards.example.com",
        ),
        # `config/cors.js` beside `require('cors')`: the package, not an alias of the file
        (
            "options_file_named_cors_destructured_unused",
            "server.js",
            "/concerts",
            "https://desk.tickets.example",
        ),
    ],
)
def test_exported_options_no_importer_passes_leave_the_running_layer_on_its_defaults(
    fixture: str, entry: str, path: str, allowed: str
) -> None:
    """The entry module imports the options module and mounts `cors()` without them
    (`extractors/express/unpassed_exported_options.py`). Run as `node <entry>`, every answer
    is the model's answer for that bare `cors()`, and at least one differs from what the
    exported options would have sent (CORS303)."""
    for needed in ("express", "cors"):
        require_node_package(needed)
    policies = policies_linted_inside(EXPRESS / fixture, "express")
    unused = [p for p in policies if any(e.kind == "not-applied" for e in p.evidence)]
    running = [p for p in policies if p not in unused]
    assert len(unused) == 1 and len(running) == 1, policies
    requests = []
    for origin in (allowed, "https://evil.example"):
        requests.append(Request("GET", origin, path=path, credentials=True))
        requests.append(Request("OPTIONS", origin, (("access-control-request-method", "PUT"),), path=path))
    real_answers = entry_answers(EXPRESS / fixture, entry, requests)
    differs = 0
    for request, real in zip(requests, real_answers, strict=True):
        where = f"{request.method} {request.path} Origin={request.origin}"
        predicted = framework_of(running[0]).respond(running[0], request)
        status = predicted.status if request.method == "OPTIONS" else 200
        assert answer_mismatch(where, real, predicted, status) is None
        exported = framework_of(unused[0]).respond(unused[0], request)
        differs += answer_mismatch(where, real, exported, real["status"]) is not None
    assert differs > 0
