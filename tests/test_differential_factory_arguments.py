"""Differential truth for a hand-written CORS middleware factory bound at its one call:
`module.exports = function (sites) { return function (req, res, next) { if
(sites.includes(origin)) ... } }` applied as `app.use(allowSites(TRUSTED_SITES))`
(tests/fixtures/express/handwritten_factory_list_argument; seen in census 6 sample 232,
`server/middleware/cors.js` + `server/app.js`).

The factory runs on the real express with the list node loads from the fixture's own
settings module (tests/node/harness.js, a "handler" case), and corslint's policy, its
parameter bound to that list, must answer the probe battery, with the listed origins added,
as it does."""

from __future__ import annotations

import json

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "express" / "handwritten_factory_list_argument"
LISTED = ("http://localhost:5173", "https://booking.example.travel")


def test_factory_bound_to_its_argument_answers_as_express() -> None:
    require_node_package("express")
    (policy,) = policies_linted_inside(PROJECT, "express_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    for origin in LISTED:
        requests += [
            Request("GET", origin, path="/"),
            Request("OPTIONS", origin, (("access-control-request-method", "DELETE"),), path="/"),
        ]
    settings = (PROJECT / "server" / "settings.js").resolve()
    factory = (PROJECT / "server" / "middleware" / "allowSites.js").read_text("utf-8")
    body = factory.split("module.exports = ", 1)[1].strip().rstrip(";")
    source = f"({body})(require({json.dumps(str(settings))}).TRUSTED_SITES)"
    case = {
        "kind": "handler",
        "name": "factory",
        "preamble": "const require = global.process.mainModule.require;",
        "handlers": [{"mount": "use", "source": source}],
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["factory"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25
