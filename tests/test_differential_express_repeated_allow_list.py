"""Differential truth for session 13's leftover: a hand-written Express layer after the app's
`cors()` that writes again, by replacement (`res.header`), the allow-list and credentials
`cors()` already sent.

Measured with express + cors 2.8 (tests/node/entry_app_harness.mjs, each fixture's own entry
module): `cors()` ends every preflight (204) before the layer runs; on other requests the
layer's `res.header` replaces the values `cors()` wrote with the same ones. Every answer
carries one `Access-Control-Allow-Origin` (or none), the value `cors()` alone sends: the
browser sees one policy, so CORS302 ("one overrides or mixes with the other") is not
reported. The Express twin of the Starlette decision (rules/starlette_layers.py,
`repeats_library_policy`), after sweep 13 W3 (`*` only).
"""

from __future__ import annotations

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, linted_inside, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

EXPRESS = FIXTURES / "express"
ATTACKER = "https://attacker.example"
# fixture -> (entry module, its listed origins, a routed path)
CASES = {
    "credentials_middleware_after_cors": (
        "index.js",
        ("https://chirp.example.io", "https://www.chirp.example.io"),
        "/posts",
    ),
    "cors_first_then_handwritten_allow_headers": (
        "app.js",
        ("https://books.example.com", "https://audit.example.com"),
        "/entries",
    ),
    "handwritten_repeats_cors_allow_list": (
        "server.js",
        ("https://tide.example.net", "https://ops.tide.example.net"),
        "/readings",
    ),
}
_COMPARED = ("access-control-allow-origin", "access-control-allow-credentials")


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_the_repeating_layer_changes_no_answer(fixture: str) -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    entry, origins, path = CASES[fixture]
    project = EXPRESS / fixture
    requests = [
        Request(method, origin, path=path, credentials=True)
        for origin in (*origins, ATTACKER)
        for method in ("GET", "POST")
    ]
    real = entry_answers(project, entry, requests)
    policies = linted_inside(project)
    library = [p for p in policies if p.framework == "express"]
    assert len(library) == 1, policies
    for request, answer in zip(requests, real, strict=True):
        headers = [(k.lower(), v) for k, v in answer["headers"]]
        for name in _COMPARED:
            values = [v for k, v in headers if k == name]
            assert len(values) <= 1, (request, answer)  # one value: replaced, never added
            if request.origin == ATTACKER and answer["status"] >= 500:
                continue  # the origin function refused it: cors() hands an error on, nobody writes
            predicted = framework_of(library[0]).respond(library[0], request)
            # what the browser gets is what cors() alone sends
            assert (values[0] if values else None) == predicted.get(name), (request, answer)
    findings = run_lint(project).findings
    assert not [f for f in findings if f.rule_id == "CORS302"], findings
