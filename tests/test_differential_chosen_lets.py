"""Differential truth for a `let` chosen per arm of an Origin chain and written once as the
Allow-Origin value (`extractors/express/chosen_lets.py`):

    let corsOrigin = 'https://recipes.kitchen-box.example';
    if (origin && kitchenSites.includes(origin)) corsOrigin = origin;
    else if (origin && origin.endsWith('.netlify.app')) corsOrigin = origin;
    res.setHeader('Access-Control-Allow-Origin', corsOrigin);

The Express fixtures run as `node server.js` would run them, on the pinned express of
tests/node (tests/node/entry_app_harness.mjs); the plain `http` fixture's handler runs in
tests/node/harness.js ("node" case). corslint's policy must answer every request of the
probe battery, plus origins each arm admits, as the real server does.
"""

from __future__ import annotations

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire
from tests.test_differential_imported_app_order import entry_answers

EXPRESS = FIXTURES / "express"
# fixture -> (entry module, Origins each arm admits or refuses)
ENTRY_CASES = {
    "handwritten_let_origin_chosen_per_arm": (
        "server.js",
        ("https://admin.kitchen-box.example", "https://pantry.netlify.app", "https://evil-netlify.app"),
    ),
    "handwritten_let_origin_unguarded_echo_arm": (
        "server.js",
        ("https://ops.fleet-tracker.example", "https://anyone.example"),
    ),
    "handwritten_let_origin_chosen_clean": (
        "server.js",
        (
            "https://members.city-museum.example",
            "https://kiosk-12.city-museum.example",
            "https://kiosk-x.evil",
        ),
    ),
}


def _requests(policy_requests: list[Request], origins: tuple[str, ...], path: str) -> list[Request]:
    requests = list(policy_requests)
    for origin in (*origins, None):
        requests.append(Request("GET", origin, path=path, credentials=True))
        requests.append(Request("OPTIONS", origin, (("access-control-request-method", "PUT"),), path=path))
    return requests


@pytest.mark.parametrize("fixture", sorted(ENTRY_CASES))
def test_express_let_chosen_per_arm_answers_as_real_express(fixture: str) -> None:
    require_node_package("express")
    entry, origins = ENTRY_CASES[fixture]
    (policy,) = policies_linted_inside(EXPRESS / fixture, policy_kind(fixture))
    requests = _requests(list(battery(policy)), origins, "/api/probe")
    real_answers = entry_answers(EXPRESS / fixture, entry, requests)
    # a request the middleware passes on reaches no route: express answers 404
    mismatches, compared = compare_answers(
        policy,
        requests,
        real_answers,
        # a helper's policy leaves its caller's preflight answer to the caller: unresolved
        unresolved_counts=not fixture.endswith("_clean"),
        status_of=lambda request, predicted: predicted.status if predicted.status is not None else 404,
    )
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 20


def policy_kind(fixture: str) -> str:
    return "express_helper_headers" if fixture.endswith("_clean") else "express_headers"


def test_node_http_let_refused_when_unset_answers_as_real_http() -> None:
    project = EXPRESS / "node_http_let_origin_refused_when_unset"
    (policy,) = policies_linted_inside(project, "node_headers")
    text = (project / "gateway.js").read_text("utf-8")
    start = text.index("function handle(req, res)")
    source = text[start : text.index("\n}\n", start) + 2]
    preamble = next(line for line in text.splitlines() if line.startswith("const consoles"))
    origins = ("https://console.sensor-grid.example", "http://10.20.0.15:8080", "https://evil.example")
    requests = _requests(list(battery(policy)), origins, "/readings")
    case = {
        "kind": "node",
        "name": "let_refused_when_unset",
        "preamble": preamble,
        "source": source,
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])["let_refused_when_unset"]
    mismatches, compared = compare_answers(policy, requests, real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 40
